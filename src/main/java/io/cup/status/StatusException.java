package io.cup.status;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure that maps onto exactly one HTTP status and one Kubernetes {@code Status} object. It
 * travels over the event bus as a {@link ReplyException} whose failure code is the HTTP status and
 * whose message is the encoded {@code Status}; {@link #from(Throwable)} turns it back.
 */
public class StatusException extends RuntimeException {
  private static final Logger LOG = LoggerFactory.getLogger(StatusException.class);

  /** One failing field, as in {@code details.causes[]}. */
  public record Cause(String field, String reason, String message) {
    public JsonObject toJson() {
      return new JsonObject().put("field", field).put("reason", reason).put("message", message);
    }

    static Cause fromJson(JsonObject json) {
      return new Cause(
          json.getString("field"), json.getString("reason"), json.getString("message"));
    }
  }

  private final int code;
  private final String reason;
  private final List<Cause> causes;
  private final JsonObject details;

  public StatusException(int code, String reason, String message) {
    this(code, reason, message, List.of(), null, null);
  }

  public StatusException(
      int code,
      String reason,
      String message,
      List<Cause> causes,
      JsonObject details,
      Throwable cause) {
    super(Objects.requireNonNull(message), cause);
    this.code = code;
    this.reason = Objects.requireNonNull(reason);
    this.causes = List.copyOf(causes);
    this.details = details;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public List<Cause> causes() {
    return causes;
  }

  /** The Kubernetes {@code Status} object for this failure. */
  public JsonObject toStatus() {
    JsonObject status =
        new JsonObject()
            .put("apiVersion", "v1")
            .put("kind", "Status")
            .put("metadata", new JsonObject())
            .put("status", "Failure")
            .put("message", getMessage())
            .put("reason", reason)
            .put("code", code);
    JsonObject d = details == null ? new JsonObject() : details.copy();
    if (!causes.isEmpty()) {
      JsonArray array = new JsonArray();
      causes.forEach(c -> array.add(c.toJson()));
      d.put("causes", array);
    }
    if (!d.isEmpty()) {
      status.put("details", d);
    }
    return status;
  }

  // -- factories, one per HTTP status Cup answers with ------------------------------------------

  public static StatusException badRequest(String message) {
    return new StatusException(400, "BadRequest", message);
  }

  public static StatusException unauthorized(String message) {
    return new StatusException(401, "Unauthorized", message);
  }

  /**
   * 403 as the Kubernetes API server words it: {@code <resource>.<group> "<name>" is forbidden:
   * <why>}, details naming the object.
   */
  public static StatusException forbidden(
      String qualifiedResource, String name, String group, String kind, String why) {
    String message =
        (qualifiedResource.isEmpty() ? "" : qualifiedResource + " ")
            + (name == null || name.isEmpty() ? "" : "\"" + name + "\" ")
            + "is forbidden: "
            + why;
    if (qualifiedResource.isEmpty()) {
      message = "forbidden: " + why;
    }
    JsonObject details = new JsonObject();
    if (name != null && !name.isEmpty()) {
      details.put("name", name);
    }
    if (group != null && !group.isEmpty()) {
      details.put("group", group);
    }
    if (kind != null && !kind.isEmpty()) {
      details.put("kind", kind);
    }
    return new StatusException(
        403, "Forbidden", message, List.of(), details.isEmpty() ? null : details, null);
  }

  public static StatusException notFound(String message) {
    return new StatusException(404, "NotFound", message);
  }

  public static StatusException methodNotAllowed(String message) {
    return new StatusException(405, "MethodNotAllowed", message);
  }

  public static StatusException notAcceptable(String message) {
    return new StatusException(406, "NotAcceptable", message);
  }

  public static StatusException conflict(String message) {
    return new StatusException(409, "Conflict", message);
  }

  /**
   * 409 for a create of a resource that exists, as Kubernetes: reason {@code AlreadyExists}, with
   * the name, group and plural in {@code details}.
   */
  public static StatusException alreadyExists(String group, String plural, String name) {
    return new StatusException(
        409,
        "AlreadyExists",
        plural + "." + group + " \"" + name + "\" already exists",
        List.of(),
        new JsonObject().put("name", name).put("group", group).put("kind", plural),
        null);
  }

  /** The reason of the cause that marks a 409 as a stale {@code metadata.resourceVersion}. */
  public static final String RESOURCE_VERSION_CONFLICT = "ResourceVersionConflict";

  /**
   * 409 for a write whose {@code metadata.resourceVersion} is no longer current: reason {@code
   * Conflict} as Kubernetes, with a cause on {@code metadata.resourceVersion} of reason {@value
   * #RESOURCE_VERSION_CONFLICT} that says so as data (it survives the event bus; see {@link
   * #isStaleVersion()}).
   */
  public static StatusException staleVersion(String message) {
    return new StatusException(
        409,
        "Conflict",
        message,
        List.of(new Cause("metadata.resourceVersion", RESOURCE_VERSION_CONFLICT, message)),
        null,
        null);
  }

  /** Whether this is the 409 of {@link #staleVersion} (not a proposal's or a file's conflict). */
  public boolean isStaleVersion() {
    return code == 409
        && causes.stream().anyMatch(c -> RESOURCE_VERSION_CONFLICT.equals(c.reason()));
  }

  /** The reason of each cause of an {@link #applyConflict}. */
  public static final String FIELD_MANAGER_CONFLICT = "FieldManagerConflict";

  /**
   * 409 for a server-side apply that would change fields other managers own, as Kubernetes words
   * it: one cause of reason {@value #FIELD_MANAGER_CONFLICT} per conflicting field.
   */
  public static StatusException applyConflict(String message, List<Cause> causes) {
    return new StatusException(409, "Conflict", message, causes, null, null);
  }

  /** 410: a resourceVersion or continue token that named a version the server no longer has. */
  public static StatusException expired(String message) {
    return new StatusException(410, "Expired", message);
  }

  public static StatusException tooLarge(String message) {
    return new StatusException(413, "RequestEntityTooLarge", message);
  }

  public static StatusException unsupportedMediaType(String message) {
    return new StatusException(415, "UnsupportedMediaType", message);
  }

  public static StatusException invalid(String message, List<Cause> causes) {
    return new StatusException(422, "Invalid", message, causes, null, null);
  }

  /** 422 without field causes (a patch that cannot apply). */
  public static StatusException unprocessable(String message) {
    return new StatusException(422, "Invalid", message);
  }

  public static StatusException internal(String message, Throwable cause) {
    return new StatusException(500, "InternalError", message, List.of(), null, cause);
  }

  public static StatusException badGateway(String message, Throwable cause) {
    return new StatusException(502, "BadGateway", message, List.of(), null, cause);
  }

  public static StatusException unavailable(String message, Throwable cause) {
    return new StatusException(503, "ServiceUnavailable", message, List.of(), null, cause);
  }

  /** How long a client is told to wait ({@code Retry-After}) when the Git remote failed. */
  public static final long REMOTE_RETRY_AFTER_SECONDS = 10;

  /**
   * 503 with {@code Retry-After}: the Git remote could not be reached. The message names no
   * address; {@code detail} (the remote, the error) is kept as the cause, for the server's log only
   * (it does not travel over the event bus or to a client).
   */
  public static StatusException remoteUnavailable(String what, String detail) {
    return new StatusException(
        503,
        "ServiceUnavailable",
        "cannot " + what + " the Git remote; try again later",
        List.of(),
        new JsonObject().put("retryAfterSeconds", REMOTE_RETRY_AFTER_SECONDS),
        new Detail(detail));
  }

  /**
   * What the log says about a failure: the detail kept by {@link #remoteUnavailable}, or the
   * message.
   */
  public String logDetail() {
    return getCause() instanceof Detail d ? d.getMessage() : getMessage();
  }

  /** The detail of a failure that is logged and never sent to a client. */
  public static final class Detail extends RuntimeException {
    public Detail(String message) {
      super(message, null, false, false);
    }
  }

  /** 503 with {@code Retry-After} (as {@code details.retryAfterSeconds}). */
  public static StatusException unavailable(String message, long retryAfterSeconds) {
    return new StatusException(
        503,
        "ServiceUnavailable",
        message,
        List.of(),
        new JsonObject().put("retryAfterSeconds", retryAfterSeconds),
        null);
  }

  public static StatusException timeout(String message) {
    return new StatusException(504, "Timeout", message);
  }

  // -- event-bus transport ----------------------------------------------------------------------

  /** Fails {@code message} with {@code failure}, mapped to a status; unknown failures are 500. */
  public static void reply(Message<?> message, Throwable failure) {
    StatusException status = from(failure);
    if (status.code() == 500) {
      // an unexpected failure: the stack trace is what someone needs to fix it
      LOG.warn("{} failed: {}", message.address(), status.getMessage(), failure);
    } else if (status.code() > 500) {
      // the remote, a controller or a dependency failed: the message says what
      LOG.debug("{} failed: {}", message.address(), status.getMessage());
    }
    message.fail(status.code(), status.toStatus().encode());
  }

  /**
   * Any throwable as a status: a {@code StatusException} as it is, a {@link ReplyException}
   * carrying an encoded status decoded, a bus timeout as 504, no handler as 503, the rest as 500
   * with a message that does not leak internals.
   */
  public static StatusException from(Throwable failure) {
    if (failure instanceof StatusException s) {
      return s;
    }
    if (failure instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.TIMEOUT) {
        return timeout("the server did not answer in time");
      }
      if (r.failureType() == ReplyFailure.NO_HANDLERS) {
        return unavailable("the server is not ready: no handler for " + r.getMessage(), r);
      }
      String text = r.getMessage();
      if (text != null && text.startsWith("{")) {
        try {
          JsonObject status = new JsonObject(text);
          JsonObject details = status.getJsonObject("details");
          List<Cause> causes = List.of();
          if (details != null && details.getJsonArray("causes") != null) {
            causes =
                details.getJsonArray("causes").stream()
                    .map(o -> Cause.fromJson((JsonObject) o))
                    .toList();
            details = details.copy();
            details.remove("causes");
          }
          return new StatusException(
              status.getInteger("code", r.failureCode()),
              status.getString("reason", "InternalError"),
              status.getString("message", "failed"),
              causes,
              details,
              null);
        } catch (DecodeException | ClassCastException e) {
          // fall through: not an encoded status
        }
      }
      int code = r.failureCode() >= 400 && r.failureCode() < 600 ? r.failureCode() : 500;
      return new StatusException(
          code, code == 500 ? "InternalError" : "Failure", String.valueOf(text));
    }
    return internal("internal error", failure);
  }
}
