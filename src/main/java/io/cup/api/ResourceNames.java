package io.cup.api;

import io.cup.config.DnsNames;
import io.cup.status.StatusException;

/**
 * Names and namespaces of resources are lowercase RFC 1123 subdomains, as in Kubernetes: they
 * become file paths in the repository, so anything else ({@code ..}, {@code /}, upper case, '_') is
 * refused before a request goes further.
 */
final class ResourceNames {
  static final int MAX_LENGTH = DnsNames.MAX_SUBDOMAIN_LENGTH;

  private ResourceNames() {}

  static boolean isSubdomain(String value) {
    return DnsNames.isSubdomain(value);
  }

  /** Fails with 400 unless {@code value} is a subdomain; {@code what} is "name" or "namespace". */
  static void requireSubdomain(String what, String value) {
    if (!isSubdomain(value)) {
      throw StatusException.badRequest(
          "invalid "
              + what
              + " \""
              + shorten(value)
              + "\": must be a lowercase RFC 1123 subdomain (letters a-z, digits, '-' and '.',"
              + " starting and ending with a letter or digit, at most "
              + MAX_LENGTH
              + " characters)");
    }
  }

  private static String shorten(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }
}
