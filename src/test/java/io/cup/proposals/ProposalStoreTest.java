package io.cup.proposals;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Proposal;
import io.cup.bus.ProposalId;
import io.cup.bus.ProposalState;
import io.cup.bus.ResourceRef;
import io.cup.testing.TestRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProposalStoreTest {
  private static final PersonIdent AUTHOR = new PersonIdent("Cup", "cup@test.invalid");

  @TempDir Path dir;
  private Repository repository;
  private ProposalStore store;

  @BeforeEach
  void init() throws Exception {
    TestRepos.createBare(dir.resolve("r.git"), Map.of("a.txt", "a\n"));
    repository = TestRepos.open(dir.resolve("r.git"));
    store = new ProposalStore(repository);
  }

  @AfterEach
  void close() {
    repository.close();
  }

  @Test
  void aRecordIsACommitChainHoldingProposalJson() throws Exception {
    Proposal open = proposal(ProposalId.next(), "open");
    ObjectId first = store.write(open.withDiff("never stored"), null, AUTHOR);
    store.updateLocalRef(ProposalStore.recordRef(open.id()), null, first);
    Proposal closed = proposal(open.id(), "closed");
    ObjectId second = store.write(closed, first, AUTHOR);
    store.updateLocalRef(ProposalStore.recordRef(open.id()), first, second);

    assertThat(store.get(open.id()))
        .hasValueSatisfying(
            stored -> {
              assertThat(stored.proposal()).isEqualTo(closed);
              assertThat(stored.commit()).isEqualTo(second);
            });
    // read back by a fresh store (no cache), from the Git objects alone
    assertThat(new ProposalStore(repository).read(first)).isEqualTo(open);
    assertThat(TestRepos.files(dir.resolve("r.git"), first.name()))
        .containsOnlyKeys(ProposalStore.FILE);
    assertThat(TestRepos.read(dir.resolve("r.git"), first.name(), ProposalStore.FILE))
        .doesNotContain("never stored")
        .endsWith("}\n");
    RevCommit head = TestRepos.parseCommit(dir.resolve("r.git"), second.name());
    assertThat(head.getParents()).extracting(RevCommit::getId).containsExactly(first);
    assertThat(head.getShortMessage()).isEqualTo("closed proposal " + open.id());
  }

  @Test
  void listIsNewestFirstAndSkipsForeignRefs() throws Exception {
    ProposalId.Generator ids = new ProposalId.Generator(new java.security.SecureRandom());
    String older = ids.next(1_700_000_000_000L);
    String newer = ids.next(1_700_000_000_001L);
    for (String id : List.of(newer, older)) {
      store.updateLocalRef(
          ProposalStore.recordRef(id), null, store.write(proposal(id, "open"), null, AUTHOR));
    }
    // not a proposal id: ignored
    store.updateLocalRef(
        "refs/cup/proposals/not-an-id",
        null,
        store.write(proposal(ids.next(1_700_000_000_002L), "open"), null, AUTHOR));

    assertThat(store.list()).extracting(s -> s.proposal().id()).containsExactly(newer, older);
    assertThat(store.get("not-an-id")).isEmpty();
    assertThat(store.get(ids.next(1_700_000_000_003L))).isEmpty();
  }

  @Test
  void aLocalRefAFetchAlreadyMovedIsLeftAsTheFetchLeftIt() throws Exception {
    String id = ProposalId.next();
    String ref = ProposalStore.recordRef(id);
    ObjectId first = store.write(proposal(id, "open"), null, AUTHOR);
    ObjectId second = store.write(proposal(id, "merged"), first, AUTHOR);
    ObjectId third = store.write(proposal(id, "closed"), first, AUTHOR);
    RefUpdate update = repository.updateRef(ref);
    update.setNewObjectId(second);
    update.update();

    // a fetch already brought exactly this update
    assertThat(store.updateLocalRef(ref, first, second)).isTrue();
    // a fetch brought something else: it stays
    assertThat(store.updateLocalRef(ref, first, third)).isFalse();
    assertThat(store.resolve(ref)).isEqualTo(second);
  }

  /** A proposal record of one resource in state {@code state} (for the store tests). */
  static Proposal proposal(String id, String state) {
    return new Proposal(
        id,
        ProposalState.fromWire(state),
        "local",
        ProposalRecords.URL_PREFIX + id,
        ProposalId.branch(id),
        "0123456789abcdef0123456789abcdef01234567",
        "89abcdef0123456789abcdef0123456789abcdef",
        "feat: update flipt.io/v1alpha1/Flag default/a",
        List.of(new ResourceRef("flipt.io/v1alpha1", "Flag", "default", "a", "put")),
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:01Z",
        state.equals("merged") ? "89abcdef0123456789abcdef0123456789abcdef" : null,
        null,
        null,
        null,
        null,
        null);
  }
}
