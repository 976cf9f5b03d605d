package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookups through indexed trees ({@link TreeIndex}) answer as a tree walk did: nested files, every
 * kind of missing path, listings in Git's order; and a cache shared by views of different commits
 * never hands one commit's content to another.
 */
@Timeout(60)
class TreeIndexTest {
  @TempDir Path dir;

  private static String text(RevisionView view, String path) {
    return new String(view.file(path).orElseThrow().bytes(1 << 20), StandardCharsets.UTF_8);
  }

  @Test
  void nestedFilesAreFoundAndMissingPathsAreNot() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("top.json", "top");
    files.put("a/b/c/deep.json", "deep");
    files.put("a/b/sibling.json", "sibling");
    for (int i = 0; i < 300; i++) {
      files.put(String.format("wide/f-%03d.json", i), "f" + i);
    }
    Path repoDir = TestRepos.createBare(dir.resolve("r.git"), files);
    try (Repository repo = TestRepos.open(repoDir)) {
      GitRevisionView view = GitRevisionView.of(repo, TestRepos.ref(repoDir, "refs/heads/main"));

      assertThat(text(view, "top.json")).isEqualTo("top");
      assertThat(text(view, "a/b/c/deep.json")).isEqualTo("deep");
      assertThat(text(view, "a/b/sibling.json")).isEqualTo("sibling");
      for (int i = 0; i < 300; i += 37) {
        assertThat(text(view, String.format("wide/f-%03d.json", i))).isEqualTo("f" + i);
      }
      // missing: a name, a directory, a path through a file, a directory named as a file
      assertThat(view.file("nope.json")).isEmpty();
      assertThat(view.file("a/b/c/nope.json")).isEmpty();
      assertThat(view.file("a/x/deep.json")).isEmpty();
      assertThat(view.file("top.json/inside")).isEmpty();
      assertThat(view.file("a/b")).isEmpty();
      assertThat(view.file("")).isEmpty();
      assertThat(view.file("a//b/sibling.json")).isEmpty();
      assertThat(view.file("a/../top.json")).isEmpty();
      assertThat(view.list("a/b/sibling.json")).isEmpty();
      assertThat(view.list("missing")).isEmpty();
      assertThat(view.list("top.json/x")).isEmpty();

      assertThat(view.list(""))
          .extracting(RevisionView.Entry::name)
          .containsExactly("a", "top.json", "wide");
      assertThat(view.list("a/b/"))
          .containsExactly(
              new RevisionView.Entry("c", true, view.list("a/b").get(0).id()),
              new RevisionView.Entry(
                  "sibling.json", false, view.file("a/b/sibling.json").orElseThrow().id()));
      List<RevisionView.Entry> wide = view.list("wide");
      assertThat(wide).hasSize(300);
      assertThat(wide.get(0).name()).isEqualTo("f-000.json");
      assertThat(wide.get(299).name()).isEqualTo("f-299.json");
      assertThat(wide).allSatisfy(e -> assertThat(e.directory()).isFalse());
      // the id a listing gives is the blob's
      assertThat(wide.get(5).id()).isEqualTo(view.file("wide/f-005.json").orElseThrow().id());
    }
  }

  @Test
  void viewsOfTwoCommitsSharingOneCacheEachSeeTheirOwnContent() throws Exception {
    Path repoDir =
        TestRepos.createBare(
            dir.resolve("r.git"),
            Map.of("ns/widget/a.json", "a1", "ns/widget/b.json", "b1", "same/x.json", "x"));
    ObjectId first = TestRepos.ref(repoDir, "refs/heads/main");
    ObjectId second =
        TestRepos.commit(
            repoDir,
            "main",
            Map.of("ns/widget/a.json", "a2", "ns/widget/c.json", "c2"),
            java.util.Set.of("ns/widget/b.json"),
            "second");
    ObjectCache shared = ObjectCache.shared(ObjectCache.DEFAULT_SHARED_BYTES);
    try (Repository repo = TestRepos.open(repoDir)) {
      for (int round = 0; round < 2; round++) {
        GitRevisionView one = GitRevisionView.of(repo, first, shared);
        GitRevisionView two = GitRevisionView.of(repo, second, shared);
        assertThat(text(one, "ns/widget/a.json")).isEqualTo("a1");
        assertThat(text(two, "ns/widget/a.json")).isEqualTo("a2");
        assertThat(one.list("ns/widget"))
            .extracting(RevisionView.Entry::name)
            .containsExactly("a.json", "b.json");
        assertThat(two.list("ns/widget"))
            .extracting(RevisionView.Entry::name)
            .containsExactly("a.json", "c.json");
        assertThat(one.file("ns/widget/c.json")).isEmpty();
        assertThat(two.file("ns/widget/b.json")).isEmpty();
        // an unchanged subtree is the same tree in both: one index, same answers
        assertThat(text(one, "same/x.json")).isEqualTo("x");
        assertThat(text(two, "same/x.json")).isEqualTo("x");
      }
      // the shared cache holds the trees and blobs read, by id
      ObjectId aTwo =
          ObjectId.fromString(
              GitRevisionView.of(repo, second, shared).file("ns/widget/a.json").orElseThrow().id());
      assertThat(shared.blob(aTwo)).isEqualTo("a2".getBytes(StandardCharsets.UTF_8));
      assertThat(shared.tree(GitRevisionView.of(repo, second, shared).treeId())).isNotNull();
    }
  }

  @Test
  void aBoundedCacheKeepsNoBlobLargerThanItsLimit() {
    ObjectCache cache = ObjectCache.shared(ObjectCache.DEFAULT_SHARED_BYTES);
    ObjectId small = ObjectId.fromString("1111111111111111111111111111111111111111");
    ObjectId large = ObjectId.fromString("2222222222222222222222222222222222222222");
    cache.putBlob(small, new byte[10]);
    cache.putBlob(large, new byte[ObjectCache.MAX_BLOB_BYTES + 1]);
    assertThat(cache.blob(small)).hasSize(10);
    assertThat(cache.blob(large)).isNull();
    assertThat(cache.tree(small)).isNull();
  }
}
