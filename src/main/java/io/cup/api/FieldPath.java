package io.cup.api;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One path into a resource, as server-side apply names it in {@code fieldsV1}: a list of elements,
 * each {@code f:<field>} (a member of a JSON object), or one of the list elements Kubernetes writes
 * for lists that are not atomic ({@code k:<keys as JSON>}, {@code v:<value as JSON>}, {@code
 * i:<index>}). Cup treats every list as atomic, so it only makes {@code f:} elements; the others
 * come from stored or client-written {@code managedFields} and are kept as they are.
 *
 * <p>Paths order element by element, a path before the paths under it, as Kubernetes sorts them.
 */
record FieldPath(List<String> elements) implements Comparable<FieldPath> {
  static final FieldPath ROOT = new FieldPath(List.of());

  FieldPath {
    elements = List.copyOf(elements);
  }

  /** The path of the object members {@code names}, outermost first. */
  static FieldPath of(String... names) {
    List<String> elements = new ArrayList<>(names.length);
    for (String name : names) {
      elements.add(field(name));
    }
    return new FieldPath(elements);
  }

  /** The {@code fieldsV1} element of the object member {@code name}. */
  static String field(String name) {
    return "f:" + name;
  }

  /** This path and one more element. */
  FieldPath child(String element) {
    List<String> longer = new ArrayList<>(elements.size() + 1);
    longer.addAll(elements);
    longer.add(element);
    return new FieldPath(longer);
  }

  /** This path one element shorter (the root for a path of one element). */
  FieldPath parent() {
    return new FieldPath(elements.subList(0, Math.max(0, elements.size() - 1)));
  }

  boolean isRoot() {
    return elements.isEmpty();
  }

  /** Whether {@code other} is this path or a path under it. */
  boolean isPrefixOf(FieldPath other) {
    return other.elements.size() >= elements.size()
        && other.elements.subList(0, elements.size()).equals(elements);
  }

  /** Whether every element names an object member (a path Cup can follow in a resource). */
  boolean isFieldsOnly() {
    return elements.stream().allMatch(e -> e.startsWith("f:"));
  }

  /**
   * The path as Kubernetes prints it in conflicts: {@code .spec.replicas}, {@code
   * .spec.ports[port=80,protocol="TCP"]}, {@code .spec.list[=value]}, {@code .spec.list[2]}.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (String element : elements) {
      String body = element.length() < 2 ? element : element.substring(2);
      switch (element.length() < 2 ? "" : element.substring(0, 2)) {
        case "f:" -> out.append('.').append(body);
        case "i:" -> out.append('[').append(body).append(']');
        case "v:" -> out.append("[=").append(body).append(']');
        case "k:" -> out.append('[').append(keys(body)).append(']');
        default -> out.append('.').append(element);
      }
    }
    return out.toString();
  }

  private static String keys(String json) {
    try {
      JsonObject keys = new JsonObject(json);
      List<String> parts = new ArrayList<>();
      keys.forEach(
          e ->
              parts.add(
                  e.getKey()
                      + "="
                      + (e.getValue() instanceof String s
                          ? "\"" + s + "\""
                          : String.valueOf(e.getValue()))));
      return String.join(",", parts);
    } catch (RuntimeException e) {
      return json;
    }
  }

  @Override
  public int compareTo(FieldPath other) {
    int common = Math.min(elements.size(), other.elements.size());
    for (int i = 0; i < common; i++) {
      int c = elements.get(i).compareTo(other.elements.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(elements.size(), other.elements.size());
  }
}
