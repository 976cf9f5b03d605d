package io.cup.access;

/**
 * A credential was presented and refused. The message is for the server's log (it never contains
 * the credential); the client only ever hears "Unauthorized", as from the Kubernetes API server.
 */
public final class AuthenticationException extends RuntimeException {
  public AuthenticationException(String message) {
    super(message, null, false, false);
  }

  public AuthenticationException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
