package io.cup.scm;

/**
 * A failed SCM call. {@code status} is the HTTP status (0 when no answer came: network failure,
 * timeout); {@code retryAfterMillis} how long the SCM asked to wait ({@code Retry-After}, or a rate
 * limit's reset time), -1 when it said nothing. The message never holds the token.
 */
public final class ScmException extends RuntimeException {
  private final int status;
  private final long retryAfterMillis;

  public ScmException(String message, int status, long retryAfterMillis, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
    this.retryAfterMillis = retryAfterMillis;
  }

  public int status() {
    return status;
  }

  public long retryAfterMillis() {
    return retryAfterMillis;
  }

  /** Whether trying again later may help: no answer, 5xx, 429, or a rate limit. */
  public boolean isTransient() {
    return status == 0 || status >= 500 || status == 429 || retryAfterMillis >= 0;
  }
}
