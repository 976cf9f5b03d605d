package io.cup.controllers;

import io.cup.bus.Addresses;
import io.cup.bus.ChangeSet;
import io.cup.bus.ChangeSetReply;
import io.cup.bus.ChangesPublished;
import io.cup.bus.Empty;
import io.cup.bus.HeadMoved;
import io.cup.bus.HistoryPage;
import io.cup.bus.HistoryRequest;
import io.cup.bus.ListReply;
import io.cup.bus.ResourceEvent;
import io.cup.bus.ResourceEvents;
import io.cup.bus.ResourceRef;
import io.cup.bus.ResourceReply;
import io.cup.bus.ResourceRequest;
import io.cup.cluster.OncePerCluster;
import io.cup.config.ConfigurationException;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.config.ServedResource;
import io.cup.config.ServerConfig;
import io.cup.controllers.Controller.Change;
import io.cup.controllers.Controller.Target;
import io.cup.git.ChangeSetDiff;
import io.cup.git.LastChanges;
import io.cup.git.RevisionView;
import io.cup.git.Source;
import io.cup.git.UnifiedDiff;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller worker: runs controllers against one resolved revision of the served repository.
 * Deploy it as a worker ({@link #deploymentOptions}); its handlers block (Git reads, parsing).
 *
 * <ul>
 *   <li>{@link Addresses#CONTROLLER_GET} {@link ResourceRequest} → {@link ResourceReply}
 *   <li>{@link Addresses#CONTROLLER_LIST} → {@link ListReply}, by namespace then name, filtered by
 *       the request's label selector
 *   <li>{@link Addresses#CONTROLLER_PUT}, {@link Addresses#CONTROLLER_DELETE} → {@link
 *       ChangeSetReply}: what to commit, with the commit message, never committing itself
 *   <li>{@link Addresses#CONTROLLER_IMAGES} → {@link io.cup.bus.ControllerImages}: the digest each
 *       controller named by an OCI reference runs
 *   <li>{@link Addresses#CONTROLLER_HISTORY} {@link HistoryRequest} → {@link HistoryPage}: the
 *       commits that changed one resource ({@link ResourceHistory})
 *   <li>{@link Addresses#CONTROLLER_CHANGES} {@link HeadMoved} → publishes a {@link ResourceEvent}
 *       on {@link Addresses#EVENTS_RESOURCE} per changed resource, replies {@code {"events": n}}
 * </ul>
 *
 * <p>Owns nothing shared: the controllers are built once per instance at start, and every request
 * resolves its revision once and reads only that view. What its instances share is handed to the
 * constructor by the launcher, which owns it: the served repository (a read-only {@link Source}),
 * the resource configuration it checked before deploying anything ({@link ResourceConfiguration},
 * immutable; an instance deployed without one loads it from {@code resourcesDir} at start), the
 * index of file changes ({@link LastChanges}, one per server so a moved head is walked once, not
 * once per worker) and the compiled WASM modules ({@link WasmModules}).
 *
 * <p>Config {@code "serves"}: {@code "read"} (get, list, history, events, changes), {@code "write"}
 * (put, delete) or absent (all). The packaged descriptors deploy it twice, reads on {@value
 * #READ_POOL} and writes on {@value #WRITE_POOL}, so a queue of slow writes (a WASM controller
 * rewriting a large file) never holds the threads reads run on. Changes (a moved head) are reads of
 * two revisions, sent one at a time by the fetcher: on the read pool they take at most one read
 * thread, and watchers' events never wait behind writes.
 */
public final class ControllerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerVerticle.class);

  /** The worker pool reads (get, list, events, changes) run on, apart from other blocking work. */
  public static final String READ_POOL = "cup-controllers-read";

  /** The worker pool writes (put, delete: change set computations) run on, apart from reads. */
  public static final String WRITE_POOL = "cup-controllers-write";

  /** Which addresses one deployment serves ({@code "serves"} in its config). */
  public enum Serves {
    READ,
    WRITE,
    ALL;

    static Serves of(JsonObject config) {
      String value = config.getString("serves", "all");
      return switch (value) {
        case "read" -> READ;
        case "write" -> WRITE;
        case "all" -> ALL;
        default ->
            throw new ConfigurationException(
                "serves: \"" + value + "\" is not one of read, write, all");
      };
    }

    boolean reads() {
      return this != WRITE;
    }

    boolean writes() {
      return this != READ;
    }
  }

  private final Source source;
  private final LastChanges lastChanges;
  private final WasmModules modules;
  private final ResourceHistory history = new ResourceHistory();
  private final ResourceConfiguration given;
  private ResourceConfiguration resources;
  private Controllers controllers;
  private OncePerCluster once;

  /**
   * @param source the served repository, read only
   * @param lastChanges the server's index of file changes, shared by every controller worker
   * @param modules the server's compiled WASM modules, shared by every controller worker
   */
  public ControllerVerticle(Source source, LastChanges lastChanges, WasmModules modules) {
    this.source = Objects.requireNonNull(source, "source");
    this.lastChanges = Objects.requireNonNull(lastChanges, "lastChanges");
    this.modules = Objects.requireNonNull(modules, "modules");
    this.given = null;
  }

  /**
   * As {@link #ControllerVerticle(Source, LastChanges, WasmModules)}, serving {@code resources},
   * the configuration the launcher loaded and checked from {@code resourcesDir}, rather than
   * loading it again.
   */
  public ControllerVerticle(
      Source source,
      LastChanges lastChanges,
      WasmModules modules,
      ResourceConfiguration resources) {
    this.source = Objects.requireNonNull(source, "source");
    this.lastChanges = Objects.requireNonNull(lastChanges, "lastChanges");
    this.modules = Objects.requireNonNull(modules, "modules");
    this.given = Objects.requireNonNull(resources, "resources");
  }

  /**
   * Options to deploy {@code instances} workers serving every address on their own pool of as many
   * threads (tests; the server deploys reads and writes apart, see {@link #deploymentOptions(
   * JsonObject, int, Serves)}).
   */
  public static DeploymentOptions deploymentOptions(JsonObject config, int instances) {
    return deploymentOptions(config, instances, Serves.ALL);
  }

  /** Options to deploy {@code instances} workers serving {@code serves} on their own pool. */
  public static DeploymentOptions deploymentOptions(
      JsonObject config, int instances, Serves serves) {
    return new DeploymentOptions()
        .setConfig(config.copy().put("serves", serves.name().toLowerCase(java.util.Locale.ROOT)))
        .setThreadingModel(ThreadingModel.WORKER)
        .setWorkerPoolName(serves == Serves.WRITE ? WRITE_POOL : READ_POOL)
        .setWorkerPoolSize(instances)
        .setInstances(instances);
  }

  @Override
  public Future<?> start() {
    if (context.threadingModel() == ThreadingModel.EVENT_LOOP) {
      return Future.failedFuture(
          new IllegalStateException(
              "ControllerVerticle blocks: deploy it with ThreadingModel.WORKER"));
    }
    Serves serves;
    try {
      serves = Serves.of(config());
      ServerConfig cfg = ServerConfig.of(config());
      if (cfg.resourcesDir() == null || cfg.resourcesDir().isBlank()) {
        throw new ConfigurationException(
            "no resource configuration directory given (--api-resources)");
      }
      resources =
          given != null ? given : ResourceConfigurationLoader.load(Path.of(cfg.resourcesDir()));
      // controllers named by an OCI reference are pulled (once per server) before any is built
      // the pull may be another instance's: continue on this instance's own context
      Promise<Void> pulled = Promise.promise();
      modules
          .images()
          .pull(vertx, resources, cfg)
          .onComplete(ar -> context.runOnContext(v -> pulled.handle(ar)));
      return pulled
          .future()
          .compose(
              ready -> {
                controllers = Controllers.of(resources, cfg.maxResourceBytes(), modules);
                return listen(serves);
              });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<?> listen(Serves serves) {
    once = new OncePerCluster(vertx);
    EventBus bus = vertx.eventBus();
    List<Future<Void>> consumers = new ArrayList<>();
    if (serves.reads()) {
      consumers.add(
          Addresses.CONTROLLER_GET.consume(bus, r -> serve(r, "get", this::get)).completion());
      consumers.add(
          Addresses.CONTROLLER_LIST.consume(bus, r -> serve(r, "list", this::list)).completion());
      consumers.add(Addresses.CONTROLLER_HISTORY.consume(bus, this::history).completion());
      consumers.add(Addresses.CONTROLLER_IMAGES.consume(bus, this::images).completion());
      consumers.add(Addresses.CONTROLLER_CHANGES.consume(bus, this::changes).completion());
      consumers.add(
          Addresses.CONTROLLER_EVENTS
              .consume(bus, r -> serve(r, "events", this::eventsSince))
              .completion());
    }
    if (serves.writes()) {
      consumers.add(
          Addresses.CONTROLLER_PUT.consume(bus, r -> serve(r, "put", this::put)).completion());
      consumers.add(
          Addresses.CONTROLLER_DELETE
              .consume(bus, r -> serve(r, "delete", this::delete))
              .completion());
    }
    return Future.all(consumers);
  }

  /** {@link Addresses#CONTROLLER_IMAGES}: the digest each controller named by a reference runs. */
  private Future<io.cup.bus.ControllerImages> images(Empty request) {
    List<io.cup.bus.ControllerImages.Image> images = new ArrayList<>();
    modules
        .images()
        .snapshot()
        .forEach(
            (name, running) ->
                images.add(
                    new io.cup.bus.ControllerImages.Image(
                        name,
                        running.configured().toString(),
                        running.pulled().digest().toString(),
                        running.pulled().layer().toString())));
    return Future.succeededFuture(new io.cup.bus.ControllerImages(images));
  }

  // -- handlers ---------------------------------------------------------------------------------

  private ResourceReply get(ResourceRequest request, ServedResource served, Controller controller) {
    RevisionView view = source.view(request.revision());
    Target target = named(served, request);
    Optional<JsonObject> found;
    try {
      found = controller.get(target, view);
    } catch (StatusException e) {
      if (e.code() != 404) {
        throw e;
      }
      found = Optional.empty(); // a guest's "not found" (exit 2), said as Kubernetes does
    }
    JsonObject resource = found.orElseThrow(() -> StatusException.notFound(notFound(target)));
    return new ResourceReply(
        view.commit(),
        served(resource, view, controller, target, target.namespace(), target.name()));
  }

  private ListReply list(ResourceRequest request, ServedResource served, Controller controller) {
    LabelSelector selector = LabelSelector.parse(request.labelSelector());
    RevisionView view = source.view(request.revision());
    // no namespace: every namespace (Kubernetes' list at /apis/{group}/{version}/{plural})
    Target target = target(served, request.namespace(), null);
    List<JsonObject> found =
        request.namespace() == null
            ? controller.listAll(target, view)
            : controller.list(target, view);
    List<Listed> listed = new ArrayList<>(found.size());
    for (JsonObject resource : found) {
      if (selector.isEmpty() || selector.matchesResource(resource)) {
        listed.add(
            new Listed(metadata(resource, "namespace"), metadata(resource, "name"), resource));
      }
    }
    listed.sort(Comparator.comparing(Listed::namespace).thenComparing(Listed::name));
    List<Object> items = new ArrayList<>(listed.size());
    for (Listed l : listed) {
      items.add(served(l.resource(), view, controller, target, l.namespace(), l.name()));
    }
    return new ListReply(view.commit(), new JsonArray(items));
  }

  /** A listed resource (the controller's, read only) with its namespace and name read once. */
  private record Listed(String namespace, String name, JsonObject resource) {}

  private ChangeSetReply put(
      ResourceRequest request, ServedResource served, Controller controller) {
    if (request.resource() == null) {
      throw StatusException.badRequest("a put needs the resource to store");
    }
    RevisionView view = source.view(request.revision());
    Target target = named(served, request);
    Optional<JsonObject> current = requirePrecondition(request, controller, target, view);
    ChangeSet changes = controller.put(target, ServerFields.without(request.resource()), view);
    String commitMessage =
        "feat: update "
            + served.apiVersion()
            + "/"
            + target.kind()
            + " "
            + target.namespace()
            + "/"
            + target.name();
    return reply(
        request,
        view,
        controller,
        target,
        changes,
        commitMessage,
        ref(served, target, "put"),
        current);
  }

  private ChangeSetReply delete(
      ResourceRequest request, ServedResource served, Controller controller) {
    RevisionView view = source.view(request.revision());
    Target target = named(served, request);
    Optional<JsonObject> current = requirePrecondition(request, controller, target, view);
    ChangeSet changes = controller.delete(target, view);
    String commitMessage =
        "feat: delete " + served.key() + " " + target.namespace() + "/" + target.name();
    return reply(
        request,
        view,
        controller,
        target,
        changes,
        commitMessage,
        ref(served, target, "delete"),
        current);
  }

  /**
   * The change set reply; for a dry run with the unified diff of the files and the resource as it
   * is now, so the API can answer what would change without proposing anything.
   */
  private ChangeSetReply reply(
      ResourceRequest request,
      RevisionView view,
      Controller controller,
      Target target,
      ChangeSet changes,
      String message,
      ResourceRef ref,
      Optional<JsonObject> current) {
    if (!request.dryRun()) {
      return new ChangeSetReply(changes, message, ref);
    }
    String diff = ChangeSetDiff.of(view, changes, UnifiedDiff.DEFAULT_LIMIT);
    return new ChangeSetReply(
        changes,
        message,
        ref,
        diff,
        current
            .map(r -> served(r, view, controller, target, target.namespace(), target.name()))
            .orElse(null));
  }

  /**
   * The resource as it is at {@code view}, after checking the request's precondition: when it names
   * a resourceVersion, the resource must be as it was at that version (absent then and now counts
   * as unchanged), else 409 Conflict. A version the repository does not know is a conflict too (it
   * may have been rewritten away).
   */
  private Optional<JsonObject> requirePrecondition(
      ResourceRequest request, Controller controller, Target target, RevisionView view) {
    String expected = request.resourceVersion();
    boolean unconditional = expected == null || expected.isEmpty();
    if (unconditional && !request.dryRun()) {
      return Optional.empty(); // not needed: spare the read
    }
    Optional<JsonObject> current = controller.get(target, view);
    if (unconditional) {
      return current;
    }
    if (!ResourceVersions.isWellFormed(source, expected)) {
      throw StatusException.badRequest(
          "metadata.resourceVersion "
              + quote(expected)
              + " is not a version this server issued; read the resource again");
    }
    if (!ResourceVersions.isCommit(source)) {
      // a content hash: the resource must hash to it now
      if (current
          .map(r -> ResourceVersions.of(source, view, r))
          .filter(expected::equals)
          .isEmpty()) {
        throw conflict(target);
      }
      return current;
    }
    if (expected.equals(view.commit())) {
      return current;
    }
    RevisionView old;
    try {
      old = source.view(expected);
    } catch (StatusException e) {
      if (e.code() == 404) {
        throw conflict(target);
      }
      throw e;
    }
    if (!controller.get(target, old).equals(current)) {
      throw conflict(target);
    }
    return current;
  }

  private static StatusException conflict(Target target) {
    return StatusException.staleVersion(
        "Operation cannot be fulfilled on "
            + target.plural()
            + "."
            + target.group()
            + " \""
            + target.name()
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again");
  }

  /**
   * {@code resource} as read at {@code view}, with the fields the server sets (a copy): its
   * resourceVersion, its uid, and as creationTimestamp the last change of the file that holds it.
   */
  private JsonObject served(
      JsonObject resource,
      RevisionView view,
      Controller controller,
      Target kind,
      String namespace,
      String name) {
    return withServerFields(
        resource,
        ResourceVersions.of(source, view, resource),
        view,
        controller,
        kind,
        namespace,
        name);
  }

  private JsonObject withServerFields(
      JsonObject resource,
      String resourceVersion,
      RevisionView view,
      Controller controller,
      Target kind,
      String namespace,
      String name) {
    String path =
        namespace == null || namespace.isEmpty() || name == null || name.isEmpty()
            ? null
            : controller.path(target(kind, namespace, name)).orElse(null);
    LastChanges.Change change = lastChanges.lastChange(view, path);
    // who changed it is known only for the file that holds it; the view's own commit stands in
    // for the time of a resource whose file the controller cannot name, not for its author
    boolean known = path != null;
    return ServerFields.with(
        resource,
        resourceVersion,
        ServerFields.uid(
            kind.group(), kind.kind(), String.valueOf(namespace), String.valueOf(name)),
        change.time(),
        known ? change.author() : null,
        known ? change.commit() : null);
  }

  /**
   * {@link Addresses#CONTROLLER_HISTORY}: one page of the commits that changed a resource, read
   * from the request's head (the tracked head when none) at the commit it names to resume from.
   */
  private Future<HistoryPage> history(HistoryRequest request) {
    Timer.Sample sample = Timer.start(Metrics.registry());
    String controllerName = "none";
    try {
      ServedResource served =
          resources
              .served(request.group(), request.version(), request.plural())
              .orElseThrow(() -> StatusException.notFound("no resource type " + request.key()));
      controllerName = served.controller().name();
      Target target =
          target(
              served, required(request.namespace(), "namespace"), required(request.name(), "name"));
      RevisionView head = source.view(request.revision());
      HistoryPage page =
          history.page(controller(served), target, head, request.from(), request.limit());
      record(sample, controllerName, "history", "ok");
      return Future.succeededFuture(page);
    } catch (RuntimeException e) {
      record(sample, controllerName, "history", "error");
      return Future.failedFuture(e);
    }
  }

  /**
   * {@link Addresses#CONTROLLER_EVENTS}: the changes of one definition's resources in one namespace
   * between the request's revision and the tracked head, filtered by its label selector.
   */
  private ResourceEvents eventsSince(
      ResourceRequest request, ServedResource served, Controller controller) {
    LabelSelector selector = LabelSelector.parse(request.labelSelector());
    String namespace = request.namespace(); // null: every namespace
    RevisionView to = source.view(null);
    RevisionView from = source.view(required(request.revision(), "revision"));
    List<ResourceEvent> events = List.of();
    if (!from.commit().equals(to.commit())) {
      events =
          eventsBetween(controller, served, from, to).stream()
              .filter(e -> namespace == null || namespace.equals(e.namespace()))
              .flatMap(e -> e.selectedBy(selector::matchesResource).stream())
              .toList();
    }
    return new ResourceEvents(to.commit(), events);
  }

  /** The one resource a get, put or delete is about: namespace and name are required. */
  private static Target named(ServedResource served, ResourceRequest request) {
    return target(
        served, required(request.namespace(), "namespace"), required(request.name(), "name"));
  }

  /**
   * Every resource of every served definition version that differs between the two commits,
   * published as events. A definition whose controller fails is logged and skipped: the others'
   * events still go out.
   */
  private Future<ChangesPublished> changes(HeadMoved moved) {
    List<ResourceEvent> events = new ArrayList<>();
    if (moved.from() != null && moved.to() != null && !moved.from().equals(moved.to())) {
      RevisionView from = source.view(moved.from());
      RevisionView to = source.view(moved.to());
      resources.served().values().stream()
          .sorted(Comparator.comparing(ServedResource::key))
          .forEach(served -> events.addAll(events(served, from, to)));
    }
    // this node's watches follow this node's clone; the cluster hears a move's events once, from
    // the first node that claims the move (the reply waits for that, so moves stay in order)
    events.forEach(e -> Addresses.EVENTS_RESOURCE.publishOnNode(vertx.eventBus(), e));
    if (events.isEmpty()) {
      return Future.succeededFuture(new ChangesPublished(0));
    }
    return once.first("resource:" + moved.from() + ".." + moved.to())
        .map(
            first -> {
              if (first) {
                events.forEach(e -> Addresses.EVENTS_RESOURCE.publish(vertx.eventBus(), e));
              }
              return new ChangesPublished(events.size());
            });
  }

  private List<ResourceEvent> events(ServedResource served, RevisionView from, RevisionView to) {
    String name = served.controller().name();
    Timer.Sample sample = Timer.start(Metrics.registry());
    try {
      List<ResourceEvent> events = eventsBetween(controller(served), served, from, to);
      record(sample, name, "changes", "ok");
      return events;
    } catch (RuntimeException e) {
      record(sample, name, "changes", "error");
      LOG.warn(
          "no events for {} between {} and {}: {}",
          served.key(),
          from.commit(),
          to.commit(),
          StatusException.from(e).getMessage(),
          e);
      return List.of();
    }
  }

  /** The resources of one definition that differ between two commits, by namespace and name. */
  private List<ResourceEvent> eventsBetween(
      Controller controller, ServedResource served, RevisionView from, RevisionView to) {
    Target target = target(served, null, null);
    return controller.changes(target, from, to).stream()
        .sorted(
            Comparator.comparing((Change c) -> String.valueOf(c.namespace()))
                .thenComparing(c -> String.valueOf(c.name())))
        .map(c -> event(controller, target, c, from, to))
        .toList();
  }

  /**
   * Every object of the event carries the event's commit as its resourceVersion; each its
   * creationTimestamp as of the revision it was read at (a deleted resource's, before the delete).
   */
  private ResourceEvent event(
      Controller controller, Target target, Change change, RevisionView from, RevisionView to) {
    String type =
        change.before() == null ? "ADDED" : change.after() == null ? "DELETED" : "MODIFIED";
    String commit = to.commit();
    JsonObject object =
        change.after() != null
            ? withServerFields(
                change.after(), commit, to, controller, target, change.namespace(), change.name())
            : withServerFields(
                change.before(),
                commit,
                from,
                controller,
                target,
                change.namespace(),
                change.name());
    JsonObject previous =
        change.after() != null && change.before() != null
            ? withServerFields(
                change.before(),
                commit,
                from,
                controller,
                target,
                change.namespace(),
                change.name())
            : null;
    return new ResourceEvent(
        type,
        target.group(),
        target.version(),
        target.plural(),
        target.kind(),
        change.namespace(),
        change.name(),
        commit,
        from.commit(),
        object,
        previous);
  }

  // -- plumbing ---------------------------------------------------------------------------------

  /** One request: decode, find the definition and its controller, time it, reply or fail. */
  private interface Operation<R> {
    R run(ResourceRequest request, ServedResource served, Controller controller);
  }

  private <R> Future<R> serve(ResourceRequest request, String operation, Operation<R> work) {
    Timer.Sample sample = Timer.start(Metrics.registry());
    String controllerName = "none";
    try {
      ServedResource served =
          resources
              .served(request.group(), request.version(), request.plural())
              .orElseThrow(() -> StatusException.notFound("no resource type " + request.key()));
      controllerName = served.controller().name();
      R reply = work.run(request, served, controller(served));
      record(sample, controllerName, operation, "ok");
      return Future.succeededFuture(reply);
    } catch (RuntimeException e) {
      record(sample, controllerName, operation, "error");
      return Future.failedFuture(e);
    }
  }

  private Controller controller(ServedResource served) {
    return controllers
        .named(served.controller().name())
        .orElseThrow(
            () ->
                StatusException.internal(
                    "controller " + served.controller().name() + " is not loaded", null));
  }

  private static void record(Timer.Sample sample, String controller, String op, String outcome) {
    sample.stop(
        Timer.builder("cup.controller.duration")
            .description("Time a controller worker took to answer one request")
            .tags("controller", controller, "operation", op, "outcome", outcome)
            .register(Metrics.registry()));
  }

  private static Target target(Target kind, String namespace, String name) {
    return new Target(kind.group(), kind.version(), kind.kind(), kind.plural(), namespace, name);
  }

  private static Target target(ServedResource served, String namespace, String name) {
    return new Target(
        served.definition().group(),
        served.version(),
        served.definition().kind(),
        served.definition().plural(),
        namespace,
        name);
  }

  private static String required(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw StatusException.badRequest("the request has no " + field);
    }
    return value;
  }

  /** As Kubernetes says it: {@code flags.flipt.io "x" not found}. */
  private static String notFound(Target target) {
    return target.plural() + "." + target.group() + " \"" + target.name() + "\" not found";
  }

  private static ResourceRef ref(ServedResource served, Target target, String action) {
    return new ResourceRef(
        served.apiVersion(), target.kind(), target.namespace(), target.name(), action);
  }

  private static String quote(String value) {
    return "\"" + value + "\"";
  }

  private static String metadata(JsonObject resource, String field) {
    String value = Resources.metadata(resource, field);
    return value == null ? "" : value;
  }
}
