package io.cup.e2e;

import static io.cup.e2e.Fixture.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.bus.Addresses;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.TestRepos;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server while a write is in flight: {@link CupServer#close()} (what {@code SIGTERM}
 * runs) must let the write finish (its 202 and its proposal branch on the remote) while new
 * connections are refused, and nothing may be left half-done.
 *
 * <p>The timing is made certain, not hoped for: an outbound event-bus interceptor catches the PUT's
 * request to the proposal publisher, begins the close there, and holds the request until the server
 * refuses new connections. Only then does the write go on to the publisher.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GracefulShutdownTest {
  private static final long POLL_MILLIS = 60_000;
  private static final long REFUSAL_DEADLINE_MILLIS = 30_000;

  @TempDir Path tmp;
  private Vertx vertx;
  private Fixture fixture;
  private CupServer server;
  private ServerConfig config;
  private Handler<DeliveryContext<Object>> interceptor;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.fixture = new Fixture(tmp);
    this.config = fixture.config(tmp.resolve("data"), POLL_MILLIS);
    this.server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (interceptor != null) {
        vertx.eventBus().removeOutboundInterceptor(interceptor);
      }
      server.close().await(2, TimeUnit.MINUTES);
    } finally {
      fixture.daemon.close();
    }
  }

  @Test
  void aWriteInFlightWhenTheCloseBeginsIsProposedAndLaterRequestsAreRefused() throws Exception {
    ObjectId base = TestRepos.ref(fixture.remote, "refs/heads/main");
    Map<String, ObjectId> refsBefore = TestRepos.refs(fixture.remote);
    String web = Fixture.service("default", "web", 6, "tier", "frontend");

    AtomicBoolean intercepted = new AtomicBoolean();
    Promise<Void> closeBegan = Promise.promise();
    Promise<AsyncResult<HttpResponse<Buffer>>> lateRequest = Promise.promise();
    interceptor =
        delivery -> {
          if (!Addresses.PROPOSAL_CREATE.name().equals(delivery.message().address())
              || !intercepted.compareAndSet(false, true)) {
            delivery.next();
            return;
          }
          // The PUT is past validation and its change set is computed: the write is in flight.
          server.close();
          closeBegan.complete();
          refusingConnections()
              .compose(refusing -> lateWrite())
              .onComplete(
                  late -> {
                    lateRequest.complete(late);
                    delivery.next();
                  });
        };
    vertx.eventBus().addOutboundInterceptor(interceptor);

    WebClient client = WebClient.create(vertx);
    HttpResponse<Buffer> put =
        client
            .put(config.port(), "127.0.0.1", SERVICES + "/web")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(web))
            .await(2, TimeUnit.MINUTES);

    // the close began while the write was in flight, and the write still finished
    assertThat(closeBegan.future().isComplete()).isTrue();
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    String id = put.bodyAsJsonObject().getString("id");
    server.onClose().await(2, TimeUnit.MINUTES);

    // a request sent once the close began was refused, not half-served
    AsyncResult<HttpResponse<Buffer>> late = lateRequest.future().await(2, TimeUnit.MINUTES);
    if (late.succeeded()) {
      assertThat(late.result().statusCode()).as(late.result().bodyAsString()).isEqualTo(503);
    } else {
      // no connection at all: refused (or reset by the closing listener) while connecting
      assertThat(late.cause()).isInstanceOf(SocketException.class);
    }

    // the remote holds the in-flight write's branch and record, exactly base + its change, and
    // nothing of the refused request
    Map<String, ObjectId> refsAfter = TestRepos.refs(fixture.remote);
    assertThat(refsAfter.keySet())
        .containsExactlyInAnyOrderElementsOf(
            union(
                refsBefore.keySet(), "refs/heads/cup/proposal/" + id, "refs/cup/proposals/" + id));
    assertThat(refsAfter.get("refs/heads/main")).isEqualTo(base);
    RevCommit head = TestRepos.parseCommit(fixture.remote, "refs/heads/cup/proposal/" + id);
    assertThat(head.getParents()).extracting(RevCommit::getId).containsExactly(base);
    Map<String, String> files = TestRepos.files(fixture.remote, head.name());
    assertThat(files.get(Fixture.path("default", "web"))).isEqualTo(web);
    assertThat(files).doesNotContainKey(Fixture.path("default", "late"));
    TestRepos.Fsck fsck = TestRepos.fsck(fixture.remote);
    assertThat(fsck.ok()).as(fsck.output()).isTrue();
  }

  /**
   * Completes once a new TCP connection to the API fails: every API instance has stopped accepting
   * (Linux answers such a connect with a refusal, or with a reset when the listener closes while
   * the connection is being set up). Probes with a fresh connection every few milliseconds (closed
   * at once while it still connects), on Vert.x timers.
   */
  private Future<Void> refusingConnections() {
    NetClient probe = vertx.createNetClient();
    Promise<Void> refusing = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFUSAL_DEADLINE_MILLIS);
    probeUntilRefused(probe, refusing, deadline);
    return refusing.future().eventually(probe::close);
  }

  private void probeUntilRefused(NetClient probe, Promise<Void> refusing, long deadline) {
    probe
        .connect(config.port(), "127.0.0.1")
        .onComplete(
            connected -> {
              if (connected.failed()) {
                // refused, or reset by a listener closing while the connection was set up
                if (connected.cause() instanceof SocketException) {
                  refusing.complete();
                } else {
                  refusing.fail(connected.cause());
                }
                return;
              }
              connected.result().close();
              if (System.nanoTime() > deadline) {
                refusing.fail(
                    new AssertionError(
                        "the API still accepts connections "
                            + REFUSAL_DEADLINE_MILLIS
                            + " ms after the close began"));
                return;
              }
              vertx.setTimer(5, id -> probeUntilRefused(probe, refusing, deadline));
            });
  }

  /** A PUT of another resource on a fresh connection (no pooled keep-alive connection). */
  private Future<HttpResponse<Buffer>> lateWrite() {
    WebClient fresh = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false));
    return fresh
        .put(config.port(), "127.0.0.1", SERVICES + "/late")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(Fixture.service("default", "late", 1, "tier", "backend")))
        .andThen(done -> fresh.close());
  }

  private static Set<String> union(Set<String> refs, String... more) {
    Set<String> all = new TreeSet<>(refs);
    all.addAll(List.of(more));
    return all;
  }
}
