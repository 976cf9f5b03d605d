package io.cup.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes' own RBAC objects ({@code rbac.authorization.k8s.io/v1} Role, ClusterRole,
 * RoleBinding, ClusterRoleBinding) from configuration documents, checking them as the Kubernetes
 * API server validates them, then adds them to the {@linkplain BootstrapPolicy bootstrap policy}.
 */
final class RbacDocuments {
  static final String API_VERSION = "rbac.authorization.k8s.io/v1";
  static final String ROLE = "Role";
  static final String CLUSTER_ROLE = "ClusterRole";
  static final String ROLE_BINDING = "RoleBinding";
  static final String CLUSTER_ROLE_BINDING = "ClusterRoleBinding";
  static final List<String> KINDS = List.of(ROLE, CLUSTER_ROLE, ROLE_BINDING, CLUSTER_ROLE_BINDING);

  /** The namespace Kubernetes gives a namespaced object that names none. */
  static final String DEFAULT_NAMESPACE = "default";

  private final Map<String, Role> roles = new LinkedHashMap<>();
  private final Map<String, ClusterRole> clusterRoles = new LinkedHashMap<>();
  private final Map<String, RoleBinding> roleBindings = new LinkedHashMap<>();
  private final Map<String, ClusterRoleBinding> clusterRoleBindings = new LinkedHashMap<>();

  void add(ConfigurationDocument doc) {
    if (doc.field("kind").isMissingNode()) {
      throw doc.error("kind", "required (one of " + String.join(", ", KINDS) + ")");
    }
    String kind = doc.text("kind");
    switch (kind) {
      case ROLE -> addRole(doc);
      case CLUSTER_ROLE -> addClusterRole(doc);
      case ROLE_BINDING -> addRoleBinding(doc);
      case CLUSTER_ROLE_BINDING -> addClusterRoleBinding(doc);
      default ->
          throw doc.error(
              "kind",
              "unknown kind \""
                  + kind
                  + "\" of "
                  + API_VERSION
                  + " (expected "
                  + String.join(", ", KINDS)
                  + ")");
    }
  }

  /** The bootstrap policy with every object read added, aggregation rules applied. */
  RbacPolicy resolve() {
    RbacPolicy read =
        new RbacPolicy(
            roles,
            clusterRoles,
            List.copyOf(roleBindings.values()),
            List.copyOf(clusterRoleBindings.values()));
    return RbacPolicy.bootstrap().union(read).aggregated();
  }

  // ---------------------------------------------------------------- objects

  private void addRole(ConfigurationDocument doc) {
    String name = doc.text("metadata.name");
    String namespace = namespace(doc);
    Role earlier = roles.get(Role.key(namespace, name));
    if (earlier != null) {
      throw doc.error(
          "metadata.name",
          "Role \""
              + name
              + "\" in namespace \""
              + namespace
              + "\" is already defined in "
              + earlier.file());
    }
    List<PolicyRule> rules = rules(doc, true);
    roles.put(Role.key(namespace, name), new Role(namespace, name, rules, doc.where()));
  }

  private void addClusterRole(ConfigurationDocument doc) {
    String name = doc.text("metadata.name");
    ClusterRole earlier = clusterRoles.get(name);
    if (earlier != null) {
      throw doc.error(
          "metadata.name", "ClusterRole \"" + name + "\" is already defined in " + earlier.file());
    }
    // A cluster-scoped object's metadata.namespace is ignored, as the Kubernetes API server
    // clears it.
    Map<String, String> labels = stringMap(doc, "metadata.labels", doc.field("metadata.labels"));
    List<PolicyRule> rules = rules(doc, false);
    List<Map<String, String>> selectors = aggregationSelectors(doc);
    if (!selectors.isEmpty()) {
      if (!rules.isEmpty()) {
        throw doc.error(
            "rules",
            "must be empty in a ClusterRole with an aggregationRule: its rules are those of the"
                + " cluster roles it selects");
      }
      if (RbacPolicy.bootstrap().clusterRole(name).isPresent()) {
        throw doc.error(
            "aggregationRule",
            "\"" + name + "\" is a built-in ClusterRole with its own rules; it cannot aggregate");
      }
    }
    clusterRoles.put(name, new ClusterRole(name, labels, rules, selectors, doc.where()));
  }

  private void addRoleBinding(ConfigurationDocument doc) {
    String name = doc.text("metadata.name");
    String namespace = namespace(doc);
    RoleBinding earlier = roleBindings.get(namespace + "/" + name);
    if (earlier != null) {
      throw doc.error(
          "metadata.name",
          "RoleBinding \""
              + name
              + "\" in namespace \""
              + namespace
              + "\" is already defined in "
              + earlier.file());
    }
    RoleRef ref = roleRef(doc, false);
    List<Subject> subjects = subjects(doc, namespace);
    roleBindings.put(
        namespace + "/" + name, new RoleBinding(namespace, name, ref, subjects, doc.where()));
  }

  private void addClusterRoleBinding(ConfigurationDocument doc) {
    String name = doc.text("metadata.name");
    ClusterRoleBinding earlier = clusterRoleBindings.get(name);
    if (earlier != null) {
      throw doc.error(
          "metadata.name",
          "ClusterRoleBinding \"" + name + "\" is already defined in " + earlier.file());
    }
    RoleRef ref = roleRef(doc, true);
    RbacPolicy.bootstrap().clusterRoleBindings().stream()
        .filter(b -> b.name().equals(name) && !b.roleRef().equals(ref))
        .findFirst()
        .ifPresent(
            b -> {
              throw doc.error(
                  "roleRef",
                  "the built-in ClusterRoleBinding \""
                      + name
                      + "\" grants "
                      + b.roleRef().describe()
                      + "; a document may add subjects to it but not change its role");
            });
    List<Subject> subjects = subjects(doc, null);
    clusterRoleBindings.put(name, new ClusterRoleBinding(name, ref, subjects, doc.where()));
  }

  // ---------------------------------------------------------------- parts

  /**
   * {@code metadata.namespace}; when absent, {@value #DEFAULT_NAMESPACE}, the namespace the
   * Kubernetes API server (and kubectl) puts a namespaced object in when the request names none.
   */
  private static String namespace(ConfigurationDocument doc) {
    JsonNode node = doc.field("metadata.namespace");
    if (node.isMissingNode() || node.isNull()) {
      return DEFAULT_NAMESPACE;
    }
    return doc.text("metadata.namespace");
  }

  private static List<PolicyRule> rules(ConfigurationDocument doc, boolean namespaced) {
    JsonNode node = doc.field("rules");
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw doc.error("rules", "expected a list of rules, found " + ParseErrors.kind(node));
    }
    List<PolicyRule> rules = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      rules.add(rule(doc, "rules[" + i + "]", node.get(i), namespaced));
    }
    return rules;
  }

  private static PolicyRule rule(
      ConfigurationDocument doc, String path, JsonNode node, boolean namespaced) {
    if (!node.isObject()) {
      throw doc.error(path, "expected an object, found " + ParseErrors.kind(node));
    }
    List<String> verbs = strings(doc, path + ".verbs", node.path("verbs"));
    List<String> apiGroups = strings(doc, path + ".apiGroups", node.path("apiGroups"));
    List<String> resources = strings(doc, path + ".resources", node.path("resources"));
    List<String> names = strings(doc, path + ".resourceNames", node.path("resourceNames"));
    List<String> urls = strings(doc, path + ".nonResourceURLs", node.path("nonResourceURLs"));
    if (verbs.isEmpty()) {
      throw doc.error(path + ".verbs", "must name at least one verb (\"*\" for every verb)");
    }
    if (!urls.isEmpty()) {
      if (namespaced) {
        throw doc.error(
            path + ".nonResourceURLs",
            "a namespaced Role cannot grant non-resource URLs; use a ClusterRole and a"
                + " ClusterRoleBinding");
      }
      if (!apiGroups.isEmpty() || !resources.isEmpty() || !names.isEmpty()) {
        throw doc.error(
            path + ".nonResourceURLs",
            "a rule cannot apply to both resources and non-resource URLs; write two rules");
      }
      for (int i = 0; i < urls.size(); i++) {
        String url = urls.get(i);
        if (!url.startsWith("/") && !url.equals(PolicyRule.ALL)) {
          throw doc.error(
              path + ".nonResourceURLs[" + i + "]",
              "\"" + url + "\" must be a path starting with \"/\" (or \"*\")");
        }
      }
      return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
    }
    if (resources.isEmpty()) {
      throw doc.error(path, "must name resources (with apiGroups) or nonResourceURLs");
    }
    if (apiGroups.isEmpty()) {
      throw doc.error(
          path + ".apiGroups",
          "must name at least one API group for resources (\"\" is the core group, \"*\" every"
              + " group)");
    }
    return new PolicyRule(verbs, apiGroups, resources, names, List.of());
  }

  private static List<Map<String, String>> aggregationSelectors(ConfigurationDocument doc) {
    JsonNode rule = doc.field("aggregationRule");
    if (rule.isMissingNode() || rule.isNull()) {
      return List.of();
    }
    if (!rule.isObject()) {
      throw doc.error("aggregationRule", "expected an object, found " + ParseErrors.kind(rule));
    }
    JsonNode selectors = rule.path("clusterRoleSelectors");
    if (!selectors.isArray() || selectors.isEmpty()) {
      throw doc.error(
          "aggregationRule.clusterRoleSelectors",
          "required: a list of {matchLabels: {<label>: <value>}}");
    }
    List<Map<String, String>> all = new ArrayList<>();
    for (int i = 0; i < selectors.size(); i++) {
      String path = "aggregationRule.clusterRoleSelectors[" + i + "]";
      JsonNode selector = selectors.get(i);
      if (!selector.isObject()) {
        throw doc.error(path, "expected an object, found " + ParseErrors.kind(selector));
      }
      JsonNode expressions = selector.path("matchExpressions");
      if (!expressions.isMissingNode() && !expressions.isNull() && !expressions.isEmpty()) {
        throw doc.error(
            path + ".matchExpressions", "not supported: select cluster roles by matchLabels");
      }
      Map<String, String> labels =
          stringMap(doc, path + ".matchLabels", selector.path("matchLabels"));
      if (labels.isEmpty()) {
        throw doc.error(
            path + ".matchLabels",
            "required: an empty selector would aggregate every cluster role");
      }
      all.add(labels);
    }
    return all;
  }

  private static RoleRef roleRef(ConfigurationDocument doc, boolean clusterBinding) {
    JsonNode node = doc.field("roleRef");
    if (!node.isObject()) {
      throw doc.error(
          "roleRef",
          node.isMissingNode() || node.isNull()
              ? "required: {apiGroup: " + RoleRef.API_GROUP + ", kind: ClusterRole, name: <role>}"
              : "expected an object, found " + ParseErrors.kind(node));
    }
    String apiGroup = doc.text("roleRef.apiGroup");
    if (!RoleRef.API_GROUP.equals(apiGroup)) {
      throw doc.error(
          "roleRef.apiGroup", "expected \"" + RoleRef.API_GROUP + "\", found \"" + apiGroup + "\"");
    }
    String kind = doc.text("roleRef.kind");
    String name = doc.text("roleRef.name");
    if (clusterBinding && !CLUSTER_ROLE.equals(kind)) {
      throw doc.error(
          "roleRef.kind",
          "a ClusterRoleBinding can only grant a ClusterRole, found \"" + kind + "\"");
    }
    return switch (kind) {
      case ROLE -> RoleRef.role(name);
      case CLUSTER_ROLE -> RoleRef.clusterRole(name);
      default ->
          throw doc.error(
              "roleRef.kind", "expected \"Role\" or \"ClusterRole\", found \"" + kind + "\"");
    };
  }

  /**
   * The subjects; a service account without a namespace, in a RoleBinding, is the binding's own (as
   * Kubernetes' authorizer reads it).
   *
   * @param bindingNamespace the RoleBinding's namespace; null for a ClusterRoleBinding
   */
  private static List<Subject> subjects(ConfigurationDocument doc, String bindingNamespace) {
    JsonNode node = doc.field("subjects");
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw doc.error("subjects", "expected a list of subjects, found " + ParseErrors.kind(node));
    }
    List<Subject> subjects = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "subjects[" + i + "]";
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        throw doc.error(path, "expected an object, found " + ParseErrors.kind(item));
      }
      String kind = string(doc, path + ".kind", item.path("kind"), true);
      String name = string(doc, path + ".name", item.path("name"), true);
      String apiGroup = string(doc, path + ".apiGroup", item.path("apiGroup"), false);
      String namespace = string(doc, path + ".namespace", item.path("namespace"), false);
      switch (kind) {
        case "User", "Group" -> {
          if (!apiGroup.isEmpty() && !RoleRef.API_GROUP.equals(apiGroup)) {
            throw doc.error(
                path + ".apiGroup",
                "expected \""
                    + RoleRef.API_GROUP
                    + "\" for a "
                    + kind
                    + ", found \""
                    + apiGroup
                    + "\"");
          }
          // Kubernetes accepts and ignores a namespace on a user or group; so does Cup.
          subjects.add(kind.equals("User") ? Subject.user(name) : Subject.group(name));
        }
        case "ServiceAccount" -> {
          if (!apiGroup.isEmpty()) {
            throw doc.error(
                path + ".apiGroup",
                "expected none (\"\") for a ServiceAccount, found \"" + apiGroup + "\"");
          }
          if (namespace.isEmpty()) {
            if (bindingNamespace == null) {
              throw doc.error(
                  path + ".namespace", "required for a ServiceAccount in a ClusterRoleBinding");
            }
            namespace = bindingNamespace;
          }
          subjects.add(Subject.serviceAccount(namespace, name));
        }
        default ->
            throw doc.error(
                path + ".kind",
                "unknown subject kind \"" + kind + "\" (expected User, Group, ServiceAccount)");
      }
    }
    return subjects;
  }

  // ---------------------------------------------------------------- values

  private static String string(
      ConfigurationDocument doc, String path, JsonNode node, boolean required) {
    if (node.isMissingNode() || node.isNull()) {
      if (required) {
        throw doc.error(path, "required");
      }
      return "";
    }
    if (!node.isTextual()) {
      throw doc.error(path, "expected a string, found " + ParseErrors.kind(node));
    }
    if (required && node.asText().isEmpty()) {
      throw doc.error(path, "must not be empty");
    }
    return node.asText();
  }

  /** An optional list of strings (absent: empty). */
  private static List<String> strings(ConfigurationDocument doc, String path, JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw doc.error(path, "expected a list of strings, found " + ParseErrors.kind(node));
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual()) {
        throw doc.error(path + "[" + i + "]", "expected a string, found " + ParseErrors.kind(item));
      }
      values.add(item.asText());
    }
    return values;
  }

  /** An optional map of strings (absent: empty). */
  private static Map<String, String> stringMap(
      ConfigurationDocument doc, String path, JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw doc.error(path, "expected an object of strings, found " + ParseErrors.kind(node));
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        throw doc.error(
            path + "." + entry.getKey(),
            "expected a string, found " + ParseErrors.kind(entry.getValue()));
      }
      values.put(entry.getKey(), entry.getValue().asText());
    }
    return values;
  }
}
