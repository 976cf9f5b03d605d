package io.cup.e2e;

import io.cup.config.AccessSettings;
import io.cup.testing.auth.TokenFile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI (issue 15) in a real headless Chromium against the whole server on a real {@code git
 * daemon} remote, with static tokens and RBAC: {@code ui/e2e/ui.test.mjs} (Node's test runner and
 * playwright-core driving Debian's {@code chromium}) signs in, browses the demo's flags, edits one
 * through the form, previews, proposes (the branch changes exactly that file), sees a 422 at its
 * field and a push appear without reload, merges from the UI (main moves), reads the history, and
 * checks that a user who may not merge sees no Merge button; axe-core runs on every page. The
 * screenshots it takes go to {@code target/ui-screenshots/} (docs/ui/ holds a copy).
 */
@ExtendWith(VertxExtension.class)
class WebUiBrowserTest {
  private static final String ALICE = "alice-token-0123456789abcdef";
  private static final String BOB = "bob-token-0123456789abcdef";

  private static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: flag-editor}
      rules:
      - apiGroups: ["flipt.io"]
        resources: ["*"]
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
      - apiGroups: ["cup.flipt.io"]
        resources: ["proposals"]
        verbs: ["get", "list", "watch", "update"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: everyone-edits}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: flag-editor}
      subjects:
      - {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: proposal-approver}
      rules:
      - apiGroups: ["cup.flipt.io"]
        resources: ["proposals"]
        verbs: ["merge", "close"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: approvers}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: proposal-approver}
      subjects:
      - {kind: Group, name: approvers, apiGroup: rbac.authorization.k8s.io}
      """;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void aPersonWhoNeverUsedGitChangesAFlagAndSomeoneAllowedMergesIt(Vertx vertx) throws Exception {
    UiSpecs.requireBrowser();

    Path tokens =
        TokenFile.write(
            tmp.resolve("tokens.csv"), ALICE + ",alice,u-1,approvers", BOB + ",bob,u-2,writers");
    Path screenshots = Files.createDirectories(Path.of("target", "ui-screenshots"));
    try (FlagsServer cup =
        FlagsServer.start(
            vertx,
            tmp,
            RBAC,
            AccessSettings.fromJson(
                new JsonObject()
                    .put("tokenAuthFile", tokens.toString())
                    .put("authorizationMode", AccessSettings.RBAC)))) {
      UiSpecs.run(
          "ui.test.mjs",
          Map.of(
              "CUP_URL", cup.url(),
              "CUP_REMOTE", cup.remote.toAbsolutePath().toString(),
              "CUP_ADMIN_TOKEN", ALICE,
              "CUP_WRITER_TOKEN", BOB,
              "CUP_SCREENSHOTS", screenshots.toAbsolutePath().toString()),
          Duration.ofMinutes(8));
    }
  }
}
