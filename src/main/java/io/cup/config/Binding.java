package io.cup.config;

import java.util.List;

/**
 * A {@code Binding} of the original Cup: serves the definitions keyed {@code
 * <group>/<version>/<plural>} in {@code resources} through controller {@code controller}.
 */
public record Binding(String name, String controller, List<String> resources, String file) {
  public Binding {
    resources = List.copyOf(resources);
  }
}
