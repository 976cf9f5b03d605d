package io.cup.proposals;

import static io.cup.git.GitTesting.fileUrl;
import static io.cup.git.GitTesting.gitConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Proposal;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalState;
import io.cup.git.GitClone;
import io.cup.git.GitSource;
import io.cup.proposals.ProposalStore.Stored;
import io.cup.testing.TestRepos;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The records a store keeps between lists, over a real clone: they follow the store's own moves,
 * another store's moves (the reconciler's beside the publisher's) and the owner's fetches, and
 * always equal what a store that reads every ref lists.
 */
@Timeout(60)
class ProposalStoreRefsTest {
  private static final PersonIdent AUTHOR = new PersonIdent("Cup", "cup@test.invalid");

  @TempDir Path served;
  @TempDir Path data;
  private Path remote;
  private GitClone clone;
  private GitSource source;
  private Repository repository;

  @BeforeEach
  void cloneRemote() {
    remote = TestRepos.createBare(served.resolve("r.git"), Map.of("a.txt", "a\n"));
    clone = GitClone.create(gitConfig(fileUrl(remote), data));
    clone.cloneOrOpen();
    source = clone.revisions();
    repository = source.repository();
  }

  @AfterEach
  void close() {
    clone.close();
  }

  @Test
  void keptRecordsFollowOwnMovesOtherStoresMovesAndFetches() throws Exception {
    ProposalStore publisher = new ProposalStore(repository, source);
    ProposalStore reconciler = new ProposalStore(repository, source);
    assertThat(publisher.list()).isEmpty();
    assertThat(reconciler.list()).isEmpty();

    // the publisher's own creates, each seen by its next list and by the other store's
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = ProposalId.next();
      ids.add(id);
      assertThat(
              publisher.updateLocalRef(
                  ProposalStore.recordRef(id),
                  null,
                  publisher.write(proposal(id, "open"), null, AUTHOR)))
          .isTrue();
      assertThat(ids(publisher.list())).contains(id);
    }
    List<String> newestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);
    assertThat(ids(publisher.list())).containsExactlyElementsOf(newestFirst);
    assertSameAsEveryRef(publisher, reconciler);

    // a move by the other store (a record closed), then a delete by the publisher
    String closed = ids.get(3);
    Stored open = publisher.get(closed).orElseThrow();
    ObjectId record = reconciler.write(proposal(closed, "closed"), open.commit(), AUTHOR);
    assertThat(reconciler.updateLocalRef(ProposalStore.recordRef(closed), open.commit(), record))
        .isTrue();
    assertThat(publisher.list())
        .filteredOn(s -> s.proposal().id().equals(closed))
        .singleElement()
        .satisfies(s -> assertThat(s.proposal().state()).isEqualTo(ProposalState.CLOSED));
    String deleted = ids.get(7);
    assertThat(
            publisher.deleteLocalRef(
                ProposalStore.recordRef(deleted), publisher.get(deleted).orElseThrow().commit()))
        .isTrue();
    assertThat(ids(publisher.list())).doesNotContain(deleted).hasSize(19);
    assertSameAsEveryRef(publisher, reconciler);

    // a record the remote has: the fetch brings it and prunes the local ones the remote lacks
    String fetched = ProposalId.next();
    try (Repository remoteRepo = TestRepos.open(remote)) {
      ProposalStore remoteStore = new ProposalStore(remoteRepo);
      remoteStore.updateLocalRef(
          ProposalStore.recordRef(fetched),
          null,
          remoteStore.write(proposal(fetched, "open"), null, AUTHOR));
    }
    clone.fetch();
    assertThat(ids(publisher.list())).containsExactly(fetched);
    assertSameAsEveryRef(publisher, reconciler);
  }

  @Test
  void thePublishersInstancesAndTheReconcilerShareOneStoreThatReadsTheRefsOnce() throws Exception {
    ProposalStores stores = new ProposalStores();
    ProposalStore first = stores.of(source);
    ProposalStore second = stores.of(source);
    assertThat(second).isSameAs(first);
    assertThat(first.list()).isEmpty();

    // creates through "both instances", each followed by a list through the other: the kept
    // records follow every move, and the refs are read once, not once per create
    for (int i = 0; i < 10; i++) {
      ProposalStore writer = stores.of(source);
      String id = ProposalId.next();
      assertThat(
              writer.updateLocalRef(
                  ProposalStore.recordRef(id),
                  null,
                  writer.write(proposal(id, "open"), null, AUTHOR)))
          .isTrue();
      assertThat(ids(stores.of(source).list())).contains(id).hasSize(i + 1);
    }
    assertThat(first.scans()).isEqualTo(1);
    assertSameAsEveryRef(first);

    // another clone (the fetcher cloned again): a store of its own
    GitClone other = GitClone.create(gitConfig(fileUrl(remote), data.resolve("other")));
    try {
      other.cloneOrOpen();
      assertThat(stores.of(other.revisions())).isNotSameAs(first);
    } finally {
      other.close();
    }
  }

  @Test
  void aMoveThatFailedIsReadBackFromTheRefs() throws Exception {
    ProposalStore store = new ProposalStore(repository, source);
    String id = ProposalId.next();
    ObjectId first = store.write(proposal(id, "open"), null, AUTHOR);
    store.updateLocalRef(ProposalStore.recordRef(id), null, first);
    ObjectId merged = store.write(proposal(id, "merged"), first, AUTHOR);
    ObjectId closed = store.write(proposal(id, "closed"), first, AUTHOR);
    store.updateLocalRef(ProposalStore.recordRef(id), first, merged);

    // expected at the old value: refused, and the list shows what the ref holds
    assertThat(store.updateLocalRef(ProposalStore.recordRef(id), first, closed)).isFalse();
    assertThat(store.list())
        .singleElement()
        .satisfies(s -> assertThat(s.commit()).isEqualTo(merged));
    assertSameAsEveryRef(store);
  }

  private void assertSameAsEveryRef(ProposalStore... stores) {
    List<Stored> everyRef = new ProposalStore(repository).list();
    for (ProposalStore store : stores) {
      assertThat(store.list()).containsExactlyElementsOf(everyRef);
    }
  }

  private static List<String> ids(List<Stored> stored) {
    return stored.stream().map(s -> s.proposal().id()).toList();
  }

  private static Proposal proposal(String id, String state) {
    return ProposalStoreTest.proposal(id, state);
  }
}
