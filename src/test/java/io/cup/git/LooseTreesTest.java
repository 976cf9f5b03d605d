package io.cup.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.TestRepos;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LooseTreesTest {
  @TempDir Path dir;

  @Test
  void aTreeIsWrittenWhereGitLooksForItUnderGitsIdAndReadsBackTheSame() throws Exception {
    try (Repository repository =
        Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository()) {
      TreeFormatter tree = directoryOf(repository, 1_000);
      ObjectId id;
      try (ObjectInserter inserter = repository.newObjectInserter();
          LooseTrees trees = new LooseTrees(repository, inserter, null)) {
        id = trees.insert(tree.toByteArray());
      }

      try (ObjectInserter.Formatter formatter = new ObjectInserter.Formatter()) {
        assertThat(id).isEqualTo(tree.computeId(formatter));
      }
      assertThat(LooseTrees.idFor(tree.toByteArray())).isEqualTo(id);
      File file = ((ObjectDirectory) repository.getObjectDatabase()).fileFor(id);
      assertThat(file).isFile();
      assertThat(Files.getPosixFilePermissions(file.toPath()))
          .as("loose objects are read-only, as git writes them")
          .doesNotContain(PosixFilePermission.OWNER_WRITE);
      try (ObjectReader reader = repository.newObjectReader()) {
        assertThat(reader.open(id, Constants.OBJ_TREE).getBytes()).isEqualTo(tree.toByteArray());
      }
      // no temporary file is left in the objects directory
      try (var entries = Files.list(dir.resolve("objects"))) {
        assertThat(entries.filter(Files::isRegularFile).toList()).isEmpty();
      }
      // git itself reads it (git fsck hashes every object again)
      git(dir, "fsck", "--strict", "--full", "--no-dangling", id.name());
      assertThat(git(dir, "cat-file", "-t", id.name()).trim()).isEqualTo("tree");
    }
  }

  @Test
  void aTreeTheRepositoryHasIsNotWrittenAgain() throws Exception {
    try (Repository repository =
        Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository()) {
      TreeFormatter tree = directoryOf(repository, 10);
      ObjectId id;
      try (ObjectInserter inserter = repository.newObjectInserter()) {
        id = inserter.insert(tree);
        inserter.flush();
      }
      File file = ((ObjectDirectory) repository.getObjectDatabase()).fileFor(id);
      FileTime written = FileTime.fromMillis(1_000_000L);
      Files.setLastModifiedTime(file.toPath(), written);

      try (ObjectInserter inserter = repository.newObjectInserter();
          LooseTrees trees = new LooseTrees(repository, inserter, null)) {
        assertThat(trees.insert(tree.toByteArray())).isEqualTo(id);
        // and the same instance writes a second, different tree with its reused compressor
        TreeFormatter other = directoryOf(repository, 11);
        ObjectId second = trees.insert(other.toByteArray());
        assertThat(repository.getObjectDatabase().has(second)).isTrue();
      }
      assertThat(Files.getLastModifiedTime(file.toPath())).isEqualTo(written);
      git(dir, "fsck", "--strict", "--full", "--no-dangling");
    }
  }

  @Test
  void aRepositoryWithoutAnObjectsDirectoryGetsTheTreeThroughItsInserter() throws Exception {
    try (InMemoryRepository repository =
        new InMemoryRepository(new DfsRepositoryDescription("memory"))) {
      TreeFormatter tree = directoryOf(repository, 3);
      ObjectId id;
      try (ObjectInserter inserter = repository.newObjectInserter();
          LooseTrees trees = new LooseTrees(repository, inserter, null)) {
        id = trees.insert(tree.toByteArray());
        inserter.flush();
      }
      try (ObjectReader reader = repository.newObjectReader()) {
        assertThat(reader.open(id, Constants.OBJ_TREE).getBytes()).isEqualTo(tree.toByteArray());
      }
    }
  }

  /** A tree of {@code files} blobs, the blobs written through the repository's own inserter. */
  private static TreeFormatter directoryOf(Repository repository, int files) throws Exception {
    TreeFormatter tree = new TreeFormatter();
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      for (int i = 0; i < files; i++) {
        ObjectId blob =
            inserter.insert(Constants.OBJ_BLOB, ("{\"n\": " + i + "}\n").getBytes(UTF_8));
        tree.append(String.format("item-%05d.json", i), FileMode.REGULAR_FILE, blob);
      }
      inserter.flush();
    }
    return tree;
  }

  private static String git(Path gitDir, String... args) {
    return TestRepos.gitCli(gitDir, args);
  }
}
