package io.cup.config;

import java.util.List;
import java.util.Objects;

/**
 * A Kubernetes RBAC ClusterRoleBinding: grants a ClusterRole to subjects everywhere (every
 * namespace, cluster-scoped resources, non-resource URLs).
 *
 * @param file where it was defined, for messages
 */
public record ClusterRoleBinding(
    String name, RoleRef roleRef, List<Subject> subjects, String file) {
  public ClusterRoleBinding {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(roleRef, "roleRef");
    subjects = List.copyOf(subjects);
  }

  /** {@code ClusterRoleBinding "<name>"}, as Kubernetes' authorizer reasons name it. */
  public String describe() {
    return "ClusterRoleBinding \"" + name + "\"";
  }
}
