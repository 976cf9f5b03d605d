package io.cup.cli.client;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A stand-in for the server's review endpoints until they land: a Vert.x HTTP(S) server that serves
 * {@code GET /apis} (the kinds {@code flags.flipt.io} and {@code services.apps.cup.io}) and checks
 * that the review requests have Kubernetes' exact shapes (a 400 Status otherwise), answering as the
 * test says. Over TLS it can require a client certificate and then takes the user from its CN and
 * the groups from its O's, as the server will.
 */
final class ReviewServer implements AutoCloseable {
  /** One request, as the server saw it. */
  record Seen(
      String method, String path, String authorization, String contentType, JsonObject body) {}

  private static final Set<String> RESOURCE_KEYS =
      Set.of("namespace", "verb", "group", "version", "resource", "subresource", "name");
  private static final Set<String> NON_RESOURCE_KEYS = Set.of("path", "verb");

  private final HttpServer server;
  final String address;
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  /** The CN of each client certificate presented, in order. */
  final List<String> clientNames = new CopyOnWriteArrayList<>();

  /** The {@code status} answered to an access review's {@code spec}. */
  volatile Function<JsonObject, JsonObject> access = spec -> new JsonObject().put("allowed", true);

  /** The {@code userInfo} answered to a self review without a client certificate. */
  volatile JsonObject anonymous =
      new JsonObject()
          .put("username", "system:anonymous")
          .put("groups", new JsonArray().add("system:unauthenticated"));

  /** Set to 403 to forbid {@code GET /apis}, as a server may for a user without discovery. */
  volatile int apisStatus = 200;

  private ReviewServer(Vertx vertx, HttpServerOptions options, String scheme) throws Exception {
    this.server =
        vertx
            .createHttpServer(options)
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .await(2, TimeUnit.MINUTES);
    this.address = scheme + "://127.0.0.1:" + server.actualPort();
  }

  static ReviewServer http(Vertx vertx) throws Exception {
    return new ReviewServer(vertx, new HttpServerOptions(), "http");
  }

  /**
   * @param clientAuthority when not null, a client certificate it signed is required
   */
  static ReviewServer https(
      Vertx vertx, TestCertificates.Issued certificate, TestCertificates.Issued clientAuthority)
      throws Exception {
    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .addKeyValue(Buffer.buffer(certificate.pkcs8Pem()))
                    .addCertValue(Buffer.buffer(certificate.certificatePem())));
    if (clientAuthority != null) {
      options
          .setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(
              new PemTrustOptions().addCertValue(Buffer.buffer(clientAuthority.certificatePem())));
    }
    return new ReviewServer(vertx, options, "https");
  }

  /** The bodies of the access reviews asked, in order. */
  List<JsonObject> accessReviews() {
    List<JsonObject> bodies = new ArrayList<>();
    for (Seen s : seen) {
      if (s.path().equals(AuthCommand.ACCESS_REVIEWS)) {
        bodies.add(s.body());
      }
    }
    return bodies;
  }

  @Override
  public void close() throws Exception {
    server.close().await(2, TimeUnit.MINUTES);
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            buffer -> {
              JsonObject body = buffer.length() == 0 ? null : new JsonObject(buffer);
              seen.add(
                  new Seen(
                      request.method().name(),
                      request.path(),
                      request.getHeader("Authorization"),
                      request.getHeader("Content-Type"),
                      body));
              String path = request.path();
              String method = request.method().name();
              if (method.equals("GET") && path.equals("/apis") && apisStatus != 200) {
                answer(request, apisStatus, status(apisStatus, "Forbidden", "no discovery"));
              } else if (method.equals("GET") && path.equals("/apis")) {
                answer(request, 200, apis());
              } else if (method.equals("POST") && path.equals(AuthCommand.ACCESS_REVIEWS)) {
                accessReview(request, body);
              } else if (method.equals("POST") && path.equals(AuthCommand.SELF_REVIEWS)) {
                selfReview(request, body);
              } else {
                answer(request, 404, status(404, "NotFound", "no route " + method + " " + path));
              }
            });
  }

  private void accessReview(HttpServerRequest request, JsonObject body) {
    String problem = accessReviewProblem(request, body);
    if (problem != null) {
      answer(request, 400, status(400, "BadRequest", problem));
      return;
    }
    JsonObject answer = body.copy();
    answer.put("status", access.apply(body.getJsonObject("spec")));
    answer(request, 201, answer);
  }

  private static String accessReviewProblem(HttpServerRequest request, JsonObject body) {
    if (!"application/json".equals(request.getHeader("Content-Type"))) {
      return "Content-Type is not application/json";
    }
    if (body == null
        || !"authorization.k8s.io/v1".equals(body.getString("apiVersion"))
        || !"SelfSubjectAccessReview".equals(body.getString("kind"))
        || !(body.getValue("spec") instanceof JsonObject spec)) {
      return "not a SelfSubjectAccessReview: " + body;
    }
    JsonObject resource = spec.getJsonObject("resourceAttributes");
    JsonObject nonResource = spec.getJsonObject("nonResourceAttributes");
    if ((resource == null) == (nonResource == null) || spec.size() != 1) {
      return "spec needs exactly one of resourceAttributes and nonResourceAttributes: " + spec;
    }
    JsonObject attributes = resource != null ? resource : nonResource;
    Set<String> allowed = resource != null ? RESOURCE_KEYS : NON_RESOURCE_KEYS;
    for (String key : attributes.fieldNames()) {
      if (!allowed.contains(key) || !(attributes.getValue(key) instanceof String)) {
        return "unexpected attribute " + key + " in " + attributes;
      }
    }
    if (nonResource != null && !nonResource.fieldNames().equals(NON_RESOURCE_KEYS)) {
      return "nonResourceAttributes need path and verb: " + nonResource;
    }
    return null;
  }

  private void selfReview(HttpServerRequest request, JsonObject body) {
    JsonObject expected =
        new JsonObject()
            .put("apiVersion", "authentication.k8s.io/v1")
            .put("kind", "SelfSubjectReview");
    if (!expected.equals(body) || !"application/json".equals(request.getHeader("Content-Type"))) {
      answer(request, 400, status(400, "BadRequest", "not a SelfSubjectReview: " + body));
      return;
    }
    JsonObject user = fromCertificate(request);
    answer(
        request,
        201,
        expected
            .copy()
            .put("metadata", new JsonObject().put("creationTimestamp", (Object) null))
            .put(
                "status",
                new JsonObject().put("userInfo", user != null ? user : anonymous.copy())));
  }

  /** user = CN, groups = the O's and system:authenticated; null without a client certificate. */
  private JsonObject fromCertificate(HttpServerRequest request) {
    SSLSession session = request.connection().sslSession();
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    X509Certificate certificate = (X509Certificate) chain[0];
    String user = null;
    JsonArray groups = new JsonArray();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          user = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      throw new IllegalStateException(e);
    }
    clientNames.add(user);
    groups.add("system:authenticated");
    return new JsonObject().put("username", user).put("groups", groups);
  }

  private static JsonObject apis() {
    return new JsonObject()
        .put("apps.cup.io/v1/services", definition("apps.cup.io", "Service", "service"))
        .put("flipt.io/v1alpha1/flags", definition("flipt.io", "Flag", "flag"));
  }

  private static JsonObject definition(String group, String kind, String singular) {
    return new JsonObject()
        .put("apiVersion", "cup.flipt.io/v1alpha1")
        .put("kind", "ResourceDefinition")
        .put(
            "names",
            new JsonObject()
                .put("kind", kind)
                .put("singular", singular)
                .put("plural", singular + "s"))
        .put("spec", new JsonObject().put("group", group));
  }

  private static JsonObject status(int code, String reason, String message) {
    return new JsonObject()
        .put("apiVersion", "v1")
        .put("kind", "Status")
        .put("status", "Failure")
        .put("code", code)
        .put("reason", reason)
        .put("message", message);
  }

  private static void answer(HttpServerRequest request, int code, JsonObject body) {
    request
        .response()
        .setStatusCode(code)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
