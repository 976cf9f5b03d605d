package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cup.config.AccessSettings;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.Eventually;
import io.cup.testing.TestRepos;
import io.cup.testing.auth.OidcIssuer;
import io.cup.testing.auth.TestPki;
import io.cup.testing.auth.TokenFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Identity and access end to end, with real parts: the server over real TLS (certificates made
 * here), a real OIDC issuer on loopback (discovery and JWKS over HTTPS, RS256 keys made here), a
 * real token file, real RBAC documents in the resources directory, a real {@code git daemon}
 * remote. Every denied write is checked against the remote's refs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AccessEndToEndTest {
  private static final String STAGING = SERVICES.replace("/default/", "/staging/");
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals";
  private static final String ACCESS_REVIEW =
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  private static final String RULES_REVIEW =
      "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private static final String WHO_AM_I = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

  private static final String READER = "reader-token-0123456789";
  private static final String WRITER = "writer-token-0123456789";
  private static final String BOB = "bob-token-0123456789";
  private static final String APPROVER = "approver-token-0123456789";
  private static final String MAKER = "maker-token-0123456789";

  private static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: service-reader}
      rules:
      - apiGroups: ["apps.cup.io"]
        resources: ["services"]
        verbs: ["get", "list", "watch"]
      - apiGroups: ["cup.flipt.io"]
        resources: ["proposals"]
        verbs: ["get", "list", "watch"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: everyone-reads}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: service-reader}
      subjects:
      - {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: service-writer, namespace: default}
      rules:
      - apiGroups: ["apps.cup.io"]
        resources: ["services"]
        verbs: ["create", "update", "patch", "delete"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: devs-write, namespace: default}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: service-writer}
      subjects:
      - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: service-creator, namespace: default}
      rules:
      - apiGroups: ["apps.cup.io"]
        resources: ["services"]
        verbs: ["create"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: maker-creates, namespace: default}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: service-creator}
      subjects:
      - {kind: User, name: maker, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: proposal-approver}
      rules:
      - apiGroups: ["cup.flipt.io"]
        resources: ["proposals"]
        verbs: ["merge", "close"]
      - nonResourceURLs: ["/metrics"]
        verbs: ["get"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: approvers}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: proposal-approver}
      subjects:
      - {kind: Group, name: approvers, apiGroup: rbac.authorization.k8s.io}
      """;

  @TempDir Path tmp;
  private Fixture fixture;
  private Vertx vertx;
  private TestPki pki;
  private TestPki otherCa;
  private TestPki.Issued serverCert;
  private OidcIssuer issuer;
  private CupServer server;
  private Path tokenFile;
  private Path auditLog;
  private ServerConfig config;
  private final List<WebClient> clients = new ArrayList<>();
  private WebClient client;
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    logs = new ListAppender<>();
    logs.start();
    root().addAppender(logs);
    fixture = new Fixture(tmp);
    Files.writeString(fixture.resources.resolve("rbac.yaml"), RBAC);
    pki = TestPki.create(tmp.resolve("pki"));
    otherCa = TestPki.create(tmp.resolve("other-pki"), "other-ca");
    serverCert = pki.serverCertificate(tmp.resolve("server-tls"));
    issuer = OidcIssuer.start(vertx, pki).await(2, TimeUnit.MINUTES);
    tokenFile =
        TokenFile.write(
            tmp.resolve("tokens.csv"),
            READER + ",reader,u-1",
            WRITER + ",writer,u-2,devs",
            BOB + ",bob,u-3,\"devs,testers\"",
            APPROVER + ",approver,u-4,approvers",
            MAKER + ",maker,u-5");
    auditLog = tmp.resolve("audit").resolve("audit.log");
    config =
        fixture
            .config(tmp.resolve("data"), 500)
            .withAccess(
                new AccessSettings(
                    serverCert.certificate().toString(),
                    serverCert.privateKey().toString(),
                    tokenFile.toString(),
                    issuer.issuer(),
                    OidcIssuer.CLIENT_ID,
                    null,
                    null,
                    issuer.caFile().toString(),
                    pki.caFile().toString(),
                    false,
                    null,
                    auditLog.toString(),
                    "example.test",
                    null));
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    client = client(null);
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(WebClient::close);
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    if (issuer != null) {
      issuer.close().await(2, TimeUnit.MINUTES);
    }
    fixture.daemon.close();
    root().detachAppender(logs);
  }

  // -- authentication
  // ------------------------------------------------------------------------------

  @Test
  void everyVerbWithoutValidCredentialsIs401AndChangesNothing() throws Exception {
    Map<String, ObjectId> refs = TestRepos.refs(fixture.remote);
    long now = Instant.now().getEpochSecond();
    Map<String, WebClient> withCertificates = new LinkedHashMap<>();
    withCertificates.put(
        "a client certificate from another CA",
        client(otherCa.clientCertificate(tmp.resolve("other"), "writer", List.of("devs"))));
    withCertificates.put(
        "an expired client certificate",
        client(pki.expiredClientCertificate(tmp.resolve("expired"), "writer", List.of("devs"))));
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("no credentials", null);
    tokens.put("an unknown token", "not-a-known-token");
    tokens.put("an expired JWT", issuer.token(new JsonObject().put("exp", now - 60)));
    tokens.put(
        "a not-yet-valid JWT",
        issuer.token(new JsonObject().put("nbf", now + 600).put("exp", now + 1200)));
    tokens.put("a JWT for another audience", issuer.token(new JsonObject().put("aud", "other")));
    tokens.put(
        "a JWT from another issuer",
        issuer.token(new JsonObject().put("iss", "https://issuer.invalid")));
    tokens.put("a tampered JWT", OidcIssuer.tamper(issuer.token()));
    tokens.put(
        "a JWT signed by an unpublished key", issuer.tokenSignedByUnknownKey(new JsonObject()));

    List<Call> calls = everyVerb();
    for (Map.Entry<String, String> token : tokens.entrySet()) {
      for (Call call : calls) {
        assertUnauthorized(call.send(client, token.getValue()), token.getKey() + ": " + call);
      }
    }
    for (Map.Entry<String, WebClient> certificate : withCertificates.entrySet()) {
      for (Call call : calls) {
        assertUnauthorized(
            call.send(certificate.getValue(), null), certificate.getKey() + ": " + call);
      }
    }
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refs);
    // the health checks stay open
    for (String path : List.of("/healthz", "/livez", "/readyz")) {
      assertThat(send(client, HttpMethod.GET, path, null, null).statusCode())
          .as(path)
          .isEqualTo(200);
    }
  }

  @Test
  void oidcTokensAuthenticateAndKeysRotate() throws Exception {
    String token =
        issuer.token(
            new JsonObject()
                .put("sub", "carol")
                .put("email", "carol@example.com")
                .put("groups", new JsonArray().add("devs")));
    JsonObject me = whoAmI(client, token);
    assertThat(me.getString("username")).isEqualTo("carol");
    assertThat(me.getJsonArray("groups").getList()).containsExactly("devs", "system:authenticated");

    // carol (group devs) writes: the commit is hers, with the address the issuer gave
    HttpResponse<Buffer> put = putService(client, token, SERVICES + "/web", "default", "web", 4);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    PersonIdent author = proposalCommit(id).getAuthorIdent();
    assertThat(author.getName()).isEqualTo("carol");
    assertThat(author.getEmailAddress()).isEqualTo("carol@example.com");

    // the issuer rotates its key and stops publishing the old one: a token naming the new key
    // verifies after the JWKS is fetched again
    int fetches = issuer.jwksFetches();
    issuer.rotateKey(OidcIssuer.Publish.NEW_ONLY);
    String rotated = issuer.token(new JsonObject().put("sub", "carol"));
    assertThat(whoAmI(client, rotated).getString("username")).isEqualTo("carol");
    assertThat(issuer.jwksFetches()).isGreaterThan(fetches);
  }

  @Test
  void clientCertificatesAuthenticateAsCommonNameAndOrganizations() throws Exception {
    TestPki.Issued dave =
        pki.clientCertificate(tmp.resolve("dave"), "dave", List.of("devs", "ops"));
    WebClient withCertificate = client(dave);
    JsonObject me = whoAmI(withCertificate, null);
    assertThat(me.getString("username")).isEqualTo("dave");
    assertThat(me.getJsonArray("groups").getList())
        .containsExactly("devs", "ops", "system:authenticated");
    HttpResponse<Buffer> put =
        putService(withCertificate, null, SERVICES + "/api", "default", "api", 7);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    RevCommit commit = proposalCommit(put.bodyAsJsonObject().getString("id"));
    assertThat(commit.getAuthorIdent().getName()).isEqualTo("dave");
    assertThat(commit.getAuthorIdent().getEmailAddress()).isEqualTo("dave@example.test");
  }

  @Test
  void aRotatedTokenFileIsPickedUpWithoutRestart() throws IOException {
    assertThat(send(client, HttpMethod.GET, SERVICES, READER, null).statusCode()).isEqualTo(200);
    String fresh = "fresh-token-0123456789";
    Path next = tmp.resolve("tokens.next");
    Files.writeString(next, fresh + ",reader,u-1\n");
    Files.move(
        next,
        tokenFile,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    // each API instance re-reads the file on its own: wait until every answer says so
    eventually(
        () -> {
          for (int i = 0; i < 6; i++) {
            if (send(client, HttpMethod.GET, SERVICES, fresh, null).statusCode() != 200
                || send(client, HttpMethod.GET, SERVICES, READER, null).statusCode() != 401) {
              return false;
            }
          }
          return true;
        },
        "the new token is accepted and the removed one refused");
    assertUnauthorized(send(client, HttpMethod.GET, SERVICES, READER, null), "the removed token");
  }

  @Test
  void aChangedCertificateIsServedWithoutRestart() throws Exception {
    BigInteger before = servedSerial();
    assertThat(before).isEqualTo(serverCert.serial());
    TestPki.Issued renewed = pki.serverCertificate(tmp.resolve("server-tls"));
    assertThat(renewed.certificate()).isEqualTo(serverCert.certificate());
    eventually(() -> renewed.serial().equals(servedSerial()), "the renewed certificate is served");
    assertThat(send(client(null), HttpMethod.GET, SERVICES, READER, null).statusCode())
        .isEqualTo(200);
  }

  // -- authorization
  // ---------------------------------------------------------------------------------

  @Test
  void rbacDecidesByVerbNamespaceAndName() throws Exception {
    Map<String, ObjectId> refs = TestRepos.refs(fixture.remote);

    // a reader reads, and may not write or merge
    assertThat(send(client, HttpMethod.GET, SERVICES, READER, null).statusCode()).isEqualTo(200);
    assertThat(send(client, HttpMethod.GET, SERVICES + "/web", READER, null).statusCode())
        .isEqualTo(200);
    assertForbidden(
        putService(client, READER, SERVICES + "/web", "default", "web", 9),
        "services.apps.cup.io \"web\" is forbidden: User \"reader\" cannot update resource"
            + " \"services\" in API group \"apps.cup.io\" in the namespace \"default\"");
    assertForbidden(
        send(client, HttpMethod.DELETE, SERVICES + "/web", READER, null),
        "services.apps.cup.io \"web\" is forbidden: User \"reader\" cannot delete resource"
            + " \"services\" in API group \"apps.cup.io\" in the namespace \"default\"");
    assertForbidden(
        send(client, HttpMethod.GET, "/metrics", READER, null),
        "forbidden: User \"reader\" cannot get path \"/metrics\"");
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refs);

    // a writer in default writes there, and nowhere else
    HttpResponse<Buffer> put = putService(client, WRITER, SERVICES + "/web", "default", "web", 3);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    JsonObject accepted = put.bodyAsJsonObject();
    String id = accepted.getString("id");
    assertThat(accepted.getJsonObject("proposal").getJsonObject("createdBy").getString("username"))
        .isEqualTo("writer");
    RevCommit commit = proposalCommit(id);
    assertThat(commit.getAuthorIdent().getName()).isEqualTo("writer");
    assertThat(commit.getAuthorIdent().getEmailAddress()).isEqualTo("writer@example.test");
    assertThat(commit.getCommitterIdent().getName()).isEqualTo("Cup Test");

    Map<String, ObjectId> afterWrite = TestRepos.refs(fixture.remote);
    assertForbidden(
        putService(client, WRITER, STAGING + "/web", "staging", "web", 3),
        "services.apps.cup.io \"web\" is forbidden: User \"writer\" cannot update resource"
            + " \"services\" in API group \"apps.cup.io\" in the namespace \"staging\"");
    // adding to a proposal needs update on it
    assertForbidden(
        putService(client, BOB, SERVICES + "/api?proposal=" + id, "default", "api", 8),
        "proposals.cup.flipt.io \""
            + id
            + "\" is forbidden: User \"bob\" cannot update resource \"proposals\" in API group"
            + " \"cup.flipt.io\" at the cluster scope");
    // a writer cannot merge
    assertForbidden(
        send(client, HttpMethod.POST, PROPOSALS + "/" + id + "/merge", WRITER, null),
        "proposals.cup.flipt.io \""
            + id
            + "\" is forbidden: User \"writer\" cannot merge resource \"proposals\" in API group"
            + " \"cup.flipt.io\" at the cluster scope");
    // create only: a new resource yes, an existing one no
    assertForbidden(
        putService(client, MAKER, SERVICES + "/web", "default", "web", 6),
        "services.apps.cup.io \"web\" is forbidden: User \"maker\" cannot update resource"
            + " \"services\" in API group \"apps.cup.io\" in the namespace \"default\"");
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(afterWrite);
    HttpResponse<Buffer> created =
        putService(client, MAKER, SERVICES + "/worker", "default", "worker", 1);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(202);

    // an approver merges, and the record says who
    HttpResponse<Buffer> merged =
        send(client, HttpMethod.POST, PROPOSALS + "/" + id + "/merge", APPROVER, null);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
    JsonObject status = merged.bodyAsJsonObject().getJsonObject("status");
    assertThat(status.getString("state")).isEqualTo("merged");
    assertThat(status.getJsonObject("mergedBy").getString("username")).isEqualTo("approver");
    assertThat(send(client, HttpMethod.GET, "/metrics", APPROVER, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aProposalsAuthorMayCloseItAndNobodyElseWithoutTheVerb() throws Exception {
    HttpResponse<Buffer> put = putService(client, WRITER, SERVICES + "/web", "default", "web", 3);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    Map<String, ObjectId> refs = TestRepos.refs(fixture.remote);
    assertForbidden(
        send(client, HttpMethod.POST, PROPOSALS + "/" + id + "/close", BOB, null),
        "proposals.cup.flipt.io \""
            + id
            + "\" is forbidden: User \"bob\" cannot close resource \"proposals\" in API group"
            + " \"cup.flipt.io\" at the cluster scope");
    assertThat(TestRepos.refs(fixture.remote)).isEqualTo(refs);
    HttpResponse<Buffer> closed =
        send(client, HttpMethod.POST, PROPOSALS + "/" + id + "/close", WRITER, null);
    assertThat(closed.statusCode()).as(closed.bodyAsString()).isEqualTo(200);
    JsonObject status = closed.bodyAsJsonObject().getJsonObject("status");
    assertThat(status.getString("state")).isEqualTo("closed");
    assertThat(status.getJsonObject("closedBy").getString("username")).isEqualTo("writer");
  }

  @Test
  void selfReviewsAnswerInKubernetesShapes() throws Exception {
    HttpResponse<Buffer> allowed =
        send(
            client,
            HttpMethod.POST,
            ACCESS_REVIEW,
            WRITER,
            accessReview("default", "update", "apps.cup.io", "services", "web"));
    assertThat(allowed.statusCode()).as(allowed.bodyAsString()).isEqualTo(201);
    JsonObject review = allowed.bodyAsJsonObject();
    assertThat(review.getString("kind")).isEqualTo("SelfSubjectAccessReview");
    assertThat(review.getJsonObject("status").getBoolean("allowed")).isTrue();
    assertThat(
            send(
                    client,
                    HttpMethod.POST,
                    ACCESS_REVIEW,
                    WRITER,
                    accessReview("staging", "update", "apps.cup.io", "services", "web"))
                .bodyAsJsonObject()
                .getJsonObject("status")
                .getBoolean("allowed"))
        .isFalse();
    JsonObject nonResource =
        new JsonObject()
            .put("apiVersion", "authorization.k8s.io/v1")
            .put("kind", "SelfSubjectAccessReview")
            .put(
                "spec",
                new JsonObject()
                    .put(
                        "nonResourceAttributes",
                        new JsonObject().put("path", "/metrics").put("verb", "get")));
    assertThat(
            send(client, HttpMethod.POST, ACCESS_REVIEW, APPROVER, nonResource)
                .bodyAsJsonObject()
                .getJsonObject("status")
                .getBoolean("allowed"))
        .isTrue();
    HttpResponse<Buffer> bad =
        send(
            client,
            HttpMethod.POST,
            ACCESS_REVIEW,
            WRITER,
            new JsonObject().put("spec", new JsonObject()));
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(bad.bodyAsJsonObject().getString("kind")).isEqualTo("Status");

    JsonObject rules =
        send(
                client,
                HttpMethod.POST,
                RULES_REVIEW,
                WRITER,
                new JsonObject()
                    .put("apiVersion", "authorization.k8s.io/v1")
                    .put("kind", "SelfSubjectRulesReview")
                    .put("spec", new JsonObject().put("namespace", "default")))
            .bodyAsJsonObject()
            .getJsonObject("status");
    assertThat(rules.getJsonArray("resourceRules").encode())
        .contains("\"update\"")
        .contains("services");

    JsonObject me = whoAmI(client, BOB);
    assertThat(me.getString("username")).isEqualTo("bob");
    assertThat(me.getString("uid")).isEqualTo("u-3");
    assertThat(me.getJsonArray("groups").getList())
        .containsExactly("devs", "testers", "system:authenticated");
  }

  // -- audit and logs
  // --------------------------------------------------------------------------------

  @Test
  void theAuditLogHasAcceptedAndDeniedWritesAndNoLogHasAToken() throws Exception {
    HttpResponse<Buffer> put = putService(client, WRITER, SERVICES + "/web", "default", "web", 3);
    assertThat(put.statusCode()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    assertThat(putService(client, READER, SERVICES + "/web", "default", "web", 9).statusCode())
        .isEqualTo(403);
    assertThat(send(client, HttpMethod.GET, SERVICES, "wrong-token", null).statusCode())
        .isEqualTo(401);
    String jwt = issuer.token(new JsonObject().put("sub", "carol"));
    assertThat(whoAmI(client, jwt).getString("username")).isEqualTo("carol");
    assertThat(send(client, HttpMethod.GET, SERVICES, OidcIssuer.tamper(jwt), null).statusCode())
        .isEqualTo(401);

    List<JsonObject> events = new ArrayList<>();
    eventually(
        () -> {
          events.clear();
          events.addAll(auditEvents());
          return events.stream().anyMatch(e -> code(e) == 401);
        },
        "the audit log has the three requests");
    JsonObject accepted = events.stream().filter(e -> code(e) == 202).findFirst().orElseThrow();
    assertThat(accepted.getString("apiVersion")).isEqualTo("audit.k8s.io/v1");
    assertThat(accepted.getString("kind")).isEqualTo("Event");
    assertThat(accepted.getString("level")).isEqualTo("Metadata");
    assertThat(accepted.getString("stage")).isEqualTo("ResponseComplete");
    assertThat(accepted.getString("verb")).isEqualTo("update");
    assertThat(accepted.getJsonObject("user").getString("username")).isEqualTo("writer");
    assertThat(accepted.getJsonObject("objectRef").getString("namespace")).isEqualTo("default");
    assertThat(accepted.getJsonObject("objectRef").getString("name")).isEqualTo("web");
    assertThat(accepted.getJsonObject("objectRef").getString("resource")).isEqualTo("services");
    assertThat(accepted.getJsonArray("sourceIPs").getList()).contains("127.0.0.1");
    assertThat(accepted.getJsonObject("annotations").getString("cup.flipt.io/proposal"))
        .isEqualTo(id);
    JsonObject denied = events.stream().filter(e -> code(e) == 403).findFirst().orElseThrow();
    assertThat(denied.getJsonObject("user").getString("username")).isEqualTo("reader");
    assertThat(denied.getJsonObject("annotations").getString("authorization.k8s.io/decision"))
        .isEqualTo("forbid");
    // reads, and the who-am-I review (a question, not a write), are not audited
    assertThat(events).noneMatch(e -> "list".equals(e.getString("verb")) && code(e) == 200);
    assertThat(events)
        .noneMatch(e -> e.getString("requestURI").contains("selfsubject") && code(e) == 201);

    String everything =
        logs.list.stream()
                .map(e -> e.getFormattedMessage() + " " + e.getThrowableProxy())
                .reduce("", String::concat)
            + readAudit();
    for (String token :
        List.of(READER, WRITER, BOB, APPROVER, MAKER, jwt, "wrong-token", jwt.split("\\.")[2])) {
      assertThat(everything).doesNotContain(token);
    }
  }

  // -- helpers
  // ---------------------------------------------------------------------------------------

  /** One request of each verb the API has. */
  private List<Call> everyVerb() {
    JsonObject web = new JsonObject(Fixture.service("default", "web", 9, "tier", "frontend"));
    JsonObject review = accessReview("default", "get", "apps.cup.io", "services", "web");
    return List.of(
        new Call(HttpMethod.GET, SERVICES, null),
        new Call(HttpMethod.GET, SERVICES + "/web", null),
        new Call(HttpMethod.GET, SERVICES + "?watch=true", null),
        new Call(HttpMethod.POST, SERVICES, web),
        new Call(HttpMethod.PUT, SERVICES + "/web", web),
        new Call(
            HttpMethod.PATCH, SERVICES + "/web", new JsonObject().put("spec", new JsonObject())),
        new Call(HttpMethod.DELETE, SERVICES + "/web", null),
        new Call(HttpMethod.GET, PROPOSALS, null),
        new Call(HttpMethod.POST, PROPOSALS + "/p1/merge", null),
        new Call(HttpMethod.POST, PROPOSALS + "/p1/close", null),
        new Call(HttpMethod.GET, "/metrics", null),
        new Call(HttpMethod.GET, "/apis", null),
        new Call(HttpMethod.POST, ACCESS_REVIEW, review));
  }

  private record Call(HttpMethod method, String path, JsonObject body) {
    HttpResponse<Buffer> send(WebClient client, String token) {
      return AccessEndToEndTest.send(client, method, path, token, body);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static HttpResponse<Buffer> send(
      WebClient client, HttpMethod method, String path, String token, JsonObject body) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    if (body != null) {
      request.putHeader(
          "Content-Type",
          method == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json");
    }
    Future<HttpResponse<Buffer>> answer =
        body == null ? request.send() : request.sendBuffer(Buffer.buffer(body.encode()));
    try {
      return answer.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer to " + method + " " + path + " in 30 s", e);
    }
  }

  private HttpResponse<Buffer> putService(
      WebClient client, String token, String path, String namespace, String name, int replicas) {
    JsonObject body = new JsonObject(Fixture.service(namespace, name, replicas, "tier", "x"));
    return send(client, HttpMethod.PUT, path, token, body);
  }

  private static JsonObject whoAmI(WebClient client, String token) {
    HttpResponse<Buffer> answer =
        send(
            client,
            HttpMethod.POST,
            WHO_AM_I,
            token,
            new JsonObject()
                .put("apiVersion", "authentication.k8s.io/v1")
                .put("kind", "SelfSubjectReview"));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(201);
    return answer.bodyAsJsonObject().getJsonObject("status").getJsonObject("userInfo");
  }

  private static JsonObject accessReview(
      String namespace, String verb, String group, String resource, String name) {
    return new JsonObject()
        .put("apiVersion", "authorization.k8s.io/v1")
        .put("kind", "SelfSubjectAccessReview")
        .put(
            "spec",
            new JsonObject()
                .put(
                    "resourceAttributes",
                    new JsonObject()
                        .put("namespace", namespace)
                        .put("verb", verb)
                        .put("group", group)
                        .put("resource", resource)
                        .put("name", name)));
  }

  private static void assertUnauthorized(HttpResponse<Buffer> answer, String what) {
    assertThat(answer.statusCode()).as(what + ": " + answer.bodyAsString()).isEqualTo(401);
    assertThat(answer.getHeader("WWW-Authenticate")).as(what).isEqualTo("Bearer");
    JsonObject status = answer.bodyAsJsonObject();
    assertThat(status.getString("kind")).as(what).isEqualTo("Status");
    assertThat(status.getString("reason")).as(what).isEqualTo("Unauthorized");
    assertThat(status.getString("message")).as(what).isEqualTo("Unauthorized");
    assertThat(status.getInteger("code")).as(what).isEqualTo(401);
  }

  private static void assertForbidden(HttpResponse<Buffer> answer, String message) {
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(403);
    JsonObject status = answer.bodyAsJsonObject();
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("reason")).isEqualTo("Forbidden");
    assertThat(status.getString("message")).isEqualTo(message);
  }

  private RevCommit proposalCommit(String id) {
    return TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
  }

  /** A client of the server over HTTPS trusting the test CA, with a client certificate or none. */
  private WebClient client(TestPki.Issued certificate) {
    WebClientOptions options =
        new WebClientOptions()
            .setSsl(true)
            .setVerifyHost(true)
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(server.config().port())
            .setTrustOptions(new PemTrustOptions().addCertPath(pki.caFile().toString()));
    if (certificate != null) {
      options.setKeyCertOptions(
          new PemKeyCertOptions()
              .setCertPath(certificate.certificate().toString())
              .setKeyPath(certificate.privateKey().toString()));
    }
    WebClient created = WebClient.create(vertx, options);
    clients.add(created);
    return created;
  }

  /** The serial of the certificate the server presents to a new connection. */
  private BigInteger servedSerial() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (var in = Files.newInputStream(pki.caFile())) {
        trust.setCertificateEntry(
            "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      try (SSLSocket socket =
          (SSLSocket)
              context.getSocketFactory().createSocket("127.0.0.1", server.config().port())) {
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
      }
    } catch (Exception e) {
      throw new AssertionError("TLS handshake with the server failed", e);
    }
  }

  private List<JsonObject> auditEvents() {
    List<JsonObject> events = new ArrayList<>();
    for (String line : readAudit().split("\n")) {
      if (!line.isBlank()) {
        events.add(new JsonObject(line));
      }
    }
    return events;
  }

  private String readAudit() {
    try {
      return Files.exists(auditLog) ? Files.readString(auditLog, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static int code(JsonObject event) {
    return event.getJsonObject("responseStatus").getInteger("code");
  }

  /** Waits for {@code condition} for up to 10 seconds (polling), then fails. */
  private static void eventually(Eventually.Condition condition, String what) {
    Eventually.until(what, Duration.ofSeconds(10), condition);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
