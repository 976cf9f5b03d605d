package io.cup.scm;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The hosted SCMs Cup opens pull or merge requests on, with their public API base. */
public enum ScmKind {
  GITHUB("github", "https://api.github.com", "pull request"),
  GITEA("gitea", "https://gitea.com", "pull request"),
  GITLAB("gitlab", "https://gitlab.com", "merge request");

  private final String id;
  private final String publicUrl;
  private final String requestName;

  ScmKind(String id, String publicUrl, String requestName) {
    this.id = id;
    this.publicUrl = publicUrl;
    this.requestName = requestName;
  }

  /** The name used on the command line, in proposal records and in webhook paths. */
  public String id() {
    return id;
  }

  /** The REST API base used when {@code --api-git-scm-url} is not given. */
  public String publicUrl() {
    return publicUrl;
  }

  /** What this SCM calls a proposal: "pull request" or "merge request". */
  public String requestName() {
    return requestName;
  }

  /** The kind named {@code id} (github, gitea, gitlab); IllegalArgumentException otherwise. */
  public static ScmKind of(String id) {
    String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
    for (ScmKind kind : values()) {
      if (kind.id.equals(wanted)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("\"" + id + "\" is not one of github, gitea, gitlab");
  }

  /** The hosted SCM {@code --api-git-scm} names, or null for {@code local} (or nothing). */
  public static ScmKind hosted(String gitScm) {
    return gitScm == null || "local".equals(gitScm) ? null : of(gitScm);
  }

  /**
   * Checks an API base URL: http or https, a host, no query or fragment. Returns it without a
   * trailing slash; IllegalArgumentException with the reason otherwise.
   */
  public static String checkApiUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + url + "\" is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("\"" + url + "\" is not an http(s) URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("\"" + url + "\" names no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("\"" + url + "\" must not have a query or fragment");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "the API URL must not carry credentials; use the token file or "
              + io.cup.config.ScmSettings.TOKEN_ENV);
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
