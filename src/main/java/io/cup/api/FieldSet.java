package io.cup.api;

import io.cup.controllers.JsonValues;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * An immutable set of {@link FieldPath}s: the fields one manager owns, or the fields a write added,
 * changed or removed. Its JSON form is Kubernetes' {@code FieldsV1}: a tree of objects keyed by
 * path element, {@code {}} for a path in the set with nothing under it, and {@code ".": {}} for a
 * path in the set that also has paths under it.
 *
 * <p>Cup's resources are JSON objects whose objects are granular (each member has its own owner)
 * and whose lists are atomic (one owner for the whole list), as Kubernetes treats a custom resource
 * without list annotations: the set of an object ({@link #leaves}) holds every member that is not a
 * non-empty object (scalars, lists, null, empty objects).
 */
final class FieldSet {
  static final FieldSet EMPTY = new FieldSet(new TreeSet<>());

  private final NavigableSet<FieldPath> paths;

  private FieldSet(NavigableSet<FieldPath> paths) {
    this.paths = paths;
  }

  static FieldSet of(Collection<FieldPath> paths) {
    return paths.isEmpty() ? EMPTY : new FieldSet(new TreeSet<>(paths));
  }

  static FieldSet of(FieldPath... paths) {
    return of(Set.of(paths));
  }

  /** The fields an applied configuration sets: every member that is not a non-empty object. */
  static FieldSet leaves(JsonObject object) {
    TreeSet<FieldPath> out = new TreeSet<>();
    addLeaves(FieldPath.ROOT, object, out);
    return new FieldSet(out);
  }

  private static void addLeaves(FieldPath at, JsonObject object, Set<FieldPath> out) {
    for (Map.Entry<String, Object> member : object) {
      FieldPath path = at.child(FieldPath.field(member.getKey()));
      if (member.getValue() instanceof JsonObject child && !child.isEmpty()) {
        addLeaves(path, child, out);
      } else {
        out.add(path);
      }
    }
  }

  /** What a write changed, path by path, as Kubernetes compares two objects. */
  record Changes(FieldSet added, FieldSet modified, FieldSet removed) {
    /** Added and modified: what the writer now sets. */
    FieldSet set() {
      return added.union(modified);
    }
  }

  /**
   * The paths {@code after} adds to {@code before} (an added object and everything in it), the
   * paths whose value changed (a scalar, a list, an object that became something else), and the
   * paths it removes (a removed object and everything in it). An object present on both sides is
   * compared member by member and is not itself added, changed or removed.
   */
  static Changes compare(JsonObject before, JsonObject after) {
    TreeSet<FieldPath> added = new TreeSet<>();
    TreeSet<FieldPath> modified = new TreeSet<>();
    TreeSet<FieldPath> removed = new TreeSet<>();
    compareMembers(FieldPath.ROOT, before, after, added, modified, removed);
    return new Changes(new FieldSet(added), new FieldSet(modified), new FieldSet(removed));
  }

  private static void compareMembers(
      FieldPath at,
      JsonObject before,
      JsonObject after,
      Set<FieldPath> added,
      Set<FieldPath> modified,
      Set<FieldPath> removed) {
    for (String key : before.fieldNames()) {
      if (!after.containsKey(key)) {
        everything(at.child(FieldPath.field(key)), before.getValue(key), removed);
      }
    }
    for (Map.Entry<String, Object> member : after) {
      FieldPath path = at.child(FieldPath.field(member.getKey()));
      Object value = member.getValue();
      if (!before.containsKey(member.getKey())) {
        everything(path, value, added);
        continue;
      }
      Object old = before.getValue(member.getKey());
      if (old instanceof JsonObject o && value instanceof JsonObject n) {
        compareMembers(path, o, n, added, modified, removed);
      } else if (!JsonValues.equal(old, value)) {
        modified.add(path);
        if (old instanceof JsonObject o) {
          o.forEach(
              e -> everything(path.child(FieldPath.field(e.getKey())), e.getValue(), removed));
        }
        if (value instanceof JsonObject n) {
          n.forEach(e -> everything(path.child(FieldPath.field(e.getKey())), e.getValue(), added));
        }
      }
    }
  }

  /** {@code path} and, for an object, every path under it. */
  private static void everything(FieldPath path, Object value, Set<FieldPath> out) {
    out.add(path);
    if (value instanceof JsonObject object) {
      object.forEach(e -> everything(path.child(FieldPath.field(e.getKey())), e.getValue(), out));
    }
  }

  // -- FieldsV1 ---------------------------------------------------------------------------------

  /**
   * The set written as {@code fieldsV1}.
   *
   * @throws IllegalArgumentException when {@code json} is not a {@code FieldsV1} tree
   */
  static FieldSet fromFieldsV1(JsonObject json) {
    TreeSet<FieldPath> out = new TreeSet<>();
    read(FieldPath.ROOT, json, out);
    return new FieldSet(out);
  }

  private static void read(FieldPath at, JsonObject json, Set<FieldPath> out) {
    for (Map.Entry<String, Object> member : json) {
      String key = member.getKey();
      if (!(member.getValue() instanceof JsonObject child)) {
        throw new IllegalArgumentException("a FieldsV1 member is not an object: " + at);
      }
      if (key.equals(".")) {
        if (at.isRoot() || !child.isEmpty()) {
          throw new IllegalArgumentException("a misplaced \".\" in FieldsV1 at " + at);
        }
        out.add(at);
      } else if (key.length() >= 2 && key.charAt(1) == ':' && "fkvi".indexOf(key.charAt(0)) >= 0) {
        FieldPath path = at.child(key);
        if (child.isEmpty()) {
          out.add(path);
        } else {
          read(path, child, out);
        }
      } else {
        throw new IllegalArgumentException("an unknown FieldsV1 element " + key + " at " + at);
      }
    }
  }

  /** The set as {@code fieldsV1}, elements sorted, {@code "."} first. */
  JsonObject toFieldsV1() {
    Node root = new Node();
    for (FieldPath path : paths) {
      Node node = root;
      for (String element : path.elements()) {
        node = node.children.computeIfAbsent(element, e -> new Node());
      }
      node.member = true;
    }
    return root.toJson();
  }

  private static final class Node {
    boolean member;
    final TreeMap<String, Node> children = new TreeMap<>();

    JsonObject toJson() {
      JsonObject json = new JsonObject();
      if (member && !children.isEmpty()) {
        json.put(".", new JsonObject());
      }
      children.forEach((element, child) -> json.put(element, child.toJson()));
      return json;
    }
  }

  // -- set algebra ------------------------------------------------------------------------------

  boolean isEmpty() {
    return paths.isEmpty();
  }

  boolean contains(FieldPath path) {
    return paths.contains(path);
  }

  /** Whether some path of the set lies strictly under {@code path}. */
  boolean hasUnder(FieldPath path) {
    FieldPath next = paths.higher(path);
    return next != null && path.isPrefixOf(next);
  }

  /** The paths in sorted order. */
  NavigableSet<FieldPath> paths() {
    return Collections.unmodifiableNavigableSet(paths);
  }

  FieldSet union(FieldSet other) {
    if (other.isEmpty()) {
      return this;
    }
    TreeSet<FieldPath> out = new TreeSet<>(paths);
    out.addAll(other.paths);
    return new FieldSet(out);
  }

  FieldSet intersection(FieldSet other) {
    return filter(other::contains);
  }

  FieldSet difference(FieldSet other) {
    return other.isEmpty() ? this : filter(p -> !other.contains(p));
  }

  /** The set without the paths that are, or lie under, a path of {@code prefixes}. */
  FieldSet withoutSubtrees(FieldSet prefixes) {
    return filter(p -> prefixes.paths.stream().noneMatch(prefix -> prefix.isPrefixOf(p)));
  }

  FieldSet filter(Predicate<FieldPath> keep) {
    TreeSet<FieldPath> out = new TreeSet<>();
    for (FieldPath path : paths) {
      if (keep.test(path)) {
        out.add(path);
      }
    }
    return out.size() == paths.size() ? this : new FieldSet(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet s && paths.equals(s.paths);
  }

  @Override
  public int hashCode() {
    return paths.hashCode();
  }

  @Override
  public String toString() {
    return paths.toString();
  }
}
