package io.cup.proposals;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cup.bus.Addresses;
import io.cup.bus.ChangeSet;
import io.cup.bus.FileChange;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ResourceRef;
import io.cup.config.ServerConfig;
import io.cup.fetcher.FetcherVerticle;
import io.cup.git.DirectorySource;
import io.cup.git.GitClone;
import io.cup.git.Source;
import io.cup.status.StatusException;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestRepos;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A served repository behind a real {@code git daemon}, a server configuration whose data directory
 * holds the clone, and helpers to talk to the publisher over the event bus. Each test gets its own
 * remote and clones, which the fixture owns (as the launcher does in a server) and closes after it.
 */
abstract class PublisherFixture {
  static final Map<String, String> SEED =
      Map.of(
          "default/flipt.io-v1alpha1-Flag-a.json", "{\n  \"on\": false\n}\n",
          "default/flipt.io-v1alpha1-Flag-b.json", "{\n  \"on\": true\n}\n",
          "README.md", "# flags\n");

  @TempDir Path root;
  GitDaemon daemon;
  Path remote;
  ServerConfig cfg;

  /** The clone the last deployment serves (a git source). */
  GitClone clone;

  private final List<GitClone> clones = new ArrayList<>();

  @BeforeEach
  void serveRemote() throws Exception {
    remote = TestRepos.createBare(root.resolve("served").resolve("flags.git"), SEED);
    daemon = GitDaemon.serve(root.resolve("served"));
    cfg = config(root.resolve("data"));
  }

  @AfterEach
  void stopRemote() throws Exception {
    closeClones();
    if (daemon != null) {
      daemon.close();
    }
  }

  ServerConfig config(Path dataDir) {
    return ServerConfig.fromJson(
        new JsonObject()
            .put("source", "git")
            .put("gitRepo", daemon.url("flags.git"))
            .put("gitBranch", TestRepos.MAIN)
            .put("pollIntervalMillis", 60_000L)
            .put("dataDir", dataDir.toString())
            .put("authorName", "Cup Publisher")
            .put("authorEmail", "publisher@cup.test"));
  }

  /**
   * Deploys what a server would for {@code cfg}'s source: for a Git source a clone (cloned or
   * opened here) with its fetcher, the clone's one owner; then {@code instances} publishers.
   */
  String deploy(Vertx vertx, ServerConfig cfg, int instances) throws Exception {
    Source source = source(cfg);
    if (clone != null && "git".equals(cfg.source())) {
      await(vertx.deployVerticle(new FetcherVerticle(clone), workerOptions(cfg, 1)));
    }
    return await(
        vertx.deployVerticle(() -> new PublisherVerticle(source), workerOptions(cfg, instances)));
  }

  /**
   * As {@link #deploy} without the fetcher: the test stands in for it on {@code
   * cup.repository.fetch}, fetching {@link #clone} itself.
   */
  String deployWithoutFetcher(Vertx vertx, ServerConfig cfg, int instances) throws Exception {
    Source source = source(cfg);
    return await(
        vertx.deployVerticle(() -> new PublisherVerticle(source), workerOptions(cfg, instances)));
  }

  /** Closes every clone made so far (a node going down). */
  void closeClones() {
    clones.forEach(GitClone::close);
    clones.clear();
    clone = null;
  }

  private Source source(ServerConfig cfg) {
    if (!"git".equals(cfg.source())) {
      clone = null;
      return DirectorySource.create(cfg);
    }
    clone = GitClone.create(cfg);
    clones.add(clone);
    clone.cloneOrOpen();
    return clone.revisions();
  }

  private static DeploymentOptions workerOptions(ServerConfig cfg, int instances) {
    return new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER)
        .setInstances(instances)
        .setConfig(new JsonObject().put("server", cfg.toJson()));
  }

  ObjectId main() {
    return TestRepos.ref(remote, "refs/heads/" + TestRepos.MAIN);
  }

  static ProposalRequest request(ObjectId base, String message, FileChange... changes) {
    return new ProposalRequest(
        new ChangeSet(base == null ? null : base.name(), Arrays.asList(changes)),
        message,
        List.of(new ResourceRef("flipt.io/v1alpha1", "Flag", "default", "a", "put")));
  }

  static FileChange upsert(String path, String content) {
    return FileChange.upsert(path, content.getBytes(StandardCharsets.UTF_8));
  }

  static Proposal create(Vertx vertx, ProposalRequest request) throws Exception {
    return Proposal.fromJson(call(vertx, Addresses.PROPOSAL_CREATE.name(), request.toJson()));
  }

  static Proposal byId(Vertx vertx, String address, String id) throws Exception {
    return Proposal.fromJson(call(vertx, address, new JsonObject().put("id", id)));
  }

  static List<Proposal> list(Vertx vertx) throws Exception {
    return call(vertx, Addresses.PROPOSAL_LIST.name(), new JsonObject())
        .getJsonArray("items")
        .stream()
        .map(o -> Proposal.fromJson((JsonObject) o))
        .toList();
  }

  static JsonObject call(Vertx vertx, String address, JsonObject body) throws Exception {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(60_000);
    return await(vertx.eventBus().<JsonObject>request(address, body, options).map(Message::body));
  }

  /** The status a request fails with; fails the test when it succeeds. */
  static StatusException failure(Vertx vertx, String address, JsonObject body) throws Exception {
    try {
      JsonObject reply = call(vertx, address, body);
      return fail("expected %s to fail, got %s", address, reply);
    } catch (ExecutionException e) {
      return StatusException.from(e.getCause());
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, SECONDS);
  }

  /** Every proposal event published from now on. */
  static BlockingQueue<ProposalEvent> events(Vertx vertx) throws Exception {
    BlockingQueue<ProposalEvent> events = new LinkedBlockingQueue<>();
    var consumer =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.EVENTS_PROPOSAL.name(),
                m -> events.add(ProposalEvent.fromJson(m.body())));
    await(consumer.completion());
    return events;
  }

  static ProposalEvent next(BlockingQueue<ProposalEvent> events) throws InterruptedException {
    ProposalEvent event = events.poll(30, SECONDS);
    assertThat(event).as("a proposal event within 30 s").isNotNull();
    return event;
  }

  /** The record of {@code id} as the remote has it. */
  Proposal remoteRecord(String id) {
    String json = TestRepos.read(remote, ProposalStore.recordRef(id), ProposalStore.FILE);
    assertThat(json).as("record of %s on the remote", id).isNotNull();
    return Proposal.fromJson(new JsonObject(json));
  }

  void assertFsckClean(Path repository) {
    TestRepos.Fsck fsck = TestRepos.fsck(repository);
    assertThat(fsck.ok()).as(fsck.output()).isTrue();
  }
}
