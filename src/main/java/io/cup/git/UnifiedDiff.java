package io.cup.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffAlgorithm.SupportedAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Unified diff text between two commits, as {@code git diff} prints it: {@code a/} and {@code b/}
 * path prefixes, three lines of context, no rename detection (a move shows as a delete and an add),
 * "Binary files differ" for binary content and for files over {@value #MAX_FILE_BYTES} bytes (never
 * loaded).
 *
 * <p>The output is capped at a byte limit: a longer diff is cut at the last whole line under the
 * limit and ends with the line {@value #TRUNCATED} (followed by the limit). Safe for concurrent
 * use.
 */
public final class UnifiedDiff {
  /** The default output limit: 1 MiB. */
  public static final int DEFAULT_LIMIT = 1 << 20;

  /**
   * Files larger than this are not loaded to be diffed: they print "Binary files differ", as Git
   * does for files over {@code core.bigFileThreshold}.
   */
  public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  /** Starts the last line of a diff that was cut at the limit. */
  public static final String TRUNCATED = "diff truncated:";

  private final Repository repository;
  private final int limitBytes;

  public UnifiedDiff(Repository repository) {
    this(repository, DEFAULT_LIMIT);
  }

  public UnifiedDiff(Repository repository, int limitBytes) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("limitBytes must be positive: " + limitBytes);
    }
    this.repository = Objects.requireNonNull(repository, "repository");
    this.limitBytes = limitBytes;
  }

  /**
   * The diff from commit (or tree) {@code from} to {@code to}; {@code from} null means the empty
   * tree. Empty when both have the same tree.
   */
  public String between(ObjectId from, ObjectId to) throws IOException {
    Objects.requireNonNull(to, "to");
    LimitedOutput out = new LimitedOutput(limitBytes);
    try (DiffFormatter formatter = new DiffFormatter(out)) {
      formatter.setRepository(repository);
      formatter.setDetectRenames(false);
      formatter.setBinaryFileThreshold(MAX_FILE_BYTES);
      formatter.setOldPrefix("a/");
      formatter.setNewPrefix("b/");
      formatter.format(from, to);
      formatter.flush();
    } catch (LimitReached e) {
      return out.truncated();
    }
    return out.text();
  }

  /** The diff a commit introduces: against its first parent, or the empty tree for a root. */
  public String of(ObjectId commit) throws IOException {
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit parsed = walk.parseCommit(commit);
      ObjectId parent = parsed.getParentCount() == 0 ? null : parsed.getParent(0).getId();
      return between(parent, parsed.getId());
    }
  }

  /**
   * The unified diff of one document from {@code before} to {@code after} (null: absent, so the
   * diff creates or deletes it) as the file {@code path}: {@code a/} and {@code b/} headers (or
   * {@code /dev/null}), three lines of context, capped at {@code limitBytes} as {@link #between}.
   * Empty when both are equal. Plain text work, no repository.
   */
  public static String ofDocument(String path, String before, String after, int limitBytes) {
    if (java.util.Objects.equals(before, after)) {
      return "";
    }
    LimitedOutput out = new LimitedOutput(limitBytes);
    try (DiffFormatter formatter = new DiffFormatter(out)) {
      RawText a = new RawText(bytes(before));
      RawText b = new RawText(bytes(after));
      String header =
          "diff --git a/"
              + path
              + " b/"
              + path
              + "\n"
              + (before == null ? "new file mode 100644\n" : "")
              + (after == null ? "deleted file mode 100644\n" : "")
              + "--- "
              + (before == null ? "/dev/null" : "a/" + path)
              + "\n+++ "
              + (after == null ? "/dev/null" : "b/" + path)
              + "\n";
      out.write(header.getBytes(StandardCharsets.UTF_8));
      EditList edits =
          DiffAlgorithm.getAlgorithm(SupportedAlgorithm.HISTOGRAM)
              .diff(RawTextComparator.DEFAULT, a, b);
      formatter.format(edits, a, b);
      formatter.flush();
    } catch (LimitReached e) {
      return out.truncated();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // writing to memory
    }
    return out.text();
  }

  private static byte[] bytes(String text) {
    return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code bytes} as text, cut at the last whole line under {@code limit} when longer. */
  static String capped(byte[] bytes, int limit) {
    return bytes.length <= limit ? new String(bytes, StandardCharsets.UTF_8) : cut(bytes, limit);
  }

  /** The first whole lines of {@code bytes} under {@code limit}, then the truncation line. */
  private static String cut(byte[] bytes, int limit) {
    int end = Math.min(limit, bytes.length);
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8)
        + TRUNCATED
        + " the diff is longer than "
        + limit
        + " bytes\n";
  }

  /** Thrown by {@link LimitedOutput} to stop the formatter once the limit is passed. */
  private static final class LimitReached extends IOException {
    LimitReached() {
      super("diff output limit reached", null);
    }
  }

  /** Keeps at most {@code limit} bytes, then stops the writer. */
  private static final class LimitedOutput extends OutputStream {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final int limit;

    LimitedOutput(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      int room = limit - buffer.size();
      if (length > room) {
        buffer.write(bytes, offset, room);
        throw new LimitReached();
      }
      buffer.write(bytes, offset, length);
    }

    String text() {
      return buffer.toString(StandardCharsets.UTF_8);
    }

    String truncated() {
      return cut(buffer.toByteArray(), limit);
    }
  }
}
