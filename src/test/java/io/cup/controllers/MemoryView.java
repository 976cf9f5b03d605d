package io.cup.controllers;

import io.cup.git.RevisionView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * A revision held in memory: path → bytes, with Git blob ids for files and a content hash for
 * directories (equal subtrees, equal ids, as Git tree ids). Counts what is read so tests can check
 * how much work a controller does.
 */
final class MemoryView implements RevisionView {
  private final String commit;
  private final TreeMap<String, byte[]> files = new TreeMap<>();
  final List<String> listed = new ArrayList<>();
  int bytesRead;

  MemoryView(String commit, Map<String, String> files) {
    this.commit = commit;
    files.forEach((path, text) -> this.files.put(path, text.getBytes(StandardCharsets.UTF_8)));
  }

  static String blobId(byte[] bytes) {
    return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, bytes).name();
  }

  static String blobId(String text) {
    return blobId(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String commit() {
    return commit;
  }

  @Override
  public Optional<Blob> file(String path) {
    byte[] bytes = files.get(path);
    if (bytes == null) {
      return Optional.empty();
    }
    String id = blobId(bytes);
    return Optional.of(
        new Blob() {
          @Override
          public String id() {
            return id;
          }

          @Override
          public long size() {
            return bytes.length;
          }

          @Override
          public byte[] bytes(long maxBytes) {
            if (bytes.length > maxBytes) {
              throw RevisionView.tooLarge(path, bytes.length, maxBytes);
            }
            bytesRead++;
            return bytes.clone();
          }
        });
  }

  @Override
  public List<Entry> list(String dir) {
    listed.add(dir);
    String prefix = dir.isEmpty() ? "" : dir + "/";
    TreeMap<String, Entry> children = new TreeMap<>();
    for (Map.Entry<String, byte[]> file : files.tailMap(prefix).entrySet()) {
      if (!file.getKey().startsWith(prefix)) {
        break;
      }
      String rest = file.getKey().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        children.put(rest, new Entry(rest, false, blobId(file.getValue())));
      } else {
        String name = rest.substring(0, slash);
        children.computeIfAbsent(name, n -> new Entry(n, true, treeId(prefix + n + "/")));
      }
    }
    return List.copyOf(children.values());
  }

  private String treeId(String prefix) {
    StringBuilder listing = new StringBuilder();
    files
        .tailMap(prefix)
        .forEach(
            (path, bytes) -> {
              if (path.startsWith(prefix)) {
                listing
                    .append(path.substring(prefix.length()))
                    .append(' ')
                    .append(blobId(bytes))
                    .append('\n');
              }
            });
    return new ObjectInserter.Formatter()
        .idFor(Constants.OBJ_TREE, listing.toString().getBytes(StandardCharsets.UTF_8))
        .name();
  }
}
