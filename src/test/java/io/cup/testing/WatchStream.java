package io.cup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client side of one watch request: the events it receives (NDJSON lines or Server-Sent Events
 * frames) land in a queue the test takes from, waiting for each on the real stream with a bound. A
 * plain blocking client (the JDK's) read by a thread of its own: a streaming answer cannot outrun
 * it, however short.
 */
public final class WatchStream implements AutoCloseable {
  private static final long WAIT_SECONDS = 30;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  /** SSE frames as they came, each {@code id}, {@code event} and {@code data} line kept. */
  public final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

  private final CompletableFuture<Integer> status = new CompletableFuture<>();
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  private final boolean sse;
  private volatile InputStream body;

  private WatchStream(boolean sse) {
    this.sse = sse;
  }

  /** Opens {@code path} (with its query) on 127.0.0.1:{@code port}, asking for {@code accept}. */
  public static WatchStream open(int port, String path, String accept) {
    WatchStream stream = new WatchStream(accept.equals("text/event-stream"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Accept", accept)
            .GET()
            .build();
    Thread reader = new Thread(() -> stream.read(request), "watch-stream " + path);
    reader.setDaemon(true);
    reader.start();
    return stream;
  }

  private void read(HttpRequest request) {
    StringBuilder all = new StringBuilder();
    try {
      HttpResponse<InputStream> response =
          HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      body = response.body();
      status.complete(response.statusCode());
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        StringBuilder frame = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
          all.append(line).append('\n');
          if (!sse) {
            if (line.startsWith("{\"type\"")) {
              events.add(new JsonObject(line));
            }
          } else if (line.isEmpty()) {
            if (frame.length() > 0) {
              frames.add(frame.toString());
              frame.setLength(0);
            }
          } else {
            frame.append(frame.length() > 0 ? "\n" : "").append(line);
            if (line.startsWith("data: ")) {
              events.add(new JsonObject(line.substring("data: ".length())));
            }
          }
        }
      }
    } catch (IOException e) {
      status.completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status.completeExceptionally(e);
    } finally {
      ended.complete(all.toString());
    }
  }

  public int status() {
    return get(status);
  }

  /** The next event, within 30 seconds. */
  public JsonObject next() {
    return take(events, "a watch event");
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
    return take(frames, "an SSE frame");
  }

  /** Waits (30 s at most) until the server ends the stream. */
  public void awaitEnd() {
    get(ended);
  }

  /** The whole body, once the stream ended (for an error answer). */
  public String body() {
    return get(ended);
  }

  private static <T> T take(BlockingQueue<T> queue, String what) {
    try {
      T item = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(item).as(what + " within " + WAIT_SECONDS + " s").isNotNull();
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static <T> T get(CompletableFuture<T> future) {
    try {
      return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError("the watch request failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT_SECONDS + " s", e);
    }
  }

  @Override
  public void close() {
    InputStream open = body;
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
