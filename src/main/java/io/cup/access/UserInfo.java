package io.cup.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who is asking, as Kubernetes' {@code user.Info}: what an authenticator recognised. Every
 * authenticated user is also in {@value #AUTHENTICATED}; the anonymous user is {@value
 * #ANONYMOUS_NAME} in {@value #UNAUTHENTICATED}.
 *
 * @param username the user name (Kubernetes {@code username})
 * @param uid a stable id, or "" when the authenticator has none
 * @param groups the groups, {@value #AUTHENTICATED} included for an authenticated user
 * @param extra further attributes (Kubernetes {@code extra}), shown by the who-am-I review
 * @param email the user's e-mail address when the authenticator knows it (OIDC {@code email}), else
 *     null: commits then use {@code <username>@<domain>}
 */
public record UserInfo(
    String username,
    String uid,
    List<String> groups,
    Map<String, List<String>> extra,
    String email) {
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";
  public static final String ANONYMOUS_NAME = "system:anonymous";

  /** The user of a request that carried no credentials, when anonymous requests are allowed. */
  public static final UserInfo ANONYMOUS =
      new UserInfo(ANONYMOUS_NAME, "", List.of(UNAUTHENTICATED), Map.of(), null);

  public UserInfo {
    Objects.requireNonNull(username, "username");
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  /**
   * An authenticated user: {@code groups} plus {@value #AUTHENTICATED} (once), as the Kubernetes
   * API server adds it to every user an authenticator recognised.
   */
  public static UserInfo authenticated(
      String username, String uid, List<String> groups, String email) {
    List<String> all = new ArrayList<>(groups);
    if (!all.contains(AUTHENTICATED)) {
      all.add(AUTHENTICATED);
    }
    return new UserInfo(username, uid, all, Map.of(), email);
  }

  /** Kubernetes' {@code UserInfo} object (authentication.k8s.io/v1). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("username", username);
    if (!uid.isEmpty()) {
      json.put("uid", uid);
    }
    json.put("groups", new JsonArray(new ArrayList<>(groups)));
    if (!extra.isEmpty()) {
      JsonObject extras = new JsonObject();
      new TreeMap<>(extra).forEach((k, v) -> extras.put(k, new JsonArray(new ArrayList<>(v))));
      json.put("extra", extras);
    }
    return json;
  }
}
