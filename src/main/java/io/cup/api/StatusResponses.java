package io.cup.api;

import io.cup.status.StatusException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failed request ends here and is answered with one Kubernetes {@code Status} object: the
 * router's own failures (no route 404, body over the limit 413, undecodable request 400), and every
 * failure of a handler, mapped once through {@link StatusException#from(Throwable)}. Unexpected
 * exceptions are logged and answered with a generic 500 message; a client's error (4xx) is logged
 * at most as one DEBUG line, never with a stack trace: the access log already has its line.
 */
final class StatusResponses {
  private static final Logger LOG = LoggerFactory.getLogger(StatusResponses.class);

  /** How long the rest of an unread request body is drained before the connection closes. */
  static final long LINGER_MILLIS = 2_000;

  private final long maxBodyBytes;

  StatusResponses(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Router failure handler and error handler. */
  void handle(RoutingContext ctx) {
    write(ctx, status(ctx.statusCode(), ctx.failure(), ctx));
  }

  StatusException status(int code, Throwable failure, RoutingContext ctx) {
    if (failure instanceof StatusException status) {
      return status;
    }
    if (failure instanceof ReplyException) {
      StatusException status = StatusException.from(failure);
      if (status.code() >= 500) {
        LOG.warn("{} {}: {}", ctx.request().method(), ctx.request().path(), status.getMessage());
      }
      return status;
    }
    if (failure instanceof HttpClosedException) {
      // the client went away mid-request: nothing to answer, and not the server's fault
      LOG.debug(
          "{} {}: the client closed the connection",
          ctx.request().method(),
          AccessLog.printable(ctx.request().path()));
      return StatusException.badRequest("the client closed the connection");
    }
    if (failure instanceof HttpException http) {
      code = http.getStatusCode();
      if (code >= 400 && code < 500 && LOG.isDebugEnabled()) {
        LOG.debug(
            "{} {}: {} ({})",
            ctx.request().method(),
            AccessLog.printable(ctx.request().path()),
            code,
            http.getPayload() == null ? String.valueOf(http.getCause()) : http.getPayload());
      }
    } else if (failure != null && (code < 400 || code >= 500)) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      return StatusException.internal("internal error", failure);
    }
    if (code < 400 || code > 599) {
      code = 500;
    }
    return forCode(code);
  }

  /** A status for a code the router (or a handler of it, like the body handler) failed with. */
  StatusException forCode(int code) {
    return switch (code) {
      case 500 -> StatusException.internal("internal error", null);
      case 400 -> StatusException.badRequest("the request could not be decoded");
      case 404 -> StatusException.notFound("the server could not find the requested resource");
      case 405 -> StatusException.methodNotAllowed("the method is not allowed on this path");
      case 413 ->
          StatusException.tooLarge(
              "the request body is larger than the limit of " + maxBodyBytes + " bytes");
      case 415 -> StatusException.unsupportedMediaType("the request body must be application/json");
      default -> {
        String phrase = HttpResponseStatus.valueOf(code).reasonPhrase();
        yield new StatusException(code, phrase.replace(" ", ""), phrase);
      }
    };
  }

  /**
   * Answers {@code request} outside the router (the connection guard's 408 and 503) with {@code
   * status}, and closes the connection once the answer is out.
   */
  static void writeAndClose(HttpServerRequest request, StatusException status) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed() || response.headWritten()) {
      request.connection().close();
      return;
    }
    response.setStatusCode(status.code());
    response.putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.JSON);
    response.putHeader(HttpHeaders.CONNECTION, "close");
    JsonObject body = status.toStatus();
    if (body.getValue("details") instanceof JsonObject d
        && d.getValue("retryAfterSeconds") instanceof Number n) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(n.longValue()));
    }
    response.end(body.encode()).onComplete(ar -> request.connection().close());
  }

  static void write(RoutingContext ctx, StatusException status) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // a streamed answer failed half way: the client must not take it as complete
      response.reset();
      return;
    }
    ctx.put(AccessControl.STATUS, status);
    response.setStatusCode(status.code());
    response.putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.JSON);
    JsonObject body = status.toStatus();
    Object details = body.getValue("details");
    if (details instanceof JsonObject d && d.getValue("retryAfterSeconds") instanceof Number n) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(n.longValue()));
    }
    if (status.code() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    HttpServerRequest request = ctx.request();
    boolean unreadBody = request.version() != HttpVersion.HTTP_2 && bodyPending(request);
    if (unreadBody) {
      // the rest of the body (up to what Content-Length announced) is not read: close the
      // connection once the answer is out rather than keep receiving it
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response
        .end(body.encode())
        .onComplete(
            ar -> {
              if (unreadBody) {
                lingerThenClose(ctx);
              }
            });
  }

  /**
   * Closes the connection of a request whose body was not read. Closing at once, with the client
   * still sending, makes the TCP stack reset the connection and the client may lose the answer; so
   * the rest of the body is read and dropped until it ends, for at most {@link #LINGER_MILLIS}, and
   * then the connection is closed.
   */
  private static void lingerThenClose(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> connection.close());
    request
        .handler(ignored -> {})
        .exceptionHandler(ignored -> {})
        .endHandler(
            v -> {
              ctx.vertx().cancelTimer(timer);
              connection.close();
            })
        .resume();
  }

  private static boolean bodyPending(HttpServerRequest request) {
    if (request.isEnded()) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
        || (length != null && !length.equals("0"));
  }
}
