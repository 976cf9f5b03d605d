package io.cup.launcher;

import io.cup.bus.Addresses;
import io.cup.bus.Empty;
import io.cup.bus.RepositoryStatus;
import io.cup.bus.SourceKind;
import io.cup.cluster.ClusterMembership;
import io.cup.config.ConfigurationException;
import io.cup.config.Demo;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.config.ServerConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Cup server: the verticles of {@code verticles/} deployed in order on one Vert.x
 * instance. This is how {@code cup serve} starts the server and how end-to-end tests start it in
 * process:
 *
 * <pre>{@code
 * CupServer server = CupServer.start(config, null).await(1, MINUTES); // null: the packaged descriptors
 * ...
 * server.close().await(1, MINUTES);
 * }</pre>
 *
 * <p>Before anything is deployed, the demo is created when {@code config.demo()}, the resource
 * configuration is loaded and checked, and the descriptors are read; any problem fails the start
 * with a {@link ConfigurationException}. The verticles are then deployed one after the other in
 * {@code order} (the fetcher first: its start clones the repository); the first that fails fails
 * the start with a {@link DeploymentException}, and what was deployed is taken down again.
 *
 * <p>The server owns what its verticles share ({@link ServerState}: the clone, caches): it is made
 * before the first deployment, handed to Cup's verticles through their constructors, and closed
 * once the server is closed or its start failed.
 */
public final class CupServer {
  private static final Logger LOG = LoggerFactory.getLogger(CupServer.class);
  private static final long STATUS_TIMEOUT_MILLIS = 5_000;
  private static final long AFTER_START_DELAY_MILLIS = 2_000;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final ServerConfig config;
  private final ResourceConfiguration resources;
  private final List<VerticleDescriptor> descriptors;
  private final ServerState state;
  private final List<String> deploymentIds;
  private final Promise<Void> closed = Promise.promise();
  private boolean closing;
  private long afterStartTimer = -1;

  private CupServer(
      Vertx vertx,
      boolean ownsVertx,
      ServerConfig config,
      Prepared prepared,
      List<String> deploymentIds) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.resources = prepared.resources();
    this.descriptors = prepared.descriptors();
    this.state = prepared.state();
    this.deploymentIds = List.copyOf(deploymentIds);
  }

  /**
   * Starts the server on a Vert.x instance of its own, which {@link #close()} closes.
   *
   * @param verticlesDir directory of verticle descriptors, or null for the packaged ones
   */
  public static Future<CupServer> start(ServerConfig config, Path verticlesDir) {
    if (!config.cluster().enabled()) {
      return start(Vertx.vertx(), true, config, verticlesDir, ClusterMembership.NONE);
    }
    // a node that cannot join fails its start; Vert.x's clustered build has closed what it made
    return ClusterNode.join(config.cluster())
        .compose(
            node ->
                start(node.vertx(), true, config, verticlesDir, node)
                    .onFailure(failed -> node.close()));
  }

  /**
   * Starts the server on {@code vertx}, which stays open: {@link #close()} undeploys only what this
   * server deployed.
   *
   * @param verticlesDir directory of verticle descriptors, or null for the packaged ones
   */
  public static Future<CupServer> start(Vertx vertx, ServerConfig config, Path verticlesDir) {
    return start(vertx, false, config, verticlesDir, ClusterMembership.NONE);
  }

  private static Future<CupServer> start(
      Vertx vertx,
      boolean ownsVertx,
      ServerConfig config,
      Path verticlesDir,
      ClusterMembership membership) {
    List<String> deployed = Collections.synchronizedList(new ArrayList<>());
    // Completed outside Vert.x's contexts: a failed start closes the instance those contexts
    // belong to, and the caller must still hear about it.
    Promise<CupServer> started = Promise.promise();
    List<ServerState> made = new ArrayList<>(1);
    vertx
        .executeBlocking(() -> prepare(vertx, config, verticlesDir, membership))
        .onSuccess(prepared -> made.add(prepared.state()))
        .compose(
            prepared ->
                deployInOrder(vertx, config, prepared, deployed)
                    .map(ignored -> new CupServer(vertx, ownsVertx, config, prepared, deployed)))
        .onSuccess(CupServer::afterStart)
        .compose(server -> server.announce().map(server))
        .onComplete(
            outcome -> {
              if (outcome.succeeded()) {
                started.complete(outcome.result());
                return;
              }
              Throwable failure = outcome.cause();
              if (failure instanceof DeploymentException) {
                LOG.error("{}", failure.getMessage(), failure.getCause());
              }
              Future<?> cleanup = ownsVertx ? vertx.close() : undeploy(vertx, deployed);
              cleanup.onComplete(
                  ignored -> {
                    made.forEach(ServerState::close);
                    started.fail(failure);
                  });
            });
    return started.future();
  }

  /**
   * What was left for after the start ({@link ServerState#serving()}: compiling the WASM modules,
   * seconds of processor time) begins a little after it, so that it does not compete with the first
   * requests (a readiness probe's among them); a call to a module before that compiles it at once
   * and waits.
   */
  private void afterStart() {
    synchronized (this) {
      if (closing) {
        return;
      }
      afterStartTimer = vertx.setTimer(AFTER_START_DELAY_MILLIS, id -> state.serving());
    }
  }

  /** Everything that is read or written on disk, or made, before a verticle is deployed. */
  private record Prepared(
      ResourceConfiguration resources, List<VerticleDescriptor> descriptors, ServerState state) {}

  private static Prepared prepare(
      Vertx vertx, ServerConfig config, Path verticlesDir, ClusterMembership membership) {
    Path dataDir = Path.of(config.dataDir());
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new ConfigurationException(
          "--data-dir: cannot create " + dataDir + ": " + e.getMessage(), e);
    }
    if (config.demo()) {
      try {
        if (Demo.prepare(dataDir)) {
          LOG.info("Created the demo repository {}", Demo.origin(dataDir));
        } else {
          LOG.info("Reusing the demo repository {}", Demo.origin(dataDir));
        }
      } catch (UncheckedIOException e) {
        throw new ConfigurationException(e.getMessage() + ": " + e.getCause().getMessage(), e);
      }
    }
    ResourceConfiguration resources =
        ResourceConfigurationLoader.load(Path.of(config.resourcesDir()));
    List<VerticleDescriptor> descriptors = VerticleDescriptors.load(verticlesDir);
    ServerState state;
    try {
      state = ServerState.of(vertx, config, membership, resources);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    state.preload();
    return new Prepared(resources, descriptors, state);
  }

  private static Future<Void> deployInOrder(
      Vertx vertx, ServerConfig config, Prepared prepared, List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (VerticleDescriptor descriptor : prepared.descriptors()) {
      chain =
          chain.compose(
              ignored -> {
                LOG.debug(
                    "Deploying {} ({}, {} instance(s){})",
                    descriptor.name(),
                    descriptor.className(),
                    descriptor.instances(),
                    descriptor.worker() ? ", worker pool " + descriptor.workerPoolName() : "");
                DeploymentOptions options = descriptor.deploymentOptions(config);
                return prepared
                    .state()
                    .verticle(descriptor.className())
                    .map(verticle -> vertx.deployVerticle(verticle, options))
                    .orElseGet(() -> vertx.deployVerticle(descriptor.className(), options))
                    .recover(
                        cause -> Future.failedFuture(new DeploymentException(descriptor, cause)))
                    .map(
                        id -> {
                          ids.add(id);
                          return null;
                        });
              });
    }
    return chain;
  }

  private static Future<Void> undeploy(Vertx vertx, List<String> ids) {
    List<String> reversed = new ArrayList<>(ids);
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain =
          chain.compose(
              ignored ->
                  vertx
                      .undeploy(id)
                      .recover(
                          e -> {
                            LOG.warn("Undeploying {} failed: {}", id, e.toString());
                            return Future.succeededFuture();
                          }));
    }
    return chain;
  }

  /** Logs the one line that says the server is up, with the branch the fetcher tracks. */
  private Future<Void> announce() {
    if (config.sourceKind() != SourceKind.GIT) {
      LOG.info(
          "Cup is serving on {} (source local {}, resources {})",
          address(),
          config.localPath(),
          config.resourcesDir());
      return Future.succeededFuture();
    }
    String configuredBranch = config.gitBranch() != null ? config.gitBranch() : "remote HEAD";
    return Addresses.REPOSITORY_STATUS
        .request(vertx.eventBus(), Empty.INSTANCE, STATUS_TIMEOUT_MILLIS)
        .map(RepositoryStatus::branch)
        .map(tracked -> tracked != null ? tracked : configuredBranch)
        .otherwise(configuredBranch)
        .map(
            branch -> {
              LOG.info(
                  "Cup is serving on {} (source git {}, branch {}, resources {})",
                  address(),
                  withoutCredentials(config.gitRepo()),
                  branch,
                  config.resourcesDir());
              if (config.demo()) {
                LOG.info(
                    "Try it: curl http://{}:{}/apis/flipt.io/v1alpha1/namespaces/default/flags",
                    config.host() == null || config.host().isEmpty() ? "localhost" : hostForUrl(),
                    config.port());
              }
              return null;
            });
  }

  private String hostForUrl() {
    return config.host().contains(":") ? "[" + config.host() + "]" : config.host();
  }

  private String address() {
    String host = config.host() == null ? "" : config.host();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + config.port();
  }

  /** {@code https://user:token@host/x} → {@code https://host/x}: secrets are never logged. */
  static String withoutCredentials(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }

  /**
   * Stops the server: closes its own Vert.x instance, or undeploys its verticles from a shared one,
   * so every verticle's {@code stop()} runs (the API drains in-flight requests). Calling it again
   * returns the same outcome.
   */
  public synchronized Future<Void> close() {
    if (!closing) {
      closing = true;
      if (afterStartTimer >= 0) {
        vertx.cancelTimer(afterStartTimer);
      }
      LOG.info("Cup is shutting down");
      Future<Void> done = ownsVertx ? vertx.close() : undeploy(vertx, deploymentIds);
      done.onComplete(
          outcome -> {
            state.close();
            closed.handle(outcome);
          });
    }
    return closed.future();
  }

  /** Completes when {@link #close()} has finished. */
  public Future<Void> onClose() {
    return closed.future();
  }

  public Vertx vertx() {
    return vertx;
  }

  public ServerConfig config() {
    return config;
  }

  /** The resource configuration that was checked before the verticles were deployed. */
  public ResourceConfiguration resources() {
    return resources;
  }

  /** The descriptors, in the order they were deployed. */
  public List<VerticleDescriptor> descriptors() {
    return descriptors;
  }

  /** The deployment ids, in deploy order. */
  public List<String> deploymentIds() {
    return deploymentIds;
  }
}
