package io.cup.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A successful HTTP answer, built by a handler's future chain and written once at its end; a failed
 * chain goes to the router's failure handler instead ({@link StatusResponses}).
 */
record Reply(int status, String contentType, Buffer body, Map<String, String> headers) {
  static Reply json(int status, JsonObject body) {
    return new Reply(status, MediaTypes.JSON, Buffer.buffer(body.encode()), Map.of());
  }

  static Reply text(int status, String contentType, String body) {
    return new Reply(status, contentType, Buffer.buffer(body), Map.of());
  }

  static Reply noContent() {
    return new Reply(204, null, null, Map.of());
  }

  Reply withHeader(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return new Reply(status, contentType, body, Map.copyOf(all));
  }

  /** Writes {@code reply} when it succeeds, fails the request with its cause otherwise. */
  static void send(RoutingContext ctx, Future<Reply> reply) {
    reply.onComplete(
        ar -> {
          if (ar.succeeded()) {
            ar.result().write(ctx);
          } else {
            ctx.fail(ar.cause());
          }
        });
  }

  /** Runs {@code handler} so that whatever it throws fails the request as a status. */
  static void send(RoutingContext ctx, Supplier<Future<Reply>> handler) {
    Future<Reply> reply;
    try {
      reply = handler.get();
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    send(ctx, reply);
  }

  void write(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status);
    headers.forEach(response::putHeader);
    if (body == null) {
      response.end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    response.end(body);
  }
}
