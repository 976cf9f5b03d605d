package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.HistoryEntry;
import io.cup.bus.HistoryPage;
import io.cup.config.ControllerConfig;
import io.cup.controllers.Controller.Target;
import io.cup.git.GitRevisionView;
import io.cup.git.RevisionView;
import io.cup.status.StatusException;
import io.cup.testing.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ResourceHistory} over a real Git repository with the template controller (one file per
 * resource): which commits count, a deleted resource's history, the bound on one walk, and a local
 * directory.
 */
class ResourceHistoryTest {
  private static final String GROUP = "test.cup.flipt.io";
  private static final String FOO = "default/test.cup.flipt.io-v1alpha1-Resource-foo.json";
  private static final String BAR = "default/test.cup.flipt.io-v1alpha1-Resource-bar.json";
  private static final Target FOO_TARGET =
      new Target(GROUP, "v1alpha1", "Resource", "resources", "default", "foo");

  @TempDir Path tmp;

  private final TemplateController controller =
      new TemplateController(
          new ControllerConfig(
              "tpl",
              "template",
              new io.vertx.core.json.JsonObject(),
              Path.of("conf"),
              "controllers/tpl.yaml"));

  private static String resource(String name, String value) {
    return "{\"apiVersion\": \""
        + GROUP
        + "/v1alpha1\", \"kind\": \"Resource\", \"metadata\": {\"namespace\": \"default\","
        + " \"name\": \""
        + name
        + "\"}, \"spec\": {\"value\": \""
        + value
        + "\"}}\n";
  }

  @Test
  void aDeletedResourceHasItsDeletionFirstAndOtherFilesDoNotCount() throws Exception {
    Path repo = TestRepos.createBare(tmp.resolve("r.git"), Map.of(FOO, resource("foo", "one")));
    ObjectId created = TestRepos.ref(repo, "refs/heads/main");
    ObjectId bar = TestRepos.commit(repo, "main", Map.of(BAR, resource("bar", "x")));
    ObjectId modified = TestRepos.commit(repo, "main", Map.of(FOO, resource("foo", "two")));
    // the same resource written another way: the file changes, the resource does not
    ObjectId reformatted =
        TestRepos.commit(repo, "main", Map.of(FOO, resource("foo", "two").replace(", ", ",\n  ")));
    ObjectId deleted = TestRepos.commit(repo, "main", Map.of(), Set.of(FOO), "remove foo");

    try (Repository repository = TestRepos.open(repo)) {
      RevisionView head = GitRevisionView.of(repository, deleted);
      HistoryPage page = new ResourceHistory().page(controller, FOO_TARGET, head, null, 10);

      assertThat(page.commit()).isEqualTo(deleted.name());
      assertThat(page.next()).isNull();
      assertThat(page.items())
          .extracting(HistoryEntry::commit)
          .containsExactly(deleted.name(), modified.name(), created.name())
          .doesNotContain(bar.name(), reformatted.name());
      assertThat(page.items())
          .extracting(HistoryEntry::change)
          .containsExactly("deleted", "modified", "created");
      HistoryEntry removal = page.items().get(0);
      assertThat(removal.path()).isEqualTo(FOO);
      assertThat(removal.message()).isEqualTo("remove foo\n");
      assertThat(removal.diff()).contains("--- a/" + FOO + "\n+++ /dev/null\n", "-  value: two");
      assertThat(page.items().get(1).diff()).contains("-  value: one\n+  value: two\n");
    }
  }

  @Test
  void aBoundedWalkSaysWhereToResume() throws Exception {
    Path repo = TestRepos.createBare(tmp.resolve("r.git"), Map.of(FOO, resource("foo", "one")));
    ObjectId created = TestRepos.ref(repo, "refs/heads/main");
    TestRepos.commit(repo, "main", Map.of(BAR, resource("bar", "x")));
    ObjectId head = TestRepos.commit(repo, "main", Map.of(BAR, resource("bar", "y")));

    try (Repository repository = TestRepos.open(repo)) {
      RevisionView view = GitRevisionView.of(repository, head);
      ResourceHistory oneCommitAWalk = new ResourceHistory(1, Duration.ofMinutes(1));

      HistoryPage first = oneCommitAWalk.page(controller, FOO_TARGET, view, null, 10);
      assertThat(first.items()).isEmpty();
      assertThat(first.next()).isNotNull();
      HistoryPage second = oneCommitAWalk.page(controller, FOO_TARGET, view, first.next(), 10);
      HistoryPage third = oneCommitAWalk.page(controller, FOO_TARGET, view, second.next(), 10);

      assertThat(third.items()).extracting(HistoryEntry::commit).containsExactly(created.name());
      assertThat(third.next()).isNull();
      assertThat(third.commit()).isEqualTo(head.name());
    }
  }

  @Test
  void aResourceThatNeverExistedIs404() throws Exception {
    Path repo = TestRepos.createBare(tmp.resolve("r.git"), Map.of(BAR, resource("bar", "x")));
    try (Repository repository = TestRepos.open(repo)) {
      RevisionView head = GitRevisionView.of(repository, TestRepos.ref(repo, "refs/heads/main"));
      assertThatThrownBy(() -> new ResourceHistory().page(controller, FOO_TARGET, head, null, 5))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
    }
  }

  @Test
  void aLocalDirectoryHasNoHistory() {
    MemoryView local = new MemoryView("local", Map.of(FOO, resource("foo", "one")));
    assertThatThrownBy(() -> new ResourceHistory().page(controller, FOO_TARGET, local, null, 5))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(404);
              assertThat(e.getMessage()).contains("local directory has no history");
            });
  }
}
