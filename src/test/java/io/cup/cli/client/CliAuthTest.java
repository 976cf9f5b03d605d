package io.cup.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cup auth can-i} and {@code cup auth whoami}: the exact review each sends (checked by an
 * in-test server that refuses any other shape), how the type is resolved through {@code GET /apis}
 * (proposals built in and cluster-scoped), and what each prints and exits with, as kubectl.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CliAuthTest {
  @TempDir Path tmp;
  private ReviewServer server;
  private Cup cup;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = ReviewServer.http(vertx);
    cup = new Cup(CliServer.environment(tmp), tmp, "-a", server.address, "--token", "s3cret");
    // allowed: reading flags, and anything on /healthz; the rest denied, proposals with a reason
    server.access =
        spec -> {
          JsonObject resource = spec.getJsonObject("resourceAttributes");
          if (resource == null) {
            return new JsonObject()
                .put(
                    "allowed",
                    spec.getJsonObject("nonResourceAttributes")
                        .getString("path")
                        .equals("/healthz"));
          }
          boolean allowed =
              "flags".equals(resource.getString("resource"))
                  && List.of("get", "list", "watch").contains(resource.getString("verb"));
          JsonObject status = new JsonObject().put("allowed", allowed);
          if ("proposals".equals(resource.getString("resource"))) {
            status.put("denied", true).put("reason", "only reviewers merge proposals");
          }
          return status;
        };
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static JsonObject review(JsonObject spec) {
    return new JsonObject()
        .put("apiVersion", "authorization.k8s.io/v1")
        .put("kind", "SelfSubjectAccessReview")
        .put("spec", spec);
  }

  private static JsonObject resource(String... pairs) {
    JsonObject attributes = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      attributes.put(pairs[i], pairs[i + 1]);
    }
    return review(new JsonObject().put("resourceAttributes", attributes));
  }

  @Test
  void canIAsksAboutTheResolvedKindInTheNamespace() {
    Cup.Result list = cup.run("auth", "can-i", "list", "flags");
    assertThat(list.toString()).isEqualTo("exit 0\n--- stdout\nyes\n\n--- stderr\n");

    Cup.Result qualified =
        cup.run("auth", "can-i", "get", "flags.flipt.io/new-checkout", "-n", "staging");
    assertThat(qualified.exitCode()).as(qualified.toString()).isZero();
    Cup.Result byKind = cup.run("-n", "staging", "auth", "can-i", "delete", "Flag", "dark-mode");
    assertThat(byKind.toString()).isEqualTo("exit 1\n--- stdout\nno\n\n--- stderr\n");
    Cup.Result everywhere =
        cup.run("auth", "can-i", "watch", "flag", "--all-namespaces", "--subresource", "status");
    assertThat(everywhere.out()).isEqualTo("yes\n");

    assertThat(server.accessReviews())
        .containsExactly(
            resource(
                "verb",
                "list",
                "namespace",
                "default",
                "group",
                "flipt.io",
                "version",
                "v1alpha1",
                "resource",
                "flags"),
            resource(
                "verb",
                "get",
                "namespace",
                "staging",
                "group",
                "flipt.io",
                "version",
                "v1alpha1",
                "resource",
                "flags",
                "name",
                "new-checkout"),
            resource(
                "verb",
                "delete",
                "namespace",
                "staging",
                "group",
                "flipt.io",
                "version",
                "v1alpha1",
                "resource",
                "flags",
                "name",
                "dark-mode"),
            resource(
                "verb",
                "watch",
                "group",
                "flipt.io",
                "version",
                "v1alpha1",
                "resource",
                "flags",
                "subresource",
                "status"));
    assertThat(server.seen)
        .filteredOn(s -> s.path().equals(AuthCommand.ACCESS_REVIEWS))
        .allSatisfy(
            s -> {
              assertThat(s.method()).isEqualTo("POST");
              assertThat(s.authorization()).isEqualTo("Bearer s3cret");
              assertThat(s.contentType()).isEqualTo("application/json");
            });
  }

  @Test
  void proposalsAreClusterScopedAndAReasonFollowsNo() {
    Cup.Result merge = cup.run("auth", "can-i", "merge", "proposals", "-n", "staging");
    assertThat(merge.toString())
        .isEqualTo("exit 1\n--- stdout\nno - only reviewers merge proposals\n\n--- stderr\n");
    Cup.Result quiet = cup.run("auth", "can-i", "close", "proposal/01abc", "-q");
    assertThat(quiet.toString()).isEqualTo("exit 1\n--- stdout\n\n--- stderr\n");

    assertThat(server.accessReviews())
        .containsExactly(
            resource(
                "verb",
                "merge",
                "group",
                "cup.flipt.io",
                "version",
                "v1alpha1",
                "resource",
                "proposals"),
            resource(
                "verb",
                "close",
                "group",
                "cup.flipt.io",
                "version",
                "v1alpha1",
                "resource",
                "proposals",
                "name",
                "01abc"));
  }

  @Test
  void nonResourceUrlsWildcardsAndUnknownTypes() {
    assertThat(cup.run("auth", "can-i", "get", "/healthz").toString())
        .isEqualTo("exit 0\n--- stdout\nyes\n\n--- stderr\n");
    assertThat(cup.run("auth", "can-i", "get", "/metrics").out()).isEqualTo("no\n");
    Cup.Result all = cup.run("auth", "can-i", "*", "*");
    assertThat(all.toString()).isEqualTo("exit 1\n--- stdout\nno\n\n--- stderr\n");
    Cup.Result unknown = cup.run("auth", "can-i", "list", "widgets.example.com");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err())
        .isEqualTo(
            "Warning: the server doesn't have a resource type 'widgets' in group"
                + " 'example.com'\n");

    assertThat(server.accessReviews())
        .containsExactly(
            review(
                new JsonObject()
                    .put(
                        "nonResourceAttributes",
                        new JsonObject().put("path", "/healthz").put("verb", "get"))),
            review(
                new JsonObject()
                    .put(
                        "nonResourceAttributes",
                        new JsonObject().put("path", "/metrics").put("verb", "get"))),
            resource("verb", "*", "namespace", "default", "resource", "*"),
            resource(
                "verb",
                "list",
                "namespace",
                "default",
                "group",
                "example.com",
                "resource",
                "widgets"));

    Cup.Result misused = cup.run("auth", "can-i", "get", "/healthz", "x");
    assertThat(misused.exitCode()).isEqualTo(2);
    assertThat(misused.err()).contains("a non-resource URL takes no NAME");
    assertThat(cup.run("auth", "can-i", "get").exitCode()).isEqualTo(2);
  }

  @Test
  void withoutDiscoveryProposalsStillResolveAndOtherTypesGoAsTyped() {
    server.apisStatus = 403;
    Cup.Result merge = cup.run("auth", "can-i", "merge", "proposals");
    assertThat(merge.out()).isEqualTo("no - only reviewers merge proposals\n");
    assertThat(merge.err())
        .isEqualTo(
            "Warning: cannot read the served kinds (Error from server (Forbidden): no discovery);"
                + " only proposals are resolved\n");
    Cup.Result flags = cup.run("auth", "can-i", "list", "flags.flipt.io");
    assertThat(flags.out()).isEqualTo("yes\n");
    assertThat(flags.err()).contains("Warning: the server doesn't have a resource type 'flags'");

    assertThat(server.accessReviews())
        .containsExactly(
            resource(
                "verb",
                "merge",
                "group",
                "cup.flipt.io",
                "version",
                "v1alpha1",
                "resource",
                "proposals"),
            resource(
                "verb", "list", "namespace", "default", "group", "flipt.io", "resource", "flags"));
  }

  @Test
  void whoamiPrintsTheUserAsKubectlDoes() {
    server.anonymous =
        new JsonObject()
            .put("username", "alice@example.com")
            .put("uid", "1234")
            .put("groups", new JsonArray().add("devs").add("system:authenticated"))
            .put(
                "extra",
                new JsonObject()
                    .put("scopes", new JsonArray().add("openid").add("email"))
                    .put("iss", new JsonArray().add("https://issuer.example.com")));

    Cup.Result table = cup.run("auth", "whoami");
    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.out())
        .isEqualTo(
            "ATTRIBUTE       VALUE\n"
                + "Username        alice@example.com\n"
                + "UID             1234\n"
                + "Groups          [devs system:authenticated]\n"
                + "Extra: iss      [https://issuer.example.com]\n"
                + "Extra: scopes   [openid email]\n");

    Cup.Result json = cup.run("auth", "whoami", "-o", "json");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonObject printed = new JsonObject(json.out());
    assertThat(printed.getString("kind")).isEqualTo("SelfSubjectReview");
    assertThat(printed.getJsonObject("status").getJsonObject("userInfo"))
        .isEqualTo(server.anonymous);
    assertThat(cup.run("-o", "yaml", "auth", "whoami").out())
        .contains("kind: SelfSubjectReview")
        .contains("username: alice@example.com");
    assertThat(cup.run("auth", "whoami", "-o", "wide").exitCode()).isEqualTo(2);

    assertThat(server.seen)
        .filteredOn(s -> s.path().equals(AuthCommand.SELF_REVIEWS))
        .hasSize(3)
        .allSatisfy(
            s -> {
              assertThat(s.method()).isEqualTo("POST");
              assertThat(s.authorization()).isEqualTo("Bearer s3cret");
            });
  }

  @Test
  void aServerWithoutTheReviewsSaysSo() {
    Cup.Result old =
        new Cup(CliServer.environment(tmp), tmp, "-a", server.address + "/old")
            .run("auth", "whoami");
    assertThat(old.exitCode()).isEqualTo(1);
    assertThat(old.err())
        .contains("Error from server (NotFound)")
        .contains("the server does not serve selfsubjectreviews");
    // nothing to skip on plain http, so no warning
    Cup.Result plain = cup.run("--insecure-skip-tls-verify", "auth", "can-i", "get", "/healthz");
    assertThat(plain.toString()).isEqualTo("exit 0\n--- stdout\nyes\n\n--- stderr\n");
    Cup.Result noSubcommand = cup.run("auth");
    assertThat(noSubcommand.exitCode()).isEqualTo(2);
    assertThat(noSubcommand.err()).contains("can-i").contains("whoami");
  }
}
