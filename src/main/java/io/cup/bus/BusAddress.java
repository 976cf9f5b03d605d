package io.cup.bus;

import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.function.Function;

/**
 * A request/reply address: its name, the record its requests are and the record it replies. The
 * only path between those records and the JSON objects on the wire: {@link #request} writes the
 * request and reads the reply, {@link #consume} reads the request and writes the reply (or the
 * failure as a {@link StatusException}), so no handler sees a raw {@link JsonObject}.
 *
 * @param <Q> the request record
 * @param <R> the reply record
 */
public final class BusAddress<Q extends BusMessage, R extends BusMessage> {
  private final String name;
  private final Class<Q> requestType;
  private final Function<JsonObject, Q> readRequest;
  private final Class<R> replyType;
  private final Function<JsonObject, R> readReply;
  private final boolean clusterWide;
  private final boolean handsOverReplies;

  private BusAddress(
      String name,
      Class<Q> requestType,
      Function<JsonObject, Q> readRequest,
      Class<R> replyType,
      Function<JsonObject, R> readReply,
      boolean clusterWide,
      boolean handsOverReplies) {
    this.clusterWide = clusterWide;
    this.handsOverReplies = handsOverReplies;
    this.name = Objects.requireNonNull(name, "name");
    this.requestType = Objects.requireNonNull(requestType, "requestType");
    this.readRequest = Objects.requireNonNull(readRequest, "readRequest");
    this.replyType = Objects.requireNonNull(replyType, "replyType");
    this.readReply = Objects.requireNonNull(readReply, "readReply");
  }

  /**
   * A node-local address named {@code name}: requests {@code requestType}, replies {@code
   * replyType}. Its handlers register with {@code localConsumer}, so on a clustered bus a request
   * is answered by a verticle of the node that sent it (the one whose clone it is about), never
   * routed to another node's.
   */
  static <Q extends BusMessage, R extends BusMessage> BusAddress<Q, R> of(
      String name,
      Class<Q> requestType,
      Function<JsonObject, Q> readRequest,
      Class<R> replyType,
      Function<JsonObject, R> readReply) {
    return new BusAddress<>(name, requestType, readRequest, replyType, readReply, false, false);
  }

  /**
   * A cluster-wide address: its handler registers with the clustered bus, so a request from any
   * node reaches it (the proposal reconciler's, which one node of the cluster owns at a time).
   */
  static <Q extends BusMessage, R extends BusMessage> BusAddress<Q, R> clusterWide(
      String name,
      Class<Q> requestType,
      Function<JsonObject, Q> readRequest,
      Class<R> replyType,
      Function<JsonObject, R> readReply) {
    return new BusAddress<>(name, requestType, readRequest, replyType, readReply, true, false);
  }

  /**
   * The same address, its replies handed over ({@link HandedOverJson}): a requester on the same
   * node reads the very reply its handler made, not a deep copy, and neither side changes it once
   * sent. For replies that are large and read once (a list of resources).
   */
  BusAddress<Q, R> handingOverReplies() {
    return new BusAddress<>(
        name, requestType, readRequest, replyType, readReply, clusterWide, true);
  }

  /**
   * Whether replies are handed over ({@link #handingOverReplies()}): read them, never change them.
   */
  public boolean handsOverReplies() {
    return handsOverReplies;
  }

  /**
   * Whether a request may be answered by another node of a cluster ({@link #clusterWide}); false:
   * only by the sending node's own handlers.
   */
  public boolean isClusterWide() {
    return clusterWide;
  }

  /** The address as the bus knows it, {@code cup.…}. */
  public String name() {
    return name;
  }

  public Class<Q> requestType() {
    return requestType;
  }

  public Class<R> replyType() {
    return replyType;
  }

  /**
   * Sends {@code request} and reads the reply. A failure is the bus's own {@code ReplyException}
   * (failure code = HTTP status, message = encoded status; see {@link StatusException#from}).
   */
  public Future<R> request(EventBus bus, Q request, DeliveryOptions options) {
    return bus.<JsonObject>request(name, request.toJson(), options)
        .map(reply -> readReply.apply(reply.body()));
  }

  /** As {@link #request(EventBus, Q, DeliveryOptions)} with a send timeout. */
  public Future<R> request(EventBus bus, Q request, long timeoutMillis) {
    return request(bus, request, new DeliveryOptions().setSendTimeout(timeoutMillis));
  }

  /**
   * Answers this address with {@code handler}: a request that cannot be read fails with 400, a
   * handler that throws or whose future fails answers that failure as a status. A node-local
   * address registers with {@code localConsumer} (on a bus that is not clustered the two are the
   * same). An address that hands over its replies registers their codec on {@code bus} first, so
   * every node that answers it can also read such a reply off the wire.
   */
  public MessageConsumer<JsonObject> consume(EventBus bus, Function<Q, Future<R>> handler) {
    if (handsOverReplies) {
      HandedOverJson.registerOn(bus);
    }
    return clusterWide
        ? bus.consumer(name, message -> answer(message, handler))
        : bus.localConsumer(name, message -> answer(message, handler));
  }

  private void answer(Message<JsonObject> message, Function<Q, Future<R>> handler) {
    Q request;
    try {
      request = readRequest.apply(message.body() == null ? new JsonObject() : message.body());
    } catch (RuntimeException e) {
      StatusException.reply(
          message,
          e instanceof StatusException s
              ? s
              : StatusException.badRequest(
                  "malformed " + name + " request: " + e.getClass().getSimpleName()));
      return;
    }
    Future<R> reply;
    try {
      reply = handler.apply(request);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply
        .onSuccess(
            r ->
                message.reply(
                    r.toJson(),
                    handsOverReplies ? HandedOverJson.delivery() : new DeliveryOptions()))
        .onFailure(e -> StatusException.reply(message, e));
  }

  @Override
  public String toString() {
    return name;
  }
}
