package io.cup.cli.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files, read with the JDK alone (as Go's {@code
 * crypto/tls.X509KeyPair} reads kubectl's): {@code CERTIFICATE} blocks, and a private key as PKCS#8
 * ({@code PRIVATE KEY}: RSA, EC, Ed25519/Ed448), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code
 * EC PRIVATE KEY}). The JDK's {@link KeyFactory} reads only PKCS#8, so the other two are wrapped in
 * a PKCS#8 {@code PrivateKeyInfo} first (RFC 5208; RFC 5915 section 2 for the EC curve). Encrypted
 * keys are refused with what to do instead.
 */
final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

  /** {@code rsaEncryption}, 1.2.840.113549.1.1.1, DER-encoded with its tag. */
  private static final byte[] RSA_ENCRYPTION = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };

  /** {@code id-ecPublicKey}, 1.2.840.10045.2.1, DER-encoded with its tag. */
  private static final byte[] EC_PUBLIC_KEY = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private static final byte[] DER_NULL = {0x05, 0x00};
  private static final byte[] VERSION_ZERO = {0x02, 0x01, 0x00};
  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int EC_PARAMETERS_TAG = 0xa0;

  /** What {@code --client-key} reads, for messages and help. */
  static final String KEY_FORMATS =
      "PKCS#8 (PRIVATE KEY), PKCS#1 (RSA PRIVATE KEY) or SEC 1 (EC PRIVATE KEY), unencrypted";

  private PemFiles() {}

  /** One {@code -----BEGIN TYPE-----} block: its type, headers and DER content. */
  record Block(String type, boolean encrypted, byte[] der) {}

  /** Every certificate in the file, in order; an error when there is none. */
  static List<X509Certificate> certificates(Path file, String what) throws ClientException {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(file, what)) {
        if (block.type().equals("CERTIFICATE")) {
          certificates.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException e) {
      throw new ClientException(
          "error: " + what + " " + file + ": not a valid certificate: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new ClientException(
          "error: "
              + what
              + " "
              + file
              + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
    }
    return certificates;
  }

  /** The first private key in the file; see the class comment for the formats. */
  static PrivateKey privateKey(Path file, String what) throws ClientException {
    for (Block block : blocks(file, what)) {
      if (block.encrypted() || block.type().equals("ENCRYPTED PRIVATE KEY")) {
        throw new ClientException(
            "error: "
                + what
                + " "
                + file
                + ": the key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)");
      }
      switch (block.type()) {
        case "PRIVATE KEY" -> {
          return pkcs8(block.der(), file, what);
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(
              sequence(VERSION_ZERO, sequence(RSA_ENCRYPTION, DER_NULL), octets(block.der())),
              file,
              what);
        }
        case "EC PRIVATE KEY" -> {
          byte[] curve = ecCurve(block.der(), file, what);
          return pkcs8(
              sequence(VERSION_ZERO, sequence(EC_PUBLIC_KEY, curve), octets(block.der())),
              file,
              what);
        }
        default -> {
          if (block.type().endsWith("PRIVATE KEY")) {
            throw new ClientException(
                "error: "
                    + what
                    + " "
                    + file
                    + ": "
                    + block.type()
                    + " is not a key format cup reads (use "
                    + KEY_FORMATS
                    + ")");
          }
        }
      }
    }
    throw new ClientException(
        "error: " + what + " " + file + ": no PEM private key in it (use " + KEY_FORMATS + ")");
  }

  static List<Block> blocks(Path file, String what) throws ClientException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ClientException("error: " + what + " " + file + ": no such file");
    } catch (IOException e) {
      throw new ClientException(
          "error: " + what + " " + file + ": cannot read it: " + Documents.firstLine(e));
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      StringBuilder base64 = new StringBuilder();
      boolean encrypted = false;
      for (String line : m.group(2).split("\\R")) {
        int colon = line.indexOf(':');
        if (colon > 0) { // an RFC 1421 header such as Proc-Type: 4,ENCRYPTED
          encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
          continue;
        }
        base64.append(line.strip());
      }
      try {
        blocks.add(new Block(m.group(1), encrypted, Base64.getDecoder().decode(base64.toString())));
      } catch (IllegalArgumentException e) {
        throw new ClientException(
            "error: " + what + " " + file + ": a " + m.group(1) + " block is not valid base64");
      }
    }
    return blocks;
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String what) throws ClientException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "EdDSA", "RSASSA-PSS", "XDH"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new ClientException(
        "error: " + what + " " + file + ": not an RSA, EC or EdDSA private key the JDK can read");
  }

  /** The {@code parameters [0]} of a SEC 1 {@code ECPrivateKey}: the curve's OID, with its tag. */
  private static byte[] ecCurve(byte[] sec1, Path file, String what) throws ClientException {
    try {
      Der outer = new Der(sec1, 0);
      if (outer.tag != SEQUENCE) {
        throw new IllegalArgumentException("not a SEQUENCE");
      }
      int at = outer.contentStart;
      while (at < outer.end) {
        Der element = new Der(sec1, at);
        if (element.tag == EC_PARAMETERS_TAG) {
          Der curve = new Der(sec1, element.contentStart);
          return Arrays.copyOfRange(sec1, element.contentStart, curve.end);
        }
        at = element.end;
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new ClientException(
          "error: " + what + " " + file + ": the EC PRIVATE KEY is not valid DER");
    }
    throw new ClientException(
        "error: "
            + what
            + " "
            + file
            + ": the EC PRIVATE KEY does not name its curve; convert it to PKCS#8 (openssl pkcs8"
            + " -topk8 -nocrypt)");
  }

  /** One DER element's tag, where its content starts and where the element ends. */
  private static final class Der {
    final int tag;
    final int contentStart;
    final int end;

    Der(byte[] der, int at) {
      tag = der[at] & 0xff;
      int length = der[at + 1] & 0xff;
      int position = at + 2;
      if (length > 0x7f) {
        int bytes = length & 0x7f;
        if (bytes == 0 || bytes > 3) {
          throw new IllegalArgumentException("unsupported DER length");
        }
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (der[position++] & 0xff);
        }
      }
      contentStart = position;
      end = position + length;
      if (end > der.length) {
        throw new IllegalArgumentException("truncated DER");
      }
    }
  }

  private static byte[] sequence(byte[]... elements) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] element : elements) {
      content.writeBytes(element);
    }
    return element(SEQUENCE, content.toByteArray());
  }

  private static byte[] octets(byte[] content) {
    return element(OCTET_STRING, content);
  }

  private static byte[] element(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xff);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write((length >> 8) & 0xff);
      out.write(length & 0xff);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
