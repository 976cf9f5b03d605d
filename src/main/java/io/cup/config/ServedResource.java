package io.cup.config;

import com.networknt.schema.JsonSchema;

/**
 * One served definition version: what the API exposes at {@code
 * /apis/<group>/<version>/namespaces/<ns>/<plural>}, the compiled schema that validates its
 * resources, and the controller that lays it out as files.
 */
public record ServedResource(
    ResourceDefinition definition, String version, JsonSchema schema, ControllerConfig controller) {

  public String key() {
    return definition.key(version);
  }

  public String apiVersion() {
    return definition.apiVersion(version);
  }
}
