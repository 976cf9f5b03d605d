package io.cup.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cup.config.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS client certificates ({@code --api-client-ca-file}) as the Kubernetes API server reads them: a
 * certificate that chains to one of the CA file's certificates authenticates as user = its
 * subject's CN and groups = its subject's O values.
 *
 * <p>The TLS layer asks for a certificate but lets any through ({@link #acceptAnyAtHandshake}); the
 * chain is verified here, with the JDK's PKIX validator, so that a certificate from another CA gets
 * a 401 {@code Status} and other credentials of the same request (a bearer token) may still be
 * tried, as in Kubernetes, rather than a failed handshake. Verified certificates are remembered by
 * their encoding until they expire, so a connection's requests are verified once.
 */
public final class ClientCertificates {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  private final Set<TrustAnchor> anchors;
  private final Cache<Key, UserInfo> verified =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();

  private ClientCertificates(Set<TrustAnchor> anchors) {
    this.anchors = anchors;
  }

  /**
   * Reads the CA file (one or more PEM certificates). Blocking (file I/O).
   *
   * @throws ConfigurationException when the file holds no certificate
   */
  public static ClientCertificates load(Path caFile) {
    Set<TrustAnchor> anchors = new HashSet<>();
    try (InputStream in = Files.newInputStream(caFile)) {
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        anchors.add(new TrustAnchor((X509Certificate) certificate, null));
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException(caFile + ": cannot read the CA certificates: " + e, e);
    }
    if (anchors.isEmpty()) {
      throw new ConfigurationException(caFile + ": no PEM certificate in the client CA file");
    }
    return new ClientCertificates(Set.copyOf(anchors));
  }

  /**
   * The user the peer's certificate chain names: empty when there is none; {@link
   * AuthenticationException} when it does not chain to the CA, has expired, or is not for client
   * authentication.
   */
  public Optional<UserInfo> authenticate(List<Certificate> chain) {
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    Key key;
    try {
      key = new Key(leaf.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new AuthenticationException("unreadable client certificate", e);
    }
    UserInfo known = verified.getIfPresent(key);
    if (known != null && leaf.getNotAfter().getTime() > System.currentTimeMillis()) {
      return Optional.of(known);
    }
    UserInfo user = verify(chain, leaf);
    verified.put(key, user);
    return Optional.of(user);
  }

  private UserInfo verify(List<Certificate> chain, X509Certificate leaf) {
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
        throw new AuthenticationException("client certificate is not for client authentication");
      }
    } catch (GeneralSecurityException e) {
      throw new AuthenticationException("client certificate not verified: " + e.getMessage(), e);
    }
    String cn = null;
    List<String> organizations = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && cn == null) {
          cn = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          organizations.add(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      throw new AuthenticationException("client certificate subject unreadable", e);
    }
    if (cn == null || cn.isBlank()) {
      throw new AuthenticationException("client certificate without a common name");
    }
    return UserInfo.authenticated(cn, "", organizations, null);
  }

  /**
   * The TLS server's trust manager for client certificates: it asks for one (naming the CA's
   * subjects as acceptable issuers) and lets any through, for {@link #authenticate} to verify.
   * Server certificates are never checked with it.
   */
  public X509ExtendedTrustManager acceptAnyAtHandshake() {
    X509Certificate[] issuers =
        anchors.stream().map(TrustAnchor::getTrustedCert).toArray(X509Certificate[]::new);
    return new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        throw new CertificateException("not a client trust manager");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        throw new CertificateException("not a client trust manager");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        throw new CertificateException("not a client trust manager");
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return issuers.clone();
      }
    };
  }

  /** A certificate's DER encoding, as a cache key. */
  private record Key(byte[] der) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key k && Arrays.equals(der, k.der);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(der);
    }
  }
}
