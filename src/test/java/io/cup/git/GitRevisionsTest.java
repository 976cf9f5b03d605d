package io.cup.git;

import static io.cup.git.GitTesting.gitConfig;
import static io.cup.git.GitTesting.hashObject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ServerConfig;
import io.cup.status.StatusException;
import io.cup.testing.TestRepos;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Revision reads of a real clone: resolving revisions, reading files, listing directories. */
@Timeout(60)
class GitRevisionsTest extends SeededRemote {
  private GitRevisions revisionsOf(ServerConfig cfg) {
    return cloned(cfg).revisions();
  }

  @Test
  void resolvesBranchesCommitIdsAbbreviationsAndProposalIds() {
    ObjectId seed = TestRepos.ref(remote, "refs/heads/main");
    ObjectId topic = TestRepos.commit(remote, "topic", Map.of("t.txt", "topic"));
    ObjectId proposal = TestRepos.commit(remote, "cup/proposal/p-42", Map.of("p.txt", "proposed"));
    GitRevisions git = revisionsOf(gitConfig(daemon.url("flags.git"), data));

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
    GitRevisions git = revisionsOf(gitConfig(daemon.url("flags.git"), data));
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
    GitRevisions git = revisionsOf(gitConfig(daemon.url("flags.git"), data));
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
}
