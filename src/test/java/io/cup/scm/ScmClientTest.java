package io.cup.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ScmSettings;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How an SCM's "wait" headers become a delay, and how the repository is named. */
class ScmClientTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private Vertx vertx;
  private ScmClient client;

  @BeforeEach
  void create() throws Exception {
    vertx = Vertx.vertx();
    client =
        ScmClient.create(
            vertx,
            ScmKind.GITHUB,
            "https://github.com/acme/config.git",
            ScmSettings.NONE,
            Clock.fixed(NOW, ZoneOffset.UTC),
            1_000);
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    vertx.close().await(2, TimeUnit.MINUTES);
  }

  @Test
  void retryAfterInSecondsOrAsAnHttpDate() throws Exception {
    assertThat(client.retryAfterMillis(headers("Retry-After", "7"))).isEqualTo(7_000);
    assertThat(client.retryAfterMillis(headers("Retry-After", "Thu, 26 Nov 2026 12:00:30 GMT")))
        .isEqualTo(30_000);
    // a date in the past means now, not a negative wait
    assertThat(client.retryAfterMillis(headers("Retry-After", "Thu, 26 Nov 2026 11:00:00 GMT")))
        .isZero();
    assertThat(client.retryAfterMillis(headers("Retry-After", "soon"))).isEqualTo(-1);
    assertThat(client.retryAfterMillis(MultiMap.caseInsensitiveMultiMap())).isEqualTo(-1);
  }

  @Test
  void anExhaustedRateLimitWaitsForItsReset() throws Exception {
    long reset = NOW.getEpochSecond() + 90;
    assertThat(
            client.retryAfterMillis(
                headers("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset))))
        .isEqualTo(90_000);
    // GitLab's spelling
    assertThat(client.retryAfterMillis(headers("RateLimit-Reset", Long.toString(reset))))
        .isEqualTo(90_000);
    // requests left: the reset says nothing about waiting
    assertThat(
            client.retryAfterMillis(
                headers("x-ratelimit-remaining", "12", "x-ratelimit-reset", Long.toString(reset))))
        .isEqualTo(-1);
  }

  @Test
  void failuresWorthRetryingAreTheTransientOnes() throws Exception {
    assertThat(new ScmException("x", 0, -1, null).isTransient()).isTrue();
    assertThat(new ScmException("x", 502, -1, null).isTransient()).isTrue();
    assertThat(new ScmException("x", 429, -1, null).isTransient()).isTrue();
    assertThat(new ScmException("x", 403, 5_000, null).isTransient()).isTrue();
    assertThat(new ScmException("x", 403, -1, null).isTransient()).isFalse();
    assertThat(new ScmException("x", 422, -1, null).isTransient()).isFalse();
  }

  @Test
  void theRepositoryComesFromTheRemotesLastPathSegments() throws Exception {
    assertThat(ScmRepository.of(ScmKind.GITHUB, "https://github.com/acme/config.git", null).path())
        .isEqualTo("acme/config");
    assertThat(ScmRepository.of(ScmKind.GITEA, "git@gitea.example:acme/config.git", null).path())
        .isEqualTo("acme/config");
    assertThat(ScmRepository.of(ScmKind.GITHUB, "ssh://git@host/x/acme/config", null).path())
        .isEqualTo("acme/config");
    ScmRepository nested =
        ScmRepository.of(ScmKind.GITLAB, "https://gitlab.example/platform/teams/config.git", null);
    assertThat(nested.path()).isEqualTo("platform/teams/config");
    assertThat(nested.encodedPath()).isEqualTo("platform%2Fteams%2Fconfig");
    assertThat(ScmRepository.of(ScmKind.GITHUB, "file:///srv/a.git", "acme/other").path())
        .isEqualTo("acme/other");
    assertThatThrownBy(() -> ScmRepository.of(ScmKind.GITHUB, "file:///a.git", null))
        .hasMessageContaining("--api-git-scm-repo");
    assertThatThrownBy(() -> ScmRepository.of(ScmKind.GITHUB, "x", "a/b/c"))
        .hasMessageContaining("owner/name");
    assertThatThrownBy(() -> ScmRepository.of(ScmKind.GITLAB, "x", "a/../b"))
        .hasMessageContaining("bad path segment");
  }

  @Test
  void apiUrlsAreHttpWithoutCredentials() throws Exception {
    assertThat(ScmKind.checkApiUrl("https://ghe.example/api/v3/"))
        .isEqualTo("https://ghe.example/api/v3");
    assertThatThrownBy(() -> ScmKind.checkApiUrl("ftp://x")).hasMessageContaining("http(s)");
    assertThatThrownBy(() -> ScmKind.checkApiUrl("https://user:pw@x"))
        .hasMessageContaining("credentials")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> ScmKind.checkApiUrl("https://x/?a=b")).hasMessageContaining("query");
  }

  private static MultiMap headers(String... pairs) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      map.add(pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
