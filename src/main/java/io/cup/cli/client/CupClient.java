package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The HTTP side of the command line: one request at a time with the JDK's {@link HttpClient}
 * (synchronous; a CLI has nothing to overlap, and no Vert.x instance needs starting). Every answer
 * of 400 and up becomes a {@link ClientException} carrying the server's Status; a network failure
 * becomes one that names the address, a failed TLS handshake one that says which certificate was
 * not accepted. With {@code --verbose} each exchange is written to stderr, the token replaced.
 */
final class CupClient {
  static final String JSON = "application/json";
  static final String NDJSON = "application/x-ndjson";
  static final String DIFF = "text/x-diff";

  /**
   * JSON, naming the original Cup's write answer ({@code {"id", "empty", "proposal"}}): a plain
   * {@code application/json} asks the server for Kubernetes' answer, the object as written
   * (docs/kubernetes-clients.md), and the CLI reports the proposal.
   */
  static final String WRITE_RESULT = JSON + ";as=WriteResult;g=cup.flipt.io;v=v1alpha1";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final String base;
  private final String token;
  private final PrintWriter trace;
  private final TlsSettings tls;

  /**
   * @param base the server address, {@code http://host:port}, without a trailing slash
   * @param token sent as {@code Authorization: Bearer}; null or empty for none
   * @param trace where {@code --verbose} writes the exchanges, or null
   * @param ssl the TLS context built from {@code tls}, or null for the JDK's default
   * @param tls what {@code ssl} was built from, to explain a failed handshake
   */
  CupClient(String base, String token, PrintWriter trace, SSLContext ssl, TlsSettings tls) {
    this.base = base;
    this.token = token == null || token.isEmpty() ? null : token;
    this.trace = trace;
    this.tls = tls;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  String base() {
    return base;
  }

  Call call(String method, String path) {
    return new Call(method, path);
  }

  /** The first cause of {@code e} (or {@code e}) of the given type, or null. */
  static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** {@code segment} percent-encoded for a URL path. */
  static String segment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** An answer with a status below 400 (or any status, from {@link Call#exchange()}). */
  record Response(int code, HttpHeaders headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() throws ClientException {
      try {
        return Documents.JSON.readTree(body);
      } catch (IOException e) {
        throw new ClientException(
            "error: the server answered HTTP " + code + " with a body that is not JSON");
      }
    }
  }

  /** One request being described, then sent. */
  final class Call {
    private final String method;
    private final String path;
    private final Map<String, String> query = new LinkedHashMap<>();
    private String accept;
    private String contentType;
    private byte[] body;

    private Call(String method, String path) {
      this.method = method;
      this.path = path;
      this.accept = method.equals("GET") ? JSON : WRITE_RESULT;
    }

    /** Adds {@code name=value}; a null or empty value is left out. */
    Call query(String name, String value) {
      if (value != null && !value.isEmpty()) {
        query.put(name, value);
      }
      return this;
    }

    Call accept(String mediaType) {
      this.accept = mediaType;
      return this;
    }

    Call body(String mediaType, String text) {
      this.contentType = mediaType;
      this.body = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Sends and reads the whole answer; 400 and up throw the server's Status. */
    Response send() throws ClientException {
      Response response = exchange();
      if (response.code() >= 400) {
        throw ClientException.fromServer(response.code(), response.text());
      }
      return response;
    }

    /** Sends and reads the whole answer, whatever its status. */
    Response exchange() throws ClientException {
      HttpRequest request = request();
      long started = System.nanoTime();
      HttpResponse<byte[]> response = transmit(request, HttpResponse.BodyHandlers.ofByteArray());
      traceResponse(response.statusCode(), response.headers(), started);
      return new Response(response.statusCode(), response.headers(), response.body());
    }

    /**
     * Sends and returns the answer's body as a stream, for watches; 400 and up throw the server's
     * Status. The caller closes the stream.
     */
    InputStream open() throws ClientException {
      HttpRequest request = request();
      long started = System.nanoTime();
      HttpResponse<InputStream> response =
          transmit(request, HttpResponse.BodyHandlers.ofInputStream());
      traceResponse(response.statusCode(), response.headers(), started);
      if (response.statusCode() >= 400) {
        try (InputStream in = response.body()) {
          throw ClientException.fromServer(
              response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new ClientException("error: reading the answer of " + uri() + ": " + e);
        }
      }
      return response.body();
    }

    private URI uri() {
      StringBuilder url = new StringBuilder(base).append(path);
      String separator = "?";
      for (Map.Entry<String, String> entry : query.entrySet()) {
        url.append(separator)
            .append(segment(entry.getKey()))
            .append('=')
            .append(segment(entry.getValue()));
        separator = "&";
      }
      return URI.create(url.toString());
    }

    private HttpRequest request() throws ClientException {
      URI uri;
      try {
        uri = uri();
      } catch (IllegalArgumentException e) {
        throw new ClientException("error: invalid server address \"" + base + "\": " + e);
      }
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(uri)
              .header("Accept", accept)
              .header("User-Agent", "cup-cli")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      if (contentType != null) {
        builder.header("Content-Type", contentType);
      }
      if (token != null) {
        builder.header("Authorization", "Bearer " + token);
      }
      HttpRequest request = builder.build();
      if (trace != null) {
        trace.println("> " + method + " " + uri);
        request
            .headers()
            .map()
            .forEach(
                (name, values) ->
                    values.forEach(
                        value ->
                            trace.println(
                                "> "
                                    + name
                                    + ": "
                                    + (name.equalsIgnoreCase("Authorization")
                                        ? "Bearer <redacted>"
                                        : value))));
        if (body != null) {
          trace.println("> (" + body.length + " bytes of " + contentType + ")");
        }
        trace.flush();
      }
      return request;
    }

    private <T> HttpResponse<T> transmit(HttpRequest request, HttpResponse.BodyHandler<T> handler)
        throws ClientException {
      try {
        return http.send(request, handler);
      } catch (HttpConnectTimeoutException e) {
        throw new ClientException(
            "error: timed out connecting to the server at " + base + " (check -a or the context)");
      } catch (ConnectException e) {
        throw new ClientException(
            "error: cannot connect to the server at "
                + base
                + ": connection refused (is it running? check -a or the context: cup config"
                + " get-contexts)");
      } catch (SSLException e) {
        throw handshakeFailed(e);
      } catch (IOException e) {
        SSLException tlsFailure = causeOf(e, SSLException.class);
        if (tlsFailure != null) {
          throw handshakeFailed(tlsFailure);
        }
        throw new ClientException(
            "error: request "
                + method
                + " "
                + request.uri()
                + " failed: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClientException("error: interrupted", 130);
      }
    }

    /**
     * A failed TLS handshake, said as what the user can change: an untrusted or misnamed server
     * certificate, or a client certificate the server wanted or refused.
     */
    private ClientException handshakeFailed(SSLException e) {
      String at = "the server at " + base;
      if (causeOf(e, CertPathBuilderException.class) != null
          || causeOf(e, CertPathValidatorException.class) != null) {
        return new ClientException(
            "error: cannot verify the certificate of "
                + at
                + ": it is not signed by "
                + (tls.certificateAuthority() == null
                    ? "an authority the JDK trusts (name the server's with"
                        + " --certificate-authority FILE)"
                    : "an authority in --certificate-authority " + tls.certificateAuthority()));
      }
      CertificateException certificate = causeOf(e, CertificateException.class);
      if (certificate != null) {
        return new ClientException(
            "error: cannot verify the certificate of "
                + at
                + ": "
                + certificate.getMessage()
                + " (the certificate must name the host of the address)");
      }
      return new ClientException(
          "error: the TLS handshake with "
              + at
              + " failed: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + (tls.clientCertificate() == null
                  ? " (does the server require a client certificate? --client-certificate,"
                      + " --client-key)"
                  : " (does the server trust the issuer of --client-certificate "
                      + tls.clientCertificate()
                      + "?)"));
    }

    private void traceResponse(int code, HttpHeaders headers, long started) {
      if (trace == null) {
        return;
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      trace.println("< " + code + " (" + millis + " ms)");
      Map<String, List<String>> sorted = new TreeMap<>(headers.map());
      sorted.forEach((name, values) -> values.forEach(v -> trace.println("< " + name + ": " + v)));
      trace.flush();
    }
  }
}
