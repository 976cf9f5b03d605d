package io.cup.git;

import static io.cup.git.GitTesting.fileUrl;
import static io.cup.git.GitTesting.gitConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ServerConfig;
import io.cup.status.StatusException;
import io.cup.testing.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GitCloneTest extends SeededRemote {
  @Test
  void clonesTheRemoteOverGitDaemonAsABareRepository() throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));

    assertThat(git.isOpen()).isTrue();
    assertThat(git.branch()).isEqualTo("main");
    assertThat(git.head()).isEqualTo(TestRepos.ref(remote, "refs/heads/main"));
    assertThat(git.repository().isBare()).isTrue();
    assertThat(git.directory())
        .isEqualTo(
            data.resolve("repositories").resolve(git.directory().getFileName()).toAbsolutePath());
    assertThat(TestRepos.files(git.directory(), "main")).isEqualTo(SEED);
    assertThat(TestRepos.fsck(git.directory()).exitCode()).isZero();
    // nothing of the temporary clone is left beside the clone
    try (Stream<Path> siblings = Files.list(git.directory().getParent())) {
      assertThat(siblings.toList()).containsExactly(git.directory());
    }
  }

  @Test
  void clonesAFileUrlAndMirrorsEveryBranch() {
    ObjectId topic = TestRepos.commit(remote, "topic", Map.of("t.txt", "t"));
    GitClone git = cloned(gitConfig(fileUrl(remote), data));

    Map<String, ObjectId> refs = TestRepos.refs(git.directory());
    assertThat(refs).containsEntry("refs/heads/topic", topic);
    assertThat(refs).containsEntry("refs/heads/main", TestRepos.ref(remote, "refs/heads/main"));
  }

  @Test
  void fetchesRefsUnderRefsCupAndPrunesWhatTheRemoteDeleted() throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId topic = TestRepos.commit(remote, "topic", Map.of("t.txt", "t"));
    try (Repository repo = TestRepos.open(remote)) {
      var update = repo.updateRef("refs/cup/proposals/p1");
      update.setNewObjectId(topic);
      assertThat(update.update()).isEqualTo(RefUpdate.Result.NEW);
    }

    git.fetch();
    assertThat(TestRepos.refs(git.directory()))
        .containsEntry("refs/heads/topic", topic)
        .containsEntry("refs/cup/proposals/p1", topic);

    TestRepos.deleteRef(remote, "refs/heads/topic");
    TestRepos.deleteRef(remote, "refs/cup/proposals/p1");
    git.fetch();
    assertThat(TestRepos.refs(git.directory()))
        .doesNotContainKeys("refs/heads/topic", "refs/cup/proposals/p1")
        .containsKey("refs/heads/main");
  }

  @Test
  void reopensAnExistingCloneWithoutCloningAgainEvenWithTheRemoteDown() throws Exception {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    GitClone first = cloned(cfg);
    ObjectId head = first.head();
    Path marker = first.directory().resolve("cup-test-marker");
    Files.writeString(marker, "still the first clone");
    first.close();

    daemon.stop();
    GitClone second = cloned(cfg);

    assertThat(second.isOpen()).isTrue();
    assertThat(second.head()).isEqualTo(head);
    assertThat(marker).hasContent("still the first clone");
    assertThat(second.revisions().view("").file("README.md")).isPresent();
  }

  @Test
  void tracksTheRemoteHeadBranchAndRemembersItWithoutTheRemote() {
    Path trunk = TestRepos.createBare(served.resolve("trunk.git"), "trunk", Map.of("x", "1"));
    ServerConfig cfg = gitConfig(daemon.url("trunk.git"), data);
    GitClone git = cloned(cfg);
    assertThat(git.branch()).isEqualTo("trunk");
    assertThat(git.head()).isEqualTo(TestRepos.ref(trunk, "refs/heads/trunk"));
    git.close();

    daemon.stop();
    GitClone restarted = cloned(cfg);
    assertThat(restarted.branch()).isEqualTo("trunk");
    assertThat(restarted.head()).isEqualTo(TestRepos.ref(trunk, "refs/heads/trunk"));
  }

  @Test
  void tracksTheRemoteHeadBranchOfAFileUrl() {
    Path trunk = TestRepos.createBare(served.resolve("trunk.git"), "trunk", Map.of("x", "1"));
    GitClone git = cloned(gitConfig(fileUrl(trunk), data));
    assertThat(git.branch()).isEqualTo("trunk");
  }

  @Test
  void tracksTheConfiguredBranch() {
    ObjectId release = TestRepos.commit(remote, "release", Map.of("r.txt", "r"));
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data, "release", 60_000));

    assertThat(git.branch()).isEqualTo("release");
    assertThat(git.head()).isEqualTo(release);
    assertThat(git.revisions().view((String) null).commit()).isEqualTo(release.name());
  }

  @Test
  void failsWith503NamingTheRemoteWhenThereIsNoCloneAndTheRemoteIsDown() throws Exception {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    daemon.stop();
    source = GitClone.create(cfg);

    assertThatThrownBy(source::cloneOrOpen)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              // the log names the remote; the client's message does not
              assertThat(e.logDetail()).contains(daemon.url("flags.git"));
              assertThat(e.getMessage()).doesNotContain(daemon.url("flags.git"));
            });
    assertThat(source.isOpen()).isFalse();
    assertThat(source.directory()).doesNotExist();
    try (Stream<Path> leftovers = Files.list(source.directory().getParent())) {
      assertThat(leftovers.toList()).isEmpty();
    }
    assertThatThrownBy(() -> source.revisions().view("main"))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(503));
    assertThat(source.head()).isNull();

    // once the remote is back, a fetch makes the clone
    daemon.start();
    FetchOutcome outcome = source.fetch();
    assertThat(outcome.before()).isNull();
    assertThat(outcome.after()).isEqualTo(TestRepos.ref(remote, "refs/heads/main"));
    assertThat(outcome.moved()).isTrue();
  }

  @Test
  void neverShowsTheRemotePasswordInUrlsOrErrors() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String secret = "s3cr3t-pa55word";
    source =
        GitClone.create(
            gitConfig("http://cup:" + secret + "@127.0.0.1:" + closedPort + "/flags.git", data));

    assertThat(source.remoteUrl()).isEqualTo("http://127.0.0.1:" + closedPort + "/flags.git");
    assertThatThrownBy(source::cloneOrOpen)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.getMessage()).doesNotContain(secret);
              assertThat(e.logDetail()).doesNotContain(secret).contains("127.0.0.1:" + closedPort);
            });
  }

  @Test
  void removesAnUnfinishedCloneACrashLeftBehind() throws Exception {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    Path dir = cfg.repositoryDir();
    Path stale = dir.resolveSibling("." + dir.getFileName() + ".clone-123");
    Files.createDirectories(stale.resolve("objects"));

    GitClone git = cloned(cfg);

    assertThat(stale).doesNotExist();
    assertThat(git.head()).isNotNull();
  }

  @Test
  void refusesADirectoryThatIsNotARepository() throws Exception {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    Files.createDirectories(cfg.repositoryDir());
    Files.writeString(cfg.repositoryDir().resolve("notes.txt"), "not git");
    source = GitClone.create(cfg);

    assertThatThrownBy(source::cloneOrOpen)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.getMessage()).contains("is not a Git repository");
            });
    assertThat(cfg.repositoryDir().resolve("notes.txt")).exists();
  }

  @Test
  void fetchSaysWhetherTheTrackedBranchMovedAfterSomeoneElsePushed() {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId before = git.head();

    FetchOutcome nothing = git.fetch();
    assertThat(nothing.moved()).isFalse();
    assertThat(nothing.before()).isEqualTo(before).isEqualTo(nothing.after());

    ObjectId pushed =
        TestRepos.commit(
            remote,
            "main",
            Map.of("default/flipt.io-v1alpha1-Flag-c.json", "{\"name\":\"c\"}\n"),
            Set.of("default/flipt.io-v1alpha1-Flag-a.json"),
            "someone else");
    FetchOutcome moved = git.fetch();

    assertThat(moved.moved()).isTrue();
    assertThat(moved.branch()).isEqualTo("main");
    assertThat(moved.before()).isEqualTo(before);
    assertThat(moved.after()).isEqualTo(pushed).isEqualTo(git.head());
    RevisionView now = git.revisions().view("");
    assertThat(now.file("default/flipt.io-v1alpha1-Flag-a.json")).isEmpty();
    assertThat(text(now, "default/flipt.io-v1alpha1-Flag-c.json")).isEqualTo("{\"name\":\"c\"}\n");
    // the old revision is still readable by commit id
    assertThat(text(git.revisions().view(before.name()), "default/flipt.io-v1alpha1-Flag-a.json"))
        .isEqualTo("{\"name\":\"a\"}\n");
  }

  @Test
  void aCloneThatFetchedManyMovesIsRepackedAndStillReadsEveryRevision() throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId first = git.head();
    ObjectId last = first;
    int maxPacks = 0;
    for (int i = 0; i < 60; i++) {
      last = moveMainAndFetch(git, i);
      maxPacks = Math.max(maxPacks, packs(git));
      git.repackIfDue(); // as the fetcher does after each fetch, outside the fetch lock
    }
    // git gc --auto's limit is 50 packs: the upkeep after the fetch that went over it repacks
    assertThat(maxPacks).isLessThanOrEqualTo(51);
    assertThat(packs(git)).isLessThan(50);
    assertThat(text(git.revisions().view(""), "default/flipt.io-v1alpha1-Flag-n.json"))
        .isEqualTo("{\"n\":59}\n");
    assertThat(text(git.revisions().view(first.name()), "default/flipt.io-v1alpha1-Flag-a.json"))
        .isEqualTo("{\"name\":\"a\"}\n");
    assertThat(TestRepos.fsck(git.repository().getDirectory().toPath()).ok()).isTrue();
  }

  @Test
  void objectsAWriterLeftLooseAreRepackedByTheNextUpkeepThoughNoFetchBroughtAnything()
      throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    git.repackIfDue(); // the upkeep after the clone: nothing to do yet
    Repository repo = git.repository();
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      TreeFormatter tree = new TreeFormatter();
      for (int i = 0; i <= Repacking.MAX_LOOSE_OBJECTS; i++) {
        byte[] blob = ("blob " + i + "\n").getBytes(StandardCharsets.UTF_8);
        tree.append(
            String.format("f%05d", i),
            FileMode.REGULAR_FILE,
            inserter.insert(Constants.OBJ_BLOB, blob));
      }
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(inserter.insert(tree));
      commit.setAuthor(new PersonIdent("Cup", "cup@test.invalid"));
      commit.setCommitter(new PersonIdent("Cup", "cup@test.invalid"));
      commit.setMessage("written\n");
      ObjectId written = inserter.insert(commit);
      inserter.flush();
      // a ref no fetch prunes (outside refs/heads and refs/cup), so the objects are referenced
      RefUpdate update = repo.updateRef("refs/test/written");
      update.setNewObjectId(written);
      assertThat(update.update()).isEqualTo(RefUpdate.Result.NEW);
    }
    git.fetch(); // the remote has nothing new: no fetch marks the clone for a repack
    git.repackIfDue();
    assertThat(looseObjects(git)).isGreaterThan(Repacking.MAX_LOOSE_OBJECTS);

    git.exclusively(() -> git.refsMoved()); // as a proposal writer reports its moves
    git.repackIfDue();
    assertThat(looseObjects(git)).isLessThan(Repacking.MAX_LOOSE_OBJECTS);
  }

  /** Moves the remote's main by one commit (move {@code i}) and fetches it; returns the commit. */
  private ObjectId moveMainAndFetch(GitClone git, int i) {
    ObjectId moved =
        TestRepos.commit(
            remote,
            "main",
            Map.of("default/flipt.io-v1alpha1-Flag-n.json", "{\"n\":" + i + "}\n"),
            Set.of(),
            "move " + i);
    assertThat(git.fetch().after()).isEqualTo(moved);
    return moved;
  }

  private static long looseObjects(GitClone git) throws Exception {
    try (Stream<Path> files = Files.walk(git.directory().resolve("objects"))) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getParent().getFileName().toString().matches("[0-9a-f]{2}"))
          .count();
    }
  }

  @Test
  void fetchTrackedBringsTheTrackedBranchAloneAndTheNextFetchTheRest() throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId before = git.head();
    ObjectId topic = TestRepos.commit(remote, "cup/proposal/x", Map.of("t.txt", "t"));
    ObjectId moved = TestRepos.commit(remote, "main", Map.of("m.txt", "m"));

    FetchOutcome tracked = git.fetchOnly(List.of());
    assertThat(tracked.before()).isEqualTo(before);
    assertThat(tracked.after()).isEqualTo(moved);
    assertThat(git.repository().exactRef("refs/heads/cup/proposal/x")).isNull();

    git.fetch();
    assertThat(git.repository().exactRef("refs/heads/cup/proposal/x").getObjectId())
        .isEqualTo(topic);
    assertThat(git.repository().getConfig().getInt("protocol", "version", 0)).isEqualTo(2);
    // Git's levels: loose objects (every proposal's trees) fastest, packs zlib's default
    assertThat(git.repository().getConfig().getInt("core", "compression", 0)).isEqualTo(1);
    assertThat(git.repository().getConfig().getInt("pack", "compression", 0)).isEqualTo(-1);
    assertThat(git.repository().getConfig().getBoolean("pack", "buildbitmaps", true)).isFalse();
    assertThat(git.repository().getConfig().getInt("pack", "window", 10)).isEqualTo(3);
  }

  @Test
  void fetchOnlyBringsTheRefsNamedSkipsTheMissingAndLeavesTheRest() throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId wanted = TestRepos.commit(remote, "cup/proposal/wanted", Map.of("w.txt", "w"));
    TestRepos.commit(remote, "cup/proposal/other", Map.of("o.txt", "o"));
    ObjectId moved = TestRepos.commit(remote, "main", Map.of("m.txt", "m"));

    FetchOutcome outcome =
        git.fetchOnly(List.of("refs/heads/cup/proposal/wanted", "refs/cup/proposals/missing"));
    assertThat(outcome.after()).isEqualTo(moved);
    assertThat(git.repository().exactRef("refs/heads/cup/proposal/wanted").getObjectId())
        .isEqualTo(wanted);
    assertThat(git.repository().exactRef("refs/heads/cup/proposal/other")).isNull();
    assertThat(git.repository().exactRef("refs/cup/proposals/missing")).isNull();
  }

  @Test
  void fetchesOfferTheTrackedBranchAsCommonGroundNotEveryProposalTheCloneHolds(@TempDir Path traces)
      throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId main = git.head();
    int proposals = 200;
    try (Repository repo = TestRepos.open(remote)) {
      for (int i = 0; i < proposals; i++) {
        // ids that share no stem (fetchOnly matches a ref by its name less the last character)
        proposal(repo, String.format("p%03dz", i), main);
      }
    }
    git.fetch();
    assertThat(TestRepos.refs(git.directory())).containsKey("refs/cup/proposals/p199z");
    // a new proposal (its record a commit without parent, which no have can reach: the remote
    // never answers "ready"), and another proposal's record moving on
    ObjectId[] added;
    ObjectId merged;
    try (Repository repo = TestRepos.open(remote)) {
      added = proposal(repo, "new", main);
      merged = record(repo, "p007z");
    }
    Path trace = traces.resolve("fetch-only.trace");
    daemon.stop();
    daemon.tracePackets(trace).start();

    git.fetchOnly(
        List.of(
            "refs/heads/cup/proposal/new", "refs/cup/proposals/new", "refs/cup/proposals/p007z"));

    Map<String, ObjectId> refs = TestRepos.refs(git.directory());
    assertThat(refs).containsEntry("refs/heads/cup/proposal/new", added[0]);
    assertThat(refs).containsEntry("refs/cup/proposals/new", added[1]);
    assertThat(refs).containsEntry("refs/cup/proposals/p007z", merged);
    // the haves came from the tracked branch and the fetched refs, not from the 400 refs of the
    // other proposals (JGit offered those all, in rounds, before the remote could answer)
    assertThat(haves(trace)).isPositive().isLessThan(proposals / 10);

    // a full fetch, as the polls do: the same, and it still prunes
    try (Repository repo = TestRepos.open(remote)) {
      added = proposal(repo, "next", TestRepos.commit(remote, "main", Map.of("m.txt", "m")));
      merged = record(repo, "p008z");
    }
    TestRepos.deleteRef(remote, "refs/cup/proposals/p009z");
    trace = traces.resolve("fetch.trace");
    daemon.stop();
    daemon.tracePackets(trace).start();

    git.fetch();

    refs = TestRepos.refs(git.directory());
    assertThat(refs).containsEntry("refs/heads/cup/proposal/next", added[0]);
    assertThat(refs).containsEntry("refs/cup/proposals/next", added[1]);
    assertThat(refs).containsEntry("refs/cup/proposals/p008z", merged);
    assertThat(refs).doesNotContainKey("refs/cup/proposals/p009z");
    assertThat(haves(trace)).isPositive().isLessThan(proposals / 10);
    assertThat(TestRepos.fsck(git.directory()).ok()).isTrue();
  }

  /** How many "have"s the remote's upload-pack read, by its packet trace. */
  private static long haves(Path trace) throws Exception {
    try (Stream<String> lines = Files.lines(trace)) {
      return lines.filter(line -> line.contains("upload-pack< have ")).count();
    }
  }

  /** A proposal as Cup writes one: a branch off {@code base}, a record without parent. */
  private static ObjectId[] proposal(Repository repo, String id, ObjectId base) throws Exception {
    return new ObjectId[] {
      commitOn(repo, "refs/heads/cup/proposal/" + id, base, "p.txt", id),
      commitOn(repo, "refs/cup/proposals/" + id, null, "proposal.json", "open")
    };
  }

  /** The next state of proposal {@code id}'s record, on top of its last. */
  private static ObjectId record(Repository repo, String id) throws Exception {
    String ref = "refs/cup/proposals/" + id;
    return commitOn(repo, ref, repo.exactRef(ref).getObjectId(), "proposal.json", "merged");
  }

  /** A commit of one file on {@code parent} (none: a commit without parent), set as {@code ref}. */
  private static ObjectId commitOn(
      Repository repo, String ref, ObjectId parent, String path, String content) throws Exception {
    ObjectId id;
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      TreeFormatter tree = new TreeFormatter();
      byte[] bytes = (ref + " " + content).getBytes(StandardCharsets.UTF_8);
      tree.append(path, FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB, bytes));
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(inserter.insert(tree));
      if (parent != null) {
        commit.setParentId(parent);
      }
      PersonIdent who = new PersonIdent("test", "test@localhost");
      commit.setAuthor(who);
      commit.setCommitter(who);
      commit.setMessage(content + " " + ref);
      id = inserter.insert(commit);
      inserter.flush();
    }
    RefUpdate update = repo.updateRef(ref);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    assertThat(update.update())
        .isIn(RefUpdate.Result.NEW, RefUpdate.Result.FORCED, RefUpdate.Result.FAST_FORWARD);
    return id;
  }

  @Test
  void aFetchNeverRepacksUnderItsLockTheUpkeepAfterItDoes() throws Exception {
    GitClone git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId last = null;
    for (int i = 0; i < 55; i++) {
      last = moveMainAndFetch(git, i);
    }
    // neither Cup nor JGit's automatic gc (gc.auto=0, gc.autopacklimit=0) repacked in a fetch
    assertThat(packs(git)).isGreaterThan(50);
    git.repackIfDue();
    assertThat(packs(git)).isLessThan(50);
    assertThat(text(git.revisions().view(""), "default/flipt.io-v1alpha1-Flag-n.json"))
        .isEqualTo("{\"n\":54}\n");
    assertThat(TestRepos.fsck(git.repository().getDirectory().toPath()).ok()).isTrue();
  }

  private static int packs(GitClone git) {
    return ((org.eclipse.jgit.internal.storage.file.FileRepository) git.repository())
        .getObjectDatabase()
        .getPacks()
        .size();
  }

  private static String text(RevisionView view, String path) {
    return new String(view.file(path).orElseThrow().bytes(Long.MAX_VALUE), StandardCharsets.UTF_8);
  }
}
