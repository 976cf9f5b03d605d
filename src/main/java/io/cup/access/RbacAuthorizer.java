package io.cup.access;

import io.cup.access.RulesReview.NonResourceRule;
import io.cup.access.RulesReview.ResourceRule;
import io.cup.config.ClusterRoleBinding;
import io.cup.config.PolicyRule;
import io.cup.config.RbacPolicy;
import io.cup.config.RoleBinding;
import io.cup.config.RoleRef;
import io.cup.config.Subject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes RBAC ({@code --api-authorization-mode=RBAC}): a request is allowed when some binding
 * that applies to the user grants a role with a rule that matches it, and denied otherwise.
 *
 * <ul>
 *   <li>A ClusterRoleBinding grants its ClusterRole's rules everywhere: in every namespace, on
 *       cluster-scoped resources (Cup's proposals) and on non-resource URLs.
 *   <li>A RoleBinding grants its Role (of its own namespace) or a ClusterRole only on resources in
 *       its namespace, never on non-resource URLs.
 *   <li>A subject applies to a user by name (User), by one of the user's groups (Group), or as the
 *       user {@code system:serviceaccount:<namespace>:<name>} (ServiceAccount).
 * </ul>
 *
 * <p>Which bindings apply to whom is worked out once, here, into indexes by user name and group;
 * {@link #authorize} then only looks up the user's and their groups' grants and checks their rules,
 * without I/O or allocation, so that it can run on the event loop for every request. When several
 * bindings allow a request, the reason names the first, in Kubernetes' order: ClusterRoleBindings
 * before RoleBindings, each in the order read.
 */
public final class RbacAuthorizer implements Authorizer {
  private static final Decision DENY = Decision.deny("");
  private static final Grant[] NONE = {};

  /** One subject of one binding, with the rules the binding grants it. */
  private record Grant(int order, PolicyRule[] rules, Decision allow) {}

  private final Map<String, Grant[]> clusterByUser;
  private final Map<String, Grant[]> clusterByGroup;
  // namespace → user name or group → grants of RoleBindings in that namespace
  private final Map<String, Map<String, Grant[]>> namespacedByUser;
  private final Map<String, Map<String, Grant[]>> namespacedByGroup;

  public RbacAuthorizer(RbacPolicy policy) {
    Map<String, List<Grant>> cUser = new HashMap<>();
    Map<String, List<Grant>> cGroup = new HashMap<>();
    Map<String, Map<String, List<Grant>>> nUser = new HashMap<>();
    Map<String, Map<String, List<Grant>>> nGroup = new HashMap<>();
    int order = 0;
    for (ClusterRoleBinding binding : policy.clusterRoleBindings()) {
      List<PolicyRule> rules = policy.rules("", binding.roleRef()).orElse(null);
      for (Subject subject : binding.subjects()) {
        order++;
        if (rules == null) {
          continue; // a binding to a role that does not exist grants nothing
        }
        Grant grant = grant(order, rules, binding.describe(), binding.roleRef(), subject);
        (subject.kind() == Subject.SubjectKind.Group ? cGroup : cUser)
            .computeIfAbsent(subject.username(), k -> new ArrayList<>())
            .add(grant);
      }
    }
    for (RoleBinding binding : policy.roleBindings()) {
      // A RoleBinding never grants non-resource URLs, even when its ClusterRole has such rules.
      List<PolicyRule> rules =
          policy.rules(binding.namespace(), binding.roleRef()).stream()
              .flatMap(List::stream)
              .filter(rule -> !rule.isNonResource())
              .toList();
      boolean exists = policy.rules(binding.namespace(), binding.roleRef()).isPresent();
      for (Subject subject : binding.subjects()) {
        order++;
        if (!exists) {
          continue;
        }
        Grant grant = grant(order, rules, binding.describe(), binding.roleRef(), subject);
        (subject.kind() == Subject.SubjectKind.Group ? nGroup : nUser)
            .computeIfAbsent(binding.namespace(), k -> new HashMap<>())
            .computeIfAbsent(subject.username(), k -> new ArrayList<>())
            .add(grant);
      }
    }
    clusterByUser = frozen(cUser);
    clusterByGroup = frozen(cGroup);
    namespacedByUser = frozenByNamespace(nUser);
    namespacedByGroup = frozenByNamespace(nGroup);
  }

  private static Grant grant(
      int order, List<PolicyRule> rules, String binding, RoleRef ref, Subject subject) {
    String reason =
        "RBAC: allowed by " + binding + " of " + ref.describe() + " to " + subject.describe();
    return new Grant(order, rules.toArray(PolicyRule[]::new), Decision.allow(reason));
  }

  @Override
  public Decision authorize(RequestAttributes request) {
    UserInfo user = request.user();
    Grant best = first(clusterByUser.getOrDefault(user.username(), NONE), request, null);
    for (String group : user.groups()) {
      best = first(clusterByGroup.getOrDefault(group, NONE), request, best);
    }
    // RoleBindings come after every ClusterRoleBinding in Kubernetes' order: only look when no
    // ClusterRoleBinding allowed. A request with no namespace (cluster-scoped, across namespaces,
    // or a non-resource URL) is never allowed by a RoleBinding.
    if (best == null && request.resourceRequest() && !request.namespace().isEmpty()) {
      Map<String, Grant[]> users = namespacedByUser.get(request.namespace());
      if (users != null) {
        best = first(users.getOrDefault(user.username(), NONE), request, null);
      }
      Map<String, Grant[]> groups = namespacedByGroup.get(request.namespace());
      if (groups != null) {
        for (String group : user.groups()) {
          best = first(groups.getOrDefault(group, NONE), request, best);
        }
      }
    }
    return best == null ? DENY : best.allow();
  }

  /** The earliest of {@code best} and the grants (in order) that allow the request. */
  private static Grant first(Grant[] grants, RequestAttributes request, Grant best) {
    for (Grant grant : grants) {
      if (best != null && grant.order() >= best.order()) {
        return best;
      }
      for (PolicyRule rule : grant.rules()) {
        if (allows(rule, request)) {
          return grant;
        }
      }
    }
    return best;
  }

  @Override
  public RulesReview rules(UserInfo user, String namespace) {
    List<Grant> grants = new ArrayList<>();
    collect(clusterByUser, clusterByGroup, user, grants);
    if (namespace != null && !namespace.isEmpty()) {
      collect(
          namespacedByUser.getOrDefault(namespace, Map.of()),
          namespacedByGroup.getOrDefault(namespace, Map.of()),
          user,
          grants);
    }
    grants.sort(Comparator.comparingInt(Grant::order));
    LinkedHashSet<ResourceRule> resources = new LinkedHashSet<>();
    LinkedHashSet<NonResourceRule> nonResources = new LinkedHashSet<>();
    for (Grant grant : grants) {
      for (PolicyRule rule : grant.rules()) {
        if (rule.isNonResource()) {
          nonResources.add(new NonResourceRule(rule.verbs(), rule.nonResourceURLs()));
        } else {
          resources.add(
              new ResourceRule(
                  rule.verbs(), rule.apiGroups(), rule.resources(), rule.resourceNames()));
        }
      }
    }
    return new RulesReview(List.copyOf(resources), List.copyOf(nonResources), false, "");
  }

  private static void collect(
      Map<String, Grant[]> byUser, Map<String, Grant[]> byGroup, UserInfo user, List<Grant> into) {
    into.addAll(List.of(byUser.getOrDefault(user.username(), NONE)));
    for (String group : user.groups()) {
      into.addAll(List.of(byGroup.getOrDefault(group, NONE)));
    }
  }

  // ---------------------------------------------------------------- rule matching

  /** Whether one rule allows the request, as Kubernetes' {@code RuleAllows}. */
  static boolean allows(PolicyRule rule, RequestAttributes request) {
    if (!matches(rule.verbs(), request.verb())) {
      return false;
    }
    if (!request.resourceRequest()) {
      return urlMatches(rule.nonResourceURLs(), request.path());
    }
    return matches(rule.apiGroups(), request.apiGroup())
        && resourceMatches(rule.resources(), request.resource(), request.subresource())
        && nameMatches(rule.resourceNames(), request.name());
  }

  /** The value or {@code *} is listed. */
  private static boolean matches(List<String> values, String value) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v.equals(PolicyRule.ALL) || v.equals(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code *}, the resource (without a subresource), {@code resource/subresource}, or {@code
   * *}{@code /subresource} is listed.
   */
  private static boolean resourceMatches(List<String> rules, String resource, String sub) {
    for (int i = 0; i < rules.size(); i++) {
      String r = rules.get(i);
      if (r.equals(PolicyRule.ALL)) {
        return true;
      }
      if (sub.isEmpty()) {
        if (r.equals(resource)) {
          return true;
        }
        continue;
      }
      // resource/subresource, compared in place rather than by building the combined string
      if (r.length() == resource.length() + 1 + sub.length()
          && r.startsWith(resource)
          && r.charAt(resource.length()) == '/'
          && r.endsWith(sub)) {
        return true;
      }
      if (r.length() == sub.length() + 2 && r.startsWith("*/") && r.endsWith(sub)) {
        return true;
      }
    }
    return false;
  }

  /** No names listed (every name), or the request's name is listed. */
  private static boolean nameMatches(List<String> names, String name) {
    return names.isEmpty() || (!name.isEmpty() && names.contains(name));
  }

  /** {@code *}, the path, or a prefix of it written with a trailing {@code *}. */
  private static boolean urlMatches(List<String> urls, String path) {
    for (int i = 0; i < urls.size(); i++) {
      String u = urls.get(i);
      if (u.equals(PolicyRule.ALL) || u.equals(path)) {
        return true;
      }
      if (u.endsWith("*") && path.regionMatches(0, u, 0, u.length() - 1)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- indexes

  private static Map<String, Grant[]> frozen(Map<String, List<Grant>> lists) {
    Map<String, Grant[]> arrays = new HashMap<>();
    lists.forEach((key, grants) -> arrays.put(key, grants.toArray(Grant[]::new)));
    return Map.copyOf(arrays);
  }

  private static Map<String, Map<String, Grant[]>> frozenByNamespace(
      Map<String, Map<String, List<Grant>>> lists) {
    Map<String, Map<String, Grant[]>> maps = new HashMap<>();
    lists.forEach((namespace, byKey) -> maps.put(namespace, frozen(byKey)));
    return Map.copyOf(maps);
  }
}
