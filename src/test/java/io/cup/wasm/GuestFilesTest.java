package io.cup.wasm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cup.bus.FileChange;
import io.cup.git.GitRevisionView;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's file system over indexed Git trees: nested lookups, missing paths with the errno a
 * guest sees, and the copy-on-write overlay's changes visible to later lookups and listings of the
 * same call, then captured as the change set.
 */
@Timeout(60)
class GuestFilesTest {
  @TempDir Path repoDir;
  private TestRepository repo;
  private GitRevisionView view;

  @BeforeEach
  void init() throws Exception {
    repo = new TestRepository(repoDir);
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < 500; i++) {
      files.put(String.format("ns/widget/w-%03d.json", i), "w" + i);
    }
    files.put("ns/deep/a/b/c.json", "c");
    view = repo.commit(files);
  }

  @AfterEach
  void close() {
    repo.close();
  }

  private static List<String> path(String raw) {
    return GuestFiles.resolve(List.of(), raw);
  }

  private static String text(GuestFiles files, String raw) {
    GuestFiles.File file = (GuestFiles.File) files.existing(path(raw));
    return new String(file.content(), UTF_8);
  }

  private static List<String> names(GuestFiles files, String raw) {
    return ((GuestFiles.Dir) files.existing(path(raw)))
        .children().stream().map(Map.Entry::getKey).toList();
  }

  private static int errno(Runnable call) {
    return catchThrowableOfType(GuestFiles.WasiError.class, call::run).errno;
  }

  @Test
  void nestedAndListedFilesAreFoundAndMissingPathsAreEnoent() {
    GuestFiles files = new GuestFiles(view, false, 1 << 20);
    assertThat(text(files, "ns/deep/a/b/c.json")).isEqualTo("c");
    assertThat(text(files, "ns/deep/a/../a/b/c.json")).isEqualTo("c");
    // every file of a listed directory, read through the listing
    List<String> widgets = names(files, "ns/widget");
    assertThat(widgets).hasSize(500).startsWith("w-000.json").endsWith("w-499.json");
    for (int i = 0; i < 500; i += 49) {
      assertThat(text(files, String.format("ns/widget/w-%03d.json", i))).isEqualTo("w" + i);
    }
    assertThat(files.lookup(path("ns/widget/nope.json"))).isNull();
    assertThat(errno(() -> files.existing(path("ns/nope/x.json")))).isEqualTo(Wasi.ENOENT);
    assertThat(errno(() -> files.existing(path("ns/widget/w-001.json/x")))).isEqualTo(Wasi.ENOTDIR);
    assertThat(errno(() -> files.open(path("ns/widget/new.json"), Wasi.O_CREAT, true)))
        .isEqualTo(Wasi.EROFS);
  }

  @Test
  void writesAreVisibleToLaterLookupsAndListingsAndBecomeTheChangeSet() {
    GuestFiles files = new GuestFiles(view, true, 1 << 20);
    // looked up before the directory is listed, then listed
    assertThat(text(files, "ns/widget/w-007.json")).isEqualTo("w7");
    GuestFiles.File created =
        (GuestFiles.File) files.open(path("ns/widget/new.json"), Wasi.O_CREAT, true);
    created.write(0, "new".getBytes(UTF_8));
    GuestFiles.File changed = (GuestFiles.File) files.open(path("ns/widget/w-007.json"), 0, true);
    changed.setSize(0);
    changed.write(0, "seven".getBytes(UTF_8));
    files.unlinkFile(path("ns/widget/w-008.json"));
    files.createDirectory(path("ns/other"));
    files.rename(path("ns/widget/w-009.json"), path("ns/other/moved.json"));

    assertThat(text(files, "ns/widget/new.json")).isEqualTo("new");
    assertThat(text(files, "ns/widget/w-007.json")).isEqualTo("seven");
    assertThat(files.lookup(path("ns/widget/w-008.json"))).isNull();
    assertThat(text(files, "ns/other/moved.json")).isEqualTo("w9");
    List<String> widgets = names(files, "ns/widget");
    assertThat(widgets)
        .hasSize(499)
        .contains("new.json", "w-007.json")
        .doesNotContain("w-008.json", "w-009.json");
    // a directory of the base not touched yet, after writes elsewhere
    assertThat(text(files, "ns/deep/a/b/c.json")).isEqualTo("c");

    assertThat(files.changes())
        .extracting(FileChange::path)
        .containsExactly(
            "ns/other/moved.json",
            "ns/widget/new.json",
            "ns/widget/w-007.json",
            "ns/widget/w-008.json",
            "ns/widget/w-009.json");
    assertThat(files.changes())
        .filteredOn(c -> c.path().equals("ns/widget/w-008.json"))
        .allSatisfy(c -> assertThat(c.content()).isNull());
  }
}
