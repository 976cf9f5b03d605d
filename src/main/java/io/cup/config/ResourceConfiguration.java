package io.cup.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The loaded, checked Cup resource configuration: every definition, controller and binding, and the
 * served definition versions keyed {@code <group>/<version>/<plural>}.
 */
public record ResourceConfiguration(
    List<ResourceDefinition> definitions,
    Map<String, ControllerConfig> controllers,
    List<Binding> bindings,
    Map<String, ServedResource> served) {

  public ResourceConfiguration {
    definitions = List.copyOf(definitions);
    controllers = Map.copyOf(controllers);
    bindings = List.copyOf(bindings);
    served = Map.copyOf(served);
  }

  public Optional<ServedResource> served(String group, String version, String plural) {
    return Optional.ofNullable(served.get(group + "/" + version + "/" + plural));
  }
}
