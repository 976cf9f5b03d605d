package io.cup.config;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A {@code ResourceDefinition} of the original Cup: {@code names.{kind,singular,plural}}, {@code
 * spec.group}, {@code spec.versions.<version>} = JSON Schema of the whole resource.
 *
 * @param name {@code metadata.name}
 * @param versions version → JSON Schema, in file order
 * @param raw the object as loaded (what {@code GET /apis} shows)
 * @param file the file it came from
 */
public record ResourceDefinition(
    String name,
    String group,
    String kind,
    String singular,
    String plural,
    Map<String, JsonObject> versions,
    JsonObject raw,
    String file) {

  /** {@code <group>/<version>/<plural>}, the key of {@code GET /apis} and of bindings. */
  public String key(String version) {
    return group + "/" + version + "/" + plural;
  }

  public String apiVersion(String version) {
    return group + "/" + version;
  }
}
