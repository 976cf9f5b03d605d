package io.cup.testing.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The test PKI's files, as the JDK and Vert.x's TLS read them. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class TestPkiTest {
  @TempDir Path temp;

  @Test
  void certificatesCarryWhatTheTestsRelyOn() throws Exception {
    TestPki pki = TestPki.create(temp);
    X509Certificate ca = read(pki.caFile());
    X509Certificate server = read(pki.serverCertificate(temp).certificate());
    X509Certificate alice =
        read(pki.clientCertificate(temp, "alice", List.of("dev", "ops")).certificate());
    X509Certificate expired =
        read(pki.expiredClientCertificate(temp, "bob", List.of()).certificate());

    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    server.verify(ca.getPublicKey());
    assertThat(server.getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactlyInAnyOrder("localhost", "127.0.0.1");
    alice.verify(ca.getPublicKey());
    assertThat(alice.getSubjectX500Principal().getName(X500Principal.RFC2253))
        .isEqualTo("CN=alice,O=ops,O=dev");
    assertThat(alice.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(expired.getNotAfter()).isInThePast();
  }

  @Test
  void aReissuedServerCertificateReplacesTheSameFiles() throws Exception {
    TestPki pki = TestPki.create(temp);
    TestPki.Issued first = pki.serverCertificate(temp);
    String firstPem = Files.readString(first.certificate());
    X509Certificate firstCert = read(first.certificate());
    TestPki.Issued second = pki.serverCertificate(temp);

    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(second.privateKey()).isEqualTo(first.privateKey());
    assertThat(second.serial()).isNotEqualTo(first.serial());
    assertThat(Files.readString(second.certificate())).isNotEqualTo(firstPem);
    assertThat(read(second.certificate()).getNotBefore()).isNotEqualTo(firstCert.getNotBefore());
  }

  @Test
  void mutualTlsAcceptsOnlyCurrentCertificatesOfTheSameCa(Vertx vertx, VertxTestContext ctx) {
    TestPki pki = TestPki.create(temp);
    TestPki other = TestPki.create(temp, "other-ca");
    TestPki.Issued server = pki.serverCertificate(temp);
    TestPki.Issued alice = pki.clientCertificate(temp, "alice", List.of("dev"));
    TestPki.Issued expired = pki.expiredClientCertificate(temp, "bob", List.of("dev"));
    TestPki.Issued stranger = other.clientCertificate(temp.resolve("other"), "eve", List.of());

    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setHost("127.0.0.1")
            .setClientAuth(ClientAuth.REQUIRED)
            .setKeyCertOptions(pem(server))
            .setTrustOptions(new PemTrustOptions().addCertPath(pki.caFile().toString()));
    vertx
        .createHttpServer(options)
        .requestHandler(
            req -> {
              try {
                X509Certificate peer = (X509Certificate) req.connection().peerCertificates().get(0);
                req.response().end(peer.getSubjectX500Principal().getName());
              } catch (Exception e) {
                req.response().setStatusCode(500).end();
              }
            })
        .listen(0)
        .compose(
            listening ->
                Future.all(
                        call(vertx, listening, pki, alice).map(Buffer::toString),
                        call(vertx, listening, pki, expired).map("accepted").otherwise("refused"),
                        call(vertx, listening, pki, stranger).map("accepted").otherwise("refused"))
                    .andThen(done -> listening.close()))
        .onComplete(
            ctx.succeeding(
                answers ->
                    ctx.verify(
                        () -> {
                          assertThat(answers.<String>resultAt(0)).isEqualTo("CN=alice,O=dev");
                          assertThat(answers.<String>resultAt(1)).isEqualTo("refused");
                          assertThat(answers.<String>resultAt(2)).isEqualTo("refused");
                          ctx.completeNow();
                        })));
  }

  private static Future<Buffer> call(
      Vertx vertx, HttpServer server, TestPki pki, TestPki.Issued client) {
    HttpClient http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(pki.caFile().toString()))
                .setKeyCertOptions(pem(client)));
    return http.request(HttpMethod.GET, server.actualPort(), "localhost", "/")
        .compose(req -> req.send())
        .compose(HttpClientResponse::body)
        .andThen(done -> http.close());
  }

  private static PemKeyCertOptions pem(TestPki.Issued issued) {
    return new PemKeyCertOptions()
        .setCertPath(issued.certificate().toString())
        .setKeyPath(issued.privateKey().toString());
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
