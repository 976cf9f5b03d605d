package io.cup.proposals;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.FileChange;
import io.cup.git.CommitWriter;
import io.cup.git.FreshTrees;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes through the sparse view read only the trees on the changed paths, and still give the
 * remote every object it needs (git fsck on the remote after each push).
 */
@Timeout(60)
class SparsePushRepositoryTest {
  private static final PersonIdent AUTHOR = new PersonIdent("Cup", "cup@test.invalid");
  private static final int DIRECTORIES = 40;

  @TempDir Path root;
  private GitDaemon daemon;
  private Path remote;
  private Repository clone;
  private final Map<String, String> seed = new TreeMap<>();

  @BeforeEach
  void init() throws Exception {
    for (int d = 0; d < DIRECTORIES; d++) {
      for (int f = 0; f < 25; f++) {
        seed.put("ns-" + d + "/sub/flag-" + f + ".json", "{\"d\":" + d + ",\"f\":" + f + "}\n");
      }
    }
    remote = TestRepos.createBare(root.resolve("served").resolve("r.git"), seed);
    daemon = GitDaemon.serve(root.resolve("served"));
    clone =
        Git.cloneRepository()
            .setURI(daemon.url("r.git"))
            .setBare(true)
            .setDirectory(root.resolve("clone.git").toFile())
            .call()
            .getRepository();
  }

  @AfterEach
  void close() {
    clone.close();
    daemon.close();
  }

  @Test
  void aCommitOnTheAdvertisedHeadReadsOnlyTheChangedPaths() throws Exception {
    ObjectId base = clone.resolve("refs/heads/main");
    ObjectId commit = commit(base, FileChange.upsert("ns-7/sub/flag-3.json", bytes("{}\n")));

    SparsePushRepository view =
        SparsePushRepository.of(clone, List.of(commit), clone.resolve("refs/heads/main"), null);
    assertThat(push(view, commit, "refs/heads/topic")).isEqualTo(RemoteRefUpdate.Status.OK);

    assertThat(view.wasSparse()).isTrue();
    // root, ns-7 and ns-7/sub, old and new, walked (6), and the 3 new ones read again to be
    // written; the plain walk reads all 81 trees of main (see the next test)
    assertThat(view.treesRead()).isLessThanOrEqualTo(9);
    Map<String, String> expected = new TreeMap<>(seed);
    expected.put("ns-7/sub/flag-3.json", "{}\n");
    assertThat(TestRepos.files(remote, "topic")).isEqualTo(expected);
    assertFsckClean();
  }

  @Test
  void aParentTheRemoteDoesNotAdvertiseGetsTheFullWalk() throws Exception {
    ObjectId base = clone.resolve("refs/heads/main");
    ObjectId first = commit(base, FileChange.upsert("ns-1/sub/new.json", bytes("1\n")));
    ObjectId second = commit(first, FileChange.upsert("ns-2/sub/new.json", bytes("2\n")));

    // the remote has neither: "first" must travel with "second"
    SparsePushRepository view =
        SparsePushRepository.of(clone, List.of(second), clone.resolve("refs/heads/main"), null);
    assertThat(push(view, second, "refs/heads/topic")).isEqualTo(RemoteRefUpdate.Status.OK);

    assertThat(view.wasSparse()).isFalse();
    assertThat(view.treesRead()).isGreaterThanOrEqualTo(1 + 2 * DIRECTORIES);
    assertThat(TestRepos.files(remote, "topic"))
        .containsEntry("ns-1/sub/new.json", "1\n")
        .containsEntry("ns-2/sub/new.json", "2\n")
        .hasSize(seed.size() + 2);
    assertThat(TestRepos.parseCommit(remote, "topic").getParent(0).getId()).isEqualTo(first);
    assertFsckClean();
  }

  @Test
  void aNewDirectoryAndADeletedOneTravelWhole() throws Exception {
    ObjectId base = clone.resolve("refs/heads/main");
    List<FileChange> changes = new java.util.ArrayList<>();
    for (int f = 0; f < 25; f++) {
      changes.add(FileChange.delete("ns-3/sub/flag-" + f + ".json"));
    }
    changes.add(FileChange.upsert("brand/new/deep/dir/file.json", bytes("{}\n")));
    ObjectId commit = commit(base, changes.toArray(FileChange[]::new));

    SparsePushRepository view =
        SparsePushRepository.of(clone, List.of(commit), clone.resolve("refs/heads/main"), null);
    assertThat(push(view, commit, "refs/heads/topic")).isEqualTo(RemoteRefUpdate.Status.OK);

    assertThat(view.wasSparse()).isTrue();
    Map<String, String> files = TestRepos.files(remote, "topic");
    assertThat(files).containsEntry("brand/new/deep/dir/file.json", "{}\n");
    assertThat(files.keySet()).noneMatch(p -> p.startsWith("ns-3/"));
    assertFsckClean();
  }

  @Test
  void otherProposalsThisNodeWroteAreNotCommonGroundButTheParentIs() throws Exception {
    ObjectId base = clone.resolve("refs/heads/main");
    List<ObjectId> proposals = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ObjectId proposal =
          commit(base, FileChange.upsert("ns-" + i + "/sub/flag-0.json", bytes(i + "\n")));
      assertThat(push(clone, proposal, "refs/heads/cup/proposal/p" + i))
          .isEqualTo(RemoteRefUpdate.Status.OK);
      proposals.add(proposal);
    }

    // a new proposal on the tracked branch: the twelve others (loose, written here) are left out
    ObjectId fresh = commit(base, FileChange.upsert("ns-20/sub/flag-1.json", bytes("{}\n")));
    SparsePushRepository view =
        SparsePushRepository.of(clone, List.of(fresh), clone.resolve("refs/heads/main"), null);
    assertThat(push(view, fresh, "refs/heads/cup/proposal/fresh"))
        .isEqualTo(RemoteRefUpdate.Status.OK);
    assertThat(view.wasSparse()).isTrue();
    assertThat(view.havesLeftOut()).isEqualTo(12);
    assertThat(view.treesRead()).isLessThanOrEqualTo(9);
    assertThat(TestRepos.files(remote, "cup/proposal/fresh"))
        .containsEntry("ns-20/sub/flag-1.json", "{}\n")
        .hasSize(seed.size());

    // a commit added to one of them: its loose parent is still common ground
    ObjectId added =
        commit(proposals.get(3), FileChange.upsert("ns-3/sub/flag-1.json", bytes("more\n")));
    SparsePushRepository append =
        SparsePushRepository.of(clone, List.of(added), clone.resolve("refs/heads/main"), null);
    assertThat(push(append, added, "refs/heads/cup/proposal/p3-more"))
        .isEqualTo(RemoteRefUpdate.Status.OK);
    assertThat(append.wasSparse()).isTrue();
    assertThat(append.havesLeftOut()).isEqualTo(12); // the eleven others and "fresh"
    assertThat(TestRepos.read(remote, "cup/proposal/p3-more", "ns-3/sub/flag-0.json"))
        .isEqualTo("3\n");

    // the tracked branch moved to a commit written here (a merge, loose): it stays common ground
    ObjectId merged = commit(base, FileChange.upsert("ns-30/sub/flag-2.json", bytes("m\n")));
    assertThat(push(clone, merged, "refs/heads/main", base)).isEqualTo(RemoteRefUpdate.Status.OK);
    TestRepos.setBranch(clone.getDirectory().toPath(), "main", merged);
    ObjectId onOldBase = commit(base, FileChange.upsert("ns-31/sub/flag-3.json", bytes("o\n")));
    SparsePushRepository late = SparsePushRepository.of(clone, List.of(onOldBase), merged, null);
    assertThat(push(late, onOldBase, "refs/heads/cup/proposal/late"))
        .isEqualTo(RemoteRefUpdate.Status.OK);
    assertThat(late.havesLeftOut()).isEqualTo(14); // the twelve, "fresh" and p3-more, not main
    assertFsckClean();
  }

  @Test
  void theTreesThisNodeWroteLastAreReadFromWhereTheCommitKeptThem() throws Exception {
    FreshTrees fresh = new FreshTrees();
    ObjectId base = clone.resolve("refs/heads/main");
    CommitWriter.Result written =
        new CommitWriter(clone, fresh)
            .commit(
                base,
                List.of(FileChange.upsert("ns-4/sub/flag-9.json", bytes("{\"fresh\":true}\n"))),
                AUTHOR,
                AUTHOR,
                "change");
    // the new trees (root, ns-4, ns-4/sub) are kept; take their files away from the clone, so a
    // push that read them there would fail
    List<ObjectId> newTrees = new java.util.ArrayList<>();
    try (org.eclipse.jgit.treewalk.TreeWalk walk = new org.eclipse.jgit.treewalk.TreeWalk(clone)) {
      walk.addTree(written.tree());
      walk.setRecursive(false);
      newTrees.add(written.tree());
      while (walk.next()) {
        if (walk.isSubtree() && fresh.get(walk.getObjectId(0)) != null) {
          newTrees.add(walk.getObjectId(0));
          walk.enterSubtree();
        }
      }
    }
    assertThat(newTrees).hasSize(3).allSatisfy(id -> assertThat(fresh.get(id)).isNotNull());
    var objects =
        (org.eclipse.jgit.internal.storage.file.ObjectDirectory) clone.getObjectDatabase();
    for (ObjectId tree : newTrees) {
      java.io.File file = objects.fileFor(tree);
      assertThat(file).isFile();
      assertThat(file.delete()).isTrue();
    }

    SparsePushRepository view =
        SparsePushRepository.of(clone, List.of(written.commit()), base, fresh);
    assertThat(push(view, written.commit(), "refs/heads/topic"))
        .isEqualTo(RemoteRefUpdate.Status.OK);

    Map<String, String> expected = new TreeMap<>(seed);
    expected.put("ns-4/sub/flag-9.json", "{\"fresh\":true}\n");
    assertThat(TestRepos.files(remote, "topic")).isEqualTo(expected);
    assertFsckClean();
  }

  private RemoteRefUpdate.Status push(Repository view, ObjectId commit, String ref)
      throws Exception {
    return push(view, commit, ref, ObjectId.zeroId());
  }

  private RemoteRefUpdate.Status push(
      Repository view, ObjectId commit, String ref, ObjectId expectedOld) throws Exception {
    try (Transport transport = Transport.open(view, daemon.url("r.git"))) {
      RemoteRefUpdate update =
          new RemoteRefUpdate(view, (String) null, commit, ref, true, null, expectedOld);
      PushResult result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
      return result.getRemoteUpdate(ref).getStatus();
    }
  }

  private ObjectId commit(ObjectId base, FileChange... changes) throws Exception {
    return new CommitWriter(clone)
        .commit(base, List.of(changes), AUTHOR, AUTHOR, "change")
        .commit();
  }

  private void assertFsckClean() {
    TestRepos.Fsck fsck = TestRepos.fsck(remote);
    assertThat(fsck.ok()).as(fsck.output()).isTrue();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
