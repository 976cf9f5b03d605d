package io.cup.api;

import io.cup.status.StatusException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * The first look at a request, before anything decodes its parts: framing a proxy in front could
 * read otherwise than Cup, and percent-encoding that cannot be decoded, are a {@code 400} Status
 * (and the connection is closed after a framing refusal), never a stack trace or a plain-text
 * answer from deeper down.
 *
 * <ul>
 *   <li>{@code Transfer-Encoding} with {@code Content-Length}, or a {@code Transfer-Encoding} other
 *       than exactly {@code chunked} (RFC 9112 section 6.1: a server must refuse a request whose
 *       final coding is not chunked, and may refuse both headers together). {@link
 *       StrictRequestDecoder} already refuses {@code chunked} with a length while decoding; this
 *       catches the other codings ({@code identity}, {@code chunked, identity}).
 *   <li>A {@code %} in the path or query not followed by two hex digits.
 * </ul>
 */
final class RequestHygiene {
  private RequestHygiene() {}

  /**
   * {@code next} for the requests that pass; the others are answered {@code 400} here, before the
   * router (which would answer some of them itself, or not at all, such as {@code GET *}), and
   * their connection is closed.
   */
  static Handler<HttpServerRequest> before(Handler<HttpServerRequest> next) {
    return request -> {
      String refusal = refusal(request);
      if (refusal == null) {
        next.handle(request);
      } else {
        StatusResponses.writeAndClose(request, StatusException.badRequest(refusal));
      }
    };
  }

  /** Why the request is refused, or null. */
  static String refusal(HttpServerRequest request) {
    String codings = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    if (codings != null
        && (request.headers().contains(HttpHeaders.CONTENT_LENGTH)
            || request.headers().getAll(HttpHeaders.TRANSFER_ENCODING).size() != 1
            || !codings.strip().toLowerCase(Locale.ROOT).equals("chunked"))) {
      return "Transfer-Encoding must be exactly chunked and never come with Content-Length";
    }
    String uri = request.uri();
    if (uri == null || !wellEncoded(uri)) {
      return "the request URI has a malformed percent-encoding";
    }
    return null;
  }

  /** Whether every {@code %} in {@code uri} starts a two-hex-digit escape. */
  static boolean wellEncoded(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      if (uri.charAt(i) == '%') {
        if (i + 2 >= uri.length() || !hex(uri.charAt(i + 1)) || !hex(uri.charAt(i + 2))) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
