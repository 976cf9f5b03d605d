package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.Addresses;
import io.cup.bus.ChangeSetReply;
import io.cup.bus.FileChange;
import io.cup.bus.HeadMoved;
import io.cup.bus.ListReply;
import io.cup.bus.ResourceEvent;
import io.cup.bus.ResourceReply;
import io.cup.bus.ResourceRequest;
import io.cup.config.ConfigurationException;
import io.cup.config.ServerConfig;
import io.cup.git.FetchOutcome;
import io.cup.git.GitClone;
import io.cup.git.LastChanges;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.cup.testing.TestRepos;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The controller worker over the event bus, against a real bare clone of a real repository. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ControllerVerticleTest {
  private static final String GROUP = "test.cup.flipt.io";
  private static final String VERSION = "v1alpha1";

  @TempDir Path temp;
  private Path remote;
  private ServerConfig cfg;
  private GitClone git;
  private final LastChanges lastChanges = new LastChanges();
  private final WasmModules modules = new WasmModules();
  private ObjectId seed;

  private static String file(String namespace, String name) {
    return namespace + "/" + GROUP + "-" + VERSION + "-Resource-" + name + ".json";
  }

  private static String resource(String namespace, String name, String foo, String team) {
    return new JsonObject()
        .put("apiVersion", GROUP + "/" + VERSION)
        .put("kind", "Resource")
        .put(
            "metadata",
            new JsonObject()
                .put("namespace", namespace)
                .put("name", name)
                .put("labels", new JsonObject().put("team", team))
                .put("annotations", new JsonObject()))
        .put("spec", new JsonObject().put("foo", foo))
        .encodePrettily();
  }

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path resources = Files.createDirectories(temp.resolve("resources"));
    writeConfiguration(resources, "template");
    Map<String, String> files = new LinkedHashMap<>();
    files.put(file("default", "foo"), resource("default", "foo", "bar", "a"));
    files.put(file("default", "bar"), resource("default", "bar", "baz", "b"));
    files.put(file("default", "abc"), resource("default", "abc", "x", "a"));
    files.put(file("other", "solo"), resource("other", "solo", "y", "a"));
    files.put("README.md", "not a resource\n");
    remote = TestRepos.createBare(temp.resolve("remote.git"), files);
    cfg =
        ServerConfig.fromJson(
            new JsonObject()
                .put("source", "git")
                .put("gitRepo", remote.toUri().toString())
                .put("gitBranch", "main")
                .put("dataDir", temp.resolve("data").toString())
                .put("resourcesDir", resources.toString()));
    git = GitClone.create(cfg);
    git.cloneOrOpen();
    seed = git.head();
    vertx
        .deployVerticle(
            controllers(),
            ControllerVerticle.deploymentOptions(new JsonObject().put("server", cfg.toJson()), 2))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closeClone() throws Exception {
    git.close();
  }

  /** Controller workers as the launcher makes them: the clone's revisions and shared caches. */
  private Supplier<ControllerVerticle> controllers() {
    return () -> new ControllerVerticle(git.revisions(), lastChanges, modules);
  }

  private static void writeConfiguration(Path dir, String controllerType) throws IOException {
    Files.writeString(
        dir.resolve("resources.json"),
        new JsonObject()
            .put("apiVersion", "cup.flipt.io/v1alpha1")
            .put("kind", "ResourceDefinition")
            .put("metadata", new JsonObject().put("name", "resources." + GROUP))
            .put(
                "names",
                new JsonObject()
                    .put("kind", "Resource")
                    .put("singular", "resource")
                    .put("plural", "resources"))
            .put(
                "spec",
                new JsonObject()
                    .put("group", GROUP)
                    .put(
                        "versions",
                        new JsonObject().put(VERSION, new JsonObject().put("type", "object"))))
            .encodePrettily());
    JsonObject controllerSpec = new JsonObject().put("type", controllerType);
    if (controllerType.equals("wasm")) {
      Files.write(dir.resolve("c.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
      controllerSpec.put("spec", new JsonObject().put("path", "c.wasm"));
    }
    Files.writeString(
        dir.resolve("controller.json"),
        new JsonObject()
            .put("apiVersion", "cup.flipt.io/v1alpha1")
            .put("kind", "Controller")
            .put("metadata", new JsonObject().put("name", "files"))
            .put("spec", controllerSpec)
            .encodePrettily());
    Files.writeString(
        dir.resolve("binding.json"),
        new JsonObject()
            .put("apiVersion", "cup.flipt.io/v1alpha1")
            .put("kind", "Binding")
            .put("metadata", new JsonObject().put("name", "files"))
            .put(
                "spec",
                new JsonObject()
                    .put("controller", "files")
                    .put("resources", new JsonArray().add(GROUP + "/" + VERSION + "/resources")))
            .encodePrettily());
  }

  private static ResourceRequest request(String namespace, String name) {
    return new ResourceRequest(GROUP, VERSION, "resources", namespace, name, null, null, null);
  }

  private static Future<JsonObject> send(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  // -- reads ------------------------------------------------------------------------------------

  @Test
  void getReadsTheResourceAtTheTrackedHead(Vertx vertx, VertxTestContext ctx) throws Exception {
    send(vertx, Addresses.CONTROLLER_GET.name(), request("default", "foo").toJson())
        .map(ResourceReply::fromJson)
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.commit()).isEqualTo(seed.name());
                          assertThat(reply.resource().getJsonObject("spec").getString("foo"))
                              .isEqualTo("bar");
                          assertThat(reply.resource().getJsonObject("metadata").getString("name"))
                              .isEqualTo("foo");
                          ctx.completeNow();
                        })));
  }

  @Test
  void getAtAnOlderRevisionReadsThatCommit(Vertx vertx, VertxTestContext ctx) throws Exception {
    TestRepos.commit(
        remote, "main", Map.of(file("default", "foo"), resource("default", "foo", "changed", "a")));
    FetchOutcome fetched = git.fetch();
    assertThat(fetched.moved()).isTrue();
    ResourceRequest old =
        new ResourceRequest(GROUP, VERSION, "resources", "default", "foo", seed.name(), null, null);

    send(vertx, Addresses.CONTROLLER_GET.name(), old.toJson())
        .map(ResourceReply::fromJson)
        .compose(
            atSeed ->
                send(vertx, Addresses.CONTROLLER_GET.name(), request("default", "foo").toJson())
                    .map(ResourceReply::fromJson)
                    .map(atHead -> List.of(atSeed, atHead)))
        .onComplete(
            ctx.succeeding(
                replies ->
                    ctx.verify(
                        () -> {
                          assertThat(replies.get(0).commit()).isEqualTo(seed.name());
                          assertThat(
                                  replies.get(0).resource().getJsonObject("spec").getString("foo"))
                              .isEqualTo("bar");
                          assertThat(replies.get(1).commit()).isEqualTo(fetched.after().name());
                          assertThat(
                                  replies.get(1).resource().getJsonObject("spec").getString("foo"))
                              .isEqualTo("changed");
                          ctx.completeNow();
                        })));
  }

  /**
   * Every read carries a uid derived from group, kind, namespace and name, and as creationTimestamp
   * the time of the commit that last changed the resource's file.
   */
  @Test
  void readsCarryAStableUidAndTheLastChangeOfTheirFile(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    ObjectId moved =
        TestRepos.commit(
            remote, "main", Map.of(file("default", "bar"), resource("default", "bar", "new", "b")));
    assertThat(git.fetch().moved()).isTrue();
    String seedTime = time(seed);
    String movedTime = time(moved);

    send(vertx, Addresses.CONTROLLER_GET.name(), request("default", "foo").toJson())
        .map(ResourceReply::fromJson)
        .compose(
            foo ->
                send(vertx, Addresses.CONTROLLER_LIST.name(), request("default", null).toJson())
                    .map(ListReply::fromJson)
                    .map(list -> List.of(foo.resource(), list)))
        .onComplete(
            ctx.succeeding(
                replies ->
                    ctx.verify(
                        () -> {
                          JsonObject foo = ((JsonObject) replies.get(0)).getJsonObject("metadata");
                          assertThat(foo.getString("uid"))
                              .isEqualTo(ServerFields.uid(GROUP, "Resource", "default", "foo"))
                              .matches("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-.*");
                          assertThat(foo.getString("creationTimestamp")).isEqualTo(seedTime);
                          Map<String, JsonObject> listed = new LinkedHashMap<>();
                          ((ListReply) replies.get(1))
                              .items()
                              .forEach(
                                  o -> {
                                    JsonObject m = ((JsonObject) o).getJsonObject("metadata");
                                    listed.put(m.getString("name"), m);
                                  });
                          assertThat(listed.get("foo").getString("uid"))
                              .isEqualTo(foo.getString("uid"));
                          assertThat(listed.get("foo").getString("creationTimestamp"))
                              .isEqualTo(seedTime);
                          assertThat(listed.get("bar").getString("creationTimestamp"))
                              .isEqualTo(movedTime);
                          // who made that last change, and which commit
                          assertThat(listed.get("bar").getJsonObject("annotations").getMap())
                              .containsEntry(ServerFields.LAST_CHANGED_BY, "Someone Else")
                              .containsEntry(ServerFields.LAST_COMMIT, moved.name());
                          assertThat(foo.getJsonObject("annotations").getMap())
                              .containsEntry(ServerFields.LAST_COMMIT, seed.name());
                          assertThat(listed.get("bar").getString("uid"))
                              .isEqualTo(ServerFields.uid(GROUP, "Resource", "default", "bar"))
                              .isNotEqualTo(foo.getString("uid"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void serverSetFieldsAreNeverStored(Vertx vertx, VertxTestContext ctx) throws Exception {
    JsonObject changed = new JsonObject(resource("default", "foo", "new", "a"));
    changed
        .getJsonObject("metadata")
        .put("uid", "0b5f3f4e-0000-5000-8000-000000000000")
        .put("creationTimestamp", "2020-01-01T00:00:00Z")
        .put("generation", 3)
        .put("selfLink", "/apis/x")
        .put("resourceVersion", "")
        .put(
            "annotations",
            new JsonObject()
                .put(ServerFields.LAST_CHANGED_BY, "Someone Else")
                .put(ServerFields.LAST_COMMIT, "c0ffee"));
    changed.put("status", new JsonObject().put("phase", "x"));

    send(vertx, Addresses.CONTROLLER_PUT.name(), withResource(request("default", "foo"), changed))
        .map(ChangeSetReply::fromJson)
        .onComplete(
            ctx.succeeding(
                put ->
                    ctx.verify(
                        () -> {
                          JsonObject stored =
                              new JsonObject(
                                  new String(
                                      put.changes().changes().get(0).content(),
                                      StandardCharsets.UTF_8));
                          assertThat(stored.getJsonObject("metadata").fieldNames())
                              .containsExactlyInAnyOrder(
                                  "namespace", "name", "labels", "annotations");
                          assertThat(stored.containsKey("status")).isFalse();
                          assertThat(stored.getJsonObject("metadata").getValue("annotations"))
                              .isEqualTo(new JsonObject());
                          ctx.completeNow();
                        })));
  }

  private String time(ObjectId commit) {
    return ServerFields.timestamp(
        java.time.Instant.ofEpochSecond(
            TestRepos.parseCommit(remote, commit.name()).getCommitTime()));
  }

  @Test
  void missingResourceTypeAndRevisionAre404(Vertx vertx, VertxTestContext ctx) throws Exception {
    ResourceRequest unknownType =
        new ResourceRequest(GROUP, VERSION, "widgets", "default", "foo", null, null, null);
    ResourceRequest unknownRevision =
        new ResourceRequest(GROUP, VERSION, "resources", "default", "foo", "nope", null, null);
    Checkpoint three = ctx.checkpoint(3);

    send(vertx, Addresses.CONTROLLER_GET.name(), request("default", "nope").toJson())
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          StatusException status = StatusException.from(e);
                          assertThat(status.code()).isEqualTo(404);
                          assertThat(status.getMessage())
                              .isEqualTo("resources.test.cup.flipt.io \"nope\" not found");
                          three.flag();
                        })));
    send(vertx, Addresses.CONTROLLER_GET.name(), unknownType.toJson())
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          StatusException status = StatusException.from(e);
                          assertThat(status.code()).isEqualTo(404);
                          assertThat(status.getMessage())
                              .isEqualTo("no resource type test.cup.flipt.io/v1alpha1/widgets");
                          three.flag();
                        })));
    send(vertx, Addresses.CONTROLLER_GET.name(), unknownRevision.toJson())
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(StatusException.from(e).code()).isEqualTo(404);
                          three.flag();
                        })));
  }

  @Test
  void badNamesAre400(Vertx vertx, VertxTestContext ctx) throws Exception {
    send(vertx, Addresses.CONTROLLER_GET.name(), request("default", "../../etc").toJson())
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(StatusException.from(e).code()).isEqualTo(400);
                          ctx.completeNow();
                        })));
  }

  @Test
  void listIsSortedByNameAndFilteredByLabels(Vertx vertx, VertxTestContext ctx) throws Exception {
    ResourceRequest teamA =
        new ResourceRequest(
            GROUP, VERSION, "resources", "default", null, null, "team in (a)", null);

    send(vertx, Addresses.CONTROLLER_LIST.name(), request("default", null).toJson())
        .map(ListReply::fromJson)
        .compose(
            all ->
                send(vertx, Addresses.CONTROLLER_LIST.name(), teamA.toJson())
                    .map(ListReply::fromJson)
                    .map(filtered -> List.of(all, filtered)))
        .onComplete(
            ctx.succeeding(
                replies ->
                    ctx.verify(
                        () -> {
                          assertThat(replies.get(0).commit()).isEqualTo(seed.name());
                          assertThat(names(replies.get(0))).containsExactly("abc", "bar", "foo");
                          assertThat(names(replies.get(1))).containsExactly("abc", "foo");
                          ctx.completeNow();
                        })));
  }

  @Test
  void malformedLabelSelectorIs400(Vertx vertx, VertxTestContext ctx) throws Exception {
    ResourceRequest bad =
        new ResourceRequest(GROUP, VERSION, "resources", "default", null, null, "team in a", null);

    send(vertx, Addresses.CONTROLLER_LIST.name(), bad.toJson())
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          StatusException status = StatusException.from(e);
                          assertThat(status.code()).isEqualTo(400);
                          assertThat(status.getMessage())
                              .startsWith("invalid label selector \"team in a\"");
                          ctx.completeNow();
                        })));
  }

  private static List<String> names(ListReply reply) {
    List<String> names = new ArrayList<>();
    reply
        .items()
        .forEach(o -> names.add(((JsonObject) o).getJsonObject("metadata").getString("name")));
    return names;
  }

  // -- writes -----------------------------------------------------------------------------------

  @Test
  void putRepliesWithTheChangeSetAndCommitMessage(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    JsonObject changed = new JsonObject(resource("default", "foo", "new", "a"));
    JsonObject same = new JsonObject(resource("default", "bar", "baz", "b"));
    same.getJsonObject("metadata").put("resourceVersion", seed.name());

    send(vertx, Addresses.CONTROLLER_PUT.name(), withResource(request("default", "foo"), changed))
        .map(ChangeSetReply::fromJson)
        .compose(
            put ->
                send(
                        vertx,
                        Addresses.CONTROLLER_PUT.name(),
                        withResource(request("default", "bar"), same))
                    .map(ChangeSetReply::fromJson)
                    .map(unchanged -> List.of(put, unchanged)))
        .onComplete(
            ctx.succeeding(
                replies ->
                    ctx.verify(
                        () -> {
                          ChangeSetReply put = replies.get(0);
                          assertThat(put.message())
                              .isEqualTo(
                                  "feat: update test.cup.flipt.io/v1alpha1/Resource default/foo");
                          assertThat(put.changes().base()).isEqualTo(seed.name());
                          assertThat(put.changes().changes())
                              .extracting(FileChange::path)
                              .containsExactly(file("default", "foo"));
                          assertThat(
                                  new String(
                                      put.changes().changes().get(0).content(),
                                      StandardCharsets.UTF_8))
                              .startsWith("{\n  \"apiVersion\": \"test.cup.flipt.io/v1alpha1\",\n")
                              .contains("\"foo\": \"new\"")
                              .endsWith("}\n");
                          assertThat(put.resource().action()).isEqualTo("put");
                          assertThat(put.resource().apiVersion()).isEqualTo(GROUP + "/" + VERSION);
                          assertThat(put.resource().kind()).isEqualTo("Resource");
                          assertThat(put.resource().name()).isEqualTo("foo");
                          assertThat(replies.get(1).changes().isEmpty()).isTrue();
                          ctx.completeNow();
                        })));
  }

  /**
   * A stale resourceVersion is a 409 that says so as data (a cause of reason
   * ResourceVersionConflict), which survives the event bus: the API recognises it by that, never by
   * the message's wording.
   */
  @Test
  void aStaleVersionIs409WithAConflictCauseThatCrossesTheBus(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    JsonObject changed = new JsonObject(resource("default", "foo", "new", "a"));
    String gone = "0123456789abcdef0123456789abcdef01234567";
    ResourceRequest stale =
        new ResourceRequest(GROUP, VERSION, "resources", "default", "foo", null, null, changed)
            .withPrecondition(gone, false);
    send(vertx, Addresses.CONTROLLER_PUT.name(), stale.toJson())
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          StatusException status = StatusException.from(failure);
                          assertThat(status.code()).isEqualTo(409);
                          assertThat(status.reason()).isEqualTo("Conflict");
                          assertThat(status.isStaleVersion()).isTrue();
                          assertThat(status.causes())
                              .extracting(StatusException.Cause::reason)
                              .containsExactly(StatusException.RESOURCE_VERSION_CONFLICT);
                          assertThat(
                                  StatusException.conflict("a proposal is merged").isStaleVersion())
                              .isFalse();
                          ctx.completeNow();
                        })));
  }

  @Test
  void deleteRepliesWithTheRemovalOr404(Vertx vertx, VertxTestContext ctx) throws Exception {
    Checkpoint two = ctx.checkpoint(2);
    send(vertx, Addresses.CONTROLLER_DELETE.name(), request("default", "foo").toJson())
        .map(ChangeSetReply::fromJson)
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.message())
                              .isEqualTo(
                                  "feat: delete test.cup.flipt.io/v1alpha1/resources default/foo");
                          assertThat(reply.changes().changes())
                              .containsExactly(FileChange.delete(file("default", "foo")));
                          assertThat(reply.resource().action()).isEqualTo("delete");
                          two.flag();
                        })));
    send(vertx, Addresses.CONTROLLER_DELETE.name(), request("default", "ghost").toJson())
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(StatusException.from(e).code()).isEqualTo(404);
                          two.flag();
                        })));
  }

  private static JsonObject withResource(ResourceRequest request, JsonObject resource) {
    return new ResourceRequest(
            request.group(),
            request.version(),
            request.plural(),
            request.namespace(),
            request.name(),
            null,
            null,
            resource)
        .toJson();
  }

  // -- changes ----------------------------------------------------------------------------------

  @Test
  void headMovedPublishesResourceEvents(Vertx vertx, VertxTestContext ctx) throws Exception {
    ObjectId next =
        TestRepos.commit(
            remote,
            "main",
            Map.of(
                file("default", "foo"),
                resource("default", "foo", "moved", "a"),
                file("staging", "fresh"),
                resource("staging", "fresh", "new", "c"),
                "README.md",
                "still not a resource, but changed\n"),
            Set.of(file("default", "bar")),
            "someone else pushed");
    FetchOutcome fetched = git.fetch();
    assertThat(fetched.after()).isEqualTo(next);
    List<ResourceEvent> events = new ArrayList<>();
    Promise<List<ResourceEvent>> threeEvents = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.EVENTS_RESOURCE.name(),
            m -> {
              events.add(ResourceEvent.fromJson(m.body()));
              if (events.size() == 3) {
                threeEvents.complete(List.copyOf(events));
              }
            })
        .completion()
        .compose(
            v ->
                send(
                    vertx,
                    Addresses.CONTROLLER_CHANGES.name(),
                    new HeadMoved("main", seed.name(), next.name()).toJson()))
        .compose(reply -> threeEvents.future().map(published -> Map.entry(reply, published)))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.getKey().getInteger("events")).isEqualTo(3);
                          List<ResourceEvent> published = result.getValue();
                          assertThat(published)
                              .extracting(e -> e.type() + " " + e.namespace() + "/" + e.name())
                              .containsExactlyInAnyOrder(
                                  "DELETED default/bar",
                                  "MODIFIED default/foo",
                                  "ADDED staging/fresh");
                          for (ResourceEvent event : published) {
                            assertThat(event.commit()).isEqualTo(next.name());
                            assertThat(event.previousCommit()).isEqualTo(seed.name());
                            assertThat(event.group()).isEqualTo(GROUP);
                            assertThat(event.version()).isEqualTo(VERSION);
                            assertThat(event.plural()).isEqualTo("resources");
                            assertThat(event.kind()).isEqualTo("Resource");
                          }
                          assertThat(
                                  only(published, "DELETED")
                                      .object()
                                      .getJsonObject("spec")
                                      .getString("foo"))
                              .isEqualTo("baz");
                          assertThat(
                                  only(published, "MODIFIED")
                                      .object()
                                      .getJsonObject("spec")
                                      .getString("foo"))
                              .isEqualTo("moved");
                          ctx.completeNow();
                        })));
  }

  private static ResourceEvent only(List<ResourceEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void firstHeadPublishesNothing(Vertx vertx, VertxTestContext ctx) throws Exception {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.EVENTS_RESOURCE.name(),
            m -> ctx.failNow("no event expected, got " + m.body()));
    send(
            vertx,
            Addresses.CONTROLLER_CHANGES.name(),
            new HeadMoved("main", null, seed.name()).toJson())
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.getInteger("events")).isZero();
                          ctx.completeNow();
                        })));
  }

  // -- metrics and startup ----------------------------------------------------------------------

  @Test
  void timesEveryRequestByControllerOperationAndOutcome(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    long okBefore = count("get", "ok");
    long errorBefore = count("get", "error");

    send(vertx, Addresses.CONTROLLER_GET.name(), request("default", "foo").toJson())
        .compose(
            v ->
                send(vertx, Addresses.CONTROLLER_GET.name(), request("default", "nope").toJson())
                    .otherwiseEmpty())
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(count("get", "ok")).isEqualTo(okBefore + 1);
                          assertThat(count("get", "error")).isEqualTo(errorBefore + 1);
                          ctx.completeNow();
                        })));
  }

  private static long count(String operation, String outcome) {
    Timer timer =
        Metrics.registry()
            .find("cup.controller.duration")
            .tags("controller", "files", "operation", operation, "outcome", outcome)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void aWasmControllerWithoutStartFailsStartupNamingItsModule(Vertx vertx, VertxTestContext ctx)
      throws IOException {
    Path wasmConfig = Files.createDirectories(temp.resolve("wasm-resources"));
    writeConfiguration(wasmConfig, "wasm");
    JsonObject server = cfg.toJson().put("resourcesDir", wasmConfig.toString());

    vertx
        .deployVerticle(
            controllers(),
            ControllerVerticle.deploymentOptions(new JsonObject().put("server", server), 1))
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          // an empty module (magic and version only) has no _start to run
                          assertThat(e)
                              .isInstanceOf(ConfigurationException.class)
                              .hasMessageContaining(wasmConfig.resolve("c.wasm").toString())
                              .hasMessageContaining("_start");
                          ctx.completeNow();
                        })));
  }

  @Test
  void readsAndWritesAreServedByTheirOwnDeployments() throws Exception {
    // a Vert.x of its own: the one of this class already serves every address
    Vertx apart = Vertx.vertx();
    try {
      JsonObject config = new JsonObject().put("server", cfg.toJson());
      apart
          .deployVerticle(
              controllers(),
              ControllerVerticle.deploymentOptions(config, 1, ControllerVerticle.Serves.READ))
          .await(2, TimeUnit.MINUTES);
      JsonObject changed = new JsonObject(resource("default", "foo", "new", "a"));
      JsonObject put = withResource(request("default", "foo"), changed);

      assertThat(
              ResourceReply.fromJson(
                      send(
                              apart,
                              Addresses.CONTROLLER_GET.name(),
                              request("default", "foo").toJson())
                          .await(2, TimeUnit.MINUTES))
                  .resource())
          .isNotNull();
      // the read workers do not compute change sets
      assertThatThrownBy(
              () -> send(apart, Addresses.CONTROLLER_PUT.name(), put).await(2, TimeUnit.MINUTES))
          .isInstanceOfSatisfying(
              ReplyException.class,
              e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));

      apart
          .deployVerticle(
              controllers(),
              ControllerVerticle.deploymentOptions(config, 1, ControllerVerticle.Serves.WRITE))
          .await(2, TimeUnit.MINUTES);
      assertThat(
              ChangeSetReply.fromJson(
                  send(apart, Addresses.CONTROLLER_PUT.name(), put).await(2, TimeUnit.MINUTES)))
          .satisfies(reply -> assertThat(reply.changes().changes()).hasSize(1));
    } finally {
      apart.close().await(2, TimeUnit.MINUTES);
    }
  }

  @Test
  void anUnknownServesFailsTheStart(Vertx vertx, VertxTestContext ctx) throws Exception {
    vertx
        .deployVerticle(
            controllers(),
            ControllerVerticle.deploymentOptions(new JsonObject().put("server", cfg.toJson()), 1)
                .setConfig(
                    new JsonObject().put("server", cfg.toJson()).put("serves", "everything")))
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).hasMessageContaining("serves: \"everything\"");
                          ctx.completeNow();
                        })));
  }

  @Test
  void refusesToRunOnAnEventLoop(Vertx vertx, VertxTestContext ctx) throws Exception {
    vertx
        .deployVerticle(
            controllers().get(),
            new DeploymentOptions().setConfig(new JsonObject().put("server", cfg.toJson())))
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).hasMessageContaining("ThreadingModel.WORKER");
                          ctx.completeNow();
                        })));
  }
}
