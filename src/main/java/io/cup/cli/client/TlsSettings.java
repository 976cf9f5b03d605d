package io.cup.cli.client;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the client secures an {@code https://} connection, as kubectl's cluster and user settings:
 * the authorities to trust ({@code --certificate-authority}, instead of the JDK's own), the
 * certificate and key to present ({@code --client-certificate}, {@code --client-key}), or no check
 * of the server at all ({@code --insecure-skip-tls-verify}). Host name verification stays on unless
 * the last is set.
 *
 * @param certificateAuthority PEM bundle of the authorities to trust, or null for the JDK's
 * @param clientCertificate PEM certificate (then its chain) to present, or null
 * @param clientKey PEM private key of {@code clientCertificate}, or null
 * @param insecureSkipVerify trust any server certificate for any name
 */
record TlsSettings(
    Path certificateAuthority, Path clientCertificate, Path clientKey, boolean insecureSkipVerify) {
  static final TlsSettings DEFAULT = new TlsSettings(null, null, null, false);

  /** Whether the JDK's defaults do (then no {@link SSLContext} needs building). */
  boolean isDefault() {
    return equals(DEFAULT);
  }

  /** The context for the JDK's HttpClient; a {@link ClientException} names what is wrong. */
  SSLContext sslContext() throws ClientException {
    if (insecureSkipVerify && certificateAuthority != null) {
      throw new ClientException(
          "error: --certificate-authority and --insecure-skip-tls-verify cannot be used together"
              + " (a root certificates file with the insecure flag is not allowed)",
          ClientException.USAGE);
    }
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new ClientException(
          "error: --client-certificate and --client-key go together (one was given without the"
              + " other)",
          ClientException.USAGE);
    }
    KeyManager[] keys = clientCertificate == null ? null : keyManagers();
    TrustManager[] trust =
        insecureSkipVerify
            ? new TrustManager[] {new TrustingAnyServer()}
            : certificateAuthority == null ? null : trustManagers();
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new ClientException("error: cannot set up TLS: " + e.getMessage());
    }
  }

  private TrustManager[] trustManagers() throws ClientException {
    List<X509Certificate> authorities =
        PemFiles.certificates(certificateAuthority, "--certificate-authority");
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new ClientException(
          "error: --certificate-authority " + certificateAuthority + ": " + e.getMessage());
    }
  }

  private KeyManager[] keyManagers() throws ClientException {
    List<X509Certificate> chain = PemFiles.certificates(clientCertificate, "--client-certificate");
    PrivateKey key = PemFiles.privateKey(clientKey, "--client-key");
    requireMatch(chain.get(0), key);
    char[] password = new char[0];
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new ClientException(
          "error: --client-certificate " + clientCertificate + ": " + e.getMessage());
    }
  }

  /** A key that is not the certificate's fails the handshake obscurely; say so before. */
  private void requireMatch(X509Certificate certificate, PrivateKey key) throws ClientException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
          default -> null;
        };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "cup client key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new ClientException(
          "error: --client-key "
              + clientKey
              + " is not the private key of --client-certificate "
              + clientCertificate);
    }
  }

  /**
   * Trusts any server, whatever its certificate and name: an {@link X509ExtendedTrustManager}, so
   * the JDK does not add its own host name check around it.
   */
  private static final class TrustingAnyServer extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      // only ever installed in a client: a peer presenting itself as a client is refused
      throw new CertificateException("the cup client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      // only ever installed in a client: a peer presenting itself as a client is refused
      throw new CertificateException("the cup client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      // only ever installed in a client: a peer presenting itself as a client is refused
      throw new CertificateException("the cup client does not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
