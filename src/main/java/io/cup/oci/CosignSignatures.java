package io.cup.oci;

import io.cup.oci.RegistryException.Reason;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Key-based cosign signatures: the artifact {@code repo@sha256:<hex>} is signed when the manifest
 * tagged {@code sha256-<hex>.sig} in the same repository has a layer of media type {@value
 * OciMediaTypes#COSIGN_SIMPLE_SIGNING} whose annotation {@value
 * OciMediaTypes#COSIGN_SIGNATURE_ANNOTATION} is the base64 signature, by the configured key, over
 * the layer's bytes (SHA-256 with ECDSA, DER-encoded, for a P-256 key; SHA-256 with RSA PKCS#1 v1.5
 * for an RSA key), and that layer is a simple-signing payload whose {@code
 * critical.image.docker-manifest-digest} is the digest and {@code critical.type} is {@value
 * #PAYLOAD_TYPE}. Keyless (Fulcio certificate, Rekor) signatures are not checked.
 */
public final class CosignSignatures {
  public static final String PAYLOAD_TYPE = "cosign container image signature";

  private static final long MAX_PAYLOAD_BYTES = 64 * 1024;

  private CosignSignatures() {}

  /**
   * Parses a PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo) of an ECDSA P-256 or RSA key.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static PublicKey publicKey(String pem) {
    if (pem == null || !pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalArgumentException(
          "expected a PEM public key (-----BEGIN PUBLIC KEY-----), as cosign.pub holds");
    }
    String body =
        pem.substring(
                pem.indexOf("-----BEGIN PUBLIC KEY-----") + "-----BEGIN PUBLIC KEY-----".length(),
                Math.max(pem.indexOf("-----END PUBLIC KEY-----"), 0))
            .replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM public key is not valid base64");
    }
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        PublicKey key =
            KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        if (key instanceof ECPublicKey ec
            && ec.getParams().getCurve().getField().getFieldSize() != 256) {
          throw new IllegalArgumentException("an ECDSA key must be on P-256");
        }
        return key;
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the PEM public key is neither an ECDSA nor an RSA key");
  }

  /** The JCA signature algorithm cosign signs with for {@code key}. */
  static String algorithm(PublicKey key) {
    if (key instanceof ECPublicKey) {
      return "SHA256withECDSA";
    }
    if (key instanceof RSAPublicKey) {
      return "SHA256withRSA";
    }
    throw new IllegalArgumentException("unsupported key " + key.getAlgorithm());
  }

  /** The id Cup records a key's verifications under: the digest of its encoded form. */
  public static Digest keyId(PublicKey key) {
    return Digest.of(key.getEncoded());
  }

  /**
   * Succeeds when {@code ref}'s repository holds a valid signature by {@code key} for {@code
   * digest}; fails with {@link Reason#REFUSED} saying why not (none, none valid), or with the
   * registry's failure.
   */
  public static Future<Void> verify(
      String controller, RegistryClient client, ImageReference ref, Digest digest, PublicKey key) {
    ImageReference signatures = ref.withTag(digest.signatureTag());
    String subject = "controller " + controller + ": " + ref.name() + "@" + digest;
    return client
        .manifest(signatures)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof RegistryException r && r.reason() == Reason.NOT_FOUND
                        ? new RegistryException(
                            Reason.REFUSED,
                            subject
                                + " refused: it has no cosign signature (no "
                                + digest.signatureTag()
                                + " tag) and spec.spec.verify requires one")
                        : e))
        .compose(
            manifest -> {
              JsonArray layers =
                  manifest.json().getValue("layers") instanceof JsonArray l ? l : new JsonArray();
              List<Future<String>> checks = new ArrayList<>();
              for (Object item : layers) {
                if (item instanceof JsonObject layer
                    && OciMediaTypes.COSIGN_SIMPLE_SIGNING.equals(layer.getString("mediaType"))) {
                  checks.add(check(client, ref, digest, key, layer));
                }
              }
              if (checks.isEmpty()) {
                return Future.failedFuture(
                    new RegistryException(
                        Reason.REFUSED, subject + " refused: its .sig manifest has no signatures"));
              }
              return Future.join(checks)
                  .transform(
                      done -> {
                        List<String> problems = new ArrayList<>();
                        for (Future<String> check : checks) {
                          if (check.succeeded() && check.result() == null) {
                            return Future.succeededFuture();
                          }
                          problems.add(
                              check.succeeded() ? check.result() : check.cause().getMessage());
                        }
                        return Future.failedFuture(
                            new RegistryException(
                                Reason.REFUSED,
                                subject
                                    + " refused: no valid signature by the configured key ("
                                    + String.join("; ", problems)
                                    + ")"));
                      });
            });
  }

  /**
   * Null when {@code layer} is a valid signature of {@code digest} by {@code key}, else why not.
   */
  private static Future<String> check(
      RegistryClient client, ImageReference ref, Digest digest, PublicKey key, JsonObject layer) {
    String signature =
        layer
            .getJsonObject("annotations", new JsonObject())
            .getString(OciMediaTypes.COSIGN_SIGNATURE_ANNOTATION);
    if (signature == null) {
      return Future.succeededFuture("a layer has no signature annotation");
    }
    Digest payloadDigest;
    try {
      payloadDigest = Digest.parse(layer.getString("digest"));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture("a layer has a bad digest");
    }
    return client
        .blob(ref, payloadDigest, MAX_PAYLOAD_BYTES)
        .map(payload -> problem(payload, signature, digest, key));
  }

  /** Null when the signature and the payload hold, else why not. */
  static String problem(byte[] payload, String signature, Digest digest, PublicKey key) {
    try {
      Signature verifier = Signature.getInstance(algorithm(key));
      verifier.initVerify(key);
      verifier.update(payload);
      if (!verifier.verify(Base64.getDecoder().decode(signature.strip()))) {
        return "a signature does not verify with the key";
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "a signature does not verify with the key";
    }
    JsonObject json;
    try {
      json = new JsonObject(new String(payload, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      return "a signed payload is not JSON";
    }
    JsonObject critical = json.getJsonObject("critical", new JsonObject());
    String signed =
        critical.getJsonObject("image", new JsonObject()).getString("docker-manifest-digest");
    if (!PAYLOAD_TYPE.equals(critical.getString("type"))) {
      return "a signed payload is not a cosign container image signature";
    }
    if (!digest.toString().equals(signed)) {
      return "a valid signature is for another digest (" + signed + ")";
    }
    return null;
  }
}
