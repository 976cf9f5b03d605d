package io.cup.access;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Recognises a bearer token ({@code Authorization: Bearer <token>}): the static token file or an
 * OIDC issuer's JWTs. As in the Kubernetes API server, each configured one is tried in turn and the
 * first that recognises the token wins.
 *
 * <p>The answer is a user when the token is one of this authenticator's and valid; empty when the
 * token is not one this authenticator knows (the next is tried); a failed future with {@link
 * AuthenticationException} when the token is this authenticator's kind but invalid (expired, bad
 * signature, wrong audience). Implementations never log or put the token in a message.
 */
public interface TokenAuthenticator {
  Future<Optional<UserInfo>> authenticate(String token);
}
