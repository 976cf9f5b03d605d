package io.cup.testing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP client of the tests that talk to a running server: a {@link WebClient}, the server's
 * host and port, and every answer awaited with a bound ({@value #TIMEOUT_MINUTES} minutes), so that
 * a test reads as the requests it makes. Bodies are sent as given: {@code application/json} for a
 * {@link JsonObject}, the named type for text, none for {@link #send}.
 */
public final class TestHttpClient {
  /** How long one answer may take before the test fails. */
  public static final long TIMEOUT_MINUTES = 2;

  private final WebClient client;
  private final String host;
  private final int port;

  public TestHttpClient(WebClient client, String host, int port) {
    this.client = client;
    this.host = host;
    this.port = port;
  }

  /** A client of the server on {@code 127.0.0.1:port}. */
  public static TestHttpClient loopback(WebClient client, int port) {
    return new TestHttpClient(client, "127.0.0.1", port);
  }

  /** A request to build further (headers, query, timeout); send it with {@link #await}. */
  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, port, host, path);
  }

  public HttpResponse<Buffer> get(String path) throws TimeoutException {
    return await(request(HttpMethod.GET, path).send());
  }

  public HttpResponse<Buffer> get(String path, String accept) throws TimeoutException {
    return await(request(HttpMethod.GET, path).putHeader("Accept", accept).send());
  }

  /** A POST without a body. */
  public HttpResponse<Buffer> post(String path) throws TimeoutException {
    return await(request(HttpMethod.POST, path).send());
  }

  /** A PUT of {@code body} as {@code application/json}. */
  public HttpResponse<Buffer> put(String path, JsonObject body) throws TimeoutException {
    return sendJson(request(HttpMethod.PUT, path), body);
  }

  /** A PUT of {@code body} as {@code contentType}. */
  public HttpResponse<Buffer> put(String path, String body, String contentType)
      throws TimeoutException {
    return await(
        request(HttpMethod.PUT, path)
            .putHeader("Content-Type", contentType)
            .sendBuffer(Buffer.buffer(body)));
  }

  /** A PATCH of {@code body} as {@code contentType}. */
  public HttpResponse<Buffer> patch(String path, String contentType, String body)
      throws TimeoutException {
    return await(
        request(HttpMethod.PATCH, path)
            .putHeader("Content-Type", contentType)
            .sendBuffer(Buffer.buffer(body)));
  }

  /** A DELETE with {@code options} (DeleteOptions) as {@code application/json}. */
  public HttpResponse<Buffer> delete(String path, JsonObject options) throws TimeoutException {
    return sendJson(request(HttpMethod.DELETE, path), options);
  }

  /** {@code method path} with {@code body} (none when null) and no Content-Type. */
  public HttpResponse<Buffer> send(HttpMethod method, String path, String body)
      throws TimeoutException {
    HttpRequest<Buffer> request = request(method, path);
    return await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  /** {@code request} (from {@link #request}) with {@code body} as {@code application/json}. */
  public static HttpResponse<Buffer> sendJson(HttpRequest<Buffer> request, JsonObject body)
      throws TimeoutException {
    return await(
        request
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body.encode())));
  }

  /** The answer, awaited at most {@value #TIMEOUT_MINUTES} minutes. */
  public static HttpResponse<Buffer> await(Future<HttpResponse<Buffer>> answer)
      throws TimeoutException {
    return answer.await(TIMEOUT_MINUTES, TimeUnit.MINUTES);
  }
}
