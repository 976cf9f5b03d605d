package io.cup.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One request in the audit log, as Kubernetes' {@code audit.k8s.io/v1} {@code Event} at level
 * {@code Metadata} and stage {@code ResponseComplete}: who did what to which object, and how it
 * ended. Neither the request nor the response body is recorded.
 *
 * @param auditId the event's unique id (Kubernetes {@code auditID}), a random UUID
 * @param requestUri the request URI as the client sent it, query included
 * @param verb the Kubernetes verb ({@code get}, {@code list}, {@code create}, {@code update},
 *     {@code patch}, {@code delete}, and Cup's {@code merge}, {@code close}); for a non-resource
 *     request the lower-case HTTP method
 * @param user who asked
 * @param sourceIps the client's address first, then any proxies' (Kubernetes {@code sourceIPs})
 * @param userAgent the client's {@code User-Agent}, or ""
 * @param objectRef the object asked about, or null for a non-resource request
 * @param code the HTTP status code of the response
 * @param reason for a failure, the Kubernetes {@code Status} reason ({@code Forbidden}, {@code
 *     NotFound}, …), or ""
 * @param message for a failure, the {@code Status} message sent to the client, or ""
 * @param requestReceived when the request arrived
 * @param stageTimestamp when the response was complete
 * @param annotations e.g. {@value #DECISION}, {@value #REASON}, {@value #PROPOSAL}
 */
public record AuditEvent(
    String auditId,
    String requestUri,
    String verb,
    UserInfo user,
    List<String> sourceIps,
    String userAgent,
    ObjectRef objectRef,
    int code,
    String reason,
    String message,
    Instant requestReceived,
    Instant stageTimestamp,
    Map<String, String> annotations) {

  public static final String API_VERSION = "audit.k8s.io/v1";
  public static final String KIND = "Event";
  public static final String LEVEL = "Metadata";
  public static final String STAGE = "ResponseComplete";

  /** Annotation: the authorizer's decision, {@value #ALLOW} or {@value #FORBID}. */
  public static final String DECISION = "authorization.k8s.io/decision";

  /** Annotation: why the authorizer decided so (the rule that allowed, or why none did). */
  public static final String REASON = "authorization.k8s.io/reason";

  /** Annotation: the proposal a write opened or updated, or that a merge or close acted on. */
  public static final String PROPOSAL = "cup.flipt.io/proposal";

  public static final String ALLOW = "allow";
  public static final String FORBID = "forbid";

  /** Kubernetes' {@code metav1.MicroTime}: RFC 3339, UTC, always six fractional digits. */
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * The object of a resource request (Kubernetes' audit {@code ObjectReference}); empty fields are
   * left out of the JSON.
   */
  public record ObjectRef(
      String resource,
      String namespace,
      String name,
      String apiGroup,
      String apiVersion,
      String subresource) {
    public ObjectRef {
      resource = resource == null ? "" : resource;
      namespace = namespace == null ? "" : namespace;
      name = name == null ? "" : name;
      apiGroup = apiGroup == null ? "" : apiGroup;
      apiVersion = apiVersion == null ? "" : apiVersion;
      subresource = subresource == null ? "" : subresource;
    }

    /** The object a resource request is about, or null for a non-resource request. */
    public static ObjectRef of(RequestAttributes attributes) {
      if (!attributes.resourceRequest()) {
        return null;
      }
      return new ObjectRef(
          attributes.resource(),
          attributes.namespace(),
          attributes.name(),
          attributes.apiGroup(),
          attributes.apiVersion(),
          attributes.subresource());
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject();
      putIfNotEmpty(json, "resource", resource);
      putIfNotEmpty(json, "namespace", namespace);
      putIfNotEmpty(json, "name", name);
      putIfNotEmpty(json, "apiGroup", apiGroup);
      putIfNotEmpty(json, "apiVersion", apiVersion);
      putIfNotEmpty(json, "subresource", subresource);
      return json;
    }
  }

  public AuditEvent {
    Objects.requireNonNull(auditId, "auditId");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(requestReceived, "requestReceived");
    Objects.requireNonNull(stageTimestamp, "stageTimestamp");
    requestUri = requestUri == null ? "" : requestUri;
    sourceIps = sourceIps == null ? List.of() : List.copyOf(sourceIps);
    userAgent = userAgent == null ? "" : userAgent;
    reason = reason == null ? "" : reason;
    message = message == null ? "" : message;
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /**
   * The event of a completed request, with a fresh random {@code auditID}.
   *
   * @param attributes what the request asked (user, verb, object or path)
   * @param requestUri the URI as sent, query included
   * @param sourceIps the client's address, then any proxies'
   * @param userAgent the {@code User-Agent} header, or null
   * @param received when the request arrived
   * @param completed when the response was complete
   * @param code the HTTP status code
   * @param reason the {@code Status} reason of a failure, or null
   * @param message the {@code Status} message of a failure, or null
   * @param annotations the authorization decision and reason, the proposal; null for none
   */
  public static AuditEvent of(
      RequestAttributes attributes,
      String requestUri,
      List<String> sourceIps,
      String userAgent,
      Instant received,
      Instant completed,
      int code,
      String reason,
      String message,
      Map<String, String> annotations) {
    return new AuditEvent(
        UUID.randomUUID().toString(),
        requestUri,
        attributes.verb(),
        attributes.user(),
        sourceIps,
        userAgent,
        ObjectRef.of(attributes),
        code,
        reason,
        message,
        received,
        completed,
        annotations);
  }

  /** Whether the response was a failure (a 4xx or 5xx status). */
  public boolean failed() {
    return code >= 400;
  }

  /**
   * The event as Kubernetes writes it, fields in Kubernetes' order. {@code responseStatus} is a
   * {@code Status} that holds only the code for a success, and also {@code status: Failure}, the
   * reason and the message for a failure.
   */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("kind", KIND)
            .put("apiVersion", API_VERSION)
            .put("level", LEVEL)
            .put("auditID", auditId)
            .put("stage", STAGE)
            .put("requestURI", requestUri)
            .put("verb", verb)
            .put("user", user.toJson());
    if (!sourceIps.isEmpty()) {
      json.put("sourceIPs", new JsonArray(new ArrayList<>(sourceIps)));
    }
    putIfNotEmpty(json, "userAgent", userAgent);
    if (objectRef != null) {
      json.put("objectRef", objectRef.toJson());
    }
    JsonObject status = new JsonObject().put("metadata", new JsonObject());
    if (failed()) {
      status.put("status", "Failure");
      putIfNotEmpty(status, "message", message);
      putIfNotEmpty(status, "reason", reason);
    }
    status.put("code", code);
    json.put("responseStatus", status)
        .put("requestReceivedTimestamp", microTime(requestReceived))
        .put("stageTimestamp", microTime(stageTimestamp));
    if (!annotations.isEmpty()) {
      JsonObject notes = new JsonObject();
      new TreeMap<>(annotations).forEach(notes::put);
      json.put("annotations", notes);
    }
    return json;
  }

  /** {@code 2026-12-07T04:05:06.123456Z}: truncated (never rounded) to microseconds. */
  static String microTime(Instant instant) {
    return MICRO_TIME.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  private static void putIfNotEmpty(JsonObject json, String key, String value) {
    if (!value.isEmpty()) {
      json.put(key, value);
    }
  }
}
