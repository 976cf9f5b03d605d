package io.cup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client side of one watch request: the events it receives (NDJSON lines or Server-Sent Events
 * frames) land in a queue the test takes from, waiting for each on the real stream with a bound.
 */
public final class WatchStream implements AutoCloseable {
  private static final long WAIT_SECONDS = 30;

  public final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  /** SSE frames as they came, each {@code id}, {@code event} and {@code data} line kept. */
  public final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

  private final Promise<Integer> status = Promise.promise();
  private final Promise<Void> ended = Promise.promise();
  private final StringBuilder pending = new StringBuilder();
  private final Buffer body = Buffer.buffer();
  private final boolean sse;
  private HttpClientRequest request;

  private WatchStream(boolean sse) {
    this.sse = sse;
  }

  /** Opens {@code path} (with its query) asking for {@code accept}. */
  public static WatchStream open(HttpClient http, int port, String path, String accept) {
    WatchStream stream = new WatchStream(accept.equals("text/event-stream"));
    http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(
            request -> {
              stream.request = request;
              request.putHeader("Accept", accept);
              return request.send();
            })
        .onSuccess(
            response -> {
              // handlers set in the callback that delivers the response: no chunk is missed
              response.handler(stream::chunk);
              response.endHandler(v -> stream.ended.tryComplete());
              response.exceptionHandler(e -> stream.ended.tryComplete());
              stream.status.tryComplete(response.statusCode());
            })
        .onFailure(stream.status::tryFail);
    return stream;
  }

  public int status() {
    return status.future().await();
  }

  /** The next event, within 30 seconds. */
  public JsonObject next() {
    try {
      JsonObject event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(event).as("a watch event within " + WAIT_SECONDS + " s").isNotNull();
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next event that is not a BOOKMARK. */
  public JsonObject nextChange() {
    while (true) {
      JsonObject event = next();
      if (!"BOOKMARK".equals(event.getString("type"))) {
        return event;
      }
    }
  }

  /** The next SSE frame, within 30 seconds. */
  public String nextFrame() {
    try {
      String frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(frame).as("an SSE frame within " + WAIT_SECONDS + " s").isNotNull();
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until the server ends the stream. */
  public Future<Void> ended() {
    return ended.future();
  }

  /** The whole body, once the stream ended (for an error answer). */
  public String body() {
    ended.future().await();
    return body.toString();
  }

  private synchronized void chunk(Buffer chunk) {
    body.appendBuffer(chunk);
    pending.append(chunk.toString());
    String separator = sse ? "\n\n" : "\n";
    int end;
    while ((end = pending.indexOf(separator)) >= 0) {
      String unit = pending.substring(0, end);
      pending.delete(0, end + separator.length());
      if (unit.isBlank()) {
        continue;
      }
      if (sse) {
        frames.add(unit);
        for (String line : unit.split("\n")) {
          if (line.startsWith("data: ")) {
            events.add(new JsonObject(line.substring("data: ".length())));
          }
        }
      } else if (unit.startsWith("{\"type\"")) {
        events.add(new JsonObject(unit));
      }
    }
  }

  @Override
  public void close() {
    if (request != null) {
      request.connection().close();
    }
  }
}
