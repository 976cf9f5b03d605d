package io.cup.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Kubernetes RBAC objects ({@code rbac.authorization.k8s.io/v1}) the API is authorized by, in
 * the order they were read: roles keyed {@code <namespace>/<name>}, cluster roles keyed by name,
 * and the bindings. A binding may name a role that does not exist, as in Kubernetes: it grants
 * nothing, and {@link #danglingReferences()} lists it so the server can warn.
 */
public record RbacPolicy(
    Map<String, Role> roles,
    Map<String, ClusterRole> clusterRoles,
    List<RoleBinding> roleBindings,
    List<ClusterRoleBinding> clusterRoleBindings) {

  public static final RbacPolicy EMPTY = new RbacPolicy(Map.of(), Map.of(), List.of(), List.of());

  public RbacPolicy {
    roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    clusterRoles = Collections.unmodifiableMap(new LinkedHashMap<>(clusterRoles));
    roleBindings = List.copyOf(roleBindings);
    clusterRoleBindings = List.copyOf(clusterRoleBindings);
  }

  /** Kubernetes' default roles and bindings that every user needs: see {@link BootstrapPolicy}. */
  public static RbacPolicy bootstrap() {
    return BootstrapPolicy.POLICY;
  }

  public Optional<Role> role(String namespace, String name) {
    return Optional.ofNullable(roles.get(Role.key(namespace, name)));
  }

  public Optional<ClusterRole> clusterRole(String name) {
    return Optional.ofNullable(clusterRoles.get(name));
  }

  /**
   * The rules a binding in {@code bindingNamespace} ("" for a ClusterRoleBinding) grants through
   * {@code ref}; empty when the role does not exist.
   */
  public Optional<List<PolicyRule>> rules(String bindingNamespace, RoleRef ref) {
    return switch (ref.kind()) {
      case Role -> role(bindingNamespace, ref.name()).map(Role::rules);
      case ClusterRole -> clusterRole(ref.name()).map(ClusterRole::rules);
    };
  }

  /**
   * This policy with {@code other}'s objects added. An object of the same name in both keeps the
   * union of rules (or subjects, labels and selectors): nothing of this policy is removed, as
   * Kubernetes' reconciliation of its bootstrap roles never removes a default.
   *
   * @throws IllegalArgumentException when a binding of the same name names another role
   */
  public RbacPolicy union(RbacPolicy other) {
    Map<String, Role> r = new LinkedHashMap<>(roles);
    other.roles.forEach(
        (key, role) ->
            r.merge(
                key,
                role,
                (a, b) ->
                    new Role(a.namespace(), a.name(), union(a.rules(), b.rules()), b.file())));
    Map<String, ClusterRole> cr = new LinkedHashMap<>(clusterRoles);
    other.clusterRoles.forEach(
        (name, role) ->
            cr.merge(
                name,
                role,
                (a, b) -> {
                  Map<String, String> labels = new LinkedHashMap<>(a.labels());
                  labels.putAll(b.labels());
                  return new ClusterRole(
                      name,
                      labels,
                      union(a.rules(), b.rules()),
                      union(a.aggregationSelectors(), b.aggregationSelectors()),
                      b.file());
                }));
    Map<String, RoleBinding> rb = new LinkedHashMap<>();
    roleBindings.forEach(b -> rb.put(b.namespace() + "/" + b.name(), b));
    for (RoleBinding b : other.roleBindings) {
      rb.merge(
          b.namespace() + "/" + b.name(),
          b,
          (x, y) -> {
            sameRole(x.describe(), x.roleRef(), y.roleRef());
            return new RoleBinding(
                x.namespace(), x.name(), x.roleRef(), union(x.subjects(), y.subjects()), y.file());
          });
    }
    Map<String, ClusterRoleBinding> crb = new LinkedHashMap<>();
    clusterRoleBindings.forEach(b -> crb.put(b.name(), b));
    for (ClusterRoleBinding b : other.clusterRoleBindings) {
      crb.merge(
          b.name(),
          b,
          (x, y) -> {
            sameRole(x.describe(), x.roleRef(), y.roleRef());
            return new ClusterRoleBinding(
                x.name(), x.roleRef(), union(x.subjects(), y.subjects()), y.file());
          });
    }
    return new RbacPolicy(r, cr, List.copyOf(rb.values()), List.copyOf(crb.values()));
  }

  private static void sameRole(String binding, RoleRef a, RoleRef b) {
    if (!a.equals(b)) {
      throw new IllegalArgumentException(
          binding + " grants " + a.describe() + " and cannot be changed to grant " + b.describe());
    }
  }

  private static <T> List<T> union(List<T> a, List<T> b) {
    LinkedHashSet<T> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  /**
   * This policy with every aggregating cluster role's rules set to the union of the rules of the
   * cluster roles it selects, as Kubernetes' cluster role aggregation controller keeps them. An
   * aggregated role may select another (Kubernetes' {@code admin} takes in {@code edit}, which
   * takes in others): the rules are recomputed until nothing changes. Rules only grow, so this
   * ends.
   */
  public RbacPolicy aggregated() {
    if (clusterRoles.values().stream().noneMatch(ClusterRole::aggregated)) {
      return this;
    }
    // Name order, so an aggregated role's rules come out in the same order every time.
    Map<String, ClusterRole> byName = new TreeMap<>(clusterRoles);
    byName.replaceAll((name, role) -> role.aggregated() ? role.withRules(List.of()) : role);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (ClusterRole role : List.copyOf(byName.values())) {
        if (!role.aggregated()) {
          continue;
        }
        LinkedHashSet<PolicyRule> rules = new LinkedHashSet<>();
        for (ClusterRole other : byName.values()) {
          if (role.selects(other)) {
            rules.addAll(other.rules());
          }
        }
        if (rules.size() != role.rules().size()) {
          byName.put(role.name(), role.withRules(List.copyOf(rules)));
          changed = true;
        }
      }
    }
    Map<String, ClusterRole> ordered = new LinkedHashMap<>();
    clusterRoles.keySet().forEach(name -> ordered.put(name, byName.get(name)));
    return new RbacPolicy(roles, ordered, roleBindings, clusterRoleBindings);
  }

  /**
   * One message per binding whose role does not exist (it grants nothing), each starting with the
   * binding's file: for a warning at startup.
   */
  public List<String> danglingReferences() {
    List<String> messages = new ArrayList<>();
    for (ClusterRoleBinding b : clusterRoleBindings) {
      if (rules("", b.roleRef()).isEmpty()) {
        messages.add(dangling(b.file(), b.describe(), b.roleRef(), ""));
      }
    }
    for (RoleBinding b : roleBindings) {
      if (rules(b.namespace(), b.roleRef()).isEmpty()) {
        String where =
            b.roleRef().kind() == RoleRef.RoleKind.Role
                ? " in namespace \"" + b.namespace() + "\""
                : "";
        messages.add(dangling(b.file(), b.describe(), b.roleRef(), where));
      }
    }
    return List.copyOf(messages);
  }

  private static String dangling(String file, String binding, RoleRef ref, String where) {
    return file
        + ": roleRef: "
        + binding
        + " refers to "
        + ref.describe()
        + ", which does not exist"
        + where
        + ": it grants nothing";
  }
}
