package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The served kinds, and how a type the user typed names one, as kubectl resolves it: by kind,
 * singular or plural name, case-insensitively, optionally qualified as {@code plural.group} or
 * {@code plural.version.group}; the original's {@code group/kind} and {@code group/version/plural}
 * forms too. A group served at several versions resolves to the preferred one (GA over beta over
 * alpha, higher first), as kubectl's discovery does.
 */
final class Kinds {
  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** Cup's proposals, served at {@code /apis/cup.flipt.io/v1alpha1/proposals}. */
  static final Kind PROPOSALS =
      new Kind("cup.flipt.io", "v1alpha1", "proposals", "proposal", "Proposal", false, null);

  private final List<Kind> all;

  Kinds(List<Kind> all) {
    this.all = List.copyOf(all);
  }

  static Kinds fetch(CupClient client) throws ClientException {
    // the original's map of definitions: it answers a client that does not name application/json
    JsonNode apis = client.call("GET", "/apis").accept("*/*").send().json();
    return fromApis(apis);
  }

  /** From the {@code GET /apis} object, keyed {@code <group>/<version>/<plural>}. */
  static Kinds fromApis(JsonNode apis) {
    List<Kind> kinds = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = apis.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      String[] key = entry.getKey().split("/");
      if (key.length != 3) {
        continue;
      }
      JsonNode definition = entry.getValue();
      JsonNode names = definition.path("names");
      if (!names.isObject()) {
        names = definition.path("spec").path("names");
      }
      String plural = key[2];
      String kind = names.path("kind").asText("");
      String singular = names.path("singular").asText(kind.toLowerCase(Locale.ROOT));
      kinds.add(new Kind(key[0], key[1], plural, singular, kind, true, definition));
    }
    kinds.sort(
        Comparator.comparing(Kind::group)
            .thenComparing(Kind::plural)
            .thenComparing(Kind::version, Kinds::preferredFirst));
    return new Kinds(kinds);
  }

  /** Every kind at every version, by group, plural and preferred version first. */
  List<Kind> all() {
    return all;
  }

  /** The kind a type names; an error when it names none or several. */
  Kind resolve(String type) throws ClientException {
    return find(type)
        .orElseThrow(
            () ->
                new ClientException(
                    "error: the server doesn't have a resource type \"" + type + "\""));
  }

  /** The kind a type names, if any; an error when it names several. */
  Optional<Kind> find(String type) throws ClientException {
    List<Kind> matches = new ArrayList<>();
    for (Kind kind : all) {
      if (matches(kind, type)) {
        matches.add(kind);
      }
    }
    // one per group and plural: the preferred version (matches are sorted that way)
    Map<String, Kind> byType = new LinkedHashMap<>();
    for (Kind kind : matches) {
      byType.putIfAbsent(kind.qualifiedPlural(), kind);
    }
    if (byType.size() > 1) {
      throw new ClientException(
          "error: the resource type \""
              + type
              + "\" is ambiguous; it could be any of: "
              + String.join(", ", byType.keySet())
              + " (name one of these)");
    }
    return byType.values().stream().findFirst();
  }

  /**
   * These kinds and Cup's built-in proposals ({@code proposals.cup.flipt.io}, cluster-scoped),
   * which {@code GET /apis} does not list since no definition serves them.
   */
  Kinds withProposals() {
    List<Kind> more = new ArrayList<>(all);
    if (all.stream().noneMatch(k -> k.qualifiedPlural().equals(PROPOSALS.qualifiedPlural()))) {
      more.add(PROPOSALS);
    }
    return new Kinds(more);
  }

  /** The kind of a resource body: its {@code apiVersion} and {@code kind}. */
  Kind forResource(String apiVersion, String kindName) throws ClientException {
    for (Kind kind : all) {
      if (kind.apiVersion().equals(apiVersion) && kind.kind().equals(kindName)) {
        return kind;
      }
    }
    throw new ClientException(
        "error: the server doesn't serve kind \""
            + kindName
            + "\" in version \""
            + apiVersion
            + "\" (cup definitions lists what it serves)");
  }

  private static boolean matches(Kind kind, String type) {
    String typed = type.toLowerCase(Locale.ROOT);
    if (typed.contains("/")) {
      String[] parts = typed.split("/", -1);
      if (parts.length == 3) {
        return parts[0].equals(kind.group())
            && parts[1].equals(kind.version())
            && named(kind, parts[2]);
      }
      return parts.length == 2 && parts[0].equals(kind.group()) && named(kind, parts[1]);
    }
    if (named(kind, typed)) {
      return true;
    }
    int dot = typed.indexOf('.');
    if (dot < 0 || !named(kind, typed.substring(0, dot))) {
      return false;
    }
    String rest = typed.substring(dot + 1);
    return rest.equals(kind.group()) || rest.equals(kind.version() + "." + kind.group());
  }

  private static boolean named(Kind kind, String name) {
    return name.equals(kind.plural().toLowerCase(Locale.ROOT))
        || name.equals(kind.singular().toLowerCase(Locale.ROOT))
        || name.equals(kind.kind().toLowerCase(Locale.ROOT));
  }

  /** Kubernetes version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else. */
  static int preferredFirst(String a, String b) {
    return Long.compare(priority(b), priority(a)) != 0
        ? Long.compare(priority(b), priority(a))
        : a.compareTo(b);
  }

  private static long priority(String version) {
    Matcher m = KUBE_VERSION.matcher(version);
    if (!m.matches()) {
      return -1;
    }
    long major = Long.parseLong(m.group(1));
    long stability = m.group(2) == null ? 3 : m.group(2).equals("beta") ? 2 : 1;
    long minor = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
    return stability * 1_000_000_000L + major * 1_000L + minor;
  }
}
