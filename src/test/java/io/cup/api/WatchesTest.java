package io.cup.api;

import static io.cup.api.ApiFixture.WIDGETS;
import static io.cup.api.ApiFixture.widget;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.bus.ResourceEvent;
import io.cup.bus.ResourceRequest;
import io.cup.testing.WatchStream;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a watch orders what reaches it: events of the move it is at go out, events of moves its start
 * state already holds are dropped, and a move it did not see (no event of its kind, or lost) makes
 * it ask for the changes since its commit before anything later goes out. Events are published on
 * the real event bus by the test; the controller workers are stood in for by {@link FakeBackend}
 * and a {@code cup.controller.events} consumer that records what it is asked.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WatchesTest {
  private static final String C0 = FakeBackend.COMMIT;
  private static final String C1 = "1".repeat(40);
  private static final String C2 = "2".repeat(40);
  private static final String C3 = "3".repeat(40);
  private static final String C4 = "4".repeat(40);

  @TempDir Path tmp;
  private final FakeBackend backend = new FakeBackend();
  private final List<ResourceRequest> catchUps = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private ApiFixture.Deployed api;
  private WatchStream watch;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    backend.store(widget("one", 1));
    Path config = ApiFixture.writeConfiguration(tmp);
    backend.register(vertx).await(2, TimeUnit.MINUTES);
    MessageConsumer<JsonObject> events =
        vertx
            .eventBus()
            .consumer(
                Addresses.CONTROLLER_EVENTS.name(),
                m -> {
                  ResourceRequest request = ResourceRequest.fromJson(m.body());
                  catchUps.add(request);
                  // from C1 the head is C3, where "two" was added
                  JsonArray list = new JsonArray();
                  if (C1.equals(request.revision())) {
                    list.add(event("ADDED", "two", 2, C2, C3).toJson());
                  }
                  m.reply(new JsonObject().put("commit", C3).put("events", list));
                });
    events.completion().await(2, TimeUnit.MINUTES);
    api =
        ApiFixture.deploy(
                vertx,
                config,
                new JsonObject().put("watchBookmarkMillis", 3_600_000L),
                new JsonObject())
            .await(2, TimeUnit.MINUTES);
  }

  @AfterEach
  void close() throws Exception {
    if (watch != null) {
      watch.close();
    }
  }

  @Test
  void eventsFollowTheMovesAndAGapIsFilledFromTheControllersOnceForAllWatches() throws Exception {
    watch = WatchStream.open(api.port(), WIDGETS + "?watch=true", "application/json");
    assertThat(watch.status()).isEqualTo(200);
    assertThat(describe(watch.next())).isEqualTo("ADDED one 1");
    WatchStream second =
        WatchStream.open(api.port(), WIDGETS + "?watch=true", "application/x-ndjson");
    assertThat(describe(second.next())).isEqualTo("ADDED one 1");

    publish(event("MODIFIED", "one", 5, C0, C1)); // the next move: out
    publish(event("MODIFIED", "one", 6, "9".repeat(40), C1)); // not this watch's history: dropped
    publish(event("DELETED", "one", 5, C2, C3)); // C1 → C2 was never seen: catch up from C1
    publish(event("MODIFIED", "two", 7, C3, C4)); // after the catch-up: out
    publish(otherNamespace(C4, "5".repeat(40))); // another namespace: not this watch's

    for (WatchStream stream : List.of(watch, second)) {
      assertThat(describe(stream.next())).isEqualTo("MODIFIED one 5");
      assertThat(describe(stream.next())).isEqualTo("ADDED two 2");
      assertThat(describe(stream.next())).isEqualTo("MODIFIED two 7");
    }
    second.close();
    // both watches missed the same move: one request served both
    assertThat(catchUps).hasSize(1);
    assertThat(catchUps.get(0).revision()).isEqualTo(C1);
    assertThat(catchUps.get(0).namespace()).isEqualTo("default");
    assertThat(watch.events).isEmpty();
  }

  @Test
  void twoEventsOfOneMoveBothGoOutAndASelectorSeesAResourceLeave() throws Exception {
    watch =
        WatchStream.open(
            api.port(), WIDGETS + "?watch=true&labelSelector=app%3Ddemo", "application/json");
    assertThat(describe(watch.next())).isEqualTo("ADDED one 1");
    ResourceEvent relabelled =
        new ResourceEvent(
            "MODIFIED",
            "test.cup.io",
            "v1",
            "widgets",
            "Widget",
            "default",
            "one",
            C1,
            C0,
            labelled(widget("one", 2), "other"),
            widget("one", 1));
    publish(relabelled);
    publish(event("ADDED", "two", 3, C0, C1));
    assertThat(describe(watch.next())).isEqualTo("DELETED one 1");
    assertThat(describe(watch.next())).isEqualTo("ADDED two 3");
  }

  @Test
  void aFieldSelectorOnTheNameKeepsOnlyThatResource() throws Exception {
    watch =
        WatchStream.open(
            api.port(),
            WIDGETS + "?watch=true&fieldSelector=metadata.name%3Dtwo",
            "application/json");
    assertThat(watch.status()).isEqualTo(200);
    publish(event("MODIFIED", "one", 5, C0, C1));
    publish(event("ADDED", "two", 3, C0, C1));
    assertThat(describe(watch.next())).isEqualTo("ADDED two 3");
    WatchStream bad =
        WatchStream.open(
            api.port(), WIDGETS + "?watch=true&fieldSelector=spec.x%3D1", "application/json");
    assertThat(bad.status()).isEqualTo(400);
  }

  @Test
  void aBadStartIsAStatusNotAStream() throws Exception {
    watch =
        WatchStream.open(
            api.port(), WIDGETS + "?watch=true&timeoutSeconds=soon", "application/json");
    assertThat(watch.status()).isEqualTo(400);
    WatchStream revision =
        WatchStream.open(api.port(), WIDGETS + "?watch=true&revision=main", "application/json");
    assertThat(revision.status()).isEqualTo(400);
    WatchStream html = WatchStream.open(api.port(), WIDGETS + "?watch=true", "text/html");
    assertThat(html.status()).isEqualTo(406);
  }

  private void publish(ResourceEvent event) {
    vertx.eventBus().publish(Addresses.EVENTS_RESOURCE.nodeName(), event.toJson());
  }

  private static ResourceEvent event(
      String type, String name, int replicas, String from, String to) {
    JsonObject object = widget(name, replicas);
    object.getJsonObject("metadata").put("resourceVersion", to);
    return new ResourceEvent(
        type, "test.cup.io", "v1", "widgets", "Widget", "default", name, to, from, object, null);
  }

  private static ResourceEvent otherNamespace(String from, String to) {
    JsonObject object = widget("far", 1);
    object.getJsonObject("metadata").put("namespace", "elsewhere");
    return new ResourceEvent(
        "ADDED",
        "test.cup.io",
        "v1",
        "widgets",
        "Widget",
        "elsewhere",
        "far",
        to,
        from,
        object,
        null);
  }

  private static JsonObject labelled(JsonObject resource, String app) {
    resource.getJsonObject("metadata").put("labels", new JsonObject().put("app", app));
    return resource;
  }

  private static String describe(JsonObject event) {
    JsonObject object = event.getJsonObject("object");
    return event.getString("type")
        + " "
        + object.getJsonObject("metadata").getString("name")
        + " "
        + object.getJsonObject("spec").getInteger("replicas");
  }
}
