package io.cup.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RetryPolicyTest {
  @Test
  void waitsDoubleUpToTheCapAndHonourAskedWaits() {
    RetryPolicy plain = new RetryPolicy(10, 100, 1_000, false);
    assertThat(plain.delayMillis(1, RetryPolicy.NO_HINT)).isEqualTo(100);
    assertThat(plain.delayMillis(2, RetryPolicy.NO_HINT)).isEqualTo(200);
    assertThat(plain.delayMillis(4, RetryPolicy.NO_HINT)).isEqualTo(800);
    assertThat(plain.delayMillis(5, RetryPolicy.NO_HINT)).isEqualTo(1_000);
    assertThat(plain.delayMillis(60, RetryPolicy.NO_HINT)).isEqualTo(1_000);
    // an asked wait wins, but never below the base
    assertThat(plain.delayMillis(3, 5_000)).isEqualTo(5_000);
    assertThat(plain.delayMillis(3, 0)).isEqualTo(100);
    RetryPolicy jittered = RetryPolicy.exponential(100, 1_000);
    for (int i = 0; i < 100; i++) {
      assertThat(jittered.delayMillis(3, RetryPolicy.NO_HINT)).isBetween(200L, 400L);
    }
  }

  @Test
  void countsAttempts() {
    RetryPolicy three = RetryPolicy.immediate(3);
    assertThat(three.allows(1)).isTrue();
    assertThat(three.allows(3)).isTrue();
    assertThat(three.allows(4)).isFalse();
    assertThat(RetryPolicy.exponential(1, 2).allows(Integer.MAX_VALUE)).isTrue();
  }

  @Test
  void runsUntilSuccessOrTheAttemptsRunOut(Vertx vertx) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String done =
        RetryPolicy.immediate(4)
            .run(
                vertx,
                n ->
                    n < 3
                        ? Future.<String>failedFuture(new IllegalStateException("again"))
                        : Future.succeededFuture("after " + n),
                e -> e instanceof IllegalStateException)
            .await(1, TimeUnit.MINUTES);
    assertThat(done).isEqualTo("after 3");

    Future<String> exhausted =
        new RetryPolicy(2, 1, 1, false)
            .run(
                vertx,
                n -> {
                  calls.incrementAndGet();
                  return Future.failedFuture(new IllegalStateException("attempt " + n));
                },
                e -> true);
    assertThat(exhausted.transform(Future::succeededFuture).await(1, TimeUnit.MINUTES).failed())
        .isTrue();
    assertThat(exhausted.cause()).hasMessage("attempt 2");
    assertThat(calls).hasValue(2);

    Future<String> refused =
        RetryPolicy.immediate(5)
            .run(vertx, n -> Future.failedFuture(new IllegalArgumentException("no")), e -> false);
    assertThat(refused.transform(Future::succeededFuture).await(1, TimeUnit.MINUTES).failed())
        .isTrue();
  }
}
