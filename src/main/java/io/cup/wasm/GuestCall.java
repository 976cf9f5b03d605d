package io.cup.wasm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One call of a WASM controller, in the original Cup's protocol: the guest's argv is {@code
 * [<program>, <operation>, <kind>, <namespace>, <name> | <k=v labels…>]} and {@code stdin} is the
 * resource JSON for {@code put} (empty otherwise).
 */
public record GuestCall(
    Operation operation, String kind, String namespace, List<String> arguments, byte[] stdin) {

  /** The four operations; put and delete may write the repository, get and list only read it. */
  public enum Operation {
    GET,
    LIST,
    PUT,
    DELETE;

    /** The word in argv[1]. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the guest's file system is writable (with every change captured). */
    public boolean writes() {
      return this == PUT || this == DELETE;
    }
  }

  public GuestCall {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    arguments = List.copyOf(arguments);
    stdin = stdin == null ? new byte[0] : stdin.clone();
  }

  public static GuestCall get(String kind, String namespace, String name) {
    return new GuestCall(Operation.GET, kind, namespace, List.of(name), null);
  }

  /** A list call; each label becomes one {@code key=value} argument, in the map's order. */
  public static GuestCall list(String kind, String namespace, Map<String, String> labels) {
    List<String> selectors = new ArrayList<>();
    labels.forEach((k, v) -> selectors.add(k + "=" + v));
    return new GuestCall(Operation.LIST, kind, namespace, selectors, null);
  }

  public static GuestCall put(String kind, String namespace, String name, byte[] resource) {
    return new GuestCall(Operation.PUT, kind, namespace, List.of(name), resource);
  }

  public static GuestCall delete(String kind, String namespace, String name) {
    return new GuestCall(Operation.DELETE, kind, namespace, List.of(name), null);
  }

  /** The guest's argv, {@code program} first. */
  public List<String> argv(String program) {
    List<String> argv = new ArrayList<>();
    argv.add(program);
    argv.add(operation.word());
    argv.add(kind);
    argv.add(namespace);
    argv.addAll(arguments);
    return List.copyOf(argv);
  }

  @Override
  public byte[] stdin() {
    return stdin.clone();
  }

  @Override
  public String toString() {
    return "GuestCall" + argv("…") + " stdin " + stdin.length + " bytes";
  }
}
