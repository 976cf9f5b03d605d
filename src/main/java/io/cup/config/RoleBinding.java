package io.cup.config;

import java.util.List;
import java.util.Objects;

/**
 * A Kubernetes RBAC RoleBinding: grants a Role of its namespace, or a ClusterRole, to subjects, in
 * its namespace only (never non-resource URLs).
 *
 * @param file where it was defined, for messages
 */
public record RoleBinding(
    String namespace, String name, RoleRef roleRef, List<Subject> subjects, String file) {
  public RoleBinding {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(roleRef, "roleRef");
    subjects = List.copyOf(subjects);
  }

  /** {@code RoleBinding "<name>/<namespace>"}, as Kubernetes' authorizer reasons name it. */
  public String describe() {
    return "RoleBinding \"" + name + "/" + namespace + "\"";
  }
}
