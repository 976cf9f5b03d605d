package io.cup.proposals;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalEvent;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalState;
import io.cup.metrics.Metrics;
import io.cup.status.StatusException;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Merge, close and restart of local proposals, against a real git daemon. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class ProposalLifecycleTest extends PublisherFixture {
  private static final String FLAG_A = "default/flipt.io-v1alpha1-Flag-a.json";

  @Test
  void mergeFastForwardsTheTrackedBranch(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 2);
    BlockingQueue<ProposalEvent> events = events(vertx);
    double mergedBefore = Metrics.registry().counter("cup.proposals.merged").count();
    Proposal proposal =
        create(vertx, request(main(), "feat: flag a on", upsert(FLAG_A, "{\"on\":true}\n")));
    assertThat(next(events).type()).isEqualTo(ProposalEvent.Type.OPENED);

    Proposal merged = byId(vertx, Addresses.PROPOSAL_MERGE.name(), proposal.id());

    assertThat(merged.state()).isEqualTo(ProposalState.MERGED);
    assertThat(merged.mergeCommit()).isEqualTo(proposal.head());
    assertThat(main()).isEqualTo(ObjectId.fromString(proposal.head()));
    assertThat(remoteRecord(proposal.id())).isEqualTo(merged);
    // the record's history is the audit log: opened, then merged
    RevCommit record = TestRepos.parseCommit(remote, ProposalStore.recordRef(proposal.id()));
    assertThat(record.getShortMessage()).isEqualTo("merged proposal " + proposal.id());
    assertThat(record.getParentCount()).isEqualTo(1);
    assertThat(TestRepos.parseCommit(remote, record.getParent(0).name()).getShortMessage())
        .isEqualTo("open proposal " + proposal.id());
    // the clone was fetched after the merge: readers see the new head
    assertThat(clone.head()).isEqualTo(main());
    ProposalEvent event = next(events);
    assertThat(event.type()).isEqualTo(ProposalEvent.Type.MERGED);
    assertThat(event.proposal()).isEqualTo(merged);
    assertThat(Metrics.registry().counter("cup.proposals.merged").count())
        .isEqualTo(mergedBefore + 1);

    StatusException again = failure(vertx, Addresses.PROPOSAL_MERGE.name(), id(proposal));
    assertThat(again.code()).isEqualTo(409);
    assertThat(again.getMessage()).contains("merged");
    assertFsckClean(remote);
  }

  @Test
  void mergeOntoAMovedBranchMakesAMergeCommit(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    ObjectId base = main();
    Proposal proposal =
        create(vertx, request(base, "feat: flag a on", upsert(FLAG_A, "{\"on\":true}\n")));
    // someone else pushes to main after the proposal was made; the clone has not fetched it
    ObjectId theirs = TestRepos.commit(remote, TestRepos.MAIN, Map.of("other.txt", "theirs\n"));

    Proposal merged = byId(vertx, Addresses.PROPOSAL_MERGE.name(), proposal.id());

    assertThat(merged.state()).isEqualTo(ProposalState.MERGED);
    ObjectId head = main();
    assertThat(head.name()).isEqualTo(merged.mergeCommit());
    RevCommit merge = TestRepos.parseCommit(remote, head.name());
    assertThat(merge.getParents())
        .extracting(RevCommit::getId)
        .containsExactly(theirs, ObjectId.fromString(proposal.head()));
    assertThat(merge.getFullMessage())
        .isEqualTo("Merge proposal " + proposal.id() + ": feat: flag a on");
    assertThat(merge.getAuthorIdent().getEmailAddress()).isEqualTo("publisher@cup.test");
    Map<String, String> files = TestRepos.files(remote, head.name());
    assertThat(files)
        .containsEntry(FLAG_A, "{\"on\":true}\n")
        .containsEntry("other.txt", "theirs\n");
    assertThat(files).hasSize(SEED.size() + 1);
    assertFsckClean(remote);
  }

  @Test
  void aConflictingMergeIs409AndMarksTheProposalConflicted(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    BlockingQueue<ProposalEvent> events = events(vertx);
    Proposal proposal =
        create(vertx, request(main(), "feat: flag a on", upsert(FLAG_A, "{\n  \"on\": true\n}\n")));
    ObjectId theirs =
        TestRepos.commit(
            remote, TestRepos.MAIN, Map.of(FLAG_A, "{\n  \"on\": \"maybe\"\n}\n"), Set.of(), "x");

    StatusException conflict = failure(vertx, Addresses.PROPOSAL_MERGE.name(), id(proposal));

    assertThat(conflict.code()).isEqualTo(409);
    assertThat(conflict.getMessage())
        .isEqualTo(
            "proposal "
                + proposal.id()
                + " no longer applies cleanly to main: conflicting paths "
                + FLAG_A);
    assertThat(main()).isEqualTo(theirs);
    assertThat(remoteRecord(proposal.id()).state()).isEqualTo(ProposalState.CONFLICTED);
    assertThat(byId(vertx, Addresses.PROPOSAL_GET.name(), proposal.id()).state())
        .isEqualTo(ProposalState.CONFLICTED);
    assertThat(next(events).type()).isEqualTo(ProposalEvent.Type.OPENED);
    assertThat(next(events).type()).isEqualTo(ProposalEvent.Type.CONFLICTED);

    StatusException notOpen = failure(vertx, Addresses.PROPOSAL_MERGE.name(), id(proposal));
    assertThat(notOpen.code()).isEqualTo(409);
    assertThat(notOpen.getMessage()).contains("conflicted");

    // a conflicted proposal can still be closed
    assertThat(byId(vertx, Addresses.PROPOSAL_CLOSE.name(), proposal.id()).state())
        .isEqualTo(ProposalState.CLOSED);
  }

  @Test
  void closeKeepsTheBranchAndAMergedProposalCannotBeClosed(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    BlockingQueue<ProposalEvent> events = events(vertx);
    double closedBefore = Metrics.registry().counter("cup.proposals.closed").count();
    Proposal toClose = create(vertx, request(main(), "to close", upsert("x.txt", "x\n")));
    Proposal toMerge = create(vertx, request(main(), "to merge", upsert("y.txt", "y\n")));
    ObjectId mainBefore = main();

    Proposal closed = byId(vertx, Addresses.PROPOSAL_CLOSE.name(), toClose.id());

    assertThat(closed.state()).isEqualTo(ProposalState.CLOSED);
    assertThat(remoteRecord(toClose.id()).state()).isEqualTo(ProposalState.CLOSED);
    assertThat(TestRepos.ref(remote, "refs/heads/" + toClose.branch()))
        .isEqualTo(ObjectId.fromString(toClose.head()));
    assertThat(main()).isEqualTo(mainBefore);
    assertThat(Metrics.registry().counter("cup.proposals.closed").count())
        .isEqualTo(closedBefore + 1);
    // closing again answers the closed proposal; merging it is refused
    assertThat(byId(vertx, Addresses.PROPOSAL_CLOSE.name(), toClose.id()).state())
        .isEqualTo(ProposalState.CLOSED);
    assertThat(failure(vertx, Addresses.PROPOSAL_MERGE.name(), id(toClose)).code()).isEqualTo(409);

    byId(vertx, Addresses.PROPOSAL_MERGE.name(), toMerge.id());
    StatusException mergedClose = failure(vertx, Addresses.PROPOSAL_CLOSE.name(), id(toMerge));
    assertThat(mergedClose.code()).isEqualTo(409);
    assertThat(mergedClose.getMessage()).contains("merged");

    List<ProposalEvent.Type> types =
        List.of(next(events).type(), next(events).type(), next(events).type(), next(events).type());
    assertThat(types)
        .containsExactly(
            ProposalEvent.Type.OPENED,
            ProposalEvent.Type.OPENED,
            ProposalEvent.Type.CLOSED,
            ProposalEvent.Type.MERGED);
    assertThat(events).isEmpty();
  }

  @Test
  void unknownProposalsAre404(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    JsonObject unknown = new JsonObject().put("id", ProposalId.next());

    assertThat(failure(vertx, Addresses.PROPOSAL_MERGE.name(), unknown).code()).isEqualTo(404);
    assertThat(failure(vertx, Addresses.PROPOSAL_CLOSE.name(), unknown).code()).isEqualTo(404);
    assertThat(failure(vertx, Addresses.PROPOSAL_CLOSE.name(), new JsonObject()).code())
        .isEqualTo(400);
  }

  @Test
  void mergeWithTheRemoteDownIs503AndChangesNothing(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    Proposal proposal = create(vertx, request(main(), "m", upsert("x.txt", "x\n")));
    Map<String, ObjectId> before = TestRepos.refs(remote);
    daemon.stop();

    StatusException failure = failure(vertx, Addresses.PROPOSAL_MERGE.name(), id(proposal));

    assertThat(failure.code()).isEqualTo(503);
    assertThat(failure.getMessage()).doesNotContain(daemon.url("flags.git"));
    daemon.start();
    assertThat(TestRepos.refs(remote)).isEqualTo(before);
    assertThat(byId(vertx, Addresses.PROPOSAL_GET.name(), proposal.id()).state())
        .isEqualTo(ProposalState.OPEN);
  }

  @Test
  void proposalsSurviveARestartAndEveryNodeSeesThem(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    Proposal open = create(vertx, request(main(), "stays open", upsert("a.txt", "a\n")));
    Proposal merged = create(vertx, request(main(), "gets merged", upsert("b.txt", "b\n")));
    Proposal closed = create(vertx, request(main(), "gets closed", upsert("c.txt", "c\n")));
    byId(vertx, Addresses.PROPOSAL_MERGE.name(), merged.id());
    byId(vertx, Addresses.PROPOSAL_CLOSE.name(), closed.id());
    List<Proposal> before = list(vertx);
    await(vertx.close());
    closeClones();

    // the same node, restarted on its data directory
    Vertx restarted = Vertx.vertx();
    try {
      deploy(restarted, cfg, 1);
      List<Proposal> after = list(restarted);
      assertThat(after).isEqualTo(before);
      assertThat(after)
          .extracting(Proposal::id, Proposal::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(closed.id(), ProposalState.CLOSED),
              org.assertj.core.groups.Tuple.tuple(merged.id(), ProposalState.MERGED),
              org.assertj.core.groups.Tuple.tuple(open.id(), ProposalState.OPEN));
      // and it can still act on them
      assertThat(byId(restarted, Addresses.PROPOSAL_MERGE.name(), open.id()).state())
          .isEqualTo(ProposalState.MERGED);
    } finally {
      await(restarted.close());
    }
    closeClones();

    // another node, with a fresh data directory, clones and sees the same records
    Path otherData = root.resolve("other-node");
    Vertx other = Vertx.vertx();
    try {
      deploy(other, config(otherData), 1);
      assertThat(list(other))
          .extracting(Proposal::id, Proposal::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(closed.id(), ProposalState.CLOSED),
              org.assertj.core.groups.Tuple.tuple(merged.id(), ProposalState.MERGED),
              org.assertj.core.groups.Tuple.tuple(open.id(), ProposalState.MERGED));
    } finally {
      await(other.close());
    }
  }

  /**
   * The remote moves between the fetch before a merge and its push: the lease on the tracked branch
   * fails, the publisher fetches again (through {@code cup.repository.fetch}) and merges onto the
   * new head.
   */
  @Test
  void aMergeThatLosesTheRaceFetchesAndRetries(Vertx vertx) throws Exception {
    deployWithoutFetcher(vertx, cfg, 1);
    Proposal proposal = create(vertx, request(main(), "feat: race", upsert(FLAG_A, "{}\n")));
    List<ObjectId> raced = new java.util.concurrent.CopyOnWriteArrayList<>();
    fetcher(
        vertx,
        () -> {
          clone.fetch();
          if (raced.isEmpty()) { // only the first time: someone pushes right after our fetch
            raced.add(TestRepos.commit(remote, TestRepos.MAIN, Map.of("race.txt", "won\n")));
          }
        });

    Proposal merged = byId(vertx, Addresses.PROPOSAL_MERGE.name(), proposal.id());

    assertThat(raced).hasSize(1);
    RevCommit merge = TestRepos.parseCommit(remote, TestRepos.MAIN);
    assertThat(merge.getId().name()).isEqualTo(merged.mergeCommit());
    assertThat(merge.getParents())
        .extracting(RevCommit::getId)
        .containsExactly(raced.get(0), ObjectId.fromString(proposal.head()));
    assertThat(remoteRecord(proposal.id()).state()).isEqualTo(ProposalState.MERGED);
    // the record chain holds exactly open and merged: the lost attempt left nothing behind
    RevCommit record = TestRepos.parseCommit(remote, ProposalStore.recordRef(proposal.id()));
    assertThat(record.getParentCount()).isEqualTo(1);
    assertThat(TestRepos.parseCommit(remote, record.getParent(0).name()).getParentCount()).isZero();
  }

  @Test
  void aMergeThatKeepsLosingIs409(Vertx vertx) throws Exception {
    deployWithoutFetcher(vertx, cfg, 1);
    Proposal proposal = create(vertx, request(main(), "feat: race", upsert(FLAG_A, "{}\n")));
    java.util.concurrent.atomic.AtomicInteger fetches =
        new java.util.concurrent.atomic.AtomicInteger();
    fetcher(
        vertx,
        () -> {
          clone.fetch();
          int n = fetches.incrementAndGet();
          TestRepos.commit(remote, TestRepos.MAIN, Map.of("race-" + n + ".txt", "won\n"));
        });

    StatusException failure = failure(vertx, Addresses.PROPOSAL_MERGE.name(), id(proposal));

    assertThat(failure.code()).isEqualTo(409);
    assertThat(failure.getMessage()).contains(proposal.id()).contains("kept changing");
    assertThat(fetches.get()).isEqualTo(RemoteRetries.ATTEMPTS);
    assertThat(remoteRecord(proposal.id()).state()).isEqualTo(ProposalState.OPEN);
  }

  @Test
  void theOpenProposalsGaugeFollowsTheRecords(Vertx vertx) throws Exception {
    deploy(vertx, cfg, 1);
    Proposal first = create(vertx, request(main(), "one", upsert("1.txt", "1\n")));
    create(vertx, request(main(), "two", upsert("2.txt", "2\n")));
    create(vertx, request(main(), "three", upsert("3.txt", "3\n")));
    byId(vertx, Addresses.PROPOSAL_CLOSE.name(), first.id());

    list(vertx);

    assertThat(Metrics.registry().get("cup.proposals.open").gauge().value()).isEqualTo(2.0);
  }

  /** A stand-in for the fetcher verticle: runs {@code fetch} on each cup.repository.fetch. */
  private static void fetcher(Vertx vertx, Runnable fetch) throws Exception {
    await(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.REPOSITORY_FETCH.name(),
                message ->
                    vertx
                        .executeBlocking(
                            () -> {
                              fetch.run();
                              return new JsonObject();
                            })
                        .onSuccess(message::reply)
                        .onFailure(e -> StatusException.reply(message, e)))
            .completion());
  }

  private static JsonObject id(Proposal proposal) {
    return new JsonObject().put("id", proposal.id());
  }
}
