package io.cup.git;

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

/**
 * The unified diff a change set would make to the revision it was computed against, without
 * committing anything: what {@code git diff} would print after the commit ({@code a/} and {@code
 * b/} prefixes, three lines of context, "Binary files differ" for binary content). Files the change
 * set leaves as they are print nothing. The output is capped like {@link UnifiedDiff}'s.
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
        byte[] old = before.map(RevisionView.Blob::bytes).orElse(null);
        byte[] now = change.isDelete() ? null : change.content();
        if (old == null && now == null || old != null && now != null && equal(old, now)) {
          continue;
        }
        header(out, change.path(), old, now);
        RawText a = old == null ? RawText.EMPTY_TEXT : new RawText(old);
        RawText b = now == null ? RawText.EMPTY_TEXT : new RawText(now);
        if (RawText.isBinary(old == null ? new byte[0] : old)
            || RawText.isBinary(now == null ? new byte[0] : now)) {
          write(
              out,
              "Binary files "
                  + (old == null ? "/dev/null" : "a/" + change.path())
                  + " and "
                  + (now == null ? "/dev/null" : "b/" + change.path())
                  + " differ\n");
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

  private static void header(ByteArrayOutputStream out, String path, byte[] old, byte[] now) {
    StringBuilder header = new StringBuilder();
    header.append("diff --git a/").append(path).append(" b/").append(path).append('\n');
    if (old == null) {
      header.append("new file mode 100644\n");
    } else if (now == null) {
      header.append("deleted file mode 100644\n");
    }
    header.append("--- ").append(old == null ? "/dev/null" : "a/" + path).append('\n');
    header.append("+++ ").append(now == null ? "/dev/null" : "b/" + path).append('\n');
    write(out, header.toString());
  }

  private static boolean equal(byte[] a, byte[] b) {
    return java.util.Arrays.equals(a, b);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
