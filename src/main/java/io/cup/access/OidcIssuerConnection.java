package io.cup.access;

import io.cup.config.AccessSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OIDC authenticator, with its issuer allowed to be unreachable: when discovery fails at start
 * the server starts anyway (other authenticators work), tokens of that issuer are refused, and
 * discovery is tried again when such a token arrives, at most once per {@link #RETRY_SECONDS}, as
 * the Kubernetes API server keeps trying in the background instead of refusing to start.
 */
public final class OidcIssuerConnection implements TokenAuthenticator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OidcIssuerConnection.class);

  /** The least time between two discovery attempts. */
  public static final long RETRY_SECONDS = 10;

  private final Vertx vertx;
  private final AccessSettings settings;

  // guarded by this
  private OidcAuthenticator ready;
  private Future<OidcAuthenticator> discovering;
  private long nextAttemptNanos;

  private OidcIssuerConnection(Vertx vertx, AccessSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Discovers the issuer once; the answer succeeds whether or not the issuer answered. */
  public static Future<OidcIssuerConnection> start(Vertx vertx, AccessSettings settings) {
    OidcIssuerConnection connection = new OidcIssuerConnection(vertx, settings);
    return connection.discover().otherwiseEmpty().map(connection);
  }

  /** Whether the issuer's keys are known. */
  public synchronized boolean connected() {
    return ready != null;
  }

  @Override
  public Future<Optional<UserInfo>> authenticate(String token) {
    OidcAuthenticator current;
    synchronized (this) {
      current = ready;
    }
    if (current != null) {
      return current.authenticate(token);
    }
    if (!OidcAuthenticator.claimsIssuer(token, settings.oidcIssuerUrl())) {
      return Future.succeededFuture(Optional.empty());
    }
    return discover()
        .recover(
            e ->
                Future.failedFuture(
                    new AuthenticationException(
                        "OIDC token refused: the issuer "
                            + settings.oidcIssuerUrl()
                            + " cannot be reached ("
                            + e.getMessage()
                            + ")")))
        .compose(authenticator -> authenticator.authenticate(token));
  }

  /** One discovery at a time, at most once per {@link #RETRY_SECONDS}. */
  private synchronized Future<OidcAuthenticator> discover() {
    if (ready != null) {
      return Future.succeededFuture(ready);
    }
    if (discovering != null) {
      return discovering;
    }
    long now = System.nanoTime();
    if (nextAttemptNanos != 0 && now < nextAttemptNanos) {
      return Future.failedFuture("not retried yet");
    }
    nextAttemptNanos = now + TimeUnit.SECONDS.toNanos(RETRY_SECONDS);
    Future<OidcAuthenticator> attempt =
        OidcAuthenticator.discover(vertx, settings)
            .onComplete(
                ar -> {
                  synchronized (this) {
                    discovering = null;
                    if (ar.succeeded()) {
                      ready = ar.result();
                    }
                  }
                  if (ar.succeeded()) {
                    LOG.info("OIDC issuer {} discovered", settings.oidcIssuerUrl());
                  } else {
                    LOG.warn(
                        "OIDC issuer {} cannot be reached: its tokens are refused until it can"
                            + " ({}; next try on a token of it, in {} s at the earliest)",
                        settings.oidcIssuerUrl(),
                        ar.cause().getMessage(),
                        RETRY_SECONDS);
                  }
                });
    discovering = attempt;
    return attempt;
  }

  @Override
  public synchronized void close() {
    if (ready != null) {
      ready.close();
    }
  }
}
