package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.cup.bus.FileChange;
import io.cup.bus.SourceKind;
import io.cup.status.StatusException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DirectorySourceTest {
  @TempDir Path base;
  private Path root;
  private Path outside;
  private DirectorySource source;

  @BeforeEach
  void layOut() throws Exception {
    root = Files.createDirectories(base.resolve("served"));
    outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createDirectories(root.resolve("default"));
    Files.writeString(root.resolve("default/flag-a.json"), "{\"name\":\"a\"}\n");
    Files.writeString(root.resolve("default/flag-b.json"), "{\"name\":\"b\"}\n");
    Files.writeString(root.resolve("README.md"), "# local\n");
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), "[core]\n");
    source = DirectorySource.of(root);
  }

  @Test
  void readsFilesWithGitBlobIds() throws Exception {
    RevisionView view = source.view(null);

    assertThat(view.commit()).isEqualTo("local");
    assertThat(source.kind()).isEqualTo(SourceKind.LOCAL);
    RevisionView.Blob blob = view.file("default/flag-a.json").orElseThrow();
    assertThat(new String(blob.bytes(Long.MAX_VALUE), StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"a\"}\n");
    assertThat(blob.id()).isEqualTo(GitTesting.hashObject("{\"name\":\"a\"}\n"));
    assertThat(view.file("default")).isEmpty();
    assertThat(view.file("missing.json")).isEmpty();
    assertThat(source.view("").file("README.md")).isPresent();
  }

  @Test
  void listsDirectoriesInGitOrderWithoutTheGitDirectory() throws Exception {
    Files.createDirectories(root.resolve("default.d"));
    RevisionView view = source.view("");

    assertThat(view.list(""))
        .extracting(RevisionView.Entry::name, RevisionView.Entry::directory)
        // Git compares a directory as "name/": "default.d/" sorts before "default/"
        .containsExactly(
            tuple("README.md", false), tuple("default.d", true), tuple("default", true));
    assertThat(view.list("default"))
        .extracting(RevisionView.Entry::name, RevisionView.Entry::id)
        .containsExactly(
            tuple("flag-a.json", GitTesting.hashObject("{\"name\":\"a\"}\n")),
            tuple("flag-b.json", GitTesting.hashObject("{\"name\":\"b\"}\n")));
    assertThat(view.list("default/")).isEqualTo(view.list("default"));
    assertThat(view.list("missing")).isEmpty();
    assertThat(view.list("README.md")).isEmpty();
  }

  @Test
  void aRevisionIsABadRequest() {
    assertThatThrownBy(() -> source.view("main"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.getMessage()).contains("a local directory source has no revisions");
            });
  }

  @Test
  void aMissingDirectoryIsUnavailable() {
    DirectorySource missing = DirectorySource.of(base.resolve("nowhere"));
    assertThat(missing.exists()).isFalse();
    assertThatThrownBy(() -> missing.view(null))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(503));
  }

  @Test
  void neverReadsOutsideTheDirectory() throws Exception {
    Files.createSymbolicLink(root.resolve("leak.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("leakdir"), outside);
    Files.createSymbolicLink(root.resolve("inside.json"), root.resolve("default/flag-a.json"));
    RevisionView view = source.view(null);

    for (String bad :
        List.of(
            "../outside/secret.txt",
            "default/../../outside/secret.txt",
            outside.resolve("secret.txt").toString(),
            "leak.txt",
            "leakdir/secret.txt",
            ".git/config",
            "default\\flag-a.json",
            "default//flag-a.json",
            "./README.md")) {
      assertThat(view.file(bad)).as(bad).isEmpty();
    }
    for (String bad : List.of("..", "../outside", "leakdir", outside.toString(), ".git")) {
      assertThat(view.list(bad)).as(bad).isEmpty();
    }
    // a link that stays inside is followed; links that leave are not listed
    assertThat(view.file("inside.json")).isPresent();
    assertThat(view.list(""))
        .extracting(RevisionView.Entry::name)
        .contains("inside.json")
        .doesNotContain("leak.txt", "leakdir", ".git");
  }

  @Test
  void appliesUpsertsAndDeletesInPlace() throws Exception {
    source.apply(
        List.of(
            FileChange.upsert(
                "default/flag-a.json", "{\"name\":\"a2\"}\n".getBytes(StandardCharsets.UTF_8)),
            FileChange.upsert(
                "team/x/flag-c.json", "{\"name\":\"c\"}\n".getBytes(StandardCharsets.UTF_8)),
            FileChange.delete("default/flag-b.json"),
            FileChange.delete("default/never-there.json")));

    assertThat(Files.readString(root.resolve("default/flag-a.json")))
        .isEqualTo("{\"name\":\"a2\"}\n");
    assertThat(Files.readString(root.resolve("team/x/flag-c.json")))
        .isEqualTo("{\"name\":\"c\"}\n");
    assertThat(root.resolve("default/flag-b.json")).doesNotExist();
    assertThat(source.view(null).file("team/x/flag-c.json")).isPresent();
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.map(Path::toString)).noneMatch(p -> p.endsWith(".tmp"));
    }

    // deleting the last file removes the directories it leaves empty, but never the root
    source.apply(List.of(FileChange.delete("team/x/flag-c.json")));
    assertThat(root.resolve("team")).doesNotExist();
    source.apply(List.of(FileChange.delete("default/flag-a.json"), FileChange.delete("README.md")));
    assertThat(root.resolve("default")).doesNotExist();
    assertThat(root).isDirectory();
  }

  @Test
  void refusesWritesThatWouldLeaveTheDirectory() throws Exception {
    Files.createSymbolicLink(root.resolve("leakdir"), outside);
    byte[] bytes = "pwned".getBytes(StandardCharsets.UTF_8);

    for (String bad :
        List.of(
            "../outside/x.txt", "/tmp/x.txt", "a/../../x.txt", ".git/hooks/post-commit", "a\\b")) {
      assertThatThrownBy(() -> source.apply(List.of(FileChange.upsert(bad, bytes))))
          .as(bad)
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
    assertThatThrownBy(() -> source.apply(List.of(FileChange.upsert("leakdir/x.txt", bytes))))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    assertThatThrownBy(() -> source.apply(List.of(FileChange.upsert("leakdir/new/x.txt", bytes))))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    assertThatThrownBy(() -> source.apply(List.of(FileChange.delete("leakdir/secret.txt"))))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));

    try (Stream<Path> files = Files.walk(outside)) {
      assertThat(files.toList()).containsExactlyInAnyOrder(outside, outside.resolve("secret.txt"));
    }
    assertThat(outside.resolve("secret.txt")).hasContent("secret");
    // a bad path anywhere in the change set writes nothing at all
    assertThatThrownBy(
            () ->
                source.apply(
                    List.of(
                        FileChange.upsert("fine.txt", bytes),
                        FileChange.upsert("../outside/x.txt", bytes))))
        .isInstanceOf(StatusException.class);
    assertThat(root.resolve("fine.txt")).doesNotExist();
  }

  @Test
  void aDirectoryInTheWayIsAConflict() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> source.apply(List.of(FileChange.upsert("default", bytes))))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(409));
    assertThatThrownBy(() -> source.apply(List.of(FileChange.upsert("README.md/x.json", bytes))))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(409));
    assertThatThrownBy(() -> source.apply(List.of(FileChange.delete("default"))))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(409));
    assertThat(root.resolve("default/flag-a.json")).exists();
  }
}
