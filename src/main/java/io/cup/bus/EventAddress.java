package io.cup.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A published address ({@code cup.events.*}): its name and the record each event is. The only path
 * between that record and the JSON object on the wire, as {@link BusAddress} is for requests.
 *
 * @param <E> the event record
 */
public final class EventAddress<E extends BusMessage> {
  private static final Logger LOG = LoggerFactory.getLogger(EventAddress.class);

  private final String name;
  private final Class<E> type;
  private final Function<JsonObject, E> read;

  private EventAddress(String name, Class<E> type, Function<JsonObject, E> read) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.read = Objects.requireNonNull(read, "read");
  }

  static <E extends BusMessage> EventAddress<E> of(
      String name, Class<E> type, Function<JsonObject, E> read) {
    return new EventAddress<>(name, type, read);
  }

  /** The address as the bus knows it, {@code cup.events.…}. */
  public String name() {
    return name;
  }

  public Class<E> type() {
    return type;
  }

  /**
   * Reads an event of this address from the JSON on the wire (what an event-bus bridge is about to
   * forward).
   *
   * @throws RuntimeException when it is not one
   */
  public E read(JsonObject json) {
    return read.apply(json);
  }

  /** Publishes {@code event} to every consumer of this address. */
  public void publish(EventBus bus, E event) {
    bus.publish(name, event.toJson());
  }

  /** Hears every event of this address; an event that cannot be read is logged and skipped. */
  public MessageConsumer<JsonObject> consume(EventBus bus, Consumer<E> handler) {
    return bus.consumer(
        name,
        message -> {
          E event;
          try {
            event = read.apply(message.body());
          } catch (RuntimeException e) {
            LOG.warn("skipping a malformed {} event: {}", name, e.toString());
            return;
          }
          handler.accept(event);
        });
  }

  @Override
  public String toString() {
    return name;
  }
}
