package io.cup.controllers;

import io.cup.git.RevisionView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A '/'-separated glob as Go's {@code path.Match} and {@code fs.Glob} read it: within one segment
 * {@code *} matches any run of characters, {@code ?} one character, {@code [...]} a class ({@code
 * [^...]} negated, {@code a-z} ranges, {@code \} escapes) and {@code \c} the character c. Matching
 * walks a {@link RevisionView} one directory level at a time and reads only the directories the
 * pattern can reach.
 */
final class PathGlob {
  /** A matched file: its path and blob id. */
  record Match(String path, String id) {}

  /** A file matched in either view whose blob differs; a null id means absent on that side. */
  record Difference(String path, String fromId, String toId) {}

  /** Thrown for a malformed pattern (Go's ErrBadPattern). */
  static final class BadPatternException extends Exception {
    BadPatternException(String message) {
      super(message);
    }
  }

  /** One segment: a literal name, or a compiled pattern. */
  private record Segment(String literal, Pattern pattern) {
    boolean matches(String name) {
      return literal != null ? literal.equals(name) : pattern.matcher(name).matches();
    }
  }

  private final List<Segment> segments;

  private PathGlob(List<Segment> segments) {
    this.segments = List.copyOf(segments);
  }

  static PathGlob compile(String glob) throws BadPatternException {
    List<Segment> segments = new ArrayList<>();
    for (String segment : glob.split("/", -1)) {
      segments.add(segment(segment));
    }
    return new PathGlob(segments);
  }

  /** Whether {@code path} matches the whole glob. */
  boolean matches(String path) {
    String[] names = path.split("/", -1);
    if (names.length != segments.size()) {
      return false;
    }
    for (int i = 0; i < names.length; i++) {
      if (!segments.get(i).matches(names[i])) {
        return false;
      }
    }
    return true;
  }

  /** Every file of {@code view} the glob matches, in path order. */
  List<Match> matches(RevisionView view) {
    List<String> dirs = List.of("");
    for (int level = 0; level < segments.size() - 1; level++) {
      Segment segment = segments.get(level);
      List<String> next = new ArrayList<>();
      for (String dir : dirs) {
        if (segment.literal() != null) {
          next.add(join(dir, segment.literal()));
          continue;
        }
        for (RevisionView.Entry entry : view.list(dir)) {
          if (entry.directory() && segment.matches(entry.name())) {
            next.add(join(dir, entry.name()));
          }
        }
      }
      dirs = next;
    }
    Segment last = segments.get(segments.size() - 1);
    TreeMap<String, String> found = new TreeMap<>();
    for (String dir : dirs) {
      for (RevisionView.Entry entry : view.list(dir)) {
        if (!entry.directory() && last.matches(entry.name())) {
          found.put(join(dir, entry.name()), entry.id());
        }
      }
    }
    return found.entrySet().stream().map(e -> new Match(e.getKey(), e.getValue())).toList();
  }

  /**
   * The matched files whose blob ids differ between two views, in path order. Directories whose
   * tree ids are known and equal in both views are skipped without being read.
   */
  List<Difference> differences(RevisionView from, RevisionView to) {
    List<Difference> out = new ArrayList<>();
    walk(from, to, "", true, true, 0, out);
    return out;
  }

  private void walk(
      RevisionView from,
      RevisionView to,
      String dir,
      boolean inFrom,
      boolean inTo,
      int level,
      List<Difference> out) {
    Segment segment = segments.get(level);
    boolean last = level == segments.size() - 1;
    Map<String, RevisionView.Entry> before = entries(inFrom ? from : null, dir, segment, !last);
    Map<String, RevisionView.Entry> after = entries(inTo ? to : null, dir, segment, !last);
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    for (String name : names) {
      RevisionView.Entry b = before.get(name);
      RevisionView.Entry a = after.get(name);
      if (b != null && a != null && sameId(b.id(), a.id())) {
        continue;
      }
      String path = join(dir, name);
      if (last) {
        out.add(new Difference(path, b == null ? null : b.id(), a == null ? null : a.id()));
      } else {
        walk(from, to, path, b != null, a != null, level + 1, out);
      }
    }
  }

  private static Map<String, RevisionView.Entry> entries(
      RevisionView view, String dir, Segment segment, boolean directories) {
    TreeMap<String, RevisionView.Entry> matched = new TreeMap<>();
    if (view == null) {
      return matched;
    }
    for (RevisionView.Entry entry : view.list(dir)) {
      if (entry.directory() == directories && segment.matches(entry.name())) {
        matched.put(entry.name(), entry);
      }
    }
    return matched;
  }

  private static boolean sameId(String a, String b) {
    return a != null && !a.isEmpty() && a.equals(b);
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  private static Segment segment(String glob) throws BadPatternException {
    if (glob.chars().noneMatch(c -> c == '*' || c == '?' || c == '[' || c == '\\')) {
      return new Segment(glob, null);
    }
    StringBuilder regex = new StringBuilder();
    int[] cps = glob.codePoints().toArray();
    int i = 0;
    while (i < cps.length) {
      int c = cps[i];
      switch (c) {
        case '*' -> {
          regex.append(".*");
          i++;
        }
        case '?' -> {
          regex.append('.');
          i++;
        }
        case '\\' -> {
          if (i + 1 >= cps.length) {
            throw new BadPatternException("pattern " + glob + " ends with a backslash");
          }
          regex.append(quote(cps[i + 1]));
          i += 2;
        }
        case '[' -> i = characterClass(glob, cps, i + 1, regex);
        default -> {
          regex.append(quote(c));
          i++;
        }
      }
    }
    return new Segment(null, Pattern.compile(regex.toString(), Pattern.DOTALL));
  }

  /** Appends the class starting after '[' at {@code i}; returns the index after its ']'. */
  private static int characterClass(String glob, int[] cps, int i, StringBuilder regex)
      throws BadPatternException {
    StringBuilder cls = new StringBuilder("[");
    if (i < cps.length && cps[i] == '^') {
      cls.append('^');
      i++;
    }
    int ranges = 0;
    while (true) {
      if (i >= cps.length) {
        throw new BadPatternException("pattern " + glob + " has an unterminated [");
      }
      if (cps[i] == ']' && ranges > 0) {
        regex.append(cls).append(']');
        return i + 1;
      }
      int[] lo = classChar(glob, cps, i);
      i = lo[1];
      int hi = lo[0];
      if (i < cps.length && cps[i] == '-') {
        int[] h = classChar(glob, cps, i + 1);
        hi = h[0];
        i = h[1];
        if (hi < lo[0]) {
          throw new BadPatternException("pattern " + glob + " has an empty range");
        }
      }
      cls.append(quote(lo[0])).append('-').append(quote(hi));
      ranges++;
    }
  }

  /** One character of a class at {@code i} (escaped or not): {value, next index}. */
  private static int[] classChar(String glob, int[] cps, int i) throws BadPatternException {
    if (i >= cps.length || cps[i] == '-' || cps[i] == ']') {
      throw new BadPatternException("pattern " + glob + " has a malformed character class");
    }
    if (cps[i] == '\\') {
      if (i + 1 >= cps.length) {
        throw new BadPatternException("pattern " + glob + " ends with a backslash");
      }
      return new int[] {cps[i + 1], i + 2};
    }
    return new int[] {cps[i], i + 1};
  }

  private static String quote(int codePoint) {
    return "\\x{" + Integer.toHexString(codePoint) + "}";
  }
}
