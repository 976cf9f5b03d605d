package io.cup.config;

import java.util.List;
import java.util.Objects;

/**
 * A namespaced Kubernetes RBAC role ({@code rbac.authorization.k8s.io/v1} Role): rules about
 * resources in its namespace, granted by RoleBindings there.
 *
 * @param file where it was defined, for messages
 */
public record Role(String namespace, String name, List<PolicyRule> rules, String file) {
  public Role {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    rules = List.copyOf(rules);
  }

  /** {@code <namespace>/<name>}, the key of {@link RbacPolicy#roles()}. */
  public String key() {
    return key(namespace, name);
  }

  public static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
