package io.cup.bus;

import io.vertx.core.eventbus.DeliveryOptions;
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
 * <p>Events about the node's own clone (a head move, the resource events of a move) also go to a
 * node-local twin address, {@link #nodeName()} ({@code cup.node.events.…}): every node fetches and
 * sees every move, and its own watches and caches follow its own clone, in its own order ({@link
 * #consumeOnNode}); the cluster-wide address carries each move once per cluster, from the node that
 * saw it first. Without a cluster both are published.
 *
 * @param <E> the event record
 */
public final class EventAddress<E extends BusMessage> {
  private static final Logger LOG = LoggerFactory.getLogger(EventAddress.class);

  private final String name;
  private final Class<E> type;
  private final Function<JsonObject, E> read;
  private final String nodeName;

  private EventAddress(String name, Class<E> type, Function<JsonObject, E> read) {
    this.name = Objects.requireNonNull(name, "name");
    this.nodeName = "cup.node." + name.substring(name.indexOf('.') + 1);
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

  /** The node-local twin of this address, {@code cup.node.events.…}: never leaves the node. */
  public String nodeName() {
    return nodeName;
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

  /** Publishes {@code event} to every consumer of this address, on every node of a cluster. */
  public void publish(EventBus bus, E event) {
    bus.publish(name, event.toJson());
  }

  /**
   * Publishes {@code event} about this node's clone to this node's {@link #consumeOnNode} consumers
   * only. The node that saw a change first also {@link #publish publishes} it cluster-wide; without
   * a cluster, that is every node's every change.
   */
  public void publishOnNode(EventBus bus, E event) {
    bus.publish(nodeName, event.toJson(), new DeliveryOptions().setLocalOnly(true));
  }

  /** Hears every event of this address; an event that cannot be read is logged and skipped. */
  public MessageConsumer<JsonObject> consume(EventBus bus, Consumer<E> handler) {
    return bus.consumer(name, message -> deliver(message.body(), handler));
  }

  /**
   * Hears the events this node {@link #announce announces} about its own clone, every one of them,
   * in the order they were announced; nothing from another node.
   */
  public MessageConsumer<JsonObject> consumeOnNode(EventBus bus, Consumer<E> handler) {
    return bus.localConsumer(nodeName, message -> deliver(message.body(), handler));
  }

  private void deliver(JsonObject body, Consumer<E> handler) {
    E event;
    try {
      event = read.apply(body);
    } catch (RuntimeException e) {
      LOG.warn("skipping a malformed {} event: {}", name, e.toString());
      return;
    }
    handler.accept(event);
  }

  @Override
  public String toString() {
    return name;
  }
}
