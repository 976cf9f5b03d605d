package io.cup.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --certificate-authority}, {@code --client-certificate}, {@code --client-key} and {@code
 * --insecure-skip-tls-verify}, and the same keys in a context, against a real HTTPS server (Vert.x,
 * certificates made by the test): a trusted authority connects, another one or a certificate for
 * another name is refused with a clear error, the insecure flag connects with a warning, and a
 * server that requires a client certificate sees the CN of the one presented.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CliTlsTest {
  @TempDir Path tmp;
  private Vertx vertx;
  private Cup cup;
  private Map<String, String> env;
  private TestCertificates.Issued authority;
  private Path ca;
  private Path otherCa;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    env = CliServer.environment(tmp);
    cup = new Cup(env, tmp);
    authority = TestCertificates.authority("cup test CA");
    ca = TestCertificates.write(tmp.resolve("pki/ca.pem"), authority.certificatePem());
    otherCa =
        TestCertificates.write(
            tmp.resolve("pki/other-ca.pem"),
            TestCertificates.authority("someone else").certificatePem());
  }

  private ReviewServer server(TestCertificates.Issued clientAuthority, String... names)
      throws Exception {
    return ReviewServer.https(
        vertx, TestCertificates.server(authority, "cup", names), clientAuthority);
  }

  @AfterEach
  void noLeftovers() throws IOException {
    try (var files = Files.list(Files.createDirectories(tmp.resolve("xdg")))) {
      assertThat(files).isEmpty(); // no test wrote a config file it was not asked to
    }
  }

  @Test
  void theNamedAuthorityIsTrustedAndNoOtherIs() throws Exception {
    try (ReviewServer server = server(null, "127.0.0.1", "localhost")) {
      Cup.Result trusted =
          cup.run("-a", server.address, "--certificate-authority", "pki/ca.pem", "auth", "whoami");
      assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
      assertThat(trusted.out()).containsPattern("(?m)^Username +system:anonymous$");
      assertThat(trusted.err()).isEmpty();

      Cup.Result other =
          cup.run(
              "auth",
              "whoami",
              "-a",
              server.address,
              "--certificate-authority",
              "pki/other-ca.pem");
      assertThat(other.exitCode()).as(other.toString()).isEqualTo(1);
      assertThat(other.out()).isEmpty();
      assertThat(other.err())
          .isEqualTo(
              "error: cannot verify the certificate of the server at "
                  + server.address
                  + ": it is not signed by an authority in --certificate-authority "
                  + otherCa
                  + "\n");

      // without --certificate-authority, the JDK's authorities: none signed the test's
      Cup.Result jdk = cup.run("auth", "whoami", "-a", server.address);
      assertThat(jdk.exitCode()).as(jdk.toString()).isEqualTo(1);
      assertThat(jdk.err())
          .contains("cannot verify the certificate of the server at " + server.address)
          .contains("--certificate-authority FILE");
    }
  }

  @Test
  void theHostNameIsCheckedUnlessInsecure() throws Exception {
    try (ReviewServer server = server(null, "cup.example.com")) {
      Cup.Result misnamed =
          cup.run("auth", "whoami", "-a", server.address, "--certificate-authority", ca.toString());
      assertThat(misnamed.exitCode()).as(misnamed.toString()).isEqualTo(1);
      assertThat(misnamed.err())
          .startsWith("error: cannot verify the certificate of the server at " + server.address)
          .contains("127.0.0.1")
          .contains("the certificate must name the host of the address");

      Cup.Result insecure =
          cup.run("auth", "whoami", "-a", server.address, "--insecure-skip-tls-verify");
      assertThat(insecure.exitCode()).as(insecure.toString()).isZero();
      assertThat(insecure.out()).containsPattern("(?m)^Username +system:anonymous$");
      assertThat(insecure.err())
          .startsWith("warning: insecure-skip-tls-verify is set: the server's certificate")
          .contains("not checked");

      Cup.Result both =
          cup.run(
              "auth",
              "whoami",
              "-a",
              server.address,
              "--insecure-skip-tls-verify",
              "--certificate-authority",
              ca.toString());
      assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
      assertThat(both.err()).contains("cannot be used together");
    }
  }

  @Test
  void aClientCertificateIsPresentedInEachKeyFormat() throws Exception {
    TestCertificates.Issued clientAuthority = TestCertificates.authority("cup client CA");
    TestCertificates.Issued alice =
        TestCertificates.client(
            clientAuthority, TestCertificates.ec(), "alice", List.of("devs", "admins"));
    TestCertificates.Issued bob =
        TestCertificates.client(clientAuthority, TestCertificates.rsa(), "bob", List.of("ops"));
    Path aliceCert = TestCertificates.write(tmp.resolve("pki/alice.pem"), alice.certificatePem());
    Path alicePkcs8 = TestCertificates.write(tmp.resolve("pki/alice-key.pem"), alice.pkcs8Pem());
    Path aliceSec1 =
        TestCertificates.write(tmp.resolve("pki/alice-ec-key.pem"), alice.traditionalPem());
    Path bobCert = TestCertificates.write(tmp.resolve("pki/bob.pem"), bob.certificatePem());
    Path bobPkcs1 =
        TestCertificates.write(tmp.resolve("pki/bob-rsa-key.pem"), bob.traditionalPem());
    assertThat(alice.traditionalPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(bob.traditionalPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    try (ReviewServer server = server(clientAuthority, "127.0.0.1")) {
      Cup tls = new Cup(env, tmp, "-a", server.address, "--certificate-authority", ca.toString());

      Cup.Result pkcs8 =
          tls.run(
              "auth",
              "whoami",
              "--client-certificate",
              aliceCert.toString(),
              "--client-key",
              alicePkcs8.toString());
      assertThat(pkcs8.exitCode()).as(pkcs8.toString()).isZero();
      assertThat(pkcs8.out())
          .isEqualTo(
              "ATTRIBUTE   VALUE\n"
                  + "Username    alice\n"
                  + "Groups      [devs admins system:authenticated]\n");

      Cup.Result sec1 =
          tls.run(
              "auth",
              "whoami",
              "--client-certificate",
              aliceCert.toString(),
              "--client-key",
              aliceSec1.toString());
      assertThat(sec1.exitCode()).as(sec1.toString()).isZero();

      Cup.Result pkcs1 =
          tls.run(
              "auth",
              "whoami",
              "--client-certificate",
              bobCert.toString(),
              "--client-key",
              bobPkcs1.toString());
      assertThat(pkcs1.exitCode()).as(pkcs1.toString()).isZero();
      assertThat(pkcs1.out()).contains("Username    bob\n");
      assertThat(server.clientNames).containsExactly("alice", "alice", "bob");

      Cup.Result none = tls.run("auth", "whoami");
      assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
      assertThat(none.err())
          .startsWith("error: ")
          .contains(server.address)
          .contains("--client-certificate");

      Cup.Result mismatched =
          tls.run(
              "auth",
              "whoami",
              "--client-certificate",
              aliceCert.toString(),
              "--client-key",
              bobPkcs1.toString());
      assertThat(mismatched.exitCode()).isEqualTo(1);
      assertThat(mismatched.err())
          .isEqualTo(
              "error: --client-key "
                  + bobPkcs1
                  + " is not the private key of --client-certificate "
                  + aliceCert
                  + "\n");

      Cup.Result half = tls.run("auth", "whoami", "--client-certificate", aliceCert.toString());
      assertThat(half.exitCode()).isEqualTo(2);
      assertThat(half.err()).contains("--client-certificate and --client-key go together");

      Cup.Result missing =
          tls.run(
              "auth",
              "whoami",
              "--client-certificate",
              aliceCert.toString(),
              "--client-key",
              "pki/nope.pem");
      assertThat(missing.err())
          .isEqualTo("error: --client-key " + tmp.resolve("pki/nope.pem") + ": no such file\n");

      Path encrypted =
          TestCertificates.write(
              tmp.resolve("pki/encrypted.pem"),
              "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n");
      Cup.Result locked =
          tls.run(
              "auth",
              "whoami",
              "--client-certificate",
              aliceCert.toString(),
              "--client-key",
              encrypted.toString());
      assertThat(locked.err()).contains("the key is encrypted; decrypt it first");
    }
  }

  @Test
  void contextsKeepTheTlsFilesAbsoluteInAFileOnlyItsOwnerReads() throws Exception {
    TestCertificates.Issued clientAuthority = TestCertificates.authority("cup client CA");
    TestCertificates.Issued carol =
        TestCertificates.client(clientAuthority, TestCertificates.ec(), "carol", List.of());
    TestCertificates.write(tmp.resolve("pki/carol.pem"), carol.certificatePem());
    TestCertificates.write(tmp.resolve("pki/carol-key.pem"), carol.pkcs8Pem());
    Path file = tmp.resolve("cup.yaml");
    Cup configured = new Cup(env, tmp, "-c", file.toString());

    try (ReviewServer server = server(clientAuthority, "127.0.0.1")) {
      Cup.Result set =
          configured.run(
              "config",
              "set-context",
              "secure",
              "--address",
              server.address,
              "--certificate-authority",
              "pki/ca.pem",
              "--client-certificate",
              "pki/carol.pem",
              "--client-key",
              "pki/carol-key.pem",
              "--use");
      assertThat(set.exitCode()).as(set.toString()).isZero();
      assertThat(Files.getPosixFilePermissions(file))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      JsonNode saved = new YAMLMapper().readTree(file.toFile()).path("contexts").path("secure");
      assertThat(saved.path("certificate-authority").asText()).isEqualTo(ca.toString());
      assertThat(saved.path("client-certificate").asText())
          .isEqualTo(tmp.resolve("pki/carol.pem").toString());
      assertThat(saved.path("client-key").asText())
          .isEqualTo(tmp.resolve("pki/carol-key.pem").toString());
      assertThat(saved.has("insecure-skip-tls-verify")).isFalse();

      assertThat(configured.run("config", "get-contexts").out())
          .containsPattern(
              "(?m)^\\* +secure +" + server.address + " +default +client-certificate$");
      assertThat(configured.run("config", "view").out())
          .contains("certificate-authority: " + ca)
          .contains("client-key: " + tmp.resolve("pki/carol-key.pem"));

      // the context's files, from another working directory
      Cup elsewhere = new Cup(env, tmp.resolve("xdg"), "-c", file.toString());
      Cup.Result whoami = elsewhere.run("auth", "whoami");
      assertThat(whoami.exitCode()).as(whoami.toString()).isZero();
      assertThat(whoami.out()).contains("Username    carol\n");

      // an insecure flag drops the context's authority rather than clash with it (as kubectl)
      Cup.Result insecure = elsewhere.run("--insecure-skip-tls-verify", "auth", "whoami");
      assertThat(insecure.exitCode()).as(insecure.toString()).isZero();
      assertThat(insecure.err()).startsWith("warning: insecure-skip-tls-verify is set");

      // the original's key=value form: insecure on, authority removed; then the reverse
      assertThat(configured.run("config", "context", "set", "certificate-authority=").exitCode())
          .isZero();
      assertThat(
              configured
                  .run("config", "context", "set", "insecure-skip-tls-verify=true")
                  .exitCode())
          .isZero();
      saved = new YAMLMapper().readTree(file.toFile()).path("contexts").path("secure");
      assertThat(saved.has("certificate-authority")).isFalse();
      assertThat(saved.path("insecure-skip-tls-verify").booleanValue()).isTrue();
      Cup.Result skipping = configured.run("auth", "whoami");
      assertThat(skipping.exitCode()).as(skipping.toString()).isZero();
      assertThat(skipping.err()).startsWith("warning: insecure-skip-tls-verify is set");

      Cup.Result clash =
          configured.run(
              "config", "set-context", "--current", "--certificate-authority", "pki/ca.pem");
      assertThat(clash.exitCode()).isEqualTo(2);
      assertThat(clash.err()).contains("both certificate-authority and insecure-skip-tls-verify");
      assertThat(
              configured
                  .run(
                      "config",
                      "set-context",
                      "--current",
                      "--certificate-authority",
                      "pki/ca.pem",
                      "--insecure-skip-tls-verify=false")
                  .exitCode())
          .isZero();
      Cup.Result verified = configured.run("auth", "whoami");
      assertThat(verified.exitCode()).as(verified.toString()).isZero();
      assertThat(verified.err()).isEmpty();
      assertThat(Files.getPosixFilePermissions(file))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));

      Cup.Result typo =
          configured.run("config", "set-context", "secure", "--client-key", "pki/carol-kye.pem");
      assertThat(typo.exitCode()).isEqualTo(1);
      assertThat(typo.err()).contains(tmp.resolve("pki/carol-kye.pem") + ": no such file");
    }
  }
}
