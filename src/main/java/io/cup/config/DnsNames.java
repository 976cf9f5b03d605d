package io.cup.config;

import java.util.regex.Pattern;

/**
 * The DNS name rules Kubernetes uses for names (RFC 1123), in one place: a label is lowercase
 * letters, digits and '-', starting and ending with a letter or digit; a subdomain is labels joined
 * by '.', at most {@value #MAX_SUBDOMAIN_LENGTH} characters. Resource names and namespaces,
 * definition groups, plurals and versions, and label-key prefixes all follow them.
 */
public final class DnsNames {
  /** The longest subdomain. */
  public static final int MAX_SUBDOMAIN_LENGTH = 253;

  /** One DNS label (no length bound). */
  public static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Labels joined by '.' (the length bound is {@link #isSubdomain}'s). */
  public static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private DnsNames() {}

  /** Whether {@code value} is a subdomain of at most {@value #MAX_SUBDOMAIN_LENGTH} characters. */
  public static boolean isSubdomain(String value) {
    return value != null && value.length() <= MAX_SUBDOMAIN_LENGTH && matchesSubdomain(value);
  }

  /**
   * {@link #SUBDOMAIN} without a regular expression: every request checks its namespace and name,
   * and the pattern's matcher was a few percent of a small request's cost.
   */
  static boolean matchesSubdomain(String value) {
    int length = value.length();
    int labelStart = 0;
    for (int i = 0; i <= length; i++) {
      char c = i < length ? value.charAt(i) : '.';
      if (c == '.') {
        if (i == labelStart || value.charAt(labelStart) == '-' || value.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
