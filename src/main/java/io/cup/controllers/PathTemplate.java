package io.cup.controllers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A path template in the subset of Go's {@code text/template} the original Cup's template
 * controller relies on: literal text, field actions {@code {{ .Namespace }}}, {@code .Group},
 * {@code .Version}, {@code .Kind}, {@code .Name} (any whitespace inside the braces), and the {@code
 * replace} function ({@code {{ replace .Name "a" "b" }}}, Go's {@code strings.ReplaceAll}).
 * Anything else is refused when the template is parsed, so a template that parses always renders.
 */
final class PathTemplate {
  static final Set<String> FIELDS = Set.of("Namespace", "Group", "Version", "Kind", "Name");

  /** The values a template renders with; {@code name} is null when listing. */
  record Values(String group, String version, String kind, String namespace, String name) {
    String field(String field) {
      return switch (field) {
        case "Namespace" -> namespace;
        case "Group" -> group;
        case "Version" -> version;
        case "Kind" -> kind;
        case "Name" -> name;
        default -> throw new IllegalArgumentException(field);
      };
    }
  }

  /** Thrown by {@link #parse} with a message saying what is wrong and where. */
  static final class TemplateException extends Exception {
    TemplateException(String message) {
      super(message);
    }
  }

  private sealed interface Part permits Text, Field, Replace {}

  private record Text(String text) implements Part {}

  private record Field(String field) implements Part {}

  /** An argument of replace: a field ({@code field} set) or a string literal. */
  private record Arg(String field, String literal) {}

  private record Replace(Arg subject, Arg old, Arg replacement) implements Part {}

  private final String source;
  private final List<Part> parts;

  private PathTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  String source() {
    return source;
  }

  /** Whether the template uses {@code field} anywhere. */
  boolean uses(String field) {
    for (Part part : parts) {
      if (part instanceof Field f && f.field().equals(field)) {
        return true;
      }
      if (part instanceof Replace r
          && (field.equals(r.subject().field())
              || field.equals(r.old().field())
              || field.equals(r.replacement().field()))) {
        return true;
      }
    }
    return false;
  }

  String render(Values values) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Text t) {
        out.append(t.text());
      } else if (part instanceof Field f) {
        out.append(values.field(f.field()));
      } else if (part instanceof Replace r) {
        out.append(
            replaceAll(
                value(r.subject(), values),
                value(r.old(), values),
                value(r.replacement(), values)));
      }
    }
    return out.toString();
  }

  /**
   * A pattern matching the paths this template renders for the given values, with the fields whose
   * values are null (Namespace, Name) captured as named groups at their first plain {@code {{
   * .Field }}} use. Used to recover a namespace and name from a path.
   */
  Pattern matcher(Values values) {
    StringBuilder regex = new StringBuilder();
    Set<String> captured = new HashSet<>();
    for (Part part : parts) {
      if (part instanceof Text t) {
        regex.append(Pattern.quote(t.text()));
      } else if (part instanceof Field f && values.field(f.field()) != null) {
        regex.append(Pattern.quote(values.field(f.field())));
      } else if (part instanceof Field f && captured.add(f.field())) {
        regex.append("(?<").append(f.field()).append(">[^/]+?)");
      } else if (part instanceof Field f) {
        regex.append("\\k<").append(f.field()).append('>');
      } else {
        regex.append("[^/]*?");
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  private static String value(Arg arg, Values values) {
    return arg.field() != null ? values.field(arg.field()) : arg.literal();
  }

  /** Go's strings.ReplaceAll: an empty {@code old} inserts {@code replacement} between runes. */
  private static String replaceAll(String s, String old, String replacement) {
    if (old.isEmpty()) {
      StringBuilder out = new StringBuilder(replacement);
      s.codePoints().forEach(cp -> out.appendCodePoint(cp).append(replacement));
      return out.toString();
    }
    return s.replace(old, replacement);
  }

  static PathTemplate parse(String source) throws TemplateException {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < source.length()) {
      int open = source.indexOf("{{", i);
      if (open < 0) {
        parts.add(new Text(source.substring(i)));
        break;
      }
      if (open > i) {
        parts.add(new Text(source.substring(i, open)));
      }
      int close = closingBraces(source, open + 2);
      if (close < 0) {
        throw new TemplateException("unclosed action starting at offset " + open);
      }
      parts.add(action(source.substring(open, close + 2), source.substring(open + 2, close)));
      i = close + 2;
    }
    return new PathTemplate(source, parts);
  }

  /** The index of the {@code }}} closing an action, skipping string literals; -1 if none. */
  private static int closingBraces(String s, int from) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"' || c == '`') {
        int end = endOfLiteral(s, i);
        if (end < 0) {
          return -1;
        }
        i = end;
      } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
        return i;
      } else {
        i++;
      }
    }
    return -1;
  }

  /** The index just past the literal starting at {@code start}, or -1 when unterminated. */
  private static int endOfLiteral(String s, int start) {
    char quote = s.charAt(start);
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == quote) {
        return i + 1;
      }
      if (quote == '"' && c == '\\') {
        i += 2;
      } else if (quote == '"' && c == '\n') {
        return -1;
      } else {
        i++;
      }
    }
    return -1;
  }

  private static Part action(String whole, String body) throws TemplateException {
    if (body.startsWith("-") || body.endsWith("-")) {
      throw unsupported(whole, "trim markers are not supported");
    }
    List<String> tokens = tokens(whole, body);
    if (tokens.size() == 1 && tokens.get(0).startsWith(".")) {
      return new Field(field(whole, tokens.get(0)));
    }
    if (!tokens.isEmpty() && tokens.get(0).equals("replace")) {
      if (tokens.size() != 4) {
        throw unsupported(whole, "replace takes exactly three arguments");
      }
      return new Replace(
          arg(whole, tokens.get(1)), arg(whole, tokens.get(2)), arg(whole, tokens.get(3)));
    }
    throw unsupported(whole, null);
  }

  private static List<String> tokens(String whole, String body) throws TemplateException {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      int end;
      if (c == '"' || c == '`') {
        end = endOfLiteral(body, i);
        if (end < 0) {
          throw unsupported(whole, "unterminated string");
        }
        if (end < body.length() && !Character.isWhitespace(body.charAt(end))) {
          throw unsupported(whole, null);
        }
      } else {
        end = i;
        while (end < body.length() && !Character.isWhitespace(body.charAt(end))) {
          char e = body.charAt(end);
          if (e == '"' || e == '`') {
            throw unsupported(whole, null);
          }
          end++;
        }
      }
      tokens.add(body.substring(i, end));
      i = end;
    }
    return tokens;
  }

  private static String field(String whole, String token) throws TemplateException {
    String name = token.substring(1);
    if (!FIELDS.contains(name)) {
      throw unsupported(whole, "unknown field " + token);
    }
    return name;
  }

  private static Arg arg(String whole, String token) throws TemplateException {
    if (token.startsWith(".")) {
      return new Arg(field(whole, token), null);
    }
    if (token.startsWith("`")) {
      return new Arg(null, token.substring(1, token.length() - 1));
    }
    if (token.startsWith("\"")) {
      return new Arg(null, unquote(whole, token));
    }
    throw unsupported(whole, "replace arguments must be fields or string literals");
  }

  /** A Go interpreted string literal's value (escapes \\ \" \n \t \r \a \b \f \v \xNN \\uNNNN). */
  private static String unquote(String whole, String token) throws TemplateException {
    StringBuilder out = new StringBuilder();
    int i = 1;
    int end = token.length() - 1;
    while (i < end) {
      char c = token.charAt(i);
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= end) {
        throw unsupported(whole, "bad escape in string");
      }
      char e = token.charAt(i + 1);
      i += 2;
      switch (e) {
        case '\\' -> out.append('\\');
        case '"' -> out.append('"');
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case 'x', 'u', 'U' -> {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + digits > end) {
            throw unsupported(whole, "bad escape in string");
          }
          try {
            out.appendCodePoint(Integer.parseInt(token.substring(i, i + digits), 16));
          } catch (IllegalArgumentException ex) {
            throw unsupported(whole, "bad escape in string");
          }
          i += digits;
        }
        default -> throw unsupported(whole, "bad escape in string");
      }
    }
    return out.toString();
  }

  private static TemplateException unsupported(String action, String why) {
    return new TemplateException(
        "unsupported template action "
            + action
            + (why == null ? "" : " (" + why + ")")
            + ": only {{ .Namespace }}, {{ .Group }}, {{ .Version }}, {{ .Kind }}, {{ .Name }}"
            + " and {{ replace <arg> <old> <new> }} are supported");
  }
}
