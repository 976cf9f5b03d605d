package io.cup.access;

import java.util.List;

/**
 * {@code --api-authorization-mode=AlwaysAllow}: every request is allowed, as Kubernetes' {@code
 * AlwaysAllow} mode (the reason is empty, as there). The rules review lists {@code *} for
 * everything.
 */
public final class AlwaysAllowAuthorizer implements Authorizer {
  public static final AlwaysAllowAuthorizer INSTANCE = new AlwaysAllowAuthorizer();

  private static final Decision ALLOW = Decision.allow("");
  private static final List<String> ALL = List.of("*");
  private static final RulesReview EVERYTHING =
      new RulesReview(
          List.of(new RulesReview.ResourceRule(ALL, ALL, ALL, List.of())),
          List.of(new RulesReview.NonResourceRule(ALL, ALL)),
          false,
          "");

  private AlwaysAllowAuthorizer() {}

  @Override
  public Decision authorize(RequestAttributes attributes) {
    return ALLOW;
  }

  @Override
  public RulesReview rules(UserInfo user, String namespace) {
    return EVERYTHING;
  }
}
