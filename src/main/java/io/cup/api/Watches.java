package io.cup.api;

import io.cup.bus.Addresses;
import io.cup.bus.ResourceEvent;
import io.cup.bus.ResourceRequest;
import io.cup.config.ServedResource;
import io.cup.controllers.LabelSelector;
import io.cup.controllers.ResourceVersions;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes watches ({@code GET …/{plural}?watch=true}) for one API verticle instance: each open
 * watch is a streaming response fed from {@code cup.events.resource}, on the event loop, with no
 * thread of its own, so idle watchers cost a connection and a few objects each.
 *
 * <p>A watch starts from a state and then follows the tracked branch move by move:
 *
 * <ul>
 *   <li>without {@code resourceVersion} (or with "0"): a synthetic ADDED for every current resource
 *       (read at the head commit), then the events of later moves;
 *   <li>with a commit id: the net changes between that commit and the head (one event per
 *       resource), then later moves; a commit the repository does not have is 410 Expired before
 *       anything is streamed, a value that is no commit id 400.
 * </ul>
 *
 * <p>Each watch remembers the commit its stream has reached. An event whose move starts there (or
 * belongs to the move it is in) is sent; one for a commit already covered is dropped; any other (a
 * move seen by no event of this watch's kind, or events lost) makes the watch ask the controller
 * workers for the changes from its commit to the head, so a stream never skips or repeats a state.
 * Events pass the watch's label selector as Kubernetes applies it (a resource that stops matching
 * is DELETED for the watcher). Every bookmark interval each watch gets a BOOKMARK with its commit;
 * {@code timeoutSeconds} ends it; a client that does not read (its write queue full) is ended, and
 * resumes from the last resourceVersion it saw.
 */
final class Watches {
  private static final Logger LOG = LoggerFactory.getLogger(Watches.class);

  /** How much a watch client may leave unread before it counts as not reading: 8 MiB. */
  static final int WRITE_QUEUE_BYTES = 8 * 1024 * 1024;

  /** The scope of a watch across namespaces: no namespace is named "*". */
  private static final String ALL_NAMESPACES = "*";

  private final Vertx vertx;
  private final BusClient bus;
  private final long bookmarkMillis;

  /** Open watches by "group/version/plural|namespace"; only touched on this event loop. */
  private final Map<String, Set<Watch>> byScope = new HashMap<>();

  /**
   * Controller requests in flight, by what they ask: watches that start from (or catch up from) the
   * same commit with the same selector share one answer, so a thousand watchers of a kind whose
   * namespace a move did not touch make one request, not a thousand. A watch joins only a request
   * sent after every event it has missed was published ({@link #generation}), so the answer it gets
   * is never older than what it needs.
   */
  private final Map<String, InFlight> inFlight = new HashMap<>();

  /** How many resource events this instance has received; counts event-bus order. */
  private long generation;

  private record InFlight(long generation, Future<Batch> answer) {}

  /** What a watch sends at its start or after a catch-up: lines at {@code commit}. */
  private record Batch(String commit, List<Line> lines) {}

  /** One line of a batch: the event's type and object, and the JSON sent for it. */
  private record Line(String type, JsonObject object, String json) {}

  private MessageConsumer<JsonObject> consumer;
  private long bookmarkTimer = -1;

  Watches(Vertx vertx, BusClient bus, long bookmarkMillis) {
    this.vertx = vertx;
    this.bus = bus;
    this.bookmarkMillis = bookmarkMillis;
  }

  Future<Void> start() {
    consumer = Addresses.EVENTS_RESOURCE.consumeOnNode(vertx.eventBus(), this::onEvent);
    bookmarkTimer = vertx.setPeriodic(bookmarkMillis, id -> bookmarks());
    return consumer.completion();
  }

  /** Ends every open watch (so a graceful shutdown does not wait for them) and stops listening. */
  Future<Void> stop() {
    if (bookmarkTimer >= 0) {
      vertx.cancelTimer(bookmarkTimer);
    }
    List<Watch> open = new ArrayList<>();
    byScope.values().forEach(open::addAll);
    open.forEach(Watch::end);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** How many watches are open in this instance. */
  int size() {
    return byScope.values().stream().mapToInt(Set::size).sum();
  }

  /**
   * Starts a watch for the request. {@code answer} is the negotiated type: JSON or NDJSON lines, or
   * Server-Sent Events.
   */
  void watch(RoutingContext ctx, ServedResource served, String answer) {
    String namespace = ctx.pathParam("namespace");
    String selectorText = ResourceApi.emptyToNull(ctx.queryParams().get("labelSelector"));
    LabelSelector labels = LabelSelector.parse(selectorText);
    FieldSelector fields =
        FieldSelector.parse(ResourceApi.emptyToNull(ctx.queryParams().get("fieldSelector")));
    Predicate<JsonObject> selector = r -> fields.matches(r) && labels.matchesResource(r);
    String from = ResourceApi.emptyToNull(ctx.queryParams().get("resourceVersion"));
    if (from == null && answer.equals(MediaTypes.EVENT_STREAM)) {
      from = ResourceApi.emptyToNull(ctx.request().getHeader("Last-Event-ID"));
    }
    if ("0".equals(from)) {
      from = null;
    }
    if (from != null && !ResourceVersions.isCommitId(from)) {
      throw StatusException.badRequest(
          "resourceVersion \"" + from + "\" is not one this server issued (a commit id)");
    }
    long timeoutMillis = timeoutMillis(ctx.queryParams().get("timeoutSeconds"));
    Watch watch = new Watch(ctx, served, namespace, selectorText, selector, fields, answer);
    byScope.computeIfAbsent(watch.scope, k -> new LinkedHashSet<>()).add(watch);
    ctx.response().closeHandler(v -> watch.end());
    if (timeoutMillis > 0) {
      watch.timer = vertx.setTimer(timeoutMillis, id -> watch.end());
    }
    Future<Batch> start = from == null ? watch.initialState() : watch.changesSince(from);
    start.onComplete(
        done -> {
          if (done.failed()) {
            watch.fail(StatusException.from(done.cause()));
            return;
          }
          watch.begin();
          watch.sendAll(done.result());
          watch.drain();
        });
  }

  private static long timeoutMillis(String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(seconds, 1000L);
    } catch (NumberFormatException | ArithmeticException e) {
      throw StatusException.badRequest("timeoutSeconds must be a non-negative integer");
    }
  }

  private void onEvent(ResourceEvent event) {
    generation++;
    String kind = event.group() + '/' + event.version() + '/' + event.plural() + '|';
    Set<Watch> inNamespace = byScope.get(kind + event.namespace());
    Set<Watch> everywhere = byScope.get(kind + ALL_NAMESPACES);
    if (inNamespace == null && everywhere == null) {
      return;
    }
    Published published = new Published(event);
    for (Set<Watch> watches : Arrays.asList(inNamespace, everywhere)) {
      if (watches != null) {
        for (Watch watch : List.copyOf(watches)) {
          watch.offer(published);
        }
      }
    }
  }

  /**
   * The answer to the request named {@code key}: the one in flight when it was sent once the first
   * {@code since} events had been dispatched, or a new one.
   */
  private Future<Batch> shared(String key, long since, Supplier<Future<Batch>> request) {
    InFlight running = inFlight.get(key);
    if (running != null && running.generation() >= since) {
      return running.answer();
    }
    InFlight started = new InFlight(generation, request.get());
    inFlight.put(key, started);
    started
        .answer()
        .onComplete(
            done -> {
              if (inFlight.get(key) == started) {
                inFlight.remove(key);
              }
            });
    return started.answer();
  }

  /** The encoded watch event {@code {"type", "object"}}. */
  private static String line(String type, JsonObject object) {
    return new JsonObject().put("type", type).put("object", object).encode();
  }

  /** A published event, encoded at most once however many watchers send it as it is. */
  private static final class Published {
    final ResourceEvent event;
    private String line;

    Published(ResourceEvent event) {
      this.event = event;
    }

    String line() {
      if (line == null) {
        line = Watches.line(event.type(), event.object());
      }
      return line;
    }
  }

  private void bookmarks() {
    for (Set<Watch> watches : List.copyOf(byScope.values())) {
      for (Watch watch : List.copyOf(watches)) {
        watch.bookmark();
      }
    }
  }

  /** One open watch. */
  private final class Watch {
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final ServedResource served;
    private final String namespace;
    private final String selectorText;

    /** Labels and fields: what live events must match (the controllers apply only labels). */
    private final Predicate<JsonObject> selector;

    /** Fields, for what the controllers answer (already filtered by labels). */
    private final FieldSelector fields;

    private final String answer;
    private final String scope;

    /** Events that arrived while the start state or a catch-up was being read. */
    private final Deque<Published> waiting = new ArrayDeque<>();

    /** The commit the stream has reached, and where the move that reached it started. */
    private String current;

    private String moveFrom;

    /** The events dispatched before this watch listened: its start state must include them. */
    private final long registeredAt = generation;

    private boolean started;
    private boolean catchingUp = true;
    private boolean ended;
    private long timer = -1;

    Watch(
        RoutingContext ctx,
        ServedResource served,
        String namespace,
        String selectorText,
        Predicate<JsonObject> selector,
        FieldSelector fields,
        String answer) {
      this.ctx = ctx;
      this.response = ctx.response();
      this.served = served;
      this.namespace = namespace;
      this.selectorText = selectorText;
      this.selector = selector;
      this.fields = fields;
      this.answer = answer;
      this.scope = served.key() + '|' + (namespace == null ? ALL_NAMESPACES : namespace);
    }

    /** A controller request about this watch's resources, at {@code revision}. */
    private ResourceRequest request(String revision) {
      return new ResourceRequest(
          served.definition().group(),
          served.version(),
          served.definition().plural(),
          namespace,
          null,
          revision,
          selectorText,
          null);
    }

    /** Every current resource as ADDED, at the head commit. */
    Future<Batch> initialState() {
      return shared(
          "list|" + scope + '|' + selectorText,
          registeredAt,
          () ->
              bus.request(Addresses.CONTROLLER_LIST, request(null), bus.timeouts().controller())
                  .map(
                      list -> {
                        List<Line> lines = new ArrayList<>();
                        for (Object item : list.items()) {
                          JsonObject object = (JsonObject) item;
                          lines.add(new Line("ADDED", object, line("ADDED", object)));
                        }
                        return new Batch(list.commit(), lines);
                      }));
    }

    /** The net changes between {@code from} and the head; unknown commit: 410 at the start. */
    Future<Batch> changesSince(String from) {
      return shared(
              "events|" + scope + '|' + selectorText + '|' + from,
              generation,
              () ->
                  bus.request(
                          Addresses.CONTROLLER_EVENTS, request(from), bus.timeouts().controller())
                      .map(
                          reply ->
                              new Batch(
                                  reply.commit(),
                                  reply.events().stream()
                                      .map(e -> new Line(e.type(), e.object(), e.toJson().encode()))
                                      .toList())))
          .recover(
              failure -> {
                StatusException status = StatusException.from(failure);
                if (status.code() == 404) {
                  return Future.failedFuture(
                      StatusException.expired(
                          "too old resource version: "
                              + from
                              + " is not a commit of the repository any more; list again and"
                              + " watch from the list's resourceVersion"));
                }
                return Future.failedFuture(status);
              });
    }

    /** Headers out: from here on the stream is 200 and errors end it. */
    void begin() {
      if (ended) {
        return;
      }
      headers();
      response.writeHead();
    }

    /** The stream's 200 and headers, the answer's media type as negotiated. */
    private void headers() {
      started = true;
      response
          .setWriteQueueMaxSize(WRITE_QUEUE_BYTES)
          .setChunked(true)
          .setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, answer)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          // never compressed (the server compresses other answers): an event leaves when written
          .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }

    /** Sends a reply of {@link #initialState} or {@link #changesSince}, and takes its commit. */
    void sendAll(Batch batch) {
      if (ended) {
        return;
      }
      String commit = batch.commit();
      for (Line line : batch.lines()) {
        if (fields.matches(line.object())) {
          send(line.type(), commit, line.json(), false);
        }
      }
      current = commit;
      moveFrom = null;
      catchingUp = false;
    }

    void offer(Published event) {
      if (ended) {
        return;
      }
      waiting.add(event);
      if (!catchingUp) {
        drain();
      }
    }

    /** Sends waiting events in order, until one shows a gap (then catches up first). */
    void drain() {
      while (!ended && !catchingUp && !waiting.isEmpty()) {
        Published published = waiting.poll();
        ResourceEvent event = published.event;
        if (event.previousCommit() != null && event.previousCommit().equals(current)) {
          moveFrom = current; // the first event of the next move
          current = event.commit();
        } else if (event.commit().equals(current)) {
          if (moveFrom == null || !moveFrom.equals(event.previousCommit())) {
            continue; // a move the stream's start state or a catch-up already holds
          }
        } else {
          catchUp();
          return;
        }
        event
            .selectedBy(selector)
            .ifPresent(
                e ->
                    send(
                        e.type(),
                        e.commit(),
                        e == event ? published.line() : line(e.type(), e.object()),
                        true));
      }
    }

    /** The stream missed a move (or its kind had no event in it): read the changes since. */
    private void catchUp() {
      catchingUp = true;
      changesSince(current)
          .onComplete(
              done -> {
                if (ended) {
                  return;
                }
                if (done.failed()) {
                  LOG.debug("watch {} cannot catch up: {}", scope, done.cause().getMessage());
                  end();
                  return;
                }
                sendAll(done.result());
                drain();
              });
    }

    void bookmark() {
      if (!started || ended || catchingUp || current == null) {
        return;
      }
      JsonObject object =
          new JsonObject()
              .put("apiVersion", served.apiVersion())
              .put("kind", served.definition().kind())
              .put("metadata", new JsonObject().put(ResourceVersions.FIELD, current));
      send("BOOKMARK", current, line("BOOKMARK", object), true);
    }

    /**
     * Writes one event ({@code json}, the encoded {@code {"type", "object"}}). For live events a
     * client whose write queue is full (it has not read the last {@value #WRITE_QUEUE_BYTES} bytes)
     * is ended; the start state and catch-ups are written whole, whatever their size.
     */
    private void send(String type, String version, String json, boolean live) {
      if (ended) {
        return;
      }
      if (live && response.writeQueueFull()) {
        LOG.debug("watch {}: the client does not read; ending the stream", scope);
        end();
        return;
      }
      Buffer chunk = Buffer.buffer(json.length() + 64);
      if (answer.equals(MediaTypes.EVENT_STREAM)) {
        chunk
            .appendString("id: ")
            .appendString(version)
            .appendString("\nevent: ")
            .appendString(type)
            .appendString("\ndata: ")
            .appendString(json)
            .appendString("\n\n");
      } else {
        chunk.appendString(json).appendByte((byte) '\n');
      }
      response.write(chunk);
    }

    /** Before the stream started: answer the failure as a Status. */
    void fail(StatusException status) {
      remove();
      if (!started && !ended && !response.ended() && !response.closed()) {
        ended = true;
        StatusResponses.write(ctx, status);
        return;
      }
      end();
    }

    void end() {
      if (ended) {
        return;
      }
      ended = true;
      remove();
      if (!response.ended() && !response.closed()) {
        if (!started) {
          headers();
        }
        response.end();
      }
    }

    private void remove() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      Set<Watch> watches = byScope.get(scope);
      if (watches != null) {
        watches.remove(this);
        if (watches.isEmpty()) {
          byScope.remove(scope);
        }
      }
    }
  }
}
