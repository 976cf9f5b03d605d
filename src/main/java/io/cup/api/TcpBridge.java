package io.cup.api;

import io.cup.access.UserInfo;
import io.cup.bus.BusMessage;
import io.cup.bus.EventAddress;
import io.cup.bus.ForeignAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's TCP event-bus bridge protocol ({@code --bridge-tcp-address}), served by Cup itself so
 * that every event is checked against the client's RBAC: frames of a 4-byte big-endian length and a
 * JSON object; {@code register}, {@code unregister}, {@code send}, {@code publish}, {@code ping}
 * from the client; {@code message}, {@code err} and {@code pong} back, shaped as {@code
 * vertx-tcp-eventbus-bridge} shapes them, so its clients work unchanged.
 *
 * <p>Why not that library's server: in 5.0.x it calls the bridge-event handler for a registration
 * but not for each message it forwards, and checks only the address of its permitted options, so
 * one registration would hear every namespace's events. Here each registration keeps the user who
 * made it and each event is decided for that user ({@link BridgeAccess}). Frames over {@link
 * #MAX_FRAME_BYTES} close the connection (the library buffers any length a client announces); a
 * client that does not read its events closes once {@link #WRITE_QUEUE_BYTES} are waiting.
 */
final class TcpBridge {
  private static final Logger LOG = LoggerFactory.getLogger(TcpBridge.class);

  /** The largest frame a client may send: a registration is a few hundred bytes. */
  static final int MAX_FRAME_BYTES = 1024 * 1024;

  /** Events waiting for a client that does not read them, before it is disconnected. */
  static final int WRITE_QUEUE_BYTES = 8 * 1024 * 1024;

  /** How long an inbound request waits for the other service's reply. */
  static final long REPLY_TIMEOUT_MILLIS = 30_000;

  private final Vertx vertx;
  private final BridgeAccess access;
  private final NetServer server;

  TcpBridge(Vertx vertx, BridgeAccess access, NetServerOptions options) {
    this.vertx = vertx;
    this.access = access;
    this.server = vertx.createNetServer(options).connectHandler(this::connected);
  }

  Future<NetServer> listen(int port, String host) {
    return server.listen(port, host);
  }

  NetServer server() {
    return server;
  }

  /** Stops accepting connections and closes the open ones (their registrations end with them). */
  Future<Void> close() {
    return server.close();
  }

  private void connected(NetSocket socket) {
    new Session(socket).start();
  }

  /** One client connection: its registrations, each with the user who made it. */
  private final class Session {
    private final NetSocket socket;
    private final Map<String, MessageConsumer<?>> registrations = new HashMap<>();
    private final RecordParser parser = RecordParser.newFixed(4);
    private boolean expectLength = true;
    private boolean closed;

    Session(NetSocket socket) {
      this.socket = socket;
    }

    void start() {
      socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
      parser.handler(this::record);
      socket.handler(parser);
      socket.closeHandler(v -> ended());
      socket.exceptionHandler(
          e -> {
            LOG.debug("TCP bridge connection from {}: {}", socket.remoteAddress(), e.toString());
            socket.close();
          });
    }

    private void record(Buffer record) {
      if (expectLength) {
        int length = record.getInt(0);
        if (length <= 0 || length > MAX_FRAME_BYTES) {
          error("frame_too_large");
          socket.close();
          return;
        }
        expectLength = false;
        parser.fixedSizeMode(length);
        return;
      }
      expectLength = true;
      parser.fixedSizeMode(4);
      JsonObject frame;
      try {
        frame = new JsonObject(record);
      } catch (DecodeException | ClassCastException e) {
        error("invalid_json");
        return;
      }
      frame(frame);
    }

    private void frame(JsonObject frame) {
      String type = frame.getValue("type") instanceof String t ? t : "";
      if (type.equals("ping")) {
        write(new JsonObject().put("type", "pong"));
        return;
      }
      String address = frame.getValue("address") instanceof String a ? a : null;
      if (address == null) {
        error("missing_address");
        return;
      }
      switch (type) {
        case "register" -> register(address, frame);
        case "unregister" -> unregister(address);
        case "send", "publish" -> inbound(type, address, frame);
        default -> error("unknown_type");
      }
    }

    private void register(String address, JsonObject frame) {
      if (!BridgeAccess.outbound(address)) {
        BridgeAccess.refused("TCP", "register", address, null);
        error(BridgeAccess.ACCESS_DENIED);
        return;
      }
      access
          .admit("TCP", "register", address, frame.getJsonObject("headers"), null)
          .onSuccess(
              user -> {
                if (closed) {
                  return;
                }
                if (user == null) {
                  error(BridgeAccess.ACCESS_DENIED);
                  return;
                }
                MessageConsumer<?> previous = registrations.remove(address);
                if (previous != null) {
                  previous.unregister();
                }
                registrations.put(address, consume(BridgeAccess.OUTBOUND.get(address), user));
              });
    }

    private <E extends BusMessage> MessageConsumer<?> consume(
        EventAddress<E> events, UserInfo user) {
      return events.consume(
          vertx.eventBus(),
          event -> {
            if (closed || !access.mayReceive(user, event)) {
              return;
            }
            if (socket.writeQueueFull()) {
              LOG.info(
                  "TCP bridge: closing the connection of {} from {}: it does not read its events",
                  user.username(),
                  socket.remoteAddress());
              socket.close();
              return;
            }
            write(
                new JsonObject()
                    .put("type", "message")
                    .put("address", events.name())
                    .put("send", false)
                    .put("body", event.toJson()));
          });
    }

    private void unregister(String address) {
      MessageConsumer<?> consumer = registrations.remove(address);
      if (consumer == null) {
        error("unknown_address");
        return;
      }
      consumer.unregister();
    }

    /** A send or publish: only to {@code --bridge-inbound} addresses, by a user RBAC allows. */
    private void inbound(String type, String address, JsonObject frame) {
      if (!access.inbound(address)) {
        BridgeAccess.notInbound("TCP", type, address);
        error(BridgeAccess.ACCESS_DENIED);
        return;
      }
      JsonObject headers = frame.getJsonObject("headers");
      access
          .admit("TCP", type, address, headers, null)
          .onSuccess(
              user -> {
                if (user == null) {
                  error(BridgeAccess.ACCESS_DENIED);
                  return;
                }
                forward(type, address, frame, passedOn(headers));
              });
    }

    private void forward(
        String type, String address, JsonObject frame, Map<String, String> headers) {
      ForeignAddress target = ForeignAddress.of(address);
      Object body = frame.getValue("body");
      String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : null;
      if (type.equals("publish")) {
        target.publish(vertx.eventBus(), body, headers);
      } else if (replyAddress == null) {
        target.send(vertx.eventBus(), body, headers);
      } else {
        target
            .request(vertx.eventBus(), body, headers, REPLY_TIMEOUT_MILLIS)
            .onSuccess(
                reply ->
                    write(
                        new JsonObject()
                            .put("type", "message")
                            .put("address", replyAddress)
                            .put("headers", new JsonObject(new LinkedHashMap<>(reply.headers())))
                            .put("send", true)
                            .put("body", reply.body())))
            .onFailure(
                failure -> {
                  JsonObject err =
                      new JsonObject()
                          .put("type", "err")
                          .put("address", replyAddress)
                          .put("sourceAddress", address);
                  if (failure instanceof ReplyException reply) {
                    err.put("failureCode", reply.failureCode())
                        .put("failureType", reply.failureType().name())
                        .put("message", reply.getMessage());
                  } else {
                    err.put("message", failure.getMessage());
                  }
                  write(err);
                });
      }
    }

    /** The frame's headers as the other service gets them: text values, no credential. */
    private Map<String, String> passedOn(JsonObject headers) {
      Map<String, String> out = new LinkedHashMap<>();
      JsonObject kept = BridgeAccess.withoutCredentials(headers);
      if (kept != null) {
        kept.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
      }
      return out;
    }

    private void error(String message) {
      write(new JsonObject().put("type", "err").put("message", message));
    }

    private void write(JsonObject frame) {
      if (closed) {
        return;
      }
      Buffer json = frame.toBuffer();
      socket.write(Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json));
    }

    private void ended() {
      closed = true;
      registrations.values().forEach(MessageConsumer::unregister);
      registrations.clear();
    }
  }
}
