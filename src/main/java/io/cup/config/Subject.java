package io.cup.config;

import java.util.Objects;

/**
 * Who a binding grants its role to: a user by name, every user in a group, or a service account
 * (the user {@code system:serviceaccount:<namespace>:<name>}).
 *
 * @param namespace the service account's namespace; "" for users and groups
 */
public record Subject(SubjectKind kind, String name, String namespace) {

  /** The kinds of subject Kubernetes RBAC knows. */
  public enum SubjectKind {
    User,
    Group,
    ServiceAccount
  }

  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  public Subject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    namespace = namespace == null ? "" : namespace;
  }

  public static Subject user(String name) {
    return new Subject(SubjectKind.User, name, "");
  }

  public static Subject group(String name) {
    return new Subject(SubjectKind.Group, name, "");
  }

  public static Subject serviceAccount(String namespace, String name) {
    return new Subject(SubjectKind.ServiceAccount, name, namespace);
  }

  /** The user name a service account authenticates as, or {@link #name} for a user. */
  public String username() {
    return kind == SubjectKind.ServiceAccount
        ? SERVICE_ACCOUNT_PREFIX + namespace + ":" + name
        : name;
  }

  /**
   * {@code User "bob"}, {@code ServiceAccount "builder/ci"}, as Kubernetes' authorizer reasons name
   * subjects.
   */
  public String describe() {
    return kind == SubjectKind.ServiceAccount
        ? kind + " \"" + name + "/" + namespace + "\""
        : kind + " \"" + name + "\"";
  }
}
