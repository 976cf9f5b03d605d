package io.cup.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The loaded, checked Cup resource configuration: every definition, controller and binding, the
 * served definition versions keyed {@code <group>/<version>/<plural>}, and the RBAC policy (the
 * bootstrap defaults plus the RBAC objects of the directory).
 */
public record ResourceConfiguration(
    List<ResourceDefinition> definitions,
    Map<String, ControllerConfig> controllers,
    List<Binding> bindings,
    Map<String, ServedResource> served,
    RbacPolicy rbac) {

  public ResourceConfiguration {
    definitions = List.copyOf(definitions);
    controllers = Map.copyOf(controllers);
    bindings = List.copyOf(bindings);
    served = Map.copyOf(served);
    Objects.requireNonNull(rbac, "rbac");
  }

  public Optional<ServedResource> served(String group, String version, String plural) {
    return Optional.ofNullable(served.get(group + "/" + version + "/" + plural));
  }
}
