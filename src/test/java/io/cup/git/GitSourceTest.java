package io.cup.git;

import static io.cup.git.GitTesting.fileUrl;
import static io.cup.git.GitTesting.gitConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ServerConfig;
import io.cup.status.StatusException;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GitSourceTest {
  private static final Map<String, String> SEED =
      Map.of(
          "README.md", "# flags\n",
          "default/flipt.io-v1alpha1-Flag-a.json", "{\"name\":\"a\"}\n",
          "default/flipt.io-v1alpha1-Flag-b.json", "{\"name\":\"b\"}\n",
          "other/nested/deep.txt", "deep\n");

  @TempDir Path served;
  @TempDir Path data;
  private GitDaemon daemon;
  private Path remote;
  private GitSource source;

  @BeforeEach
  void seed() {
    remote = TestRepos.createBare(served.resolve("flags.git"), SEED);
    daemon = GitDaemon.serve(served);
  }

  @AfterEach
  void cleanUp() {
    if (source != null) {
      source.close();
    }
    daemon.close();
  }

  private GitSource cloned(ServerConfig cfg) {
    source = GitSource.create(cfg);
    source.cloneOrOpen();
    return source;
  }

  @Test
  void clonesTheRemoteOverGitDaemonAsABareRepository() throws Exception {
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data));

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
    GitSource git = cloned(gitConfig(fileUrl(remote), data));

    Map<String, ObjectId> refs = TestRepos.refs(git.directory());
    assertThat(refs).containsEntry("refs/heads/topic", topic);
    assertThat(refs).containsEntry("refs/heads/main", TestRepos.ref(remote, "refs/heads/main"));
  }

  @Test
  void fetchesRefsUnderRefsCupAndPrunesWhatTheRemoteDeleted() throws Exception {
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId topic = TestRepos.commit(remote, "topic", Map.of("t.txt", "t"));
    try (Repository repo = TestRepos.open(remote)) {
      var update = repo.updateRef("refs/cup/proposals/p1");
      update.setNewObjectId(topic);
      assertThat(update.update()).isEqualTo(org.eclipse.jgit.lib.RefUpdate.Result.NEW);
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
    GitSource first = cloned(cfg);
    ObjectId head = first.head();
    Path marker = first.directory().resolve("cup-test-marker");
    Files.writeString(marker, "still the first clone");
    first.close();

    daemon.stop();
    GitSource second = cloned(cfg);

    assertThat(second.isOpen()).isTrue();
    assertThat(second.head()).isEqualTo(head);
    assertThat(marker).hasContent("still the first clone");
    assertThat(second.view("").file("README.md")).isPresent();
  }

  @Test
  void tracksTheRemoteHeadBranchAndRemembersItWithoutTheRemote() {
    Path trunk = TestRepos.createBare(served.resolve("trunk.git"), "trunk", Map.of("x", "1"));
    ServerConfig cfg = gitConfig(daemon.url("trunk.git"), data);
    GitSource git = cloned(cfg);
    assertThat(git.branch()).isEqualTo("trunk");
    assertThat(git.head()).isEqualTo(TestRepos.ref(trunk, "refs/heads/trunk"));
    git.close();

    daemon.stop();
    GitSource restarted = cloned(cfg);
    assertThat(restarted.branch()).isEqualTo("trunk");
    assertThat(restarted.head()).isEqualTo(TestRepos.ref(trunk, "refs/heads/trunk"));
  }

  @Test
  void tracksTheRemoteHeadBranchOfAFileUrl() {
    Path trunk = TestRepos.createBare(served.resolve("trunk.git"), "trunk", Map.of("x", "1"));
    GitSource git = cloned(gitConfig(fileUrl(trunk), data));
    assertThat(git.branch()).isEqualTo("trunk");
  }

  @Test
  void tracksTheConfiguredBranch() {
    ObjectId release = TestRepos.commit(remote, "release", Map.of("r.txt", "r"));
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data, "release", 60_000));

    assertThat(git.branch()).isEqualTo("release");
    assertThat(git.head()).isEqualTo(release);
    assertThat(git.view((String) null).commit()).isEqualTo(release.name());
  }

  @Test
  void failsWith503NamingTheRemoteWhenThereIsNoCloneAndTheRemoteIsDown() throws Exception {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    daemon.stop();
    source = GitSource.create(cfg);

    assertThatThrownBy(source::cloneOrOpen)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.getMessage()).contains(daemon.url("flags.git"));
            });
    assertThat(source.isOpen()).isFalse();
    assertThat(source.directory()).doesNotExist();
    try (Stream<Path> leftovers = Files.list(source.directory().getParent())) {
      assertThat(leftovers.toList()).isEmpty();
    }
    assertThatThrownBy(() -> source.view("main"))
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
        GitSource.create(
            gitConfig("http://cup:" + secret + "@127.0.0.1:" + closedPort + "/flags.git", data));

    assertThat(source.remoteUrl()).isEqualTo("http://127.0.0.1:" + closedPort + "/flags.git");
    assertThatThrownBy(source::cloneOrOpen)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.getMessage()).doesNotContain(secret).contains("127.0.0.1:" + closedPort);
            });
  }

  @Test
  void removesAnUnfinishedCloneACrashLeftBehind() throws Exception {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    Path dir = cfg.repositoryDir();
    Path stale = dir.resolveSibling("." + dir.getFileName() + ".clone-123");
    Files.createDirectories(stale.resolve("objects"));

    GitSource git = cloned(cfg);

    assertThat(stale).doesNotExist();
    assertThat(git.head()).isNotNull();
  }

  @Test
  void refusesADirectoryThatIsNotARepository() throws Exception {
    ServerConfig cfg = gitConfig(daemon.url("flags.git"), data);
    Files.createDirectories(cfg.repositoryDir());
    Files.writeString(cfg.repositoryDir().resolve("notes.txt"), "not git");
    source = GitSource.create(cfg);

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
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data));
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
    RevisionView now = git.view("");
    assertThat(now.file("default/flipt.io-v1alpha1-Flag-a.json")).isEmpty();
    assertThat(text(now, "default/flipt.io-v1alpha1-Flag-c.json")).isEqualTo("{\"name\":\"c\"}\n");
    // the old revision is still readable by commit id
    assertThat(text(git.view(before.name()), "default/flipt.io-v1alpha1-Flag-a.json"))
        .isEqualTo("{\"name\":\"a\"}\n");
  }

  @Test
  void aCloneThatFetchedManyMovesIsRepackedAndStillReadsEveryRevision() throws Exception {
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data));
    ObjectId first = git.head();
    ObjectId last = first;
    int maxPacks = 0;
    for (int i = 0; i < 60; i++) {
      last =
          TestRepos.commit(
              remote,
              "main",
              Map.of("default/flipt.io-v1alpha1-Flag-n.json", "{\"n\":" + i + "}\n"),
              Set.of(),
              "move " + i);
      assertThat(git.fetch().after()).isEqualTo(last);
      maxPacks = Math.max(maxPacks, packs(git));
    }
    // git gc --auto's limit is 50 packs: one fetch over it repacks
    assertThat(maxPacks).isLessThanOrEqualTo(51);
    assertThat(packs(git)).isLessThan(50);
    assertThat(text(git.view(""), "default/flipt.io-v1alpha1-Flag-n.json"))
        .isEqualTo("{\"n\":59}\n");
    assertThat(text(git.view(first.name()), "default/flipt.io-v1alpha1-Flag-a.json"))
        .isEqualTo("{\"name\":\"a\"}\n");
    assertThat(TestRepos.fsck(git.repository().getDirectory().toPath()).ok()).isTrue();
  }

  private static int packs(GitSource git) {
    return ((org.eclipse.jgit.internal.storage.file.FileRepository) git.repository())
        .getObjectDatabase()
        .getPacks()
        .size();
  }

  @Test
  void resolvesBranchesCommitIdsAbbreviationsAndProposalIds() {
    ObjectId seed = TestRepos.ref(remote, "refs/heads/main");
    ObjectId topic = TestRepos.commit(remote, "topic", Map.of("t.txt", "topic"));
    ObjectId proposal = TestRepos.commit(remote, "cup/proposal/p-42", Map.of("p.txt", "proposed"));
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data));

    assertThat(git.view((String) null).commit()).isEqualTo(seed.name());
    assertThat(git.view("").commit()).isEqualTo(seed.name());
    assertThat(git.view("main").commit()).isEqualTo(seed.name());
    assertThat(git.view("topic").commit()).isEqualTo(topic.name());
    assertThat(git.view(topic.name()).commit()).isEqualTo(topic.name());
    assertThat(git.view(topic.name().substring(0, 7)).commit()).isEqualTo(topic.name());
    assertThat(git.view(topic.name().substring(0, 4)).commit()).isEqualTo(topic.name());
    assertThat(git.view("p-42").commit()).isEqualTo(proposal.name());
    assertThat(git.view("cup/proposal/p-42").commit()).isEqualTo(proposal.name());
    assertThat(git.view(topic).commit()).isEqualTo(topic.name());
    assertThat(text(git.view("p-42"), "p.txt")).isEqualTo("proposed");

    for (String unknown :
        List.of("nope", "main~1", "main:README.md", "HEAD@{0}", "0000000", "../main", "a b")) {
      assertThatThrownBy(() -> git.view(unknown))
          .as(unknown)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.code()).isEqualTo(404);
                assertThat(e.getMessage()).isEqualTo("revision " + unknown + " not found");
              });
    }
    // a blob id is not a revision
    String blob = git.view("").file("README.md").orElseThrow().id();
    assertThatThrownBy(() -> git.view(blob))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
    assertThatThrownBy(() -> git.view(ObjectId.fromString(blob)))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
  }

  @Test
  void readsFilesAndListsDirectories() throws Exception {
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data));
    RevisionView view = git.view("main");

    RevisionView.Blob blob = view.file("default/flipt.io-v1alpha1-Flag-a.json").orElseThrow();
    assertThat(new String(blob.bytes(Long.MAX_VALUE), StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"a\"}\n");
    assertThat(blob.id()).isEqualTo(hashObject("{\"name\":\"a\"}\n"));
    assertThat(text(view, "other/nested/deep.txt")).isEqualTo("deep\n");

    assertThat(view.list(""))
        .extracting(RevisionView.Entry::name, RevisionView.Entry::directory)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("README.md", false),
            org.assertj.core.groups.Tuple.tuple("default", true),
            org.assertj.core.groups.Tuple.tuple("other", true));
    assertThat(view.list("default"))
        .extracting(RevisionView.Entry::name)
        .containsExactly("flipt.io-v1alpha1-Flag-a.json", "flipt.io-v1alpha1-Flag-b.json");
    assertThat(view.list("default/")).isEqualTo(view.list("default"));
    assertThat(view.list("default").get(0).id()).isEqualTo(blob.id());
    assertThat(view.list("other")).extracting(RevisionView.Entry::name).containsExactly("nested");

    assertThat(view.file("default")).isEmpty();
    assertThat(view.file("missing.json")).isEmpty();
    assertThat(view.file("default/missing.json")).isEmpty();
    assertThat(view.file("README.md/x")).isEmpty();
    assertThat(view.list("missing")).isEmpty();
    assertThat(view.list("README.md")).isEmpty();
  }

  @Test
  void pathsThatCouldEscapeTheRepositoryReadNothing() {
    GitSource git = cloned(gitConfig(daemon.url("flags.git"), data));
    RevisionView view = git.view("main");

    for (String bad :
        List.of(
            "../README.md",
            "default/../README.md",
            "/README.md",
            "default//flipt.io-v1alpha1-Flag-a.json",
            "./README.md",
            "default\\flipt.io-v1alpha1-Flag-a.json",
            ".git/config",
            "",
            "README.md\0")) {
      assertThat(view.file(bad)).as(bad).isEmpty();
    }
    for (String bad : List.of("..", "../", "/", "/default", "default/..", "a//b", ".git")) {
      assertThat(view.list(bad)).as(bad).isEmpty();
    }
    assertThat(view.file(null)).isEmpty();
    assertThat(view.list(null)).isEmpty();
  }

  private static String text(RevisionView view, String path) {
    return new String(view.file(path).orElseThrow().bytes(Long.MAX_VALUE), StandardCharsets.UTF_8);
  }

  /** What {@code git hash-object} says for {@code content}: the id a blob must have. */
  static String hashObject(String content) throws Exception {
    Process process = new ProcessBuilder("git", "hash-object", "--stdin").start();
    try (var in = process.getOutputStream()) {
      in.write(content.getBytes(StandardCharsets.UTF_8));
    }
    String id = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor()).isZero();
    return id;
  }
}
