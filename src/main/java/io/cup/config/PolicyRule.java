package io.cup.config;

import java.util.List;

/**
 * One rule of a Kubernetes RBAC role ({@code rbac.authorization.k8s.io/v1} PolicyRule): either
 * about resources ({@code apiGroups}, {@code resources}, optional {@code resourceNames}) or about
 * non-resource URLs, never both. {@code *} in any list matches everything; empty {@code
 * resourceNames} means every name.
 */
public record PolicyRule(
    List<String> verbs,
    List<String> apiGroups,
    List<String> resources,
    List<String> resourceNames,
    List<String> nonResourceURLs) {

  public static final String ALL = "*";

  public PolicyRule {
    verbs = List.copyOf(verbs);
    apiGroups = List.copyOf(apiGroups);
    resources = List.copyOf(resources);
    resourceNames = List.copyOf(resourceNames);
    nonResourceURLs = List.copyOf(nonResourceURLs);
  }

  /** A rule about resources. */
  public static PolicyRule resources(
      List<String> verbs, List<String> apiGroups, List<String> resources) {
    return new PolicyRule(verbs, apiGroups, resources, List.of(), List.of());
  }

  /** A rule about non-resource URLs. */
  public static PolicyRule nonResource(List<String> verbs, List<String> nonResourceURLs) {
    return new PolicyRule(verbs, List.of(), List.of(), List.of(), nonResourceURLs);
  }

  /** The same rule limited to the named objects. */
  public PolicyRule withResourceNames(List<String> names) {
    return new PolicyRule(verbs, apiGroups, resources, names, nonResourceURLs);
  }

  public boolean isNonResource() {
    return !nonResourceURLs.isEmpty();
  }
}
