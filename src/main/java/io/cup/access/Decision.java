package io.cup.access;

/**
 * An authorizer's answer. {@code reason} says which rule allowed the request, or why nothing did;
 * it is for logs and access reviews, never for a denial's message (which names only the user, verb
 * and resource, as Kubernetes does).
 */
public record Decision(boolean allowed, String reason) {
  public static Decision allow(String reason) {
    return new Decision(true, reason);
  }

  public static Decision deny(String reason) {
    return new Decision(false, reason);
  }
}
