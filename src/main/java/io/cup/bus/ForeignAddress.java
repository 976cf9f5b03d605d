package io.cup.bus;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An address of another service on the (clustered) event bus that an event-bus bridge client may
 * send or publish to ({@code --bridge-inbound}). Its messages are that service's contract, not
 * Cup's: they pass through as they are, which is why such an address is never one of Cup's own
 * ({@code cup.*}) nor Vert.x's ({@code __vertx.*}).
 */
public final class ForeignAddress {
  /**
   * The prefixes of addresses that are never foreign: every address of Cup's (requests to its
   * verticles, and the events only Cup publishes) and Vert.x's reply addresses.
   */
  public static final List<String> INTERNAL_PREFIXES = List.of("cup.", "__vertx.");

  private final String name;

  private ForeignAddress(String name) {
    this.name = name;
  }

  /**
   * The address {@code name}.
   *
   * @throws IllegalArgumentException when it is blank or internal
   */
  public static ForeignAddress of(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || internal(name)) {
      throw new IllegalArgumentException("\"" + name + "\" is not a foreign address");
    }
    return new ForeignAddress(name);
  }

  /** Whether {@code address} is Cup's or Vert.x's own. */
  public static boolean internal(String address) {
    String lower = address.strip().toLowerCase(Locale.ROOT);
    return INTERNAL_PREFIXES.stream().anyMatch(lower::startsWith);
  }

  public String name() {
    return name;
  }

  /** A reply as the other service sent it: its body (any bus type) and headers. */
  public record Reply(Object body, Map<String, String> headers) {}

  /** Sends {@code body} to one consumer and waits for its reply (the bus's failure when none). */
  public Future<Reply> request(
      EventBus bus, Object body, Map<String, String> headers, long timeoutMillis) {
    return bus.request(name, body, options(headers).setSendTimeout(timeoutMillis))
        .map(
            reply -> {
              Map<String, String> replyHeaders = new LinkedHashMap<>();
              reply.headers().forEach(replyHeaders::put);
              return new Reply(reply.body(), replyHeaders);
            });
  }

  /** Sends {@code body} to one consumer, expecting no reply. */
  public void send(EventBus bus, Object body, Map<String, String> headers) {
    bus.send(name, body, options(headers));
  }

  /** Publishes {@code body} to every consumer. */
  public void publish(EventBus bus, Object body, Map<String, String> headers) {
    bus.publish(name, body, options(headers));
  }

  private static DeliveryOptions options(Map<String, String> headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(map::add);
    return new DeliveryOptions().setHeaders(map);
  }

  @Override
  public String toString() {
    return name;
  }
}
