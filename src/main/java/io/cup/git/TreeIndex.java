package io.cup.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * One Git tree, parsed once: its entries by name (a hash lookup, where a tree walk compares names
 * one by one from the start of the tree) and, for listings, its regular files and subtrees in the
 * tree's order. Immutable, as the tree it indexes.
 */
final class TreeIndex {
  /** One entry of the tree: its name, raw mode and object id. */
  record Entry(String name, int mode, ObjectId id) {}

  private final ObjectId id;
  private final Map<String, Entry> byName;
  private final List<RevisionView.Entry> listing;
  private final int weight;

  private TreeIndex(
      ObjectId id, Map<String, Entry> byName, List<RevisionView.Entry> listing, int weight) {
    this.id = id;
    this.byName = byName;
    this.listing = listing;
    this.weight = weight;
  }

  /** Parses the tree {@code id} (one read of the object). */
  static TreeIndex parse(ObjectReader reader, ObjectId id) throws IOException {
    Map<String, Entry> byName = new HashMap<>();
    List<RevisionView.Entry> listing = new ArrayList<>();
    int weight = 128;
    CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, id);
    for (; !parser.eof(); parser.next()) {
      int mode = parser.getEntryRawMode();
      String name = parser.getEntryPathString();
      ObjectId entryId = parser.getEntryObjectId();
      byName.put(name, new Entry(name, mode, entryId));
      // two strings of the name, two ids (one as hex), the records and the map's node
      weight += 4 * name.length() + 280;
      boolean directory = GitRevisionView.isTree(mode);
      if (directory || GitRevisionView.isFile(mode)) {
        listing.add(new RevisionView.Entry(name, directory, entryId.name()));
      }
    }
    return new TreeIndex(id.copy(), byName, List.copyOf(listing), weight);
  }

  /** An estimate of the heap this index takes, in bytes. */
  int weight() {
    return weight;
  }

  ObjectId id() {
    return id;
  }

  /** The entry called {@code name} (any mode: symlinks and submodules too), or null. */
  Entry get(String name) {
    return byName.get(name);
  }

  /** The regular files and subtrees, in the tree's order (symlinks and submodules left out). */
  List<RevisionView.Entry> listing() {
    return listing;
  }
}
