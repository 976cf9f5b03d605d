package io.cup.api;

import io.cup.access.UserInfo;
import io.cup.bus.ForeignAddress;
import io.cup.config.BridgeSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SockJS event-bus bridge at {@value BridgeSettings#SOCKJS_PATH} on the API's port (vertx-web's
 * {@link SockJSHandler#bridge}), for browsers and Node: Cup's events outbound, the {@code
 * --bridge-inbound} addresses inbound, and each frame decided by {@link BridgeAccess} in the bridge
 * event handler: a registration keeps the user who made it, and every event forwarded to it ({@code
 * RECEIVE}) is checked for that user, so a client hears only what it may watch.
 *
 * <p>A client names its token in the {@code headers} of each {@code register} (and {@code send},
 * {@code publish}) frame; without one, the {@code Authorization} header of the SockJS connection's
 * own HTTP request counts. Not a query parameter: URLs end up in access logs.
 *
 * <p>A refusal is answered as the bridge answers an address it does not permit ({@code
 * {"type":"err","body":"access_denied"}}): the handler points the frame at the empty address, which
 * nothing permits, and lets the bridge go on. One instance per API verticle instance: a socket's
 * events all come on that instance's event loop.
 */
final class SockJsBridge {
  private final Vertx vertx;
  private final BridgeAccess access;
  private final BridgeSettings settings;

  /** Per open socket: the user of each address it registered. */
  private final Map<SockJSSocket, Map<String, UserInfo>> sockets = new IdentityHashMap<>();

  SockJsBridge(Vertx vertx, BridgeAccess access, BridgeSettings settings) {
    this.vertx = vertx;
    this.access = access;
    this.settings = settings;
  }

  /** The SockJS endpoints, to mount at {@value BridgeSettings#SOCKJS_PATH}{@code /*}. */
  Router router() {
    SockJSBridgeOptions options = new SockJSBridgeOptions();
    BridgeAccess.OUTBOUND
        .keySet()
        .forEach(
            address -> options.addOutboundPermitted(new PermittedOptions().setAddress(address)));
    settings.inbound().stream()
        .filter(access::inbound)
        .forEach(
            address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)));
    return SockJSHandler.create(vertx, new SockJSHandlerOptions().setInsertJSESSIONID(false))
        .bridge(options, this::event);
  }

  private void event(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    JsonObject frame = event.getRawMessage();
    switch (event.type()) {
      case SOCKET_CREATED -> {
        sockets.put(socket, new HashMap<>());
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        sockets.remove(socket);
        event.complete(true);
      }
      case REGISTER -> register(event, socket, frame);
      case UNREGISTER -> {
        registrations(socket).remove(frame.getString("address"));
        event.complete(true);
      }
      case RECEIVE -> event.complete(receive(socket, frame));
      case SEND, PUBLISH -> inbound(event, socket, frame);
      default -> event.complete(true);
    }
  }

  private void register(BridgeEvent event, SockJSSocket socket, JsonObject frame) {
    String address = frame.getString("address");
    if (!BridgeAccess.outbound(address)) {
      BridgeAccess.refused("SockJS", "register", address, null);
      event.complete(true); // not permitted: the bridge answers access_denied
      return;
    }
    access
        .admit("SockJS", "register", address, frame.getJsonObject("headers"), authorization(socket))
        .onSuccess(
            user -> {
              if (user == null) {
                deny(event, frame);
                return;
              }
              registrations(socket).put(address, user);
              event.complete(true);
            });
  }

  /**
   * An event about to be forwarded: one of Cup's, checked for the user who registered; anything
   * else is the reply to the socket's own inbound request (the bridge registers nothing else).
   */
  private boolean receive(SockJSSocket socket, JsonObject frame) {
    String address = frame.getString("address");
    if (!BridgeAccess.outbound(address)) {
      return true;
    }
    UserInfo user = registrations(socket).get(address);
    return user != null
        && BridgeAccess.event(address, frame.getValue("body"))
            .map(e -> access.mayReceive(user, e))
            .orElse(false);
  }

  private void inbound(BridgeEvent event, SockJSSocket socket, JsonObject frame) {
    String address = frame.getString("address");
    if (!access.inbound(address)) {
      if (!ForeignAddress.internal(address) || address.startsWith("cup.")) {
        BridgeAccess.notInbound("SockJS", event.type().name().toLowerCase(Locale.ROOT), address);
      }
      event.complete(true); // not permitted (or a reply the bridge is waiting for): it decides
      return;
    }
    JsonObject headers = frame.getJsonObject("headers");
    String type = event.type().name().toLowerCase(Locale.ROOT);
    access
        .admit("SockJS", type, address, headers, authorization(socket))
        .onSuccess(
            user -> {
              if (user == null) {
                deny(event, frame);
                return;
              }
              if (headers != null) {
                frame.put("headers", BridgeAccess.withoutCredentials(headers));
              }
              event.complete(true);
            });
  }

  /** Refuses a frame with the bridge's own {@code access_denied}, and nothing else. */
  private static void deny(BridgeEvent event, JsonObject frame) {
    frame.put("address", "");
    event.complete(true);
  }

  private Map<String, UserInfo> registrations(SockJSSocket socket) {
    return sockets.computeIfAbsent(socket, s -> new HashMap<>());
  }

  private static String authorization(SockJSSocket socket) {
    return socket.headers() == null ? null : socket.headers().get(HttpHeaders.AUTHORIZATION);
  }
}
