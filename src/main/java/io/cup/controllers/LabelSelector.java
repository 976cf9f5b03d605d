package io.cup.controllers;

import io.cup.config.DnsNames;
import io.cup.status.StatusException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector: comma-separated requirements, each {@code key=value}, {@code
 * key==value}, {@code key!=value}, {@code key in (a,b)}, {@code key notin (a,b)}, {@code key}
 * (present) or {@code !key} (absent); all must hold. Whitespace between tokens is ignored. Keys and
 * values are checked as Kubernetes checks label keys and values. The empty selector matches
 * everything.
 */
public final class LabelSelector {
  private static final String NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern LABEL_NAME = Pattern.compile(NAME);

  /** What a requirement asks of one label. */
  public enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
  }

  /** One requirement: {@code values} has one entry for the (not) equals operators. */
  public record Requirement(String key, Operator operator, Set<String> values) {
    public Requirement {
      values = Set.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case EQUALS, IN -> value != null && values.contains(value);
        case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> labels.containsKey(key);
        case DOES_NOT_EXIST -> !labels.containsKey(key);
      };
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector("", List.of());

  private final String source;
  private final List<Requirement> requirements;

  private LabelSelector(String source, List<Requirement> requirements) {
    this.source = source;
    this.requirements = List.copyOf(requirements);
  }

  /** The selector that matches every set of labels. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** Whether every requirement holds for {@code labels} (null means no labels). */
  /** Whether a resource's {@code metadata.labels} match; values that are not strings are not. */
  public boolean matchesResource(io.vertx.core.json.JsonObject resource) {
    return matches(labelsOf(resource));
  }

  /** A resource's labels; values that are not strings are not labels. */
  public static Map<String, String> labelsOf(io.vertx.core.json.JsonObject resource) {
    Map<String, String> labels = new java.util.HashMap<>();
    if (resource != null
        && resource.getValue("metadata") instanceof io.vertx.core.json.JsonObject metadata
        && metadata.getValue("labels") instanceof io.vertx.core.json.JsonObject l) {
      l.forEach(
          e -> {
            if (e.getValue() instanceof String v) {
              labels.put(e.getKey(), v);
            }
          });
    }
    return labels;
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.matches(l));
  }

  @Override
  public String toString() {
    return source;
  }

  /**
   * Parses {@code selector}; null or blank is the empty selector.
   *
   * @throws StatusException 400 naming the position and the part that is wrong
   */
  public static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    return new Parser(selector).selector();
  }

  // -- lexer and parser -------------------------------------------------------------------------

  private enum Kind {
    IDENTIFIER,
    IN,
    NOT_IN,
    EQUALS,
    DOUBLE_EQUALS,
    NOT_EQUALS,
    BANG,
    COMMA,
    OPEN,
    CLOSE,
    END
  }

  private record Token(Kind kind, String text, int position) {
    String describe() {
      return kind == Kind.END ? "end of selector" : "\"" + text + "\"";
    }
  }

  private static final class Parser {
    private final String input;
    private final List<Token> tokens;
    private int next;

    Parser(String input) {
      this.input = input;
      this.tokens = lex(input);
    }

    LabelSelector selector() {
      List<Requirement> requirements = new ArrayList<>();
      while (true) {
        requirements.add(requirement());
        Token t = take();
        if (t.kind() == Kind.END) {
          return new LabelSelector(input, requirements);
        }
        if (t.kind() != Kind.COMMA) {
          throw error(t, "expected \",\" or end of selector, found " + t.describe());
        }
      }
    }

    private Requirement requirement() {
      Token t = take();
      if (t.kind() == Kind.BANG) {
        Token key = take();
        if (key.kind() != Kind.IDENTIFIER) {
          throw error(key, "expected a label key after \"!\", found " + key.describe());
        }
        checkKey(key);
        return new Requirement(key.text(), Operator.DOES_NOT_EXIST, Set.of());
      }
      if (t.kind() != Kind.IDENTIFIER) {
        throw error(t, "expected a label key, found " + t.describe());
      }
      checkKey(t);
      Token op = peek();
      switch (op.kind()) {
        case COMMA, END -> {
          return new Requirement(t.text(), Operator.EXISTS, Set.of());
        }
        case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
          take();
          String value = exactValue();
          return new Requirement(
              t.text(),
              op.kind() == Kind.NOT_EQUALS ? Operator.NOT_EQUALS : Operator.EQUALS,
              Set.of(value));
        }
        case IN, NOT_IN -> {
          take();
          return new Requirement(
              t.text(), op.kind() == Kind.IN ? Operator.IN : Operator.NOT_IN, valueSet());
        }
        default ->
            throw error(
                op,
                "expected an operator (=, ==, !=, in, notin) after \""
                    + t.text()
                    + "\", found "
                    + op.describe());
      }
    }

    /** A value after =, == or !=; empty when a comma or the end follows directly. */
    private String exactValue() {
      Token t = peek();
      if (t.kind() == Kind.COMMA || t.kind() == Kind.END) {
        return "";
      }
      take();
      if (t.kind() != Kind.IDENTIFIER && t.kind() != Kind.IN && t.kind() != Kind.NOT_IN) {
        throw error(t, "expected a label value, found " + t.describe());
      }
      checkValue(t);
      return t.text();
    }

    /** {@code ( v1, v2 )}; an empty entry is the empty value, as Kubernetes reads it. */
    private Set<String> valueSet() {
      Token open = take();
      if (open.kind() != Kind.OPEN) {
        throw error(open, "expected \"(\" to start a set of values, found " + open.describe());
      }
      Set<String> values = new LinkedHashSet<>();
      while (true) {
        Token t = take();
        switch (t.kind()) {
          case IDENTIFIER, IN, NOT_IN -> {
            checkValue(t);
            values.add(t.text());
            Token sep = take();
            if (sep.kind() == Kind.CLOSE) {
              return values;
            }
            if (sep.kind() != Kind.COMMA) {
              throw error(
                  sep, "expected \",\" or \")\" in a set of values, found " + sep.describe());
            }
          }
          case COMMA -> values.add("");
          case CLOSE -> {
            values.add("");
            return values;
          }
          default -> throw error(t, "expected a label value or \")\", found " + t.describe());
        }
      }
    }

    private Token take() {
      return tokens.get(Math.min(next++, tokens.size() - 1));
    }

    private Token peek() {
      return tokens.get(Math.min(next, tokens.size() - 1));
    }

    private void checkKey(Token key) {
      String k = key.text();
      String prefix = null;
      String name = k;
      int slash = k.indexOf('/');
      if (slash >= 0) {
        prefix = k.substring(0, slash);
        name = k.substring(slash + 1);
      }
      String why = null;
      if (prefix != null && (prefix.isEmpty() || !DnsNames.isSubdomain(prefix))) {
        why = "its prefix must be a lowercase DNS subdomain of at most 253 characters";
      } else if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
        why =
            "its name must be at most 63 characters of [A-Za-z0-9._-], starting and ending"
                + " with a letter or digit";
      }
      if (why != null) {
        throw error(key, "invalid label key \"" + k + "\": " + why);
      }
    }

    private void checkValue(Token value) {
      String v = value.text();
      if (v.length() > 63 || !LABEL_NAME.matcher(v).matches()) {
        throw error(
            value,
            "invalid label value \""
                + v
                + "\": at most 63 characters of"
                + " [A-Za-z0-9._-], starting and ending with a letter or digit");
      }
    }

    private StatusException error(Token at, String message) {
      return StatusException.badRequest(
          "invalid label selector \"" + input + "\": " + message + " at position " + at.position());
    }

    private static List<Token> lex(String input) {
      List<Token> tokens = new ArrayList<>();
      int i = 0;
      while (i < input.length()) {
        char c = input.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
          continue;
        }
        int start = i;
        switch (c) {
          case ',' -> tokens.add(new Token(Kind.COMMA, ",", i++));
          case '(' -> tokens.add(new Token(Kind.OPEN, "(", i++));
          case ')' -> tokens.add(new Token(Kind.CLOSE, ")", i++));
          case '=' -> {
            if (i + 1 < input.length() && input.charAt(i + 1) == '=') {
              tokens.add(new Token(Kind.DOUBLE_EQUALS, "==", i));
              i += 2;
            } else {
              tokens.add(new Token(Kind.EQUALS, "=", i++));
            }
          }
          case '!' -> {
            if (i + 1 < input.length() && input.charAt(i + 1) == '=') {
              tokens.add(new Token(Kind.NOT_EQUALS, "!=", i));
              i += 2;
            } else {
              tokens.add(new Token(Kind.BANG, "!", i++));
            }
          }
          default -> {
            while (i < input.length()
                && !Character.isWhitespace(input.charAt(i))
                && ",()=!".indexOf(input.charAt(i)) < 0) {
              i++;
            }
            String text = input.substring(start, i);
            Kind kind =
                switch (text) {
                  case "in" -> Kind.IN;
                  case "notin" -> Kind.NOT_IN;
                  default -> Kind.IDENTIFIER;
                };
            tokens.add(new Token(kind, text, start));
          }
        }
      }
      tokens.add(new Token(Kind.END, "", input.length()));
      return tokens;
    }
  }

  /** The requirements in a canonical form, for logs and tests. */
  public String describe() {
    return requirements.stream()
        .map(
            r ->
                switch (r.operator()) {
                  case EQUALS -> r.key() + "=" + r.values().iterator().next();
                  case NOT_EQUALS -> r.key() + "!=" + r.values().iterator().next();
                  case IN -> r.key() + " in (" + sorted(r.values()) + ")";
                  case NOT_IN -> r.key() + " notin (" + sorted(r.values()) + ")";
                  case EXISTS -> r.key();
                  case DOES_NOT_EXIST -> "!" + r.key();
                })
        .collect(Collectors.joining(","));
  }

  private static String sorted(Set<String> values) {
    return values.stream().sorted().collect(Collectors.joining(","));
  }
}
