package io.cup.proposals;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.FileChange;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalRequest;
import io.cup.bus.ProposalState;
import io.cup.bus.Requester;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.cup.testing.TestRepos;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class PublisherCreateTest extends PublisherFixture {

  @Test
  void createPushesTheProposalBranchAndItsRecord(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    BlockingQueue<ProposalEvent> events = events(vertx);
    ObjectId base = main();
    double createdBefore = Metrics.registry().counter("cup.proposals.created").count();

    Proposal proposal =
        create(
            vertx,
            request(
                base,
                "feat: update flipt.io/v1alpha1/Flag default/a",
                upsert("default/flipt.io-v1alpha1-Flag-a.json", "{\n  \"on\": true\n}\n"),
                upsert("default/flipt.io-v1alpha1-Flag-c.json", "{}\n"),
                FileChange.delete("README.md")));

    assertThat(ProposalId.isValid(proposal.id())).isTrue();
    assertThat(proposal.state()).isEqualTo(ProposalState.OPEN);
    assertThat(proposal.source()).isEqualTo("local");
    assertThat(proposal.url()).isEqualTo("/apis/cup.flipt.io/v1alpha1/proposals/" + proposal.id());
    assertThat(proposal.branch()).isEqualTo("cup/proposal/" + proposal.id());
    assertThat(proposal.base()).isEqualTo(base.name());
    assertThat(proposal.message()).isEqualTo("feat: update flipt.io/v1alpha1/Flag default/a");
    assertThat(proposal.resources()).hasSize(1);

    // the remote has the branch: one commit on the base, whose change is exactly the change set
    ObjectId branch = TestRepos.ref(remote, "refs/heads/" + proposal.branch());
    assertThat(branch).isNotNull().isEqualTo(ObjectId.fromString(proposal.head()));
    RevCommit commit = TestRepos.parseCommit(remote, branch.name());
    assertThat(commit.getParents()).extracting(RevCommit::getId).containsExactly(base);
    assertThat(commit.getFullMessage()).isEqualTo("feat: update flipt.io/v1alpha1/Flag default/a");
    assertThat(commit.getAuthorIdent().getName()).isEqualTo("Cup Publisher");
    assertThat(commit.getAuthorIdent().getEmailAddress()).isEqualTo("publisher@cup.test");
    Map<String, String> expected = new TreeMap<>(SEED);
    expected.put("default/flipt.io-v1alpha1-Flag-a.json", "{\n  \"on\": true\n}\n");
    expected.put("default/flipt.io-v1alpha1-Flag-c.json", "{}\n");
    expected.remove("README.md");
    assertThat(TestRepos.files(remote, branch.name())).isEqualTo(expected);
    // the tracked branch did not move
    assertThat(main()).isEqualTo(base);

    // and the record, state open
    assertThat(remoteRecord(proposal.id())).isEqualTo(proposal);
    // the local clone has both refs too
    Path clone = cfg.repositoryDir();
    assertThat(TestRepos.ref(clone, "refs/heads/" + proposal.branch())).isEqualTo(branch);
    assertThat(TestRepos.ref(clone, ProposalStore.recordRef(proposal.id())))
        .isEqualTo(TestRepos.ref(remote, ProposalStore.recordRef(proposal.id())));

    ProposalEvent event = next(events);
    assertThat(event.type()).isEqualTo(ProposalEvent.Type.OPENED);
    assertThat(event.proposal()).isEqualTo(proposal);
    assertThat(Metrics.registry().counter("cup.proposals.created").count())
        .isEqualTo(createdBefore + 1);
    assertThat(Metrics.registry().find("cup.proposal.push.duration").timer()).isNotNull();
    assertFsckClean(remote);
  }

  @Test
  void listIsNewestFirstAndGetCarriesTheDiff(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    ObjectId base = main();
    Proposal first =
        create(
            vertx, request(base, "first", upsert("default/flipt.io-v1alpha1-Flag-a.json", "{}\n")));
    Proposal second = create(vertx, request(base, "second", upsert("new.txt", "new\n")));

    assertThat(list(vertx)).extracting(Proposal::id).containsExactly(second.id(), first.id());
    assertThat(list(vertx)).allSatisfy(p -> assertThat(p.diff()).isNull());

    Proposal got = byId(vertx, Addresses.PROPOSAL_GET.name(), second.id());
    assertThat(got.withDiff(null)).isEqualTo(second);
    assertThat(got.diff())
        .startsWith("diff --git a/new.txt b/new.txt\nnew file mode 100644\n")
        .endsWith("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+new\n");
    assertThat(byId(vertx, Addresses.PROPOSAL_GET.name(), first.id()).diff())
        .contains("-  \"on\": false\n-}\n+{}\n");

    StatusException unknown =
        failure(
            vertx,
            Addresses.PROPOSAL_GET.name(),
            new io.vertx.core.json.JsonObject().put("id", ProposalId.next()));
    assertThat(unknown.code()).isEqualTo(404);
    StatusException garbage =
        failure(
            vertx,
            Addresses.PROPOSAL_GET.name(),
            new io.vertx.core.json.JsonObject().put("id", "../x"));
    assertThat(garbage.code()).isEqualTo(404);
  }

  @Test
  void twentyConcurrentCreatesMakeTwentyBranches(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 4);
    ObjectId base = main();

    List<Future<Proposal>> creates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      creates.add(
          vertx
              .eventBus()
              .<io.vertx.core.json.JsonObject>request(
                  Addresses.PROPOSAL_CREATE.name(),
                  request(base, "change " + i, upsert("default/flag-" + i + ".json", "{}\n"))
                      .toJson(),
                  new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(60_000))
              .map(m -> Proposal.fromJson(m.body())));
    }
    await(Future.all(creates));

    Set<String> ids = new HashSet<>();
    for (Future<Proposal> create : creates) {
      ids.add(create.result().id());
    }
    assertThat(ids).hasSize(20);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    for (String id : ids) {
      assertThat(refs).containsKey("refs/heads/cup/proposal/" + id);
      assertThat(refs).containsKey(ProposalStore.recordRef(id));
      assertThat(remoteRecord(id).state()).isEqualTo(ProposalState.OPEN);
    }
    assertThat(refs.keySet().stream().filter(r -> r.startsWith("refs/heads/cup/proposal/")))
        .hasSize(20);
    assertThat(list(vertx)).hasSize(20);
    assertFsckClean(remote);
    assertFsckClean(cfg.repositoryDir());
  }

  @Test
  void anUnreachableRemoteIs503AndChangesNothing(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    ObjectId base = main();
    Map<String, ObjectId> before = TestRepos.refs(remote);
    daemon.stop();

    StatusException failure =
        failure(
            vertx,
            Addresses.PROPOSAL_CREATE.name(),
            request(base, "while down", upsert("a.txt", "a\n")).toJson());

    assertThat(failure.code()).isEqualTo(503);
    // the client is not told where the remote is (the log is)
    assertThat(failure.getMessage()).doesNotContain(daemon.url("flags.git"));
    assertThat(TestRepos.refs(remote)).isEqualTo(before);
    assertThat(
            TestRepos.refs(cfg.repositoryDir()).keySet().stream()
                .filter(r -> r.startsWith("refs/cup/") || r.startsWith("refs/heads/cup/")))
        .isEmpty();

    // once the remote is back, the same request goes through
    daemon.start();
    Proposal proposal = create(vertx, request(base, "back again", upsert("a.txt", "a\n")));
    assertThat(TestRepos.ref(remote, "refs/heads/" + proposal.branch())).isNotNull();
  }

  /**
   * A remote that refuses Cup's records (an update hook): the push fails as a whole, 502, and no
   * proposal branch is left behind, whether the remote pushes atomically or ref by ref.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRejectedPushIs502AndLeavesNothingBehind(boolean atomic, Vertx vertx) throws Exception {
    Path hook = remote.resolve("hooks").resolve("update");
    Files.createDirectories(hook.getParent());
    Files.writeString(
        hook,
        "#!/bin/sh\n"
            + "echo \"$1 $3\" >> \"$GIT_DIR/update.log\"\n"
            + "case \"$1\" in refs/cup/*) echo 'records not welcome' >&2; exit 1;; esac\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (!atomic) {
      try (var repository = TestRepos.open(remote)) {
        repository.getConfig().setBoolean("receive", null, "advertiseAtomic", false);
        repository.getConfig().save();
      }
    }
    deploy(vertx, cfg, 1);
    Map<String, ObjectId> before = TestRepos.refs(remote);

    StatusException failure =
        failure(
            vertx,
            Addresses.PROPOSAL_CREATE.name(),
            request(main(), "refused", upsert("a.txt", "a\n")).toJson());

    assertThat(failure.code()).isEqualTo(502);
    assertThat(failure.getMessage())
        .doesNotContain(daemon.url("flags.git"))
        .contains("refs/cup/proposals/");
    assertThat(TestRepos.refs(remote)).isEqualTo(before);
    List<String> updates = Files.readAllLines(remote.resolve("update.log"));
    if (atomic) {
      // one transaction: both refs offered, both refused
      assertThat(updates).hasSize(2);
    } else {
      // ref by ref: the branch went in, the record was refused, the branch was deleted again
      assertThat(updates).hasSize(3);
      assertThat(updates.get(0)).startsWith("refs/heads/cup/proposal/");
      assertThat(updates.get(1)).startsWith("refs/cup/proposals/");
      assertThat(updates.get(2))
          .isEqualTo(updates.get(0).split(" ")[0] + " " + ObjectId.zeroId().name());
    }
  }

  @Test
  void aChangeSetThatChangesNothingIs204(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    Map<String, ObjectId> before = TestRepos.refs(remote);

    StatusException failure =
        failure(
            vertx,
            Addresses.PROPOSAL_CREATE.name(),
            request(
                    main(),
                    "same",
                    upsert("README.md", SEED.get("README.md")),
                    FileChange.delete("x"))
                .toJson());

    assertThat(failure.code()).isEqualTo(204);
    assertThat(TestRepos.refs(remote)).isEqualTo(before);
  }

  @Test
  void aHostilePathIs400AndChangesNothing(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    Map<String, ObjectId> before = TestRepos.refs(remote);

    StatusException failure =
        failure(
            vertx,
            Addresses.PROPOSAL_CREATE.name(),
            request(main(), "escape", upsert("../../etc/passwd", "x")).toJson());

    assertThat(failure.code()).isEqualTo(400);
    assertThat(failure.getMessage()).contains("../../etc/passwd");
    assertThat(TestRepos.refs(remote)).isEqualTo(before);
    assertThat(
            failure(vertx, Addresses.PROPOSAL_CREATE.name(), new io.vertx.core.json.JsonObject())
                .code())
        .isEqualTo(400);
    ObjectId nowhere = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");
    assertThat(
            failure(
                    vertx,
                    Addresses.PROPOSAL_CREATE.name(),
                    request(nowhere, "unknown base", upsert("a.txt", "a")).toJson())
                .code())
        .isEqualTo(404);
    assertThat(
            failure(
                    vertx,
                    Addresses.PROPOSAL_CREATE.name(),
                    request(main(), " ", upsert("a.txt", "a")).toJson())
                .code())
        .isEqualTo(400);
    assertThat(TestRepos.refs(remote)).isEqualTo(before);
  }

  /**
   * The base a write was computed on is behind the remote's head: the proposal still builds on it.
   */
  @Test
  void aProposalOnAnOlderBaseKeepsThatBase(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    ObjectId base = main();
    ObjectId moved = TestRepos.commit(remote, TestRepos.MAIN, Map.of("theirs.txt", "t\n"));

    Proposal proposal = create(vertx, request(base, "on the old base", upsert("mine.txt", "m\n")));

    RevCommit commit = TestRepos.parseCommit(remote, proposal.branch());
    assertThat(commit.getParents()).extracting(RevCommit::getId).containsExactly(base);
    assertThat(TestRepos.files(remote, proposal.branch()))
        .containsEntry("mine.txt", "m\n")
        .doesNotContainKey("theirs.txt")
        .hasSize(SEED.size() + 1);
    assertThat(main()).isEqualTo(moved);
    assertFsckClean(remote);
  }

  @Test
  void aDirectorySourceAppliesWritesInPlace(Vertx vertx) throws Exception {
    Path served = Files.createDirectories(root.resolve("local"));
    Files.writeString(served.resolve("old.json"), "{}\n");
    closeClones();
    var local =
        io.cup.config.ServerConfig.fromJson(
            cfg.toJson().put("source", "local").put("localPath", served.toString()));
    deploy(vertx, local, 1);
    BlockingQueue<ProposalEvent> events = events(vertx);

    Proposal applied =
        create(
            vertx,
            request(
                null,
                "feat: update flipt.io/v1alpha1/Flag default/a",
                upsert("default/a.json", "{\"on\":true}\n"),
                FileChange.delete("old.json")));

    assertThat(applied.state()).isEqualTo(ProposalState.MERGED);
    assertThat(applied.source()).isEqualTo("directory");
    assertThat(applied.url()).isNull();
    assertThat(applied.branch()).isNull();
    assertThat(Files.readString(served.resolve("default/a.json"))).isEqualTo("{\"on\":true}\n");
    assertThat(served.resolve("old.json")).doesNotExist();
    assertThat(next(events).type()).isEqualTo(ProposalEvent.Type.MERGED);
    assertThat(list(vertx)).isEmpty();
    assertThat(
            failure(
                    vertx,
                    Addresses.PROPOSAL_GET.name(),
                    new io.vertx.core.json.JsonObject().put("id", applied.id()))
                .code())
        .isEqualTo(404);
  }

  @Test
  void aRetriedWriteBySameRequesterAnswersItsOpenProposal(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    ObjectId base = main();
    Requester alice = new Requester("alice", List.of("dev"), "alice@example.com");
    Requester bob = new Requester("bob", List.of("dev"), null);
    FileChange change = upsert("default/flipt.io-v1alpha1-Flag-a.json", "{\n  \"on\": true\n}\n");

    Proposal first = create(vertx, by(request(base, "feat: a", change), alice));
    // the client's retry after a lost answer: same resource, same content, same requester
    Proposal retried = create(vertx, by(request(base, "feat: a", change), alice));
    assertThat(retried.id()).isEqualTo(first.id());
    assertThat(retried.state()).isEqualTo(ProposalState.OPEN);

    // anybody else, or another content, opens a proposal of its own
    Proposal other = create(vertx, by(request(base, "feat: a", change), bob));
    assertThat(other.id()).isNotEqualTo(first.id());
    Proposal anonymous = create(vertx, request(base, "feat: a", change));
    assertThat(anonymous.id()).isNotIn(first.id(), other.id());
    assertThat(create(vertx, request(base, "feat: a", change)).id()).isEqualTo(anonymous.id());
    Proposal changed =
        create(
            vertx,
            by(
                request(base, "feat: a", upsert("default/flipt.io-v1alpha1-Flag-a.json", "{}\n")),
                alice));
    assertThat(changed.id()).isNotEqualTo(first.id());
    assertThat(list(vertx)).extracting(Proposal::id).hasSize(4);

    // once the first is closed, the same write opens a new one
    byId(vertx, Addresses.PROPOSAL_CLOSE.name(), first.id());
    assertThat(create(vertx, by(request(base, "feat: a", change), alice)).id())
        .isNotEqualTo(first.id());
  }

  private static ProposalRequest by(ProposalRequest request, Requester requester) {
    return new ProposalRequest(
        request.changes(), request.message(), request.resources(), null, requester);
  }
}
