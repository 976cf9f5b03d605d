package io.cup.git;

import io.cup.bus.ChangeSet;
import io.cup.bus.FileChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * The unified diff a change set would make to the revision it was computed against, without
 * committing anything: what {@code git diff} would print after the commit ({@code a/} and {@code
 * b/} prefixes, {@code index} lines, three lines of context, "Binary files differ" for binary
 * content, and for a file over {@link UnifiedDiff#MAX_FILE_BYTES}, which is never loaded), checked
 * against {@link UnifiedDiff} of the committed change. Files the change set leaves as they are
 * print nothing. The output is capped like {@link UnifiedDiff}'s.
 */
public final class ChangeSetDiff {
  private ChangeSetDiff() {}

  /** The diff of {@code changes} against {@code base}, at most {@code limitBytes} long. */
  public static String of(RevisionView base, ChangeSet changes, int limitBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<FileChange> sorted =
        changes.changes().stream().sorted(Comparator.comparing(FileChange::path)).toList();
    try (DiffFormatter formatter = new DiffFormatter(out)) {
      for (FileChange change : sorted) {
        Optional<RevisionView.Blob> before = base.file(change.path());
        byte[] now = change.isDelete() ? null : change.content();
        boolean large =
            before.isPresent() && before.get().size() > UnifiedDiff.MAX_FILE_BYTES
                || now != null && now.length > UnifiedDiff.MAX_FILE_BYTES;
        if (large) {
          String oldId = before.map(RevisionView.Blob::id).orElse(null);
          if (oldId == null && now == null || now != null && idOf(now).equals(oldId)) {
            continue;
          }
          largeHeader(out, change.path(), oldId, now);
          write(out, "Binary files differ\n");
          continue;
        }
        byte[] old = before.map(b -> b.bytes(UnifiedDiff.MAX_FILE_BYTES)).orElse(null);
        if (old == null && now == null || old != null && now != null && equal(old, now)) {
          continue;
        }
        header(out, change.path(), before.map(RevisionView.Blob::id).orElse(null), old, now);
        RawText a = old == null ? RawText.EMPTY_TEXT : new RawText(old);
        RawText b = now == null ? RawText.EMPTY_TEXT : new RawText(now);
        if (RawText.isBinary(old == null ? new byte[0] : old)
            || RawText.isBinary(now == null ? new byte[0] : now)) {
          write(out, "Binary files differ\n"); // as JGit's DiffFormatter, so as UnifiedDiff
          continue;
        }
        EditList edits =
            DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, a, b);
        formatter.format(edits, a, b);
        formatter.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UnifiedDiff.capped(out.toByteArray(), limitBytes);
  }

  private static void header(
      ByteArrayOutputStream out, String path, String oldId, byte[] old, byte[] now) {
    StringBuilder header = new StringBuilder();
    header.append("diff --git a/").append(path).append(" b/").append(path).append('\n');
    String from = old == null ? ZERO : abbreviate(oldId, old);
    String to = now == null ? ZERO : abbreviate(null, now);
    if (old == null) {
      header.append("new file mode 100644\n").append("index ").append(from).append("..");
      header.append(to).append('\n');
    } else if (now == null) {
      header.append("deleted file mode 100644\n").append("index ").append(from).append("..");
      header.append(to).append('\n');
    } else {
      header.append("index ").append(from).append("..").append(to).append(" 100644\n");
    }
    header.append("--- ").append(old == null ? "/dev/null" : "a/" + path).append('\n');
    header.append("+++ ").append(now == null ? "/dev/null" : "b/" + path).append('\n');
    write(out, header.toString());
  }

  private static final String ZERO = "0000000";

  /** The header of a file too large to load: its ids say what the content would. */
  private static void largeHeader(
      ByteArrayOutputStream out, String path, String oldId, byte[] now) {
    String from = oldId == null ? ZERO : oldId.substring(0, 7);
    String to = now == null ? ZERO : idOf(now).substring(0, 7);
    StringBuilder header = new StringBuilder();
    header.append("diff --git a/").append(path).append(" b/").append(path).append('\n');
    if (oldId == null) {
      header.append("new file mode 100644\nindex ").append(from).append("..").append(to);
      header.append('\n');
    } else if (now == null) {
      header.append("deleted file mode 100644\nindex ").append(from).append("..").append(to);
      header.append('\n');
    } else {
      header.append("index ").append(from).append("..").append(to).append(" 100644\n");
    }
    header.append("--- ").append(oldId == null ? "/dev/null" : "a/" + path).append('\n');
    header.append("+++ ").append(now == null ? "/dev/null" : "b/" + path).append('\n');
    write(out, header.toString());
  }

  private static String idOf(byte[] content) {
    return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, content).name();
  }

  /** The abbreviated blob id, as {@code git diff} prints it (7 hex digits). */
  private static String abbreviate(String id, byte[] content) {
    String full =
        id != null && ObjectId.isId(id)
            ? id
            : new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, content).name();
    return full.substring(0, 7);
  }

  private static boolean equal(byte[] a, byte[] b) {
    return java.util.Arrays.equals(a, b);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
