package io.cup.testing.scm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The tests' client of a stand-in: plain {@link HttpClient} calls with one auth header. */
final class ScmHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer with its body parsed as JSON (or null when empty). */
  record Answer(int status, HttpResponse<String> response, JsonNode json) {
    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String authHeader;
  private final String authValue;

  ScmHttp(String base, String authHeader, String authValue) {
    this.base = base;
    this.authHeader = authHeader;
    this.authValue = authValue;
  }

  Answer get(String path) {
    return send(request(path).GET().build());
  }

  /** A GET with one more header, such as {@code If-None-Match}. */
  Answer get(String path, String header, String value) {
    return send(request(path).header(header, value).GET().build());
  }

  Answer send(String method, String path, String json) {
    HttpRequest.Builder builder = request(path);
    if (json == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    return send(builder.build());
  }

  /** Sends without waiting, for exchanges the stand-in is told to hang. */
  CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String json) {
    HttpRequest request =
        request(path)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (authHeader != null) {
      builder.header(authHeader, authValue);
    }
    return builder;
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
      return new Answer(response.statusCode(), response, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
