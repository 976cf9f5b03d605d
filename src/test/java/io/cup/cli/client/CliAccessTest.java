package io.cup.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.auth.TestPki;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cup auth can-i} and {@code cup auth whoami} against a real server started by the real
 * {@code serve} command line with TLS, a token file, a client CA and RBAC documents.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CliAccessTest {
  private static final String READER = "reader-token-0123456789";
  private static final String APPROVER = "approver-token-0123456789";
  private static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: service-reader}
      rules:
      - apiGroups: [apps.cup.io]
        resources: [services]
        verbs: [get, list, watch]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: readers}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: service-reader}
      subjects:
      - {kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: approver}
      rules:
      - apiGroups: [cup.flipt.io]
        resources: [proposals]
        verbs: [get, list, merge, close]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: approvers}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: approver}
      subjects:
      - {kind: Group, name: approvers, apiGroup: rbac.authorization.k8s.io}
      """;

  @TempDir Path tmp;
  private TestPki pki;
  private CliServer server;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    pki = TestPki.create(tmp.resolve("pki"));
    TestPki.Issued tls = pki.serverCertificate(tmp.resolve("tls"));
    Path tokens = tmp.resolve("tokens.csv");
    Files.writeString(
        tokens, READER + ",reader,u-1,readers\n" + APPROVER + ",ann,u-2,\"approvers,readers\"\n");
    server =
        new CliServer(
            vertx,
            tmp.resolve("server"),
            10_000,
            resources -> {
              try {
                Files.writeString(resources.resolve("rbac.yaml"), RBAC);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return List.of(
                  "--api-tls-cert-file",
                  tls.certificate().toString(),
                  "--api-tls-private-key-file",
                  tls.privateKey().toString(),
                  "--api-token-auth-file",
                  tokens.toString(),
                  "--api-client-ca-file",
                  pki.caFile().toString());
            });
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void canIAnswersWhatTheServersRbacSays() {
    Cup reader = cup("--token", READER);
    Cup.Result list = reader.run("auth", "can-i", "list", "services");
    assertThat(list.out()).as(list.toString()).isEqualTo("yes\n");
    assertThat(list.exitCode()).isZero();
    Cup.Result update = reader.run("auth", "can-i", "update", "services", "web");
    assertThat(update.out()).as(update.toString()).startsWith("no");
    assertThat(update.exitCode()).isEqualTo(1);
    assertThat(reader.run("auth", "can-i", "merge", "proposals").exitCode()).isEqualTo(1);
    assertThat(reader.run("auth", "can-i", "get", "/metrics").exitCode()).isEqualTo(1);
    // discovery is every authenticated user's
    assertThat(reader.run("auth", "can-i", "get", "/apis").exitCode()).isZero();

    Cup approver = cup("--token", APPROVER);
    Cup.Result merge = approver.run("auth", "can-i", "merge", "proposals");
    assertThat(merge.out()).as(merge.toString()).isEqualTo("yes\n");
    assertThat(merge.exitCode()).isZero();

    // a wrong token: no yes or no, the server's 401 (and, as kubectl, exit 1)
    Cup.Result unknown = cup("--token", "wrong").run("auth", "can-i", "list", "services");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).contains("Unauthorized").doesNotContain("wrong");
  }

  @Test
  void whoamiShowsTheUserOfATokenOrACertificate() {
    Cup.Result byToken = cup("--token", APPROVER).run("auth", "whoami", "-o", "json");
    assertThat(byToken.exitCode()).as(byToken.toString()).isZero();
    assertThat(byToken.out())
        .contains("\"username\": \"ann\"")
        .contains("approvers")
        .contains("system:authenticated");

    TestPki.Issued dave =
        pki.clientCertificate(tmp.resolve("dave"), "dave", List.of("readers", "ops"));
    Cup.Result byCertificate =
        cup(
                "--client-certificate",
                dave.certificate().toString(),
                "--client-key",
                dave.privateKey().toString())
            .run("auth", "whoami");
    assertThat(byCertificate.exitCode()).as(byCertificate.toString()).isZero();
    assertThat(byCertificate.out()).contains("dave").contains("[readers ops system:authenticated]");
  }

  /** The client, trusting the test CA, with {@code more} global options. */
  private Cup cup(String... more) {
    String[] before = new String[4 + more.length];
    before[0] = "-a";
    before[1] = server.address;
    before[2] = "--certificate-authority";
    before[3] = pki.caFile().toString();
    System.arraycopy(more, 0, before, 4, more.length);
    return new Cup(Map.of("HOME", tmp.toString()), tmp, before);
  }
}
