package io.cup.launcher;

import io.cup.api.ApiVerticle;
import io.cup.api.ClusterWebhookDeliveries;
import io.cup.api.RecentWebhookDeliveries;
import io.cup.api.WebhookDeliveries;
import io.cup.bus.SourceKind;
import io.cup.cluster.ClusterMembership;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ServerConfig;
import io.cup.controllers.ControllerImagesVerticle;
import io.cup.controllers.ControllerVerticle;
import io.cup.controllers.WasmModules;
import io.cup.fetcher.FetcherVerticle;
import io.cup.git.DirectorySource;
import io.cup.git.GitClone;
import io.cup.git.LastChanges;
import io.cup.git.Source;
import io.cup.proposals.ProposalStores;
import io.cup.proposals.PublisherVerticle;
import io.cup.proposals.ReconcilerVerticle;
import io.cup.wasm.ValidatedModules;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the verticles of one server share, each piece with one owner, created here before the first
 * verticle is deployed and closed after the last is undeployed. Nothing of it lives in a static:
 * two servers in one JVM share nothing. A verticle gets the pieces it works on in its constructor
 * ({@link #verticle}), so who uses what is written down here.
 *
 * <ul>
 *   <li>The served repository: a {@link GitClone}, which only the fetcher clones and fetches and
 *       everyone else reads through {@link GitClone#revisions()}, or a {@link DirectorySource}.
 *       Closed by {@link #close()}.
 *   <li>The index of file changes ({@link LastChanges}) and the compiled WASM modules ({@link
 *       WasmModules}), shared by every controller worker instance (reads and writes); the modules
 *       it has validated are remembered under the data directory ({@link ValidatedModules}).
 *   <li>The webhook deliveries already handled ({@link WebhookDeliveries}), shared by every API
 *       instance: in this process ({@link RecentWebhookDeliveries}), or, on a cluster, in a
 *       cluster-wide map ({@link ClusterWebhookDeliveries}) so a delivery is handled once per
 *       cluster.
 *   <li>On a cluster, the node's view of it ({@link ClusterMembership}), for readiness and metrics;
 *       closed by {@link #close()}.
 *   <li>The resource configuration ({@link ResourceConfiguration}), loaded and checked once by the
 *       launcher before anything is deployed and handed to every verticle that serves it (the
 *       controller workers, the reconciler, the API): immutable, read by all, owned by none.
 *       Loading it is most of a second of processor time at start, and every instance loading its
 *       own copy made it eight times.
 * </ul>
 */
final class ServerState implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerState.class);

  private final GitClone clone;
  private final DirectorySource directory;
  private final LastChanges lastChanges = new LastChanges();
  private final WasmModules wasmModules;
  private final WebhookDeliveries webhookDeliveries;

  /** The proposal records' one store: the publisher's instances and the reconciler share it. */
  private final ProposalStores proposalStores = new ProposalStores();

  private final ClusterMembership membership;
  private final ResourceConfiguration resources;
  private final Map<String, Supplier<Deployable>> verticles;

  private ServerState(
      Vertx vertx,
      GitClone clone,
      DirectorySource directory,
      ClusterMembership membership,
      ResourceConfiguration resources,
      ServerConfig cfg) {
    this.clone = clone;
    this.directory = directory;
    this.membership = membership;
    this.resources = Objects.requireNonNull(resources, "resources");
    this.wasmModules = new WasmModules(ValidatedModules.in(validatedModules(cfg)));
    this.webhookDeliveries =
        membership.clustered()
            ? new ClusterWebhookDeliveries(vertx)
            : new RecentWebhookDeliveries();
    this.verticles =
        Map.of(
            FetcherVerticle.class.getName(),
            () -> clone != null ? new FetcherVerticle(clone) : new FetcherVerticle(directory),
            ControllerVerticle.class.getName(),
            () -> new ControllerVerticle(source(), lastChanges, wasmModules, resources),
            ControllerImagesVerticle.class.getName(),
            () -> new ControllerImagesVerticle(wasmModules.images()),
            PublisherVerticle.class.getName(),
            () -> new PublisherVerticle(source(), proposalStores),
            ReconcilerVerticle.class.getName(),
            () -> new ReconcilerVerticle(source(), resources, proposalStores),
            ApiVerticle.class.getName(),
            () -> new ApiVerticle(webhookDeliveries, membership, resources));
  }

  /**
   * The state of a server serving what {@code cfg} names: {@code source} "git" (or unset) for a
   * clone of {@code gitRepo}, "local" for the directory {@code localPath}, with the resource
   * configuration {@code resources} that the launcher loaded and checked from {@code
   * cfg.resourcesDir()}. Opens nothing yet (the fetcher clones or opens the clone when it starts),
   * but may read credential files: call it off the event loop.
   *
   * @throws IllegalArgumentException for an unknown source or a missing setting, naming it
   */
  static ServerState of(ServerConfig cfg, ResourceConfiguration resources) {
    return of(null, cfg, ClusterMembership.NONE, resources);
  }

  /**
   * As {@link #of(ServerConfig, ResourceConfiguration)}, for a node of a cluster when {@code
   * membership} is clustered ({@code vertx}, the clustered instance, holds the cluster-wide webhook
   * deliveries).
   */
  static ServerState of(
      Vertx vertx,
      ServerConfig cfg,
      ClusterMembership membership,
      ResourceConfiguration resources) {
    return of(vertx, cfg, membership, resources, ServedRepository.of(cfg));
  }

  /**
   * As {@link #of(Vertx, ServerConfig, ClusterMembership, ResourceConfiguration)}, serving {@code
   * served}, made (and perhaps opened ahead) while the resource configuration was loaded; the state
   * owns it from now on.
   */
  static ServerState of(
      Vertx vertx,
      ServerConfig cfg,
      ClusterMembership membership,
      ResourceConfiguration resources,
      ServedRepository served) {
    return new ServerState(vertx, served.git(), served.directory(), membership, resources, cfg);
  }

  /**
   * The served repository of a configuration: a clone ({@code source} "git" or unset) or a local
   * directory. Made apart from the rest of the state so that the launcher can open an existing
   * clone while it loads the resource configuration.
   */
  record ServedRepository(GitClone git, DirectorySource directory) implements AutoCloseable {
    /**
     * Makes nothing on disk, but may read credential files: call it off the event loop.
     *
     * @throws IllegalArgumentException for an unknown source or a missing setting, naming it
     */
    static ServedRepository of(ServerConfig cfg) {
      SourceKind kind;
      try {
        kind = cfg.sourceKind();
      } catch (IllegalArgumentException unknown) {
        throw new IllegalArgumentException(
            "unknown source " + cfg.source() + " (expected git or local)", unknown);
      }
      return switch (kind) {
        case GIT -> new ServedRepository(GitClone.create(cfg), null);
        case LOCAL -> new ServedRepository(null, DirectorySource.create(cfg));
      };
    }

    /**
     * Opens an existing clone now (blocking: file I/O, and the first use of JGit loads and
     * initialises much of it), so that the fetcher's start finds it open and only fetches. Nothing
     * to do for a directory or when there is no clone yet; a clone that cannot be opened is left to
     * the fetcher, which opens it again and reports why it cannot.
     */
    void openAhead() {
      if (git == null) {
        return;
      }
      try {
        git.open();
      } catch (RuntimeException e) {
        LOG.debug("the clone at {} is left to the fetcher: {}", git.directory(), e.toString());
      }
    }

    /** Closes the clone, if it was opened. */
    @Override
    public void close() {
      if (git != null) {
        git.close();
      }
    }
  }

  /** Where the server remembers the WASM modules it has validated: under the data directory. */
  static Path validatedModules(ServerConfig cfg) {
    return Path.of(cfg.dataDir(), "cache", "wasm-validated");
  }

  /** The served repository, read only: the clone's revisions, or the directory. */
  Source source() {
    return clone != null ? clone.revisions() : directory;
  }

  /**
   * How to make each instance of Cup's verticle {@code className}, handed the pieces it works on;
   * empty for any other class (deployed by name, with its no-argument constructor).
   */
  Optional<Supplier<Deployable>> verticle(String className) {
    return Optional.ofNullable(verticles.get(className));
  }

  /**
   * Starts, in the background, what the verticles will need of the resource configuration and can
   * be made while the ones before them start (loading the WASM modules).
   */
  void preload() {
    wasmModules.preload(resources);
  }

  /**
   * Every verticle is deployed: starts the work that was left for after the start, so that it does
   * not compete with it for the processors (compiling the WASM modules, which calls wait for).
   */
  void serving() {
    wasmModules.startCompiling();
  }

  /** Closes the clone; call it once no verticle of the server is deployed any more. */
  @Override
  public void close() {
    wasmModules.close();
    if (clone != null) {
      clone.close();
    }
    if (membership instanceof ClusterNode node) {
      node.close();
    }
  }
}
