package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubernetes RBAC objects in the {@code --api-resources} directory. */
class ResourceConfigurationLoaderRbacTest {
  private static final String RBAC = "apiVersion: rbac.authorization.k8s.io/v1\n";
  private static final String REF = "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ";

  @TempDir Path dir;

  /** A minimal served resource, so that each test only adds RBAC objects. */
  @BeforeEach
  void servedResource() {
    write(
        "cup.yaml",
        "apiVersion: cup.flipt.io/v1alpha1\nkind: ResourceDefinition\n"
            + "metadata: {name: things.example.com}\n"
            + "names: {kind: Thing, singular: thing, plural: things}\n"
            + "spec: {group: example.com, versions: {v1: {type: object}}}\n"
            + "---\n"
            + "apiVersion: cup.flipt.io/v1alpha1\nkind: Controller\nmetadata: {name: t}\n"
            + "spec: {type: template}\n"
            + "---\n"
            + "apiVersion: cup.flipt.io/v1alpha1\nkind: Binding\nmetadata: {name: b}\n"
            + "spec: {controller: t, resources: [example.com/v1/things]}\n");
  }

  // ------------------------------------------------------------------ loading

  @Test
  void withoutRbacObjectsThePolicyIsTheBootstrapPolicy() {
    RbacPolicy policy = ResourceConfigurationLoader.load(dir).rbac();

    assertThat(policy).isEqualTo(RbacPolicy.bootstrap());
    assertThat(policy.clusterRoles())
        .containsOnlyKeys("system:discovery", "system:basic-user", "system:public-info-viewer");
    assertThat(policy.clusterRoleBindings())
        .extracting(ClusterRoleBinding::name)
        .containsExactly("system:discovery", "system:basic-user", "system:public-info-viewer");
    assertThat(policy.danglingReferences()).isEmpty();
  }

  @Test
  void multiDocumentYamlHoldsEveryKind() {
    write(
        "rbac.yaml",
        RBAC
            + "kind: Role\nmetadata: {name: flag-writer}\n"
            + "rules:\n- apiGroups: [flipt.io]\n  resources: [flags, flags/status]\n"
            + "  verbs: [get, create, update]\n"
            + "---\n"
            + RBAC
            + "kind: ClusterRole\nmetadata: {name: metrics, labels: {team: ops}}\n"
            + "rules:\n- nonResourceURLs: [/metrics]\n  verbs: [get]\n"
            + "- apiGroups: [cup.flipt.io]\n  resources: [proposals]\n"
            + "  resourceNames: [p-1]\n  verbs: [merge, close]\n"
            + "---\n"
            + RBAC
            + "kind: RoleBinding\nmetadata: {name: writers, namespace: team-a}\n"
            + REF
            + "Role, name: flag-writer}\n"
            + "subjects:\n- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}\n"
            + "- {kind: Group, name: writers}\n- {kind: ServiceAccount, name: builder}\n"
            + "---\n"
            + RBAC
            + "kind: ClusterRoleBinding\nmetadata: {name: scrapers}\n"
            + REF
            + "ClusterRole, name: metrics}\n"
            + "subjects:\n- {kind: ServiceAccount, name: prometheus, namespace: monitoring}\n");

    RbacPolicy policy = ResourceConfigurationLoader.load(dir).rbac();

    // no metadata.namespace: "default", as Kubernetes defaults it
    Role role = policy.role("default", "flag-writer").orElseThrow();
    assertThat(role.rules())
        .containsExactly(
            PolicyRule.resources(
                List.of("get", "create", "update"),
                List.of("flipt.io"),
                List.of("flags", "flags/status")));
    assertThat(role.file()).isEqualTo(dir.resolve("rbac.yaml") + " (document 1)");
    ClusterRole metrics = policy.clusterRole("metrics").orElseThrow();
    assertThat(metrics.labels()).isEqualTo(Map.of("team", "ops"));
    assertThat(metrics.rules())
        .containsExactly(
            PolicyRule.nonResource(List.of("get"), List.of("/metrics")),
            PolicyRule.resources(
                    List.of("merge", "close"), List.of("cup.flipt.io"), List.of("proposals"))
                .withResourceNames(List.of("p-1")));
    RoleBinding writers = policy.roleBindings().get(0);
    assertThat(writers.namespace()).isEqualTo("team-a");
    assertThat(writers.roleRef()).isEqualTo(RoleRef.role("flag-writer"));
    assertThat(writers.subjects())
        .containsExactly(
            Subject.user("alice"),
            Subject.group("writers"),
            // a service account without a namespace is the RoleBinding's own
            Subject.serviceAccount("team-a", "builder"));
    assertThat(policy.clusterRoleBindings())
        .extracting(ClusterRoleBinding::name)
        .containsExactly(
            "system:discovery", "system:basic-user", "system:public-info-viewer", "scrapers");
    assertThat(policy.clusterRoleBindings().get(3).subjects().get(0).username())
        .isEqualTo("system:serviceaccount:monitoring:prometheus");
    // the Role is in "default", the RoleBinding in "team-a": it refers to nothing there
    assertThat(policy.danglingReferences())
        .containsExactly(
            dir.resolve("rbac.yaml")
                + " (document 3): roleRef: RoleBinding \"writers/team-a\" refers to Role"
                + " \"flag-writer\", which does not exist in namespace \"team-a\": it grants"
                + " nothing");
  }

  @Test
  void jsonFilesHoldRbacObjects() {
    write(
        "viewer.json",
        "{\"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"ClusterRole\","
            + " \"metadata\": {\"name\": \"viewer\"}, \"rules\": [{\"apiGroups\": [\"*\"],"
            + " \"resources\": [\"*\"], \"verbs\": [\"get\", \"list\", \"watch\"]}]}");
    write(
        "viewers.json",
        "{\"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"ClusterRoleBinding\","
            + " \"metadata\": {\"name\": \"viewers\"}, \"roleRef\": {\"apiGroup\":"
            + " \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", \"name\": \"viewer\"},"
            + " \"subjects\": [{\"kind\": \"Group\", \"name\": \"everyone\"}]}");

    RbacPolicy policy = ResourceConfigurationLoader.load(dir).rbac();

    assertThat(policy.clusterRole("viewer").orElseThrow().rules())
        .containsExactly(
            PolicyRule.resources(List.of("get", "list", "watch"), List.of("*"), List.of("*")));
    assertThat(policy.clusterRoleBindings().get(3))
        .isEqualTo(
            new ClusterRoleBinding(
                "viewers",
                RoleRef.clusterRole("viewer"),
                List.of(Subject.group("everyone")),
                dir.resolve("viewers.json").toString()));
    assertThat(policy.danglingReferences()).isEmpty();
  }

  @Test
  void aKubectlListHoldsObjectsInItsItems() {
    write(
        "list.yaml",
        "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: \"\"}\nitems:\n"
            + "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n"
            + "  metadata: {name: reader, namespace: team-a, resourceVersion: \"12\"}\n"
            + "  rules: [{apiGroups: [\"\"], resources: [configmaps], verbs: [get]}]\n"
            + "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding\n"
            + "  metadata: {name: readers, namespace: team-a}\n"
            + "  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n"
            + "  subjects: [{kind: User, name: bob}]\n");

    RbacPolicy policy = ResourceConfigurationLoader.load(dir).rbac();

    assertThat(policy.role("team-a", "reader").orElseThrow().file())
        .isEqualTo(dir.resolve("list.yaml") + " items[0]");
    assertThat(policy.roleBindings()).extracting(RoleBinding::name).containsExactly("readers");
    assertThat(policy.danglingReferences()).isEmpty();
  }

  @Test
  void bindingsToMissingRolesAreAllowedAndListed() {
    write(
        "dangling.yaml",
        RBAC
            + "kind: ClusterRoleBinding\nmetadata: {name: ghosts}\n"
            + REF
            + "ClusterRole, name: ghost}\nsubjects: [{kind: User, name: alice}]\n"
            + "---\n"
            + RBAC
            + "kind: RoleBinding\nmetadata: {name: ghosts, namespace: ns}\n"
            + REF
            + "ClusterRole, name: ghost}\nsubjects: [{kind: User, name: alice}]\n");

    assertThat(ResourceConfigurationLoader.load(dir).rbac().danglingReferences())
        .containsExactly(
            dir.resolve("dangling.yaml")
                + " (document 1): roleRef: ClusterRoleBinding \"ghosts\" refers to ClusterRole"
                + " \"ghost\", which does not exist: it grants nothing",
            dir.resolve("dangling.yaml")
                + " (document 2): roleRef: RoleBinding \"ghosts/ns\" refers to ClusterRole"
                + " \"ghost\", which does not exist: it grants nothing");
  }

  @Test
  void aggregatingClusterRolesTakeTheRulesOfTheRolesTheySelect() {
    write(
        "aggregate.yaml",
        RBAC
            + "kind: ClusterRole\nmetadata: {name: admin}\n"
            + "aggregationRule:\n  clusterRoleSelectors:\n"
            + "  - matchLabels: {aggregate-to-admin: \"true\"}\n"
            + "---\n"
            + RBAC
            + "kind: ClusterRole\nmetadata: {name: edit, labels: {aggregate-to-admin: \"true\"}}\n"
            + "aggregationRule:\n  clusterRoleSelectors:\n"
            + "  - matchLabels: {aggregate-to-edit: \"true\"}\n"
            + "---\n"
            + RBAC
            + "kind: ClusterRole\n"
            + "metadata: {name: flag-edit, labels: {aggregate-to-edit: \"true\"}}\n"
            + "rules: [{apiGroups: [flipt.io], resources: [flags], verbs: [update]}]\n"
            + "---\n"
            + RBAC
            + "kind: ClusterRole\n"
            + "metadata: {name: proposal-admin, labels: {aggregate-to-admin: \"true\"}}\n"
            + "rules: [{apiGroups: [cup.flipt.io], resources: [proposals], verbs: [merge]}]\n"
            + "---\n"
            + RBAC
            + "kind: ClusterRole\n"
            + "metadata: {name: unlabelled}\n"
            + "rules: [{apiGroups: [x.io], resources: [things], verbs: [delete]}]\n");

    RbacPolicy policy = ResourceConfigurationLoader.load(dir).rbac();

    PolicyRule flags =
        PolicyRule.resources(List.of("update"), List.of("flipt.io"), List.of("flags"));
    PolicyRule proposals =
        PolicyRule.resources(List.of("merge"), List.of("cup.flipt.io"), List.of("proposals"));
    assertThat(policy.clusterRole("edit").orElseThrow().rules()).containsExactly(flags);
    // through edit, which is itself aggregated
    assertThat(policy.clusterRole("admin").orElseThrow().rules())
        .containsExactlyInAnyOrder(flags, proposals);
  }

  @Test
  void documentsAddToTheBootstrapPolicyButNeverRemoveFromIt() {
    write(
        "more.yaml",
        RBAC
            + "kind: ClusterRole\nmetadata: {name: \"system:discovery\"}\n"
            + "rules: [{nonResourceURLs: [/metrics], verbs: [get]}]\n"
            + "---\n"
            + RBAC
            + "kind: ClusterRoleBinding\nmetadata: {name: \"system:public-info-viewer\"}\n"
            + REF
            + "ClusterRole, name: \"system:public-info-viewer\"}\n"
            + "subjects: [{kind: Group, name: robots}]\n");

    RbacPolicy policy = ResourceConfigurationLoader.load(dir).rbac();

    List<PolicyRule> discovery = policy.clusterRole("system:discovery").orElseThrow().rules();
    assertThat(discovery).hasSize(2);
    assertThat(discovery.get(0).nonResourceURLs()).contains("/apis", "/version");
    assertThat(discovery.get(1).nonResourceURLs()).containsExactly("/metrics");
    assertThat(policy.clusterRoleBindings().get(2).subjects())
        .containsExactly(
            Subject.group("system:authenticated"),
            Subject.group("system:unauthenticated"),
            Subject.group("robots"));
  }

  // ------------------------------------------------------------------ errors

  @Test
  void metadataNameIsRequired() {
    write("r.yaml", RBAC + "kind: ClusterRole\nmetadata: {labels: {a: b}}\nrules: []\n");

    assertError("r.yaml", ": metadata.name: required");
  }

  @Test
  void aRuleNeedsResourcesOrNonResourceUrls() {
    write("r.yaml", RBAC + "kind: ClusterRole\nmetadata: {name: r}\nrules: [{verbs: [get]}]\n");

    assertError("r.yaml", ": rules[0]: must name resources (with apiGroups) or nonResourceURLs");
  }

  @Test
  void aRuleNeedsVerbs() {
    write(
        "r.yaml",
        RBAC + "kind: ClusterRole\nmetadata: {name: r}\nrules: [{nonResourceURLs: [/x]}]\n");

    assertError("r.yaml", ": rules[0].verbs: must name at least one verb");
  }

  @Test
  void aResourceRuleNeedsApiGroups() {
    write(
        "r.yaml",
        RBAC + "kind: Role\nmetadata: {name: r}\nrules: [{resources: [flags], verbs: [get]}]\n");

    assertError("r.yaml", ": rules[0].apiGroups: must name at least one API group");
  }

  @Test
  void aRuleIsAboutResourcesOrUrlsNotBoth() {
    write(
        "r.yaml",
        RBAC
            + "kind: ClusterRole\nmetadata: {name: r}\nrules:\n"
            + "- {apiGroups: [\"\"], resources: [pods], nonResourceURLs: [/x], verbs: [get]}\n");

    assertError("r.yaml", ": rules[0].nonResourceURLs: a rule cannot apply to both resources and");
  }

  @Test
  void aNamespacedRoleCannotGrantNonResourceUrls() {
    write(
        "r.yaml",
        RBAC
            + "kind: Role\nmetadata: {name: r, namespace: ns}\n"
            + "rules: [{nonResourceURLs: [/metrics], verbs: [get]}]\n");

    assertError(
        "r.yaml",
        ": rules[0].nonResourceURLs: a namespaced Role cannot grant non-resource URLs; use a"
            + " ClusterRole and a ClusterRoleBinding");
  }

  @Test
  void roleRefKindIsRoleOrClusterRole() {
    write("b.yaml", binding("RoleBinding", "kind: Thing, name: r", "{kind: User, name: u}"));

    assertError("b.yaml", ": roleRef.kind: expected \"Role\" or \"ClusterRole\", found \"Thing\"");
  }

  @Test
  void aClusterRoleBindingGrantsOnlyAClusterRole() {
    write("b.yaml", binding("ClusterRoleBinding", "kind: Role, name: r", "{kind: User, name: u}"));

    assertError(
        "b.yaml",
        ": roleRef.kind: a ClusterRoleBinding can only grant a ClusterRole, found \"Role\"");
  }

  @Test
  void roleRefApiGroupIsRbac() {
    write(
        "b.yaml",
        RBAC
            + "kind: RoleBinding\nmetadata: {name: b}\n"
            + "roleRef: {apiGroup: rbac.example.com, kind: Role, name: r}\n");

    assertError(
        "b.yaml",
        ": roleRef.apiGroup: expected \"rbac.authorization.k8s.io\", found \"rbac.example.com\"");
  }

  @Test
  void roleRefIsRequired() {
    write("b.yaml", RBAC + "kind: ClusterRoleBinding\nmetadata: {name: b}\n");

    assertError("b.yaml", ": roleRef: required");
  }

  @Test
  void subjectKindIsUserGroupOrServiceAccount() {
    write(
        "b.yaml",
        binding(
            "RoleBinding", "kind: Role, name: r", "{kind: User, name: u}, {kind: Robot, name: r}"));

    assertError(
        "b.yaml",
        ": subjects[1].kind: unknown subject kind \"Robot\" (expected User, Group,"
            + " ServiceAccount)");
  }

  @Test
  void aServiceAccountOfAClusterRoleBindingNeedsANamespace() {
    write(
        "b.yaml",
        binding(
            "ClusterRoleBinding",
            "kind: ClusterRole, name: r",
            "{kind: ServiceAccount, name: sa}"));

    assertError(
        "b.yaml", ": subjects[0].namespace: required for a ServiceAccount in a ClusterRoleBinding");
  }

  @Test
  void aUserSubjectHasTheRbacApiGroup() {
    write(
        "b.yaml",
        binding("RoleBinding", "kind: Role, name: r", "{kind: User, name: u, apiGroup: v1}"));

    assertError("b.yaml", ": subjects[0].apiGroup: expected \"rbac.authorization.k8s.io\"");
  }

  @Test
  void duplicateNamesAreRefused() {
    String role = RBAC + "kind: Role\nmetadata: {name: r, namespace: ns}\nrules: []\n";
    write("a.yaml", role);
    write("b.yaml", role);

    assertError(
        "b.yaml",
        ": metadata.name: Role \"r\" in namespace \"ns\" is already defined in "
            + dir.resolve("a.yaml"));
  }

  @Test
  void theSameRoleNameInAnotherNamespaceIsAnotherRole() {
    write("a.yaml", RBAC + "kind: Role\nmetadata: {name: r, namespace: a}\nrules: []\n");
    write("b.yaml", RBAC + "kind: Role\nmetadata: {name: r}\nrules: []\n");

    assertThat(ResourceConfigurationLoader.load(dir).rbac().roles())
        .containsOnlyKeys("a/r", "default/r");
  }

  @Test
  void duplicateClusterRolesAndBindingsAreRefused() {
    write(
        "a.yaml",
        RBAC
            + "kind: ClusterRole\nmetadata: {name: c}\n---\n"
            + RBAC
            + "kind: ClusterRole\nmetadata: {name: c}\n");
    assertError("a.yaml", " (document 2): metadata.name: ClusterRole \"c\" is already defined in");

    write(
        "a.yaml",
        binding("ClusterRoleBinding", "kind: ClusterRole, name: c", "{kind: User, name: u}")
            + "---\n"
            + binding("ClusterRoleBinding", "kind: ClusterRole, name: c", "{kind: User, name: v}"));
    assertError(
        "a.yaml", " (document 2): metadata.name: ClusterRoleBinding \"b\" is already defined in");

    write(
        "a.yaml",
        binding("RoleBinding", "kind: ClusterRole, name: c", "{kind: User, name: u}")
            + "---\n"
            + binding("RoleBinding", "kind: Role, name: c", "{kind: User, name: v}"));
    assertError(
        "a.yaml",
        " (document 2): metadata.name: RoleBinding \"b\" in namespace \"default\" is already"
            + " defined in");
  }

  @Test
  void aBuiltInBindingKeepsItsRole() {
    write(
        "b.yaml",
        RBAC
            + "kind: ClusterRoleBinding\nmetadata: {name: \"system:discovery\"}\n"
            + REF
            + "ClusterRole, name: admin}\n");

    assertError(
        "b.yaml",
        ": roleRef: the built-in ClusterRoleBinding \"system:discovery\" grants ClusterRole"
            + " \"system:discovery\"; a document may add subjects to it but not change its role");
  }

  @Test
  void aggregationSelectsByMatchLabelsOnly() {
    write(
        "r.yaml",
        RBAC
            + "kind: ClusterRole\nmetadata: {name: r}\naggregationRule:\n  clusterRoleSelectors:\n"
            + "  - matchExpressions: [{key: a, operator: Exists}]\n");

    assertError(
        "r.yaml",
        ": aggregationRule.clusterRoleSelectors[0].matchExpressions: not supported: select"
            + " cluster roles by matchLabels");
  }

  @Test
  void anEmptySelectorWouldAggregateEverythingAndIsRefused() {
    write(
        "r.yaml",
        RBAC
            + "kind: ClusterRole\nmetadata: {name: r}\naggregationRule:\n  clusterRoleSelectors:\n"
            + "  - matchLabels: {}\n");

    assertError(
        "r.yaml", ": aggregationRule.clusterRoleSelectors[0].matchLabels: required: an empty");
  }

  @Test
  void anAggregatingRoleHasNoRulesOfItsOwn() {
    write(
        "r.yaml",
        RBAC
            + "kind: ClusterRole\nmetadata: {name: r}\naggregationRule:\n  clusterRoleSelectors:\n"
            + "  - matchLabels: {a: b}\nrules: [{nonResourceURLs: [/x], verbs: [get]}]\n");

    assertError("r.yaml", ": rules: must be empty in a ClusterRole with an aggregationRule");
  }

  @Test
  void unknownRbacKindsAreRefused() {
    write("r.yaml", RBAC + "kind: RoleBindingRestriction\nmetadata: {name: r}\n");

    assertError(
        "r.yaml",
        ": kind: unknown kind \"RoleBindingRestriction\" of rbac.authorization.k8s.io/v1 (expected"
            + " Role, ClusterRole, RoleBinding, ClusterRoleBinding)");
  }

  @Test
  void apiVersionV1IsReadOnlyForAList() {
    write("l.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");

    assertError(
        "l.yaml", ": kind: apiVersion \"v1\" is only read for kind \"List\", found \"ConfigMap\"");
  }

  @Test
  void errorsInAListNameTheItem() {
    write(
        "l.yaml",
        "apiVersion: v1\nkind: List\nitems:\n"
            + "- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: a}}\n"
            + "- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {}}\n"
            + "- 42\n");

    assertError("l.yaml", " items[1]: metadata.name: required");
  }

  @Test
  void listItemsAreObjects() {
    write("l.yaml", "apiVersion: v1\nkind: List\nitems: [42]\n");

    assertError("l.yaml", " items[0]: expected an object, found a number");
  }

  // ------------------------------------------------------------------ helpers

  private static String binding(String kind, String roleRef, String subjects) {
    return RBAC
        + "kind: "
        + kind
        + "\nmetadata: {name: b}\n"
        + "roleRef: {apiGroup: rbac.authorization.k8s.io, "
        + roleRef
        + "}\nsubjects: ["
        + subjects
        + "]\n";
  }

  private void assertError(String file, String expectedAfterFile) {
    assertThatThrownBy(() -> ResourceConfigurationLoader.load(dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(dir.resolve(file) + expectedAfterFile);
  }

  private void write(String name, String content) {
    try {
      Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
