package io.cup.api;

import io.cup.access.AuditLog;
import io.cup.access.Authentication;
import io.cup.access.Authorizer;
import io.cup.access.Authorizers;
import io.cup.access.ClientCertificates;
import io.cup.access.FileWatch;
import io.cup.access.OidcIssuerConnection;
import io.cup.access.StaticTokens;
import io.cup.access.TokenAuthenticator;
import io.cup.config.AccessSettings;
import io.cup.config.RbacPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity and access pieces of one HTTP API instance, made from {@link AccessSettings}: TLS
 * for its server (the certificate re-read when its files change), the authenticators (static tokens
 * re-read when the file changes, OIDC, client certificates) and the authorizer. Everything that
 * reads a file does so on a worker thread.
 */
final class ApiAccess {
  private static final Logger LOG = LoggerFactory.getLogger(ApiAccess.class);

  private final Vertx vertx;
  private final AccessSettings settings;
  private final Authentication authentication;
  private final Authorizer authorizer;
  private final ClientCertificates certificates;
  private final long reloadMillis;
  private final List<FileWatch> watches = new ArrayList<>();
  private AuditLog audit = AuditLog.NONE;
  private final OidcIssuerConnection oidc;

  private ApiAccess(
      Vertx vertx,
      AccessSettings settings,
      Authentication authentication,
      Authorizer authorizer,
      ClientCertificates certificates,
      OidcIssuerConnection oidc,
      long reloadMillis) {
    this.oidc = oidc;
    this.vertx = vertx;
    this.settings = settings;
    this.authentication = authentication;
    this.authorizer = authorizer;
    this.certificates = certificates;
    this.reloadMillis = reloadMillis;
  }

  /**
   * Reads the token file and the client CA, discovers the OIDC issuer, and starts watching the
   * token file.
   *
   * @param reloadMillis how often the token file and the TLS files are looked at
   */
  static Future<ApiAccess> start(
      Vertx vertx, AccessSettings settings, RbacPolicy policy, long reloadMillis) {
    Authorizer authorizer = Authorizers.of(settings, policy);
    return vertx
        .executeBlocking(
            () ->
                new Loaded(
                    settings.tokenAuthFile() == null
                        ? null
                        : StaticTokens.load(Path.of(settings.tokenAuthFile())),
                    settings.clientCaFile() == null
                        ? null
                        : ClientCertificates.load(Path.of(settings.clientCaFile()))),
            false)
        .compose(
            loaded -> {
              Future<OidcIssuerConnection> oidc =
                  settings.oidcIssuerUrl() == null
                      ? Future.succeededFuture()
                      : OidcIssuerConnection.start(vertx, settings);
              return oidc.map(
                      issuer -> {
                        List<TokenAuthenticator> tokens = new ArrayList<>();
                        if (loaded.tokens() != null) {
                          tokens.add(loaded.tokens());
                        }
                        if (issuer != null) {
                          tokens.add(issuer);
                        }
                        Authentication authentication =
                            new Authentication(
                                loaded.certificates(), tokens, settings.anonymousAuth());
                        return new ApiAccess(
                            vertx,
                            settings,
                            authentication,
                            authorizer,
                            loaded.certificates(),
                            issuer,
                            reloadMillis);
                      })
                  .compose(access -> access.watchTokens(loaded.tokens()).map(access))
                  .compose(access -> access.openAudit().map(access));
            })
        .onSuccess(
            access -> {
              policy.danglingReferences().forEach(message -> LOG.warn("RBAC: {}", message));
              if (access.authentication.configured() && !settings.tls()) {
                LOG.warn(
                    "authentication is configured but the API is served over plain HTTP: tokens"
                        + " cross the network in the clear (set --api-tls-cert-file and"
                        + " --api-tls-private-key-file)");
              }
              LOG.info(
                  "identity and access: authorization {}, anonymous requests {}",
                  settings.effectiveAuthorizationMode(),
                  access.authentication.configured() && !settings.anonymousAuth()
                      ? "refused"
                      : "allowed");
            });
  }

  private record Loaded(StaticTokens tokens, ClientCertificates certificates) {}

  /** Re-reads the token file when it changes (rotation without a restart). */
  private Future<Void> watchTokens(StaticTokens tokens) {
    if (tokens == null) {
      return Future.succeededFuture();
    }
    return watch(
        List.of(tokens.file()),
        () ->
            vertx.executeBlocking(
                () -> {
                  tokens.reload();
                  return null;
                },
                false));
  }

  private Future<Void> watch(List<Path> files, Supplier<Future<?>> reload) {
    FileWatch watch = new FileWatch(vertx, files, reload);
    watches.add(watch);
    return watch.start(reloadMillis);
  }

  /**
   * The audit log: one per Vert.x instance, shared by the API instances (two writers of one file
   * would interleave their lines), closed by the last one that stops.
   */
  private Future<Void> openAudit() {
    String path = settings.auditLogPath();
    if (path == null || path.isBlank()) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(
            () -> {
              synchronized (SharedAudit.class) {
                LocalMap<String, SharedAudit> logs =
                    vertx.sharedData().getLocalMap(SharedAudit.MAP);
                SharedAudit shared = logs.get(path);
                if (shared == null) {
                  shared = new SharedAudit(AuditLog.open(path));
                  logs.put(path, shared);
                }
                shared.users++;
                return shared.log;
              }
            },
            false)
        .map(
            log -> {
              audit = log;
              return null;
            });
  }

  private void closeAudit() {
    String path = settings.auditLogPath();
    if (audit == AuditLog.NONE) {
      return;
    }
    synchronized (SharedAudit.class) {
      LocalMap<String, SharedAudit> logs = vertx.sharedData().getLocalMap(SharedAudit.MAP);
      SharedAudit shared = logs.get(path);
      if (shared != null && --shared.users == 0) {
        logs.remove(path);
        shared.log.close();
      }
    }
    audit = AuditLog.NONE;
  }

  /** The audit log and how many API instances use it, kept in the Vert.x instance's local map. */
  private static final class SharedAudit implements Shareable {
    static final String MAP = "cup.audit.logs";
    final AuditLog log;
    int users;

    SharedAudit(AuditLog log) {
      this.log = log;
    }
  }

  AuditLog audit() {
    return audit;
  }

  Authentication authentication() {
    return authentication;
  }

  Authorizer authorizer() {
    return authorizer;
  }

  /** {@code base} with TLS when configured (and client certificates asked for, when configured). */
  HttpServerOptions serverOptions(HttpServerOptions base) {
    if (!settings.tls()) {
      return base;
    }
    ServerSSLOptions ssl = sslOptions();
    base.setSsl(true).setKeyCertOptions(ssl.getKeyCertOptions()).setClientAuth(ssl.getClientAuth());
    if (ssl.getTrustOptions() != null) {
      base.setTrustOptions(ssl.getTrustOptions());
    }
    return base;
  }

  /**
   * {@code base} with the API's certificate when it has one, for the TCP event-bus bridge. No
   * client certificates: a bridge client authenticates with a bearer token.
   */
  NetServerOptions bridgeOptions(NetServerOptions base) {
    if (!settings.tls()) {
      return base;
    }
    return base.setSsl(true).setKeyCertOptions(bridgeSslOptions().getKeyCertOptions());
  }

  private ServerSSLOptions bridgeSslOptions() {
    return new ServerSSLOptions()
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(settings.tlsCertFile())
                .setKeyPath(settings.tlsKeyFile()))
        .setClientAuth(ClientAuth.NONE);
  }

  /** As {@link #watchTls(HttpServer)}, for the TCP event-bus bridge's server. */
  Future<Void> watchTls(NetServer server) {
    if (!settings.tls()) {
      return Future.succeededFuture();
    }
    return watch(
        List.of(Path.of(settings.tlsCertFile()), Path.of(settings.tlsKeyFile())),
        () ->
            server
                .updateSSLOptions(bridgeSslOptions(), true)
                .onSuccess(
                    updated ->
                        LOG.info(
                            "TLS certificate {} reloaded (TCP bridge)", settings.tlsCertFile())));
  }

  private ServerSSLOptions sslOptions() {
    ServerSSLOptions ssl =
        new ServerSSLOptions()
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(settings.tlsCertFile())
                    .setKeyPath(settings.tlsKeyFile()));
    if (certificates != null) {
      ssl.setClientAuth(ClientAuth.REQUEST)
          .setTrustOptions(TrustOptions.wrap(certificates.acceptAnyAtHandshake()));
    } else {
      ssl.setClientAuth(ClientAuth.NONE);
    }
    return ssl;
  }

  /**
   * Once {@code server} listens: a changed certificate or key file is loaded into it without a
   * restart (connections already open keep the certificate they were made with).
   */
  Future<Void> watchTls(HttpServer server) {
    if (!settings.tls()) {
      return Future.succeededFuture();
    }
    return watch(
        List.of(Path.of(settings.tlsCertFile()), Path.of(settings.tlsKeyFile())),
        () ->
            server
                .updateSSLOptions(sslOptions(), true)
                .onSuccess(
                    updated -> LOG.info("TLS certificate {} reloaded", settings.tlsCertFile())));
  }

  /** Stops watching files and lets go of the audit log (flushed when the last user stops). */
  Future<Void> stop() {
    watches.forEach(FileWatch::stop);
    if (oidc != null) {
      oidc.close();
    }
    return vertx.executeBlocking(
        () -> {
          closeAudit();
          return null;
        },
        false);
  }
}
