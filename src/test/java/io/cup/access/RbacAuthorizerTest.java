package io.cup.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.access.RulesReview.NonResourceRule;
import io.cup.access.RulesReview.ResourceRule;
import io.cup.config.AccessSettings;
import io.cup.config.ClusterRole;
import io.cup.config.ClusterRoleBinding;
import io.cup.config.PolicyRule;
import io.cup.config.RbacPolicy;
import io.cup.config.Role;
import io.cup.config.RoleBinding;
import io.cup.config.RoleRef;
import io.cup.config.Subject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RbacAuthorizerTest {
  private static final String FLIPT = "flipt.io";
  private static final String CUP = "cup.flipt.io";

  private static final UserInfo ALICE = UserInfo.authenticated("alice", "", List.of(), null);
  private static final UserInfo BOB = UserInfo.authenticated("bob", "", List.of("ops"), null);
  private static final UserInfo CAROL = UserInfo.authenticated("carol", "", List.of(), null);

  /** The bootstrap policy plus what a test adds, as the loader builds it. */
  private static final class Policy {
    final Map<String, Role> roles = new LinkedHashMap<>();
    final Map<String, ClusterRole> clusterRoles = new LinkedHashMap<>();
    final List<RoleBinding> roleBindings = new ArrayList<>();
    final List<ClusterRoleBinding> clusterRoleBindings = new ArrayList<>();

    Policy role(String namespace, String name, PolicyRule... rules) {
      Role role = new Role(namespace, name, List.of(rules), "test");
      roles.put(role.key(), role);
      return this;
    }

    Policy clusterRole(String name, PolicyRule... rules) {
      clusterRoles.put(name, new ClusterRole(name, List.of(rules)));
      return this;
    }

    Policy roleBinding(String namespace, String name, RoleRef ref, Subject... subjects) {
      roleBindings.add(new RoleBinding(namespace, name, ref, List.of(subjects), "test"));
      return this;
    }

    Policy clusterRoleBinding(String name, String clusterRole, Subject... subjects) {
      clusterRoleBindings.add(
          new ClusterRoleBinding(
              name, RoleRef.clusterRole(clusterRole), List.of(subjects), "test"));
      return this;
    }

    RbacAuthorizer authorizer() {
      return new RbacAuthorizer(
          RbacPolicy.bootstrap()
              .union(new RbacPolicy(roles, clusterRoles, roleBindings, clusterRoleBindings))
              .aggregated());
    }
  }

  private static PolicyRule rule(List<String> verbs, String group, String... resources) {
    return PolicyRule.resources(verbs, List.of(group), List.of(resources));
  }

  private static RequestAttributes request(
      UserInfo user, String verb, String group, String resource, String namespace, String name) {
    return RequestAttributes.resource(user, verb, group, "v1alpha1", resource, namespace, name);
  }

  private static RequestAttributes subresource(
      UserInfo user, String verb, String group, String resource, String sub, String name) {
    return new RequestAttributes(
        user, verb, true, "", group, "v1alpha1", resource, sub, "default", name);
  }

  private static RequestAttributes url(UserInfo user, String verb, String path) {
    return RequestAttributes.nonResource(user, verb, path);
  }

  // ------------------------------------------------------------------ bindings

  @Test
  void aNamespacedWriterWritesOnlyInItsNamespace() {
    RbacAuthorizer rbac =
        new Policy()
            .role("team-a", "flag-writer", rule(List.of("get", "create", "update"), FLIPT, "flags"))
            .roleBinding(
                "team-a", "alice-writes", RoleRef.role("flag-writer"), Subject.user("alice"))
            .authorizer();

    Decision allowed = rbac.authorize(request(ALICE, "create", FLIPT, "flags", "team-a", "f"));
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.reason())
        .isEqualTo(
            "RBAC: allowed by RoleBinding \"alice-writes/team-a\" of Role \"flag-writer\" to User"
                + " \"alice\"");
    assertThat(rbac.authorize(request(ALICE, "create", FLIPT, "flags", "team-b", "f")))
        .isEqualTo(Decision.deny(""));
    assertThat(rbac.authorize(request(ALICE, "delete", FLIPT, "flags", "team-a", "f")).allowed())
        .isFalse();
    // across every namespace is not "in team-a"
    assertThat(rbac.authorize(request(ALICE, "get", FLIPT, "flags", "", "")).allowed()).isFalse();
    // someone else, same namespace
    assertThat(rbac.authorize(request(CAROL, "create", FLIPT, "flags", "team-a", "f")).allowed())
        .isFalse();
  }

  @Test
  void aRoleOfAnotherNamespaceIsNotGrantedByARoleBinding() {
    RbacAuthorizer rbac =
        new Policy()
            .role("team-b", "flag-writer", rule(List.of("create"), FLIPT, "flags"))
            .roleBinding(
                "team-a", "alice-writes", RoleRef.role("flag-writer"), Subject.user("alice"))
            .authorizer();

    assertThat(rbac.authorize(request(ALICE, "create", FLIPT, "flags", "team-a", "f")).allowed())
        .isFalse();
    assertThat(rbac.authorize(request(ALICE, "create", FLIPT, "flags", "team-b", "f")).allowed())
        .isFalse();
  }

  @Test
  void aRoleBindingToAClusterRoleGrantsOnlyInItsNamespaceAndNeverUrls() {
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole(
                "viewer",
                rule(List.of("get", "list"), FLIPT, "flags"),
                PolicyRule.nonResource(List.of("get"), List.of("/metrics")))
            .roleBinding(
                "team-a", "alice-views", RoleRef.clusterRole("viewer"), Subject.user("alice"))
            .clusterRoleBinding("bob-views", "viewer", Subject.user("bob"))
            .authorizer();

    assertThat(rbac.authorize(request(ALICE, "list", FLIPT, "flags", "team-a", "")).reason())
        .isEqualTo(
            "RBAC: allowed by RoleBinding \"alice-views/team-a\" of ClusterRole \"viewer\" to User"
                + " \"alice\"");
    assertThat(rbac.authorize(request(ALICE, "list", FLIPT, "flags", "team-b", "")).allowed())
        .isFalse();
    assertThat(rbac.authorize(request(ALICE, "list", FLIPT, "flags", "", "")).allowed()).isFalse();
    assertThat(rbac.authorize(url(ALICE, "get", "/metrics")).allowed()).isFalse();

    for (String namespace : List.of("team-a", "team-b", "")) {
      assertThat(rbac.authorize(request(BOB, "list", FLIPT, "flags", namespace, "")).reason())
          .isEqualTo(
              "RBAC: allowed by ClusterRoleBinding \"bob-views\" of ClusterRole \"viewer\" to User"
                  + " \"bob\"");
    }
    assertThat(rbac.authorize(url(BOB, "get", "/metrics")).allowed()).isTrue();
  }

  @Test
  void groupsAndServiceAccountsAreSubjects() {
    UserInfo builder =
        UserInfo.authenticated(
            "system:serviceaccount:ci:builder", "", List.of("system:serviceaccounts"), null);
    UserInfo otherBuilder =
        UserInfo.authenticated("system:serviceaccount:cd:builder", "", List.of(), null);
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole("editor", rule(List.of("*"), FLIPT, "flags"))
            .clusterRoleBinding("ops-edit", "editor", Subject.group("ops"))
            .roleBinding(
                "team-a",
                "ci-edits",
                RoleRef.clusterRole("editor"),
                Subject.serviceAccount("ci", "builder"))
            .authorizer();

    assertThat(rbac.authorize(request(BOB, "delete", FLIPT, "flags", "x", "f")).reason())
        .isEqualTo(
            "RBAC: allowed by ClusterRoleBinding \"ops-edit\" of ClusterRole \"editor\" to Group"
                + " \"ops\"");
    assertThat(rbac.authorize(request(builder, "update", FLIPT, "flags", "team-a", "f")).reason())
        .isEqualTo(
            "RBAC: allowed by RoleBinding \"ci-edits/team-a\" of ClusterRole \"editor\" to"
                + " ServiceAccount \"builder/ci\"");
    assertThat(
            rbac.authorize(request(otherBuilder, "update", FLIPT, "flags", "team-a", "f"))
                .allowed())
        .isFalse();
    // a user named like the group is not in it
    UserInfo ops = UserInfo.authenticated("ops", "", List.of(), null);
    assertThat(rbac.authorize(request(ops, "delete", FLIPT, "flags", "x", "f")).allowed())
        .isFalse();
  }

  @Test
  void theReasonNamesTheFirstBindingInKubernetesOrder() {
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole("editor", rule(List.of("*"), FLIPT, "flags"))
            .roleBinding("team-a", "namespaced", RoleRef.clusterRole("editor"), Subject.user("bob"))
            .clusterRoleBinding("first", "editor", Subject.group("ops"))
            .clusterRoleBinding("second", "editor", Subject.user("bob"))
            .authorizer();

    assertThat(rbac.authorize(request(BOB, "get", FLIPT, "flags", "team-a", "f")).reason())
        .isEqualTo(
            "RBAC: allowed by ClusterRoleBinding \"first\" of ClusterRole \"editor\" to Group"
                + " \"ops\"");
  }

  @Test
  void aBindingToAMissingRoleGrantsNothing() {
    RbacAuthorizer rbac =
        new Policy()
            .roleBinding("team-a", "dangling", RoleRef.role("nowhere"), Subject.user("alice"))
            .clusterRoleBinding("dangling", "nowhere", Subject.user("alice"))
            .authorizer();

    assertThat(rbac.authorize(request(ALICE, "get", FLIPT, "flags", "team-a", "f")))
        .isEqualTo(Decision.deny(""));
  }

  // ------------------------------------------------------------------ rules

  @Test
  void resourceNamesLimitARuleToThoseObjectsAndNeverMatchACollection() {
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole(
                "one-flag",
                rule(List.of("get", "update", "list"), FLIPT, "flags")
                    .withResourceNames(List.of("flag-a")))
            .clusterRoleBinding("alice", "one-flag", Subject.user("alice"))
            .authorizer();

    assertThat(rbac.authorize(request(ALICE, "update", FLIPT, "flags", "ns", "flag-a")).allowed())
        .isTrue();
    assertThat(rbac.authorize(request(ALICE, "update", FLIPT, "flags", "ns", "flag-b")).allowed())
        .isFalse();
    assertThat(rbac.authorize(request(ALICE, "list", FLIPT, "flags", "ns", "")).allowed())
        .isFalse();
  }

  @Test
  void wildcardsMatchEveryVerbGroupAndResource() {
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole("all", PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")))
            .clusterRole("any-verb-on-flags", rule(List.of("*"), FLIPT, "flags"))
            .clusterRole(
                "any-flipt", PolicyRule.resources(List.of("get"), List.of(FLIPT), List.of("*")))
            .clusterRoleBinding("alice", "all", Subject.user("alice"))
            .clusterRoleBinding("bob", "any-verb-on-flags", Subject.user("bob"))
            .clusterRoleBinding("carol", "any-flipt", Subject.user("carol"))
            .authorizer();

    assertThat(rbac.authorize(request(ALICE, "patch", "x.io", "things", "", "t")).allowed())
        .isTrue();
    assertThat(
            rbac.authorize(subresource(ALICE, "update", FLIPT, "flags", "status", "f")).allowed())
        .isTrue();
    assertThat(rbac.authorize(request(BOB, "escalate", FLIPT, "flags", "ns", "f")).allowed())
        .isTrue();
    assertThat(rbac.authorize(request(BOB, "get", "other.io", "flags", "ns", "f")).allowed())
        .isFalse();
    assertThat(rbac.authorize(request(BOB, "get", FLIPT, "segments", "ns", "f")).allowed())
        .isFalse();
    assertThat(rbac.authorize(request(CAROL, "get", FLIPT, "segments", "ns", "s")).allowed())
        .isTrue();
    assertThat(rbac.authorize(request(CAROL, "delete", FLIPT, "segments", "ns", "s")).allowed())
        .isFalse();
    // resource wildcards never cover non-resource URLs
    assertThat(rbac.authorize(url(ALICE, "post", "/metrics")).allowed()).isFalse();
  }

  @Test
  void subresourcesAreMatchedByResourceSlashSubresourceOrStarSlashSubresource() {
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole("status-writer", rule(List.of("update"), FLIPT, "flags/status"))
            .clusterRole("flag-writer", rule(List.of("update"), FLIPT, "flags"))
            .clusterRole("any-status", rule(List.of("update"), FLIPT, "*/status"))
            .clusterRoleBinding("alice", "status-writer", Subject.user("alice"))
            .clusterRoleBinding("bob", "flag-writer", Subject.user("bob"))
            .clusterRoleBinding("carol", "any-status", Subject.user("carol"))
            .authorizer();

    assertThat(
            rbac.authorize(subresource(ALICE, "update", FLIPT, "flags", "status", "f")).allowed())
        .isTrue();
    assertThat(rbac.authorize(request(ALICE, "update", FLIPT, "flags", "default", "f")).allowed())
        .isFalse();
    assertThat(rbac.authorize(subresource(ALICE, "update", FLIPT, "flags", "scale", "f")).allowed())
        .isFalse();
    assertThat(rbac.authorize(subresource(BOB, "update", FLIPT, "flags", "status", "f")).allowed())
        .isFalse();
    assertThat(rbac.authorize(request(BOB, "update", FLIPT, "flags", "default", "f")).allowed())
        .isTrue();
    assertThat(
            rbac.authorize(subresource(CAROL, "update", FLIPT, "segments", "status", "s"))
                .allowed())
        .isTrue();
    assertThat(
            rbac.authorize(subresource(CAROL, "update", FLIPT, "segments", "statusx", "s"))
                .allowed())
        .isFalse();
    assertThat(
            rbac.authorize(request(CAROL, "update", FLIPT, "segments", "default", "s")).allowed())
        .isFalse();
  }

  @Test
  void proposalsAreMergedAndClosedByCustomVerbsOnTheClusterScopedResource() {
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole("merger", rule(List.of("get", "list", "merge"), CUP, "proposals"))
            .clusterRoleBinding("alice-merges", "merger", Subject.user("alice"))
            .roleBinding("team-a", "bob-merges", RoleRef.clusterRole("merger"), Subject.user("bob"))
            .authorizer();

    assertThat(rbac.authorize(request(ALICE, "merge", CUP, "proposals", "", "p-1")).allowed())
        .isTrue();
    assertThat(rbac.authorize(request(ALICE, "close", CUP, "proposals", "", "p-1")).allowed())
        .isFalse();
    assertThat(rbac.authorize(request(ALICE, "merge", FLIPT, "proposals", "", "p-1")).allowed())
        .isFalse();
    // proposals are cluster-scoped: a RoleBinding never reaches them
    assertThat(rbac.authorize(request(BOB, "merge", CUP, "proposals", "", "p-1")).allowed())
        .isFalse();
  }

  @Test
  void nonResourceUrlsMatchExactlyOrByPrefixWhenTheRuleEndsInAStar() {
    RbacAuthorizer rbac =
        new Policy()
            .clusterRole(
                "urls",
                PolicyRule.nonResource(List.of("get"), List.of("/metrics", "/debug/*", "/logs*")))
            .clusterRole("every-url", PolicyRule.nonResource(List.of("*"), List.of("*")))
            .clusterRoleBinding("alice", "urls", Subject.user("alice"))
            .clusterRoleBinding("bob", "every-url", Subject.user("bob"))
            .authorizer();

    assertThat(rbac.authorize(url(ALICE, "get", "/metrics")).allowed()).isTrue();
    assertThat(rbac.authorize(url(ALICE, "get", "/metrics/extra")).allowed()).isFalse();
    assertThat(rbac.authorize(url(ALICE, "post", "/metrics")).allowed()).isFalse();
    assertThat(rbac.authorize(url(ALICE, "get", "/debug/pprof")).allowed()).isTrue();
    assertThat(rbac.authorize(url(ALICE, "get", "/debug")).allowed()).isFalse();
    assertThat(rbac.authorize(url(ALICE, "get", "/logs")).allowed()).isTrue();
    assertThat(rbac.authorize(url(ALICE, "get", "/logsmore/x")).allowed()).isTrue();
    assertThat(rbac.authorize(url(BOB, "delete", "/anything/at/all")).allowed()).isTrue();
    // URL rules never cover resources
    assertThat(rbac.authorize(request(BOB, "get", FLIPT, "flags", "", "")).allowed()).isFalse();
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void authenticatedUsersMayReadDiscoveryAndReviewTheirOwnAccess() {
    RbacAuthorizer rbac = new Policy().authorizer();

    for (String path :
        List.of("/api", "/apis", "/apis/flipt.io/v1alpha1", "/openapi/v3", "/version")) {
      assertThat(rbac.authorize(url(CAROL, "get", path)).allowed()).as(path).isTrue();
    }
    assertThat(rbac.authorize(url(CAROL, "get", "/apis")).reason())
        .isEqualTo(
            "RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole"
                + " \"system:discovery\" to Group \"system:authenticated\"");
    assertThat(rbac.authorize(url(CAROL, "post", "/apis")).allowed()).isFalse();
    assertThat(rbac.authorize(url(CAROL, "get", "/metrics")).allowed()).isFalse();
    assertThat(
            rbac.authorize(
                    request(
                        CAROL, "create", "authorization.k8s.io", "selfsubjectrulesreviews", "", ""))
                .allowed())
        .isTrue();
    assertThat(
            rbac.authorize(
                    request(
                        CAROL,
                        "create",
                        "authorization.k8s.io",
                        "selfsubjectaccessreviews",
                        "",
                        ""))
                .allowed())
        .isTrue();
    assertThat(
            rbac.authorize(
                    request(CAROL, "create", "authentication.k8s.io", "selfsubjectreviews", "", ""))
                .allowed())
        .isTrue();
    assertThat(rbac.authorize(request(CAROL, "get", FLIPT, "flags", "default", "f")))
        .isEqualTo(Decision.deny(""));
  }

  @Test
  void anonymousUsersSeeOnlyHealthAndVersion() {
    RbacAuthorizer rbac = new Policy().authorizer();
    UserInfo anonymous = UserInfo.ANONYMOUS;

    for (String path : List.of("/healthz", "/livez", "/readyz", "/version", "/version/")) {
      assertThat(rbac.authorize(url(anonymous, "get", path)).allowed()).as(path).isTrue();
      assertThat(rbac.authorize(url(CAROL, "get", path)).allowed()).as(path).isTrue();
    }
    assertThat(rbac.authorize(url(anonymous, "get", "/healthz")).reason())
        .isEqualTo(
            "RBAC: allowed by ClusterRoleBinding \"system:public-info-viewer\" of ClusterRole"
                + " \"system:public-info-viewer\" to Group \"system:unauthenticated\"");
    assertThat(rbac.authorize(url(anonymous, "get", "/apis")).allowed()).isFalse();
    assertThat(rbac.authorize(url(anonymous, "get", "/openapi/v3")).allowed()).isFalse();
    assertThat(
            rbac.authorize(
                    request(
                        anonymous,
                        "create",
                        "authorization.k8s.io",
                        "selfsubjectrulesreviews",
                        "",
                        ""))
                .allowed())
        .isFalse();
  }

  // ------------------------------------------------------------------ rules review

  @Test
  void theRulesReviewListsClusterWideAndNamespaceRulesThatApply() {
    PolicyRule writeFlags = rule(List.of("create", "update"), FLIPT, "flags");
    PolicyRule readSegments =
        rule(List.of("get"), FLIPT, "segments").withResourceNames(List.of("beta"));
    PolicyRule metrics = PolicyRule.nonResource(List.of("get"), List.of("/metrics"));
    RbacAuthorizer rbac =
        new Policy()
            .role("team-a", "writer", writeFlags)
            .clusterRole("reader", readSegments, metrics)
            .roleBinding("team-a", "alice-writes", RoleRef.role("writer"), Subject.user("alice"))
            .roleBinding(
                "team-a", "alice-reads", RoleRef.clusterRole("reader"), Subject.user("alice"))
            .clusterRoleBinding("ops-read", "reader", Subject.group("ops"))
            .authorizer();

    ResourceRule basicUser =
        new ResourceRule(
            List.of("create"),
            List.of("authorization.k8s.io"),
            List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"),
            List.of());
    NonResourceRule discovery =
        new NonResourceRule(
            List.of("get"),
            List.of(
                "/api",
                "/api/*",
                "/apis",
                "/apis/*",
                "/openapi",
                "/openapi/*",
                "/version",
                "/version/"));

    RulesReview alice = rbac.rules(ALICE, "team-a");
    assertThat(alice.incomplete()).isFalse();
    assertThat(alice.evaluationError()).isEmpty();
    assertThat(alice.resourceRules())
        .contains(
            basicUser,
            new ResourceRule(writeFlags.verbs(), List.of(FLIPT), List.of("flags"), List.of()),
            new ResourceRule(List.of("get"), List.of(FLIPT), List.of("segments"), List.of("beta")))
        .hasSize(4);
    // the RoleBinding's ClusterRole grants no URL
    assertThat(alice.nonResourceRules())
        .contains(discovery)
        .doesNotContain(new NonResourceRule(List.of("get"), List.of("/metrics")))
        .hasSize(2);

    assertThat(rbac.rules(ALICE, "team-b").resourceRules()).hasSize(2); // the basic-user rules
    assertThat(rbac.rules(ALICE, "").resourceRules()).hasSize(2);

    RulesReview bob = rbac.rules(BOB, "anywhere");
    assertThat(bob.resourceRules())
        .contains(
            new ResourceRule(List.of("get"), List.of(FLIPT), List.of("segments"), List.of("beta")));
    assertThat(bob.nonResourceRules())
        .contains(new NonResourceRule(List.of("get"), List.of("/metrics")));

    RulesReview anonymous = rbac.rules(UserInfo.ANONYMOUS, "team-a");
    assertThat(anonymous.resourceRules()).isEmpty();
    assertThat(anonymous.nonResourceRules())
        .containsExactly(
            new NonResourceRule(
                List.of("get"), List.of("/healthz", "/livez", "/readyz", "/version", "/version/")));
  }

  // ------------------------------------------------------------------ modes

  @Test
  void alwaysAllowAllowsEverythingAndListsStar() {
    Authorizer allow = AlwaysAllowAuthorizer.INSTANCE;

    assertThat(allow.authorize(url(UserInfo.ANONYMOUS, "delete", "/anything")).allowed()).isTrue();
    assertThat(allow.authorize(request(CAROL, "merge", CUP, "proposals", "", "p")).allowed())
        .isTrue();
    RulesReview review = allow.rules(CAROL, "x");
    assertThat(review.resourceRules())
        .containsExactly(new ResourceRule(List.of("*"), List.of("*"), List.of("*"), List.of()));
    assertThat(review.nonResourceRules())
        .containsExactly(new NonResourceRule(List.of("*"), List.of("*")));
    assertThat(review.incomplete()).isFalse();
  }

  @Test
  void authorizersPickTheEffectiveMode() {
    AccessSettings open = AccessSettings.NONE;
    AccessSettings tokens =
        new AccessSettings(
            null,
            null,
            "tokens.csv",
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            null,
            null,
            null,
            null);
    AccessSettings rbacWithoutAuthenticators =
        new AccessSettings(
            null, null, null, null, null, null, null, null, null, false, "RBAC", null, null, null);
    AccessSettings bogus =
        new AccessSettings(
            null, null, null, null, null, null, null, null, null, false, "ABAC", null, null, null);

    assertThat(Authorizers.of(open, RbacPolicy.bootstrap()))
        .isSameAs(AlwaysAllowAuthorizer.INSTANCE);
    assertThat(Authorizers.of(tokens, RbacPolicy.bootstrap())).isInstanceOf(RbacAuthorizer.class);
    assertThat(Authorizers.of(rbacWithoutAuthenticators, RbacPolicy.bootstrap()))
        .isInstanceOf(RbacAuthorizer.class);
    assertThatThrownBy(() -> Authorizers.of(bogus, RbacPolicy.bootstrap()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ABAC");
  }
}
