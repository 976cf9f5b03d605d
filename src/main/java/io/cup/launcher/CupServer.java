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
import io.cup.launcher.ServerState.ServedRepository;
import io.cup.metrics.Metrics;
import io.vertx.core.Context;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * with a {@link ConfigurationException}. These run beside each other and beside the making of the
 * Vert.x instance and the opening of an existing clone, as most of a start's time is spent loading
 * and initialising classes, one thread at a time. The verticles are then deployed in {@code order}
 * (the fetcher first: its start clones or fetches the repository), those of one order together,
 * each order once the ones before it have started; the first that fails fails the start with a
 * {@link DeploymentException}, and what was deployed is taken down again.
 *
 * <p>The server owns what its verticles share ({@link ServerState}: the clone, caches): it is made
 * before the first deployment, handed to Cup's verticles through their constructors, and closed
 * once the server is closed or its start failed.
 */
public final class CupServer {
  private static final Logger LOG = LoggerFactory.getLogger(CupServer.class);
  private static final long STATUS_TIMEOUT_MILLIS = 5_000;
  private static final long AFTER_START_DELAY_MILLIS = 2_000;
  private static final int PREPARATION_THREADS = 2;

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
    // The preparation needs no Vert.x: its steps run on threads of their own while the instance
    // is made or the node joins its cluster (most of them a few hundred milliseconds of loading and
    // initialising classes). Two threads: with the one making the instance, as many as a small
    // machine has processors; more only took processor time from the longest step, reading the
    // configuration, which is begun first.
    ExecutorService threads = Executors.newFixedThreadPool(PREPARATION_THREADS, CupServer::thread);
    Preparation preparation = Preparation.begin(config, verticlesDir, threads);
    threads.shutdown(); // its threads end once the steps are over
    if (!config.cluster().enabled()) {
      Vertx vertx;
      try {
        vertx = Vertx.vertx();
      } catch (RuntimeException e) {
        preparation.abandon();
        throw e;
      }
      return start(vertx, true, config, ClusterMembership.NONE, preparation);
    }
    // a node that cannot join fails its start; Vert.x's clustered build has closed what it made
    return ClusterNode.join(config.cluster())
        .onFailure(failed -> preparation.abandon())
        .compose(
            node ->
                start(node.vertx(), true, config, node, preparation)
                    .onFailure(failed -> node.close()));
  }

  /**
   * Starts the server on {@code vertx}, which stays open: {@link #close()} undeploys only what this
   * server deployed.
   *
   * @param verticlesDir directory of verticle descriptors, or null for the packaged ones
   */
  public static Future<CupServer> start(Vertx vertx, ServerConfig config, Path verticlesDir) {
    Preparation preparation =
        Preparation.begin(
            config,
            verticlesDir,
            task ->
                vertx.executeBlocking(
                    () -> {
                      task.run();
                      return null;
                    },
                    false));
    return start(vertx, false, config, ClusterMembership.NONE, preparation);
  }

  private static Thread thread(Runnable task) {
    Thread thread = new Thread(task, "cup-start-preparation");
    thread.setDaemon(true);
    return thread;
  }

  /**
   * The steps of the preparation that need no Vert.x, begun at once (blocking: file I/O, and the
   * first use of Jackson, the schema compiler, JGit, Micrometer): reading the configuration (and
   * making the demo), reading the descriptors, making the served repository and opening an existing
   * clone, and making the process's metrics registry, which the fetcher's start is the first to
   * register with.
   *
   * @param made what the steps made, for a failed start to close (the served repository)
   */
  private record Preparation(
      CompletableFuture<ResourceConfiguration> resources,
      CompletableFuture<List<VerticleDescriptor>> descriptors,
      CompletableFuture<ServedRepository> served,
      CompletableFuture<?> metrics,
      List<AutoCloseable> made) {

    /**
     * Begins the steps, longest first (on a pool of few threads, a step waits for one before it):
     * the configuration, the clone, the descriptors, the registry.
     */
    static Preparation begin(ServerConfig config, Path verticlesDir, Executor executor) {
      List<AutoCloseable> made = new CopyOnWriteArrayList<>();
      CompletableFuture<ResourceConfiguration> resources =
          CompletableFuture.supplyAsync(() -> readConfiguration(config), executor);
      CompletableFuture<ServedRepository> served =
          CompletableFuture.supplyAsync(
              () -> {
                ServedRepository repository;
                try {
                  repository = ServedRepository.of(config);
                } catch (IllegalArgumentException e) {
                  throw new ConfigurationException(e.getMessage(), e);
                }
                made.add(repository);
                repository.openAhead();
                return repository;
              },
              executor);
      CompletableFuture<List<VerticleDescriptor>> descriptors =
          CompletableFuture.supplyAsync(() -> VerticleDescriptors.load(verticlesDir), executor);
      CompletableFuture<?> metrics = CompletableFuture.supplyAsync(Metrics::registry, executor);
      return new Preparation(resources, descriptors, served, metrics, made);
    }

    /** Completes when every step is over; fails with the first failure, in the steps' order. */
    Future<Void> settled(Context context) {
      List<CompletableFuture<?>> steps = List.of(resources, descriptors, served, metrics);
      return Future.fromCompletionStage(
              CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))
                  .handle((ignored, failure) -> null),
              context)
          .compose(
              over -> {
                for (CompletableFuture<?> step : steps) {
                  if (step.isCompletedExceptionally()) {
                    return Future.failedFuture(causeOf(step));
                  }
                }
                return Future.succeededFuture();
              });
    }

    /** The start will not use what is being prepared: closes what was made once it is over. */
    void abandon() {
      CompletableFuture.allOf(resources, descriptors, served, metrics)
          .whenComplete((ignored, failure) -> made.forEach(CupServer::closeQuietly));
    }

    private static Throwable causeOf(CompletableFuture<?> failed) {
      try {
        failed.join();
        throw new IllegalStateException("not failed");
      } catch (CompletionException e) {
        return e.getCause() != null ? e.getCause() : e;
      } catch (CancellationException e) {
        return e;
      }
    }
  }

  /**
   * Prepares, then deploys: once every step of {@code preparation} is over, the first that failed
   * fails the start, and what the others made is closed; otherwise the server's state is made and
   * the verticles are deployed.
   */
  private static Future<CupServer> start(
      Vertx vertx,
      boolean ownsVertx,
      ServerConfig config,
      ClusterMembership membership,
      Preparation preparation) {
    List<String> deployed = Collections.synchronizedList(new ArrayList<>());
    // Completed outside Vert.x's contexts: a failed start closes the instance those contexts
    // belong to, and the caller must still hear about it.
    Promise<CupServer> started = Promise.promise();
    // what the start made, for a failed start to close: the served repository until the state
    // that owns it is made, then the state
    List<AutoCloseable> made = preparation.made();
    preparation
        .settled(vertx.getOrCreateContext())
        .compose(
            over ->
                vertx.executeBlocking(
                    () -> {
                      ResourceConfiguration resources = preparation.resources().join();
                      ServerState state;
                      try {
                        state =
                            ServerState.of(
                                vertx, config, membership, resources, preparation.served().join());
                      } catch (IllegalArgumentException e) {
                        throw new ConfigurationException(e.getMessage(), e);
                      }
                      made.clear();
                      made.add(state);
                      state.preload();
                      return new Prepared(resources, preparation.descriptors().join(), state);
                    },
                    false))
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
                    made.forEach(CupServer::closeQuietly);
                    started.fail(failure);
                  });
            });
    return started.future();
  }

  /** The cause of the first of {@code steps} that failed, or null. */
  private static Throwable firstFailure(Future<?>... steps) {
    for (Future<?> step : steps) {
      if (step.failed()) {
        return step.cause();
      }
    }
    return null;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("closing {} after a failed start failed: {}", closeable, e.toString());
    }
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

  /** Makes the demo when asked to, then reads the resource configuration. */
  private static ResourceConfiguration readConfiguration(ServerConfig config) {
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
    return ResourceConfigurationLoader.load(Path.of(config.resourcesDir()));
  }

  /** Everything that is read or written on disk, or made, before a verticle is deployed. */
  private record Prepared(
      ResourceConfiguration resources, List<VerticleDescriptor> descriptors, ServerState state) {}

  /**
   * Deploys the verticles in {@code order}: those of one order all at once, each order once every
   * verticle of the orders before it has started. When one fails, the others of its order are still
   * waited for (what started is recorded in {@code ids}, to be undeployed), and the start fails
   * with the first failure in the descriptors' order.
   */
  private static Future<Void> deployInOrder(
      Vertx vertx, ServerConfig config, Prepared prepared, List<String> ids) {
    Map<Integer, List<VerticleDescriptor>> byOrder = new TreeMap<>();
    for (VerticleDescriptor descriptor : prepared.descriptors()) {
      byOrder.computeIfAbsent(descriptor.order(), order -> new ArrayList<>()).add(descriptor);
    }
    Future<Void> chain = Future.succeededFuture();
    for (List<VerticleDescriptor> together : byOrder.values()) {
      chain = chain.compose(ignored -> deployTogether(vertx, config, prepared, together, ids));
    }
    return chain;
  }

  private static Future<Void> deployTogether(
      Vertx vertx,
      ServerConfig config,
      Prepared prepared,
      List<VerticleDescriptor> together,
      List<String> ids) {
    List<Future<String>> deployments = new ArrayList<>();
    for (VerticleDescriptor descriptor : together) {
      deployments.add(deploy(vertx, config, prepared, descriptor));
    }
    return Future.join(deployments)
        .transform(
            settled -> {
              for (Future<String> deployment : deployments) {
                if (deployment.succeeded()) {
                  ids.add(deployment.result());
                }
              }
              Throwable failed = firstFailure(deployments.toArray(Future<?>[]::new));
              return failed == null
                  ? Future.<Void>succeededFuture()
                  : Future.<Void>failedFuture(failed);
            });
  }

  private static Future<String> deploy(
      Vertx vertx, ServerConfig config, Prepared prepared, VerticleDescriptor descriptor) {
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
        .recover(cause -> Future.failedFuture(new DeploymentException(descriptor, cause)));
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
