package io.cup.config;

import io.vertx.core.json.JsonObject;

/**
 * Identity and access: TLS, the authenticators, the authorization mode and the audit log. Secrets
 * are never held here, only the files they are read from (each is re-read when it changes).
 *
 * @param tlsCertFile PEM certificate (chain) the API is served with ({@code --api-tls-cert-file})
 * @param tlsKeyFile PEM private key of that certificate ({@code --api-tls-private-key-file})
 * @param tokenAuthFile static tokens, CSV {@code token,user,uid[,"group1,group2"]} ({@code
 *     --api-token-auth-file})
 * @param oidcIssuerUrl the OIDC issuer ({@code --api-oidc-issuer-url}); null: no OIDC
 * @param oidcClientId the audience tokens must carry ({@code --api-oidc-client-id})
 * @param oidcUsernameClaim the claim that names the user ({@code --api-oidc-username-claim}, {@code
 *     sub})
 * @param oidcGroupsClaim the claim that lists the groups ({@code --api-oidc-groups-claim}, {@code
 *     groups})
 * @param oidcCaFile PEM CA the issuer's HTTPS certificate is checked against ({@code
 *     --api-oidc-ca-file}); null: the JVM's trust store
 * @param clientCaFile PEM CA(s) that client certificates are verified against ({@code
 *     --api-client-ca-file}); null: client certificates are not asked for
 * @param anonymousAuth whether a request with no credentials is {@code system:anonymous} rather
 *     than 401 ({@code --api-anonymous-auth}); only matters when an authenticator is configured
 * @param authorizationMode {@code AlwaysAllow} or {@code RBAC} ({@code --api-authorization-mode});
 *     null: RBAC when an authenticator is configured, else AlwaysAllow
 * @param auditLogPath where audit events go, {@code -} for standard output ({@code
 *     --api-audit-log-path}); null: no audit log
 * @param emailDomain the domain of a commit author's address when the user has no e-mail ({@code
 *     --api-git-author-email-domain}, {@code <user>@<domain>})
 * @param oidcUiClientId the OAuth client id the web UI signs users in with at the OIDC issuer
 *     (authorization code with PKCE, {@code --api-oidc-ui-client-id}); null: the UI offers no
 *     sign-in. Tokens issued to it are accepted as well as those for {@code oidcClientId}.
 */
public record AccessSettings(
    String tlsCertFile,
    String tlsKeyFile,
    String tokenAuthFile,
    String oidcIssuerUrl,
    String oidcClientId,
    String oidcUsernameClaim,
    String oidcGroupsClaim,
    String oidcCaFile,
    String clientCaFile,
    boolean anonymousAuth,
    String authorizationMode,
    String auditLogPath,
    String emailDomain,
    String oidcUiClientId) {

  public static final String ALWAYS_ALLOW = "AlwaysAllow";
  public static final String RBAC = "RBAC";
  public static final String DEFAULT_USERNAME_CLAIM = "sub";
  public static final String DEFAULT_GROUPS_CLAIM = "groups";
  public static final String DEFAULT_EMAIL_DOMAIN = "users.cup.invalid";

  /** Open, as before identity existed: plain HTTP, no authenticator, everything allowed. */
  public static final AccessSettings NONE =
      new AccessSettings(
          null, null, null, null, null, null, null, null, null, false, null, null, null, null);

  public AccessSettings {
    oidcUsernameClaim = blank(oidcUsernameClaim) ? DEFAULT_USERNAME_CLAIM : oidcUsernameClaim;
    oidcGroupsClaim = blank(oidcGroupsClaim) ? DEFAULT_GROUPS_CLAIM : oidcGroupsClaim;
    emailDomain = blank(emailDomain) ? DEFAULT_EMAIL_DOMAIN : emailDomain;
    oidcUiClientId = blank(oidcUiClientId) ? null : oidcUiClientId;
  }

  /** Whether the API is served over HTTPS. */
  public boolean tls() {
    return !blank(tlsCertFile) && !blank(tlsKeyFile);
  }

  /** Whether any authenticator is configured (anonymous aside). */
  public boolean authenticates() {
    return !blank(tokenAuthFile) || !blank(oidcIssuerUrl) || !blank(clientCaFile);
  }

  /** The authorization mode in force: as configured, else RBAC exactly when authenticating. */
  public String effectiveAuthorizationMode() {
    if (!blank(authorizationMode)) {
      return authorizationMode;
    }
    return authenticates() ? RBAC : ALWAYS_ALLOW;
  }

  public AccessSettings withAuditLogPath(String path) {
    return new AccessSettings(
        tlsCertFile,
        tlsKeyFile,
        tokenAuthFile,
        oidcIssuerUrl,
        oidcClientId,
        oidcUsernameClaim,
        oidcGroupsClaim,
        oidcCaFile,
        clientCaFile,
        anonymousAuth,
        authorizationMode,
        path,
        emailDomain,
        oidcUiClientId);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("tlsCertFile", tlsCertFile)
        .put("tlsKeyFile", tlsKeyFile)
        .put("tokenAuthFile", tokenAuthFile)
        .put("oidcIssuerUrl", oidcIssuerUrl)
        .put("oidcClientId", oidcClientId)
        .put("oidcUsernameClaim", oidcUsernameClaim)
        .put("oidcGroupsClaim", oidcGroupsClaim)
        .put("oidcCaFile", oidcCaFile)
        .put("clientCaFile", clientCaFile)
        .put("anonymousAuth", anonymousAuth)
        .put("authorizationMode", authorizationMode)
        .put("auditLogPath", auditLogPath)
        .put("emailDomain", emailDomain)
        .put("oidcUiClientId", oidcUiClientId);
  }

  public static AccessSettings fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    return new AccessSettings(
        json.getString("tlsCertFile"),
        json.getString("tlsKeyFile"),
        json.getString("tokenAuthFile"),
        json.getString("oidcIssuerUrl"),
        json.getString("oidcClientId"),
        json.getString("oidcUsernameClaim"),
        json.getString("oidcGroupsClaim"),
        json.getString("oidcCaFile"),
        json.getString("clientCaFile"),
        json.getBoolean("anonymousAuth", false),
        json.getString("authorizationMode"),
        json.getString("auditLogPath"),
        json.getString("emailDomain"),
        json.getString("oidcUiClientId"));
  }
}
