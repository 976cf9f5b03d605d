package io.cup.api;

import io.cup.access.Authorizer;
import io.cup.access.Decision;
import io.cup.access.RequestAttributes;
import io.cup.access.UserInfo;
import io.cup.status.StatusException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Kubernetes' self reviews, so that tools and UIs can ask before they act: {@code
 * SelfSubjectAccessReview} (may I do this?), {@code SelfSubjectRulesReview} (what may I do in this
 * namespace?) and {@code SelfSubjectReview} (who am I?), with Kubernetes' request and answer shapes
 * ({@code 201 Created} with the request's object and its {@code status}), and the discovery of
 * their two groups. Every authenticated user may call them (RBAC's default {@code
 * system:basic-user}).
 *
 * <p>An access review answers what RBAC says; it does not know the one rule outside RBAC (a
 * proposal's author may always get and close it), as Kubernetes' reviews do not know admission.
 */
final class ReviewApi {
  static final String AUTHORIZATION = "/apis/authorization.k8s.io/v1";
  static final String AUTHENTICATION = "/apis/authentication.k8s.io/v1";
  static final String ACCESS_REVIEWS = AUTHORIZATION + "/selfsubjectaccessreviews";
  static final String RULES_REVIEWS = AUTHORIZATION + "/selfsubjectrulesreviews";
  static final String SELF_REVIEWS = AUTHENTICATION + "/selfsubjectreviews";

  /**
   * The same review in {@code v1beta1}: kubectl 1.27 asks {@code v1beta1} (then {@code v1alpha1})
   * and never {@code v1}. The answer names the version the request was made in.
   */
  static final String SELF_REVIEWS_V1BETA1 =
      "/apis/authentication.k8s.io/v1beta1/selfsubjectreviews";

  /** A review is a small object; anything larger is refused before it is read. */
  static final long MAX_BODY_BYTES = 64 * 1024;

  private static final List<String> JSON_ONLY = List.of(MediaTypes.JSON);

  private final Authorizer authorizer;

  ReviewApi(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** {@code POST …/selfsubjectaccessreviews}. */
  void accessReview(RoutingContext ctx) {
    JsonObject review = body(ctx, "authorization.k8s.io/v1", "SelfSubjectAccessReview");
    JsonObject spec = review.getJsonObject("spec");
    JsonObject resource = spec == null ? null : object(spec, "resourceAttributes");
    JsonObject nonResource = spec == null ? null : object(spec, "nonResourceAttributes");
    if ((resource == null) == (nonResource == null)) {
      throw invalid(
          "spec.resourceAttributes",
          "exactly one of nonResourceAttributes or resourceAttributes must be specified");
    }
    UserInfo user = AccessControl.user(ctx);
    RequestAttributes attributes;
    if (resource != null) {
      String verb = text(resource, "verb");
      if (verb.isEmpty()) {
        throw invalid("spec.resourceAttributes.verb", "Required value");
      }
      attributes =
          new RequestAttributes(
              user,
              verb,
              true,
              "",
              text(resource, "group"),
              text(resource, "version"),
              text(resource, "resource"),
              text(resource, "subresource"),
              text(resource, "namespace"),
              text(resource, "name"));
    } else {
      String verb = text(nonResource, "verb");
      String path = text(nonResource, "path");
      if (verb.isEmpty() || path.isEmpty()) {
        throw invalid(
            "spec.nonResourceAttributes", "both path and verb are required for a non-resource URL");
      }
      attributes = RequestAttributes.nonResource(user, verb, path);
    }
    Decision decision = authorizer.authorize(attributes);
    JsonObject status = new JsonObject().put("allowed", decision.allowed());
    if (decision.reason() != null && !decision.reason().isEmpty()) {
      status.put("reason", decision.reason());
    }
    created(ctx, review, status);
  }

  /** {@code POST …/selfsubjectrulesreviews}: the rules that apply in {@code spec.namespace}. */
  void rulesReview(RoutingContext ctx) {
    JsonObject review = body(ctx, "authorization.k8s.io/v1", "SelfSubjectRulesReview");
    JsonObject spec = review.getJsonObject("spec");
    String namespace = spec == null ? "" : text(spec, "namespace");
    if (namespace.isEmpty()) {
      throw invalid("spec.namespace", "Required value: no namespace on request");
    }
    created(ctx, review, authorizer.rules(AccessControl.user(ctx), namespace).toJson());
  }

  /** {@code POST …/selfsubjectreviews}: who the server takes the caller for. */
  void selfReview(RoutingContext ctx) {
    String apiVersion =
        ctx.request().path().startsWith(SELF_REVIEWS_V1BETA1)
            ? "authentication.k8s.io/v1beta1"
            : "authentication.k8s.io/v1";
    JsonObject review = body(ctx, apiVersion, "SelfSubjectReview");
    created(ctx, review, new JsonObject().put("userInfo", AccessControl.user(ctx).toJson()));
  }

  private static void created(RoutingContext ctx, JsonObject review, JsonObject status) {
    JsonObject metadata = review.getJsonObject("metadata");
    JsonObject answer =
        review.copy().put("metadata", metadata == null ? new JsonObject() : metadata.copy());
    answer.getJsonObject("metadata").putNull("creationTimestamp");
    Reply.json(201, answer.put("status", status)).write(ctx);
  }

  /**
   * The request's object: JSON, or Kubernetes' protobuf as kubectl 1.33 sends it, of {@code kind}
   * in {@code apiVersion} (both may be omitted in JSON, as client libraries always send them and
   * curl users forget them). The answer is JSON either way.
   */
  private static JsonObject body(RoutingContext ctx, String apiVersion, String kind) {
    ResourceApi.requireAccept(ctx, JSON_ONLY);
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    boolean protobuf = ReviewProtobuf.isProtobuf(contentType);
    if (!protobuf && !MediaTypes.isJson(contentType)) {
      throw StatusException.unsupportedMediaType(
          "the request body must be application/json or "
              + ReviewProtobuf.MEDIA_TYPE
              + ", not "
              + contentType);
    }
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    JsonObject review;
    try {
      review =
          protobuf
              ? ReviewProtobuf.decode(buffer, kind)
              : buffer == null || buffer.length() == 0 ? null : buffer.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw StatusException.badRequest("the request body is not a JSON object");
    }
    if (review == null) {
      throw StatusException.badRequest("the request body must be a " + kind);
    }
    String givenKind = review.getValue("kind") instanceof String s ? s : null;
    String givenVersion = review.getValue("apiVersion") instanceof String s ? s : null;
    if ((givenKind != null && !givenKind.equals(kind))
        || (givenVersion != null && !givenVersion.equals(apiVersion))) {
      throw StatusException.badRequest(
          "expected a "
              + kind
              + " of "
              + apiVersion
              + ", found "
              + givenKind
              + " of "
              + givenVersion);
    }
    if (review.getValue("spec") != null && !(review.getValue("spec") instanceof JsonObject)) {
      throw invalid("spec", "expected an object");
    }
    if (review.getValue("metadata") != null
        && !(review.getValue("metadata") instanceof JsonObject)) {
      throw invalid("metadata", "expected an object");
    }
    return review.put("apiVersion", apiVersion).put("kind", kind);
  }

  private static JsonObject object(JsonObject parent, String key) {
    Object value = parent.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject json)) {
      throw invalid("spec." + key, "expected an object");
    }
    return json;
  }

  private static String text(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw invalid(key, "expected a string");
    }
    return s;
  }

  private static StatusException invalid(String field, String message) {
    return StatusException.invalid(
        field + ": " + message,
        List.of(new StatusException.Cause(field, "FieldValueInvalid", message)));
  }
}
