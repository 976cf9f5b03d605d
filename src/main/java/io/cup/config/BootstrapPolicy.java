package io.cup.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults every RBAC policy starts from, as in Kubernetes' bootstrap policy: any authenticated
 * user may read discovery ({@code system:discovery}) and review its own access ({@code
 * system:basic-user}); anyone, anonymous included, may read health and version ({@code
 * system:public-info-viewer}). Configuration documents may add to these (rules to these roles,
 * subjects to these bindings) but never take anything away.
 */
final class BootstrapPolicy {
  static final String FILE = "built-in bootstrap policy";
  static final String DISCOVERY = "system:discovery";
  static final String BASIC_USER = "system:basic-user";
  static final String PUBLIC_INFO_VIEWER = "system:public-info-viewer";

  // The groups of io.cup.access.UserInfo, spelled here because configuration never depends on
  // the access package (the access package depends on it).
  private static final String AUTHENTICATED = "system:authenticated";
  private static final String UNAUTHENTICATED = "system:unauthenticated";

  /** The label Kubernetes puts on its bootstrap roles; aggregation may select it. */
  static final Map<String, String> LABELS = Map.of("kubernetes.io/bootstrapping", "rbac-defaults");

  static final RbacPolicy POLICY = policy();

  private BootstrapPolicy() {}

  private static RbacPolicy policy() {
    Map<String, ClusterRole> roles = new LinkedHashMap<>();
    roles.put(
        DISCOVERY,
        clusterRole(
            DISCOVERY,
            PolicyRule.nonResource(
                List.of("get"),
                List.of(
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/openapi",
                    "/openapi/*",
                    "/version",
                    "/version/"))));
    roles.put(
        BASIC_USER,
        clusterRole(
            BASIC_USER,
            PolicyRule.resources(
                List.of("create"),
                List.of("authorization.k8s.io"),
                List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews")),
            PolicyRule.resources(
                List.of("create"),
                List.of("authentication.k8s.io"),
                List.of("selfsubjectreviews"))));
    roles.put(
        PUBLIC_INFO_VIEWER,
        clusterRole(
            PUBLIC_INFO_VIEWER,
            PolicyRule.nonResource(
                List.of("get"),
                List.of("/healthz", "/livez", "/readyz", "/version", "/version/"))));
    List<ClusterRoleBinding> bindings =
        List.of(
            binding(DISCOVERY, Subject.group(AUTHENTICATED)),
            binding(BASIC_USER, Subject.group(AUTHENTICATED)),
            binding(
                PUBLIC_INFO_VIEWER, Subject.group(AUTHENTICATED), Subject.group(UNAUTHENTICATED)));
    return new RbacPolicy(Map.of(), roles, List.of(), bindings);
  }

  private static ClusterRole clusterRole(String name, PolicyRule... rules) {
    return new ClusterRole(name, LABELS, List.of(rules), List.of(), FILE);
  }

  private static ClusterRoleBinding binding(String name, Subject... subjects) {
    return new ClusterRoleBinding(name, RoleRef.clusterRole(name), List.of(subjects), FILE);
  }
}
