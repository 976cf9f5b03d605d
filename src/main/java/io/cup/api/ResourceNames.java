package io.cup.api;

import io.cup.status.StatusException;

/**
 * Names and namespaces of resources are lowercase RFC 1123 subdomains, as in Kubernetes: they
 * become file paths in the repository, so anything else ({@code ..}, {@code /}, upper case, '_') is
 * refused before a request goes further.
 */
final class ResourceNames {
  static final int MAX_LENGTH = 253;

  private ResourceNames() {}

  static boolean isSubdomain(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    int labelStart = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || value.charAt(i) == '.') {
        if (!isLabel(value, labelStart, i)) {
          return false;
        }
        labelStart = i + 1;
      }
    }
    return true;
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

  private static boolean isLabel(String value, int start, int end) {
    if (start == end) {
      return false;
    }
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      boolean edge = i == start || i == end - 1;
      if (!alphanumeric && (edge || c != '-')) {
        return false;
      }
    }
    return true;
  }

  private static String shorten(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }
}
