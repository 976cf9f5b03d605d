package io.cup.cli;

import java.util.regex.Pattern;

/**
 * A listen address as the original server's {@code --api-address} took it: {@code :8181} (every
 * interface), {@code host:8181}, or {@code [::1]:8181} for an IPv6 address.
 *
 * @param host the host without brackets; empty for every interface
 * @param port 0 to 65535 (0: any free port)
 */
public record ListenAddress(String host, int port) {
  private static final Pattern HOST_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong and which forms are accepted
   */
  public static ListenAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text, "empty");
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw invalid(text, "an IPv6 address needs the form [address]:port");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
      if (!IPV6.matcher(host).matches() || !host.contains(":")) {
        throw invalid(text, "\"" + host + "\" is not an IPv6 address");
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw invalid(text, "missing port");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.contains(":")) {
        throw invalid(text, "write an IPv6 address in brackets, as [::1]:8181");
      }
      if (!host.isEmpty() && !HOST_NAME.matcher(host).matches()) {
        throw invalid(text, "\"" + host + "\" is not a host name or address");
      }
    }
    if (port.isEmpty() || !port.chars().allMatch(Character::isDigit) || port.length() > 5) {
      throw invalid(text, "\"" + port + "\" is not a port number");
    }
    int number = Integer.parseInt(port);
    if (number > 65535) {
      throw invalid(text, "port " + number + " is out of range (0-65535)");
    }
    return new ListenAddress(host, number);
  }

  /** Whether the server listens on every interface. */
  public boolean allInterfaces() {
    return host.isEmpty();
  }

  /** Back in the flag's form: {@code :8181}, {@code host:8181}, {@code [::1]:8181}. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static IllegalArgumentException invalid(String text, String reason) {
    return new IllegalArgumentException(
        "invalid address \""
            + (text == null ? "" : text)
            + "\": "
            + reason
            + " (use :8181, host:8181 or [::1]:8181)");
  }
}
