package io.cup.testing.auth;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test (Bouncy Castle, RSA 2048, SHA256withRSA), and the server
 * and client certificates it signs, written as PEM files: certificates as {@code CERTIFICATE},
 * private keys as PKCS#8 {@code PRIVATE KEY}, which Vert.x's {@code PemKeyCertOptions} and {@code
 * PemTrustOptions} read.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create(temp);                    // temp/cup-test-ca.crt
 * TestPki.Issued server = pki.serverCertificate(temp);   // localhost and 127.0.0.1
 * TestPki.Issued alice = pki.clientCertificate(temp, "alice", List.of("dev", "ops"));
 * TestPki other = TestPki.create(temp, "other-ca");      // an independent CA
 * pki.serverCertificate(temp);                           // a fresh one, same files
 * }</pre>
 *
 * <p>Everything here is blocking (key generation, file writes): call it from the test thread or
 * set-up methods, never from an event loop.
 */
public final class TestPki {
  /** A certificate and its private key on disk; {@code serial} tells one issue from the next. */
  public record Issued(Path certificate, Path privateKey, BigInteger serial, Instant notAfter) {
    public Issued {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  private static final String SIGNATURE = "SHA256withRSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final X500Name subject;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Path caFile;
  // each issue starts at least a second before the previous one, so a certificate issued again
  // into the same files differs in validity too, however fast the two issues follow each other
  private Instant lastNotBefore = Instant.MAX;

  private TestPki(String name, KeyPair keys, X509Certificate certificate, Path caFile) {
    this.name = name;
    this.subject = new X500Name("CN=" + name);
    this.keys = keys;
    this.certificate = certificate;
    this.caFile = caFile;
  }

  /** A new CA named {@code cup-test-ca}; its certificate is {@code dir/cup-test-ca.crt}. */
  public static TestPki create(Path dir) {
    return create(dir, "cup-test-ca");
  }

  /**
   * A new, independent CA (own key, own self-signed certificate) named {@code name}; its
   * certificate is {@code dir/<name>.crt}. Two CAs made here trust nothing of each other's.
   */
  public static TestPki create(Path dir, String name) {
    KeyPair keys = rsaKeyPair();
    X500Name subject = new X500Name("CN=" + name);
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(Duration.ofDays(30))),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(builder, keys.getPrivate());
      Path caFile = dir.resolve(name + ".crt");
      Files.createDirectories(dir);
      write(caFile, cert);
      return new TestPki(name, keys, cert, caFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA certificate (PEM): what a client or server is told to trust. */
  public Path caFile() {
    return caFile;
  }

  /** The CA's name (its subject CN). */
  public String name() {
    return name;
  }

  /**
   * A server certificate for {@code localhost} and {@code 127.0.0.1}, written to {@code
   * dir/server.crt} and {@code dir/server.key}. Calling it again with the same {@code dir} issues a
   * fresh certificate (new key, new serial, different validity) into the same files, as a
   * certificate rotation on disk does.
   */
  public Issued serverCertificate(Path dir) {
    GeneralNames san =
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            });
    return issue(
        dir,
        "server",
        new X500Name("CN=localhost"),
        Duration.ofDays(1),
        b -> {
          b.addExtension(Extension.subjectAlternativeName, false, san);
          b.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        });
  }

  /**
   * A client certificate for user {@code cn} in {@code organizations} (one {@code O=} RDN each, as
   * the Kubernetes API server reads groups), with extended key usage clientAuth, written to {@code
   * dir/client-<cn>.crt} and {@code .key}.
   */
  public Issued clientCertificate(Path dir, String cn, List<String> organizations) {
    return client(dir, "client-" + cn, cn, organizations, Duration.ofDays(1));
  }

  /**
   * Like {@link #clientCertificate} but already expired (valid until an hour ago), written to
   * {@code dir/expired-<cn>.crt} and {@code .key}.
   */
  public Issued expiredClientCertificate(Path dir, String cn, List<String> organizations) {
    return client(dir, "expired-" + cn, cn, organizations, Duration.ofHours(-1));
  }

  private Issued client(
      Path dir, String file, String cn, List<String> organizations, Duration validFor) {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    for (String organization : organizations) {
      name.addRDN(BCStyle.O, organization);
    }
    name.addRDN(BCStyle.CN, cn);
    return issue(
        dir,
        file,
        name.build(),
        validFor,
        b ->
            b.addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private Issued issue(
      Path dir, String file, X500Name holder, Duration validFor, Extensions extensions) {
    KeyPair holderKeys = rsaKeyPair();
    Instant now = Instant.now();
    Instant notBefore = notBefore(now.minus(Duration.ofHours(2)));
    Instant notAfter = now.plus(validFor);
    BigInteger serial = serial();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial,
                  Date.from(notBefore),
                  Date.from(notAfter),
                  holder,
                  holderKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(certificate));
      extensions.add(builder);
      X509Certificate cert = sign(builder, keys.getPrivate());
      Files.createDirectories(dir);
      Path certFile = dir.resolve(file + ".crt");
      Path keyFile = dir.resolve(file + ".key");
      // the key first: a reader that reloads when the certificate changes then finds its key
      writePrivateKey(keyFile, holderKeys.getPrivate());
      write(certFile, cert);
      return new Issued(certFile, keyFile, serial, notAfter);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private synchronized Instant notBefore(Instant wanted) {
    Instant seconds = wanted.truncatedTo(ChronoUnit.SECONDS);
    lastNotBefore =
        seconds.isBefore(lastNotBefore) ? seconds : lastNotBefore.minus(Duration.ofSeconds(1));
    return lastNotBefore;
  }

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS#8 {@code PRIVATE KEY} PEM, the form Vert.x and vertx-auth read. */
  static String privateKeyPem(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void write(Path file, X509Certificate cert) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(cert);
    }
    writeAtomically(file, out.toString());
  }

  private static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    writeAtomically(file, privateKeyPem(key));
  }

  // a reader watching the file never sees half a PEM
  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
