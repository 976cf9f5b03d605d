package io.cup.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster-wide Kubernetes RBAC role ({@code rbac.authorization.k8s.io/v1} ClusterRole): rules
 * about resources in every namespace, cluster-scoped resources and non-resource URLs.
 *
 * @param labels its {@code metadata.labels}, which aggregating roles select on
 * @param aggregationSelectors its {@code aggregationRule.clusterRoleSelectors} (each a {@code
 *     matchLabels} map); when not empty, {@code rules} are those of every other cluster role some
 *     selector matches, as Kubernetes' aggregation controller sets them
 * @param file where it was defined, for messages
 */
public record ClusterRole(
    String name,
    Map<String, String> labels,
    List<PolicyRule> rules,
    List<Map<String, String>> aggregationSelectors,
    String file) {
  public ClusterRole {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    rules = List.copyOf(rules);
    aggregationSelectors = aggregationSelectors.stream().map(Map::copyOf).toList();
  }

  public ClusterRole(String name, List<PolicyRule> rules) {
    this(name, Map.of(), rules, List.of(), "");
  }

  public boolean aggregated() {
    return !aggregationSelectors.isEmpty();
  }

  /** Whether some aggregation selector matches {@code other}'s labels. */
  public boolean selects(ClusterRole other) {
    if (other.name.equals(name)) {
      return false;
    }
    for (Map<String, String> selector : aggregationSelectors) {
      if (other.labels.entrySet().containsAll(selector.entrySet())) {
        return true;
      }
    }
    return false;
  }

  public ClusterRole withRules(List<PolicyRule> other) {
    return new ClusterRole(name, labels, other, aggregationSelectors, file);
  }
}
