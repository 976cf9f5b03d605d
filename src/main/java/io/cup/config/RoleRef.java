package io.cup.config;

import java.util.Objects;

/**
 * The role a binding grants ({@code roleRef}): a {@link RoleKind#Role} in the binding's namespace
 * or a {@link RoleKind#ClusterRole}. {@code apiGroup} is always {@value #API_GROUP}.
 */
public record RoleRef(RoleKind kind, String name) {
  public static final String API_GROUP = "rbac.authorization.k8s.io";

  /** The kinds a {@code roleRef} may name. */
  public enum RoleKind {
    Role,
    ClusterRole
  }

  public RoleRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  public static RoleRef role(String name) {
    return new RoleRef(RoleKind.Role, name);
  }

  public static RoleRef clusterRole(String name) {
    return new RoleRef(RoleKind.ClusterRole, name);
  }

  /** {@code ClusterRole "view"}, as Kubernetes' authorizer reasons name it. */
  public String describe() {
    return kind + " \"" + name + "\"";
  }
}
