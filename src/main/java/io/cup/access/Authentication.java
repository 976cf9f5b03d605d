package io.cup.access;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who a request is from, as the Kubernetes API server decides it: a verified client certificate
 * first, then each bearer-token authenticator in turn (the static token file, then OIDC); the first
 * that recognises the request wins. Credentials that were presented and refused make the request
 * 401, even when anonymous requests are allowed; a request with no credentials at all is {@link
 * UserInfo#ANONYMOUS} when {@code anonymous}, else 401.
 *
 * <p>With no authenticator configured (the demo), every request is {@link UserInfo#ANONYMOUS} and
 * authorization decides (AlwaysAllow by default).
 */
public final class Authentication {
  private static final String BEARER = "bearer ";

  private final ClientCertificates certificates;
  private final List<TokenAuthenticator> tokens;
  private final boolean anonymous;

  /**
   * @param certificates client certificate verification, or null when not configured
   * @param tokens the bearer-token authenticators, in the order they are tried
   * @param anonymous whether a request with no credentials is anonymous rather than 401 (always so
   *     when nothing is configured)
   */
  public Authentication(
      ClientCertificates certificates, List<TokenAuthenticator> tokens, boolean anonymous) {
    this.certificates = certificates;
    this.tokens = List.copyOf(tokens);
    this.anonymous = anonymous || (certificates == null && tokens.isEmpty());
  }

  /** Whether any authenticator is configured. */
  public boolean configured() {
    return certificates != null || !tokens.isEmpty();
  }

  /**
   * The user; a failed future with {@link AuthenticationException} means 401. Never blocks: the
   * token file is in memory, OIDC keys and verified tokens are cached.
   */
  public Future<UserInfo> authenticate(HttpServerRequest request) {
    AuthenticationException refused = null;
    if (certificates != null && request.isSSL()) {
      try {
        Optional<UserInfo> user = certificates.authenticate(peerCertificates(request));
        if (user.isPresent()) {
          return Future.succeededFuture(user.get());
        }
      } catch (AuthenticationException e) {
        refused = e;
      }
    }
    return authenticate(bearerToken(request), refused);
  }

  /**
   * The user a bearer token names, as for a request that carries only {@code Authorization: Bearer
   * <token>}: the event-bus bridges' clients present one per registration. {@code token} null: no
   * credentials (anonymous when allowed, else 401). Never blocks.
   */
  public Future<UserInfo> authenticateToken(String token) {
    return authenticate(token == null || token.isBlank() ? null : token.strip(), null);
  }

  /**
   * The token of an {@code Authorization} header value ({@code Bearer <token>}, the scheme in any
   * case), or null when it is absent or of another scheme.
   */
  public static String bearerToken(String header) {
    if (header == null || header.length() <= BEARER.length()) {
      return null;
    }
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = header.substring(BEARER.length()).strip();
    return token.isEmpty() ? null : token;
  }

  private Future<UserInfo> authenticate(String token, AuthenticationException refused) {
    if (token == null || tokens.isEmpty()) {
      return noneRecognised(refused, token != null);
    }
    return tryTokens(token, 0, refused);
  }

  private Future<UserInfo> tryTokens(String token, int index, AuthenticationException refused) {
    if (index == tokens.size()) {
      return noneRecognised(refused, true);
    }
    return tokens
        .get(index)
        .authenticate(token)
        .transform(
            ar -> {
              if (ar.succeeded() && ar.result().isPresent()) {
                return Future.succeededFuture(ar.result().get());
              }
              AuthenticationException next = refused;
              if (ar.failed()) {
                next =
                    ar.cause() instanceof AuthenticationException e
                        ? e
                        : new AuthenticationException("token check failed", ar.cause());
              }
              return tryTokens(token, index + 1, next);
            });
  }

  /**
   * Nothing recognised the request: refused credentials are 401; a token that no authenticator
   * knows is 401; no credentials at all are anonymous when allowed.
   */
  private Future<UserInfo> noneRecognised(AuthenticationException refused, boolean hadToken) {
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    if (hadToken && configured()) {
      return Future.failedFuture(new AuthenticationException("unknown bearer token"));
    }
    if (anonymous) {
      return Future.succeededFuture(UserInfo.ANONYMOUS);
    }
    return Future.failedFuture(new AuthenticationException("no credentials"));
  }

  /** The token of {@code Authorization: Bearer <token>}, or null. */
  static String bearerToken(HttpServerRequest request) {
    return bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
  }

  private static List<Certificate> peerCertificates(HttpServerRequest request) {
    try {
      return request.connection().peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }
}
