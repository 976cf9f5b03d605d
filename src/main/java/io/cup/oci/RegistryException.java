package io.cup.oci;

/**
 * A registry call or an artifact that failed, with why as data ({@link Reason}), so callers decide
 * on the reason and never on the message. Messages name the reference and never hold credentials.
 */
public final class RegistryException extends RuntimeException {
  /** Why a registry call or an artifact failed. */
  public enum Reason {
    /** The registry could not be reached, timed out, or answered 5xx or 429: worth a retry. */
    UNAVAILABLE,
    /** The registry refused the credentials, or asked for some and none were configured. */
    UNAUTHORIZED,
    /** The repository, tag, manifest or blob does not exist. */
    NOT_FOUND,
    /** Content that does not hash to the digest it was asked for or announced under. */
    DIGEST_MISMATCH,
    /** A manifest or blob larger than its limit. */
    TOO_LARGE,
    /** An artifact Cup does not run: wrong media types, no WASM layer, a malformed manifest. */
    UNSUPPORTED,
    /** A registry or signature the configuration does not allow. */
    REFUSED,
    /** Any other answer the protocol does not expect. */
    PROTOCOL
  }

  private final Reason reason;

  public RegistryException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RegistryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
