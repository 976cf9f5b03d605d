package io.cup.access;

/**
 * Decides whether a user may do what a request asks ({@code --api-authorization-mode}): {@code
 * AlwaysAllow} or {@code RBAC}. Implementations are immutable and cheap enough to call on an event
 * loop (no I/O).
 */
public interface Authorizer {
  Decision authorize(RequestAttributes attributes);

  /**
   * What {@code user} may do in {@code namespace} (and cluster-wide), for the self-subject rules
   * review.
   */
  RulesReview rules(UserInfo user, String namespace);
}
