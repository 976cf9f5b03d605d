package io.cup.access;

import io.cup.config.AccessSettings;
import io.cup.config.RbacPolicy;

/** The authorizer {@code --api-authorization-mode} asks for. */
public final class Authorizers {
  private Authorizers() {}

  /**
   * {@link AlwaysAllowAuthorizer} or an {@link RbacAuthorizer} of {@code policy}, by {@link
   * AccessSettings#effectiveAuthorizationMode()}.
   *
   * @throws IllegalArgumentException for a mode that is neither (the command line refuses those)
   */
  public static Authorizer of(AccessSettings settings, RbacPolicy policy) {
    String mode = settings.effectiveAuthorizationMode();
    return switch (mode) {
      case AccessSettings.ALWAYS_ALLOW -> AlwaysAllowAuthorizer.INSTANCE;
      case AccessSettings.RBAC -> new RbacAuthorizer(policy);
      default ->
          throw new IllegalArgumentException(
              "unknown authorization mode \"" + mode + "\" (expected AlwaysAllow or RBAC)");
    };
  }
}
