package io.cup.wasm;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.cup.bus.FileChange;
import io.cup.git.CommitWriter;
import io.cup.git.GitRevisionView;
import io.cup.git.RevisionView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

/** A bare repository on disk with one commit, and views of it. */
final class TestRepository implements AutoCloseable {
  private static final PersonIdent AUTHOR = new PersonIdent("Cup Test", "cup@test.invalid");

  final Repository repository;

  TestRepository(Path dir) throws GitAPIException {
    repository = Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository();
  }

  /** A commit holding {@code files} (path → text), viewed through JGit. */
  GitRevisionView commit(Map<String, String> files) throws IOException {
    List<FileChange> changes = new ArrayList<>();
    files.forEach((path, text) -> changes.add(FileChange.upsert(path, text.getBytes(UTF_8))));
    ObjectId commit =
        new CommitWriter(repository).commit(null, changes, AUTHOR, AUTHOR, "files").commit();
    return GitRevisionView.of(repository, commit);
  }

  /**
   * A commit with a regular file {@code ok.txt} and symbolic links {@code link} → {@code target}
   * and {@code dir/up} → {@code ../..}, as Git stores them (mode 120000, the target as the blob).
   */
  GitRevisionView commitWithSymlinks(String target) throws IOException {
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      TreeFormatter dir = new TreeFormatter();
      dir.append(
          "up",
          FileMode.SYMLINK,
          inserter.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, "../..".getBytes(UTF_8)));
      ObjectId dirTree = inserter.insert(dir);
      TreeFormatter root = new TreeFormatter();
      root.append("dir", FileMode.TREE, dirTree);
      root.append(
          "link",
          FileMode.SYMLINK,
          inserter.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, target.getBytes(UTF_8)));
      root.append(
          "ok.txt",
          FileMode.REGULAR_FILE,
          inserter.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, "ok\n".getBytes(UTF_8)));
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(inserter.insert(root));
      commit.setAuthor(AUTHOR);
      commit.setCommitter(AUTHOR);
      commit.setMessage("symlinks");
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return GitRevisionView.of(repository, id);
    }
  }

  @Override
  public void close() {
    repository.close();
  }

  /** A view that counts what is read through it. */
  static final class Counting implements RevisionView {
    final AtomicInteger blobReads = new AtomicInteger();
    final AtomicInteger fileLookups = new AtomicInteger();
    final AtomicInteger listings = new AtomicInteger();
    private final RevisionView view;

    Counting(RevisionView view) {
      this.view = view;
    }

    @Override
    public String commit() {
      return view.commit();
    }

    @Override
    public Optional<Blob> file(String path) {
      fileLookups.incrementAndGet();
      return view.file(path)
          .map(
              blob ->
                  new Blob() {
                    @Override
                    public String id() {
                      return blob.id();
                    }

                    @Override
                    public long size() {
                      return blob.size();
                    }

                    @Override
                    public byte[] bytes(long maxBytes) {
                      blobReads.incrementAndGet();
                      return blob.bytes(maxBytes);
                    }
                  });
    }

    @Override
    public List<Entry> list(String dir) {
      listings.incrementAndGet();
      return view.list(dir);
    }
  }
}
