package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One served kind at one version, from {@code GET /apis}.
 *
 * @param namespaced whether its resources live in namespaces (every defined kind does; Cup's
 *     proposals do not)
 * @param definition the raw ResourceDefinition the server shows (null for the built-in proposals)
 */
record Kind(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    JsonNode definition) {

  String apiVersion() {
    return group + "/" + version;
  }

  /** {@code plural.group}, how kubectl names a resource type unambiguously. */
  String qualifiedPlural() {
    return plural + "." + group;
  }

  /** {@code kind.group/name} in lower case, as kubectl's {@code -o name}. */
  String nameOf(String name) {
    return kind.toLowerCase(Locale.ROOT) + "." + group + "/" + name;
  }

  String collectionPath(String namespace) {
    return "/apis/"
        + CupClient.segment(group)
        + "/"
        + CupClient.segment(version)
        + "/namespaces/"
        + CupClient.segment(namespace)
        + "/"
        + CupClient.segment(plural);
  }

  String resourcePath(String namespace, String name) {
    return collectionPath(namespace) + "/" + CupClient.segment(name);
  }
}
