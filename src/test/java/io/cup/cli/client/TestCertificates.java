package io.cup.cli.client;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for the client's TLS tests (Bouncy Castle, a test dependency only): an
 * authority, server certificates for loopback, client certificates with a CN and O's, and their
 * keys as PEM in the formats {@code --client-key} reads.
 */
final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A key pair and its certificate. */
  record Issued(KeyPair keys, X509Certificate certificate) {
    String certificatePem() {
      return pem(certificate);
    }

    /** The key as PKCS#8 ({@code PRIVATE KEY}). */
    String pkcs8Pem() {
      return pkcs8(keys.getPrivate());
    }

    /** The key as OpenSSL's traditional PEM: {@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY}. */
    String traditionalPem() {
      return traditional(keys.getPrivate());
    }
  }

  private TestCertificates() {}

  static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed certificate authority. */
  static Issued authority(String commonName) {
    KeyPair keys = ec();
    X500Name name = new X500Name("CN=" + commonName);
    X509v3CertificateBuilder builder = builder(name, name, keys);
    extend(builder, Extension.basicConstraints, true, new BasicConstraints(true));
    extend(
        builder, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return sign(builder, keys, keys);
  }

  /** A server certificate for {@code names}: DNS names, or IP addresses when they parse as one. */
  static Issued server(Issued authority, String commonName, String... names) {
    KeyPair keys = ec();
    GeneralName[] alternatives = new GeneralName[names.length];
    for (int i = 0; i < names.length; i++) {
      alternatives[i] =
          new GeneralName(
              names[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
    }
    X509v3CertificateBuilder builder =
        builder(subjectOf(authority), new X500Name("CN=" + commonName), keys);
    extend(builder, Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
    extend(
        builder,
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    return sign(builder, keys, authority.keys());
  }

  /** A client certificate: user = CN, groups = the O's, as Kubernetes reads one. */
  static Issued client(Issued authority, KeyPair keys, String user, List<String> groups) {
    StringBuilder subject = new StringBuilder("CN=" + user);
    groups.forEach(group -> subject.append(",O=").append(group));
    X509v3CertificateBuilder builder =
        builder(subjectOf(authority), new X500Name(subject.toString()), keys);
    extend(
        builder,
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    return sign(builder, keys, authority.keys());
  }

  static String pem(X509Certificate certificate) {
    return writePem(certificate);
  }

  static String pkcs8(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /**
   * PKCS#1 for RSA; for EC, SEC 1 with the curve named in it, as OpenSSL writes it (the JDK's
   * PKCS#8 leaves the curve out of the inner key, and so would a plain conversion).
   */
  static String traditional(PrivateKey key) {
    if (!key.getAlgorithm().equals("EC")) {
      return writePem(key);
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
      ECPrivateKey named =
          new ECPrivateKey(
              256,
              inner.getKey(),
              inner.getPublicKey(),
              info.getPrivateKeyAlgorithm().getParameters());
      return "-----BEGIN EC PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(named.getEncoded())
          + "\n-----END EC PRIVATE KEY-----\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X500Name subjectOf(Issued authority) {
    return X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded());
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        keys.getPublic());
  }

  private static void extend(
      X509v3CertificateBuilder builder,
      ASN1ObjectIdentifier oid,
      boolean critical,
      ASN1Encodable value) {
    try {
      builder.addExtension(oid, critical, value);
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Issued sign(X509v3CertificateBuilder builder, KeyPair keys, KeyPair issuer) {
    try {
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
      X509Certificate certificate =
          new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new Issued(keys, certificate);
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String writePem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
