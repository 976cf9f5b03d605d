package io.cup.api;

import io.cup.bus.SourceKind;
import io.cup.cluster.ClusterMembership;
import io.cup.config.BridgeSettings;
import io.cup.config.ConfigurationException;
import io.cup.config.HttpSettings;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (DESIGN.md section 3). Runs on an event loop, in as many instances as wanted: it
 * routes, negotiates, validates and maps errors, and asks the other verticles for everything else
 * over the event bus ({@code cup.controller.*}, {@code cup.proposal.*}, {@code
 * cup.repository.status}). Each instance owns its HTTP server and what it alone writes, none of it
 * durable: the open proposals per resource ({@link PendingProposals}), the resources read at the
 * tracked head ({@link HeadReads}) and its watchers ({@link Watches}), and the event-bus bridges
 * ({@link SockJsBridge} on its port, {@link TcpBridge} on its own). The one thing its instances
 * share, the webhook deliveries already handled ({@link WebhookDeliveries}), is handed in by the
 * launcher.
 *
 * <p>Deployment config: {@code "server"} (a {@link ServerConfig}); optional {@code
 * controllerTimeoutMillis} (30 000), {@code proposalCreateTimeoutMillis} (60 000, also merge),
 * {@code proposalTimeoutMillis} (30 000), {@code statusTimeoutMillis} (5 000), {@code
 * shutdownTimeoutSeconds} (30), {@code validationPoolSize} (4), {@code headReadsCapacity} (10 000
 * resources read at the tracked head kept per instance, see {@link HeadReads}), {@code
 * controllerQueue} (64 per processor: outstanding controller reads per instance before the API
 * answers 503 with {@code Retry-After}), {@code controllerWriteQueue} (128 per processor, at most
 * {@code controllerQueue}: the same for writes, bounded apart so writes never make reads 503),
 * {@code webhookTimeoutMillis} (10 000: a webhook's fetch or pull request update, see {@link
 * WebhookApi}), {@code uiWebRoot} ({@value WebUi#DEFAULT_WEB_ROOT}: the classpath directory the web
 * UI is served from, see {@link WebUi}).
 */
public class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals";
  private static final String BUILT_IN_PROPOSALS = "cup.flipt.io/v1alpha1/proposals";
  static final String RESOURCES = "/apis/:group/:version/namespaces/:namespace/:plural";

  private final WebhookDeliveries webhookDeliveries;
  private final ClusterMembership membership;
  private final ResourceConfiguration given;
  private HttpServer server;
  private WorkerExecutor validation;
  private PendingProposals pending;
  private HeadReads headReads;
  private Watches watches;
  private ApiAccess access;
  private ConnectionGuard connections;
  private WebUi ui;
  private BridgeAccess bridgeAccess;
  private TcpBridge tcpBridge;

  /**
   * @param webhookDeliveries the server's record of webhook deliveries handled already, shared by
   *     every instance; the launcher owns it
   */
  public ApiVerticle(WebhookDeliveries webhookDeliveries) {
    this(webhookDeliveries, ClusterMembership.NONE);
  }

  /**
   * @param webhookDeliveries as above
   * @param membership the node's view of its cluster ({@link ClusterMembership#NONE}: one JVM):
   *     {@code /readyz} is not ready while the node is not a member
   */
  public ApiVerticle(WebhookDeliveries webhookDeliveries, ClusterMembership membership) {
    this.webhookDeliveries = Objects.requireNonNull(webhookDeliveries, "webhookDeliveries");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.given = null;
  }

  /**
   * As {@link #ApiVerticle(WebhookDeliveries, ClusterMembership)}, serving {@code resources}, the
   * configuration the launcher loaded and checked from {@code resourcesDir} (shared by every
   * instance, never modified), rather than loading it again at start.
   */
  public ApiVerticle(
      WebhookDeliveries webhookDeliveries,
      ClusterMembership membership,
      ResourceConfiguration resources) {
    this.webhookDeliveries = Objects.requireNonNull(webhookDeliveries, "webhookDeliveries");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.given = Objects.requireNonNull(resources, "resources");
  }

  @Override
  public Future<?> start() {
    ServerConfig config = ServerConfig.of(config());
    if (config.resourcesDir() == null || config.resourcesDir().isBlank()) {
      return Future.failedFuture(
          new ConfigurationException("no resource configuration directory (--api-resources)"));
    }
    Path dir = Path.of(config.resourcesDir());
    Future<ResourceConfiguration> configuration =
        given != null
            ? Future.succeededFuture(given)
            : vertx.executeBlocking(() -> ResourceConfigurationLoader.load(dir));
    return configuration
        .compose(
            resources -> {
              validation =
                  vertx.createSharedWorkerExecutor(
                      "cup-api-validation", config().getInteger("validationPoolSize", 4));
              BusClient bus = BusClient.of(vertx, config());
              pending = new PendingProposals(vertx, bus);
              headReads =
                  config.sourceKind() == SourceKind.GIT
                      ? new HeadReads(
                          vertx,
                          bus,
                          config().getInteger("headReadsCapacity", HeadReads.DEFAULT_CAPACITY))
                      : null;
              watches =
                  config.sourceKind() == SourceKind.GIT
                      ? new Watches(vertx, bus, config.watchBookmarkMillis())
                      : null;
              // the default limit asks the JVM's management beans for the descriptor limit: their
              // first use reads the process's control groups (files), so off the event loop, beside
              // the rest of the start
              Future<Integer> maxConnections =
                  config.http().maxConnections() > 0
                      ? Future.succeededFuture(config.http().maxConnections())
                      : vertx.executeBlocking(ConnectionGuard::defaultMaxConnections, false);
              return WebUi.load(
                      vertx,
                      config().getString("uiWebRoot", WebUi.DEFAULT_WEB_ROOT),
                      config.access(),
                      config.http().publicUrl())
                  .compose(
                      loaded -> {
                        ui = loaded;
                        return ApiAccess.start(
                            vertx,
                            config.access(),
                            resources.rbac(),
                            config().getLong("accessReloadMillis", 1_000L));
                      })
                  .compose(started -> maxConnections.map(started))
                  .compose(
                      started -> {
                        access = started;
                        bridgeAccess =
                            new BridgeAccess(
                                access.authentication(), access.authorizer(), config.bridges());
                        HttpSettings http = config.http();
                        connections =
                            new ConnectionGuard(
                                vertx,
                                http.idleTimeoutMillis(),
                                http.requestTimeoutMillis(),
                                maxConnections.result());
                        server =
                            vertx.createHttpServer(
                                connections.serverOptions(
                                    access.serverOptions(compression(new HttpServerOptions()))));
                        server
                            .connectionHandler(c -> connections.connected(c, server.actualPort()))
                            .requestHandler(
                                connections.requests(
                                    RequestHygiene.before(router(config, resources, bus))));
                        return Future.all(
                            pending.start(),
                            headReads == null ? Future.succeededFuture() : headReads.start(),
                            watches == null ? Future.succeededFuture() : watches.start());
                      });
            })
        .compose(
            ignored -> {
              String host =
                  config.host() == null || config.host().isBlank() ? "0.0.0.0" : config.host();
              return server.listen(config.port(), host);
            })
        .compose(listening -> access.watchTls(listening).map(listening))
        .compose(listening -> startTcpBridge(config).map(listening))
        .onSuccess(
            s ->
                LOG.info(
                    "HTTP API listening on port {} ({}; at most {} connections, idle timeout {}"
                        + " ms, request timeout {} ms)",
                    s.actualPort(),
                    config.access().tls() ? "https" : "http",
                    connections.maxConnections(),
                    config.http().idleTimeoutMillis(),
                    config.http().requestTimeoutMillis()));
  }

  /**
   * The TCP event-bus bridge, when {@code --bridge-tcp-address} asks for one: every instance
   * listens on it (Vert.x spreads the connections), with the API's certificate.
   */
  private Future<Void> startTcpBridge(ServerConfig config) {
    BridgeSettings bridges = config.bridges();
    if (!bridges.tcp()) {
      return Future.succeededFuture();
    }
    tcpBridge = new TcpBridge(vertx, bridgeAccess, access.bridgeOptions(new NetServerOptions()));
    String host =
        bridges.tcpHost() == null || bridges.tcpHost().isBlank() ? "0.0.0.0" : bridges.tcpHost();
    return tcpBridge
        .listen(bridges.tcpPort(), host)
        .compose(server -> access.watchTls(server).map(server))
        .onSuccess(
            server ->
                LOG.info(
                    "TCP event-bus bridge listening on port {} ({}, outbound {}, inbound {})",
                    server.actualPort(),
                    config.access().tls() ? "TLS" : "plain",
                    BridgeAccess.OUTBOUND.keySet(),
                    bridges.inbound()))
        .mapEmpty();
  }

  /** The whole URL space, in match order: the built-in proposals before the resource routes. */
  private Router router(ServerConfig config, ResourceConfiguration resources, BusClient bus) {
    ResourceApi api = new ResourceApi(resources);
    ResourceReads reads =
        new ResourceReads(bus, pending, headReads, watches, config.sourceKind() == SourceKind.GIT);
    ResourceWrites writes =
        new ResourceWrites(
            bus, validation, pending, config.maxResourceBytes(), config.wasmMaxBodyBytes());
    ProposalApi proposals = new ProposalApi(bus, pending);
    HealthApi health = new HealthApi(bus, membership);
    WebhookApi webhooks =
        new WebhookApi(
            bus,
            validation,
            config.scm(),
            config().getLong("webhookTimeoutMillis", 10_000L),
            webhookDeliveries);
    StatusResponses errors = new StatusResponses(config.maxBodyBytes());
    Path spool = Path.of(config.dataDir(), "tmp");
    SpooledBodyHandler body =
        new SpooledBodyHandler(vertx, spool, config.maxBodyBytes(), config.http().bodySpoolBytes());

    if (resources.served().containsKey(BUILT_IN_PROPOSALS)) {
      LOG.warn(
          "a definition serves {} in namespaces; discovery of cup.flipt.io/v1alpha1 lists the"
              + " built-in proposals under that name",
          BUILT_IN_PROPOSALS);
    }
    Router router = Router.router(vertx);
    router.route().handler(new AccessLog());
    router
        .route()
        .handler(
            new AccessControl(access.authentication(), access.authorizer(), access.audit())
                ::handle);
    router.route().handler(connections::handle);
    router.route().handler(new BrowserGuard(config.http(), config.host())::handle);
    ReviewApi reviews = new ReviewApi(access.authorizer());
    BodyHandler reviewBody = BodyHandler.create(false).setBodyLimit(ReviewApi.MAX_BODY_BYTES);
    RouteTable routes = new RouteTable(router);
    routes.path("/healthz").on(HttpMethod.GET, health::live).end();
    routes.path("/livez").on(HttpMethod.GET, health::live).end();
    routes.path("/readyz").on(HttpMethod.GET, health::ready).end();
    routes.path("/metrics").on(HttpMethod.GET, health::metrics).end();
    if (config.bridges().sockJs()) {
      router
          .route(BridgeSettings.SOCKJS_PATH + "/*")
          .subRouter(new SockJsBridge(vertx, bridgeAccess, config.bridges()).router());
    }
    router.get("/").handler(ui::home);
    router.get("/ui").handler(ui::slash);
    routes.path(WebUi.CONFIG).on(HttpMethod.GET, ui::config).end();
    routes
        .path(WebUi.PATH + "*")
        .on(HttpMethod.GET, ui::headers, ui.files(), ui::fallback)
        .on(HttpMethod.HEAD, ui::headers, ui.files(), ui::fallback)
        .end();
    OpenApiApi openApi = new OpenApiApi(vertx, resources);
    routes.path(OpenApiApi.V3).on(HttpMethod.GET, openApi::index).end();
    routes.path(OpenApiApi.V3_GROUP_VERSION).on(HttpMethod.GET, openApi::groupVersion).end();
    routes.path(OpenApiApi.V2).on(HttpMethod.GET, openApi::v2).end();
    routes.path(OpenApiApi.CUP).on(HttpMethod.GET, openApi::cup).end();
    Discovery discovery = new Discovery(resources, config.sourceKind() == SourceKind.GIT, bus);
    routes.path("/version").on(HttpMethod.GET, discovery::version).end();
    routes.path("/api").on(HttpMethod.GET, discovery::core).end();
    routes.path("/apis").on(HttpMethod.GET, discovery::groups).end();
    routes.path(PROPOSALS).on(HttpMethod.GET, proposals::list).end();
    routes.path(PROPOSALS + "/:id").on(HttpMethod.GET, proposals::get).end();
    routes.path(PROPOSALS + "/:id/merge").on(HttpMethod.POST, proposals::merge).end();
    routes.path(PROPOSALS + "/:id/close").on(HttpMethod.POST, proposals::close).end();
    routes
        .path(WebhookApi.PATH)
        .on(
            HttpMethod.POST,
            webhooks::scm,
            new SpooledBodyHandler(
                vertx, spool, WebhookApi.MAX_BODY_BYTES, config.http().bodySpoolBytes()),
            webhooks::deliver)
        .end();
    // a webhook body over its own limit: the 413 names that limit
    router
        .route(WebhookApi.PATH)
        .failureHandler(new StatusResponses(WebhookApi.MAX_BODY_BYTES)::handle);
    routes
        .path(ReviewApi.ACCESS_REVIEWS)
        .on(HttpMethod.POST, reviewBody, reviews::accessReview)
        .end();
    routes
        .path(ReviewApi.RULES_REVIEWS)
        .on(HttpMethod.POST, reviewBody, reviews::rulesReview)
        .end();
    routes.path(ReviewApi.SELF_REVIEWS).on(HttpMethod.POST, reviewBody, reviews::selfReview).end();
    routes
        .path(ReviewApi.SELF_REVIEWS_V1BETA1)
        .on(HttpMethod.POST, reviewBody, reviews::selfReview)
        .end();
    // The templates below have different numbers of segments, so no two match the same path and
    // their order is free: the one-resource routes come first, as the most frequent request (a
    // route the router tries in vain still costs it a regular expression).
    routes
        .path(RESOURCES + "/:name")
        .all(api::resolve)
        .on(HttpMethod.GET, reads::get)
        .on(HttpMethod.PUT, writes::requireJsonBody, body, writes::put)
        .on(HttpMethod.PATCH, writes::requirePatchBody, body, writes::patch)
        .on(HttpMethod.DELETE, writes::requireDeleteOptions, body, writes::delete)
        .end();
    HistoryReads history = new HistoryReads(bus, config.sourceKind() == SourceKind.GIT);
    routes
        .path(RESOURCES + "/:name/history")
        .all(api::resolve)
        .on(HttpMethod.GET, history::history)
        .end();

    routes.path("/apis/:group/:version").on(HttpMethod.GET, discovery::resources).end();
    routes
        .path(RESOURCES)
        .all(api::resolve)
        .on(HttpMethod.GET, reads::list)
        .on(HttpMethod.POST, writes::requireJsonBody, body, writes::create)
        .end();
    // across namespaces, as Kubernetes: list and watch only
    routes
        .path("/apis/:group/:version/:plural")
        .all(api::resolve)
        .on(HttpMethod.GET, reads::list)
        .end();
    router.route().failureHandler(errors::handle);
    router.errorHandler(404, errors::handle);
    router.errorHandler(405, errors::handle);
    router.errorHandler(500, errors::handle);
    return router;
  }

  /**
   * gzip (or deflate) for clients that accept it, of every answer but watches, which set {@code
   * Content-Encoding: identity} (see {@link Watches}) so that each event leaves when written. No
   * size threshold: Netty's would also skip files, whose head goes out before their bytes.
   */
  static HttpServerOptions compression(HttpServerOptions options) {
    return options.setCompressionSupported(true);
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The port the TCP event-bus bridge listens on; -1 when there is none. */
  public int tcpBridgePort() {
    return tcpBridge == null ? -1 : tcpBridge.server().actualPort();
  }

  /** Stops accepting connections and lets requests in flight finish (up to the timeout). */
  @Override
  public Future<?> stop() {
    long timeout = config().getLong("shutdownTimeoutSeconds", 30L);
    // open watches never end by themselves: end them first, or the shutdown waits for them
    Future<Void> watching =
        (watches == null ? Future.<Void>succeededFuture() : watches.stop())
            .eventually(() -> tcpBridge == null ? Future.succeededFuture() : tcpBridge.close());
    Future<Void> closed =
        watching.eventually(
            () ->
                server == null
                    ? Future.succeededFuture()
                    : server.shutdown(timeout, TimeUnit.SECONDS));
    return closed
        .eventually(() -> access == null ? Future.succeededFuture() : access.stop())
        .eventually(() -> pending == null ? Future.succeededFuture() : pending.stop())
        .eventually(() -> headReads == null ? Future.succeededFuture() : headReads.stop())
        .eventually(() -> validation == null ? Future.succeededFuture() : validation.close());
  }
}
