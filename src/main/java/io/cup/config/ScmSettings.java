package io.cup.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * How Cup reaches its SCM (GitHub, Gitea, GitLab) and checks the SCM's webhooks. Secrets are never
 * held here, only where they are read from: the token from {@value #TOKEN_ENV} or {@link
 * #tokenFile}, the webhook secret from {@value #WEBHOOK_SECRET_ENV} or {@link #webhookSecretFile}
 * (the environment wins when both are set). Both are read on use, so a rotated file is picked up
 * without a restart.
 *
 * @param url the SCM's REST API base ({@code --api-git-scm-url}); null: the public service
 * @param repo {@code owner/name} (GitLab: {@code group/sub/name}) overriding the last path segments
 *     of the Git remote ({@code --api-git-scm-repo}); null: taken from the remote URL
 * @param tokenFile file holding the SCM API token ({@code --api-git-scm-token-file})
 * @param webhookSecretFile file holding the webhook secret ({@code --api-webhook-secret-file})
 */
public record ScmSettings(String url, String repo, String tokenFile, String webhookSecretFile) {
  /** Environment variable holding the SCM API token. */
  public static final String TOKEN_ENV = "CUPD_API_GIT_SCM_TOKEN";

  /** Environment variable holding the webhook secret. */
  public static final String WEBHOOK_SECRET_ENV = "CUPD_API_WEBHOOK_SECRET";

  /** No SCM settings: public service, owner and name from the remote, no secrets. */
  public static final ScmSettings NONE = new ScmSettings(null, null, null, null);

  /** The SCM API token, from the environment or the token file; empty when neither is set. */
  public Optional<String> token() {
    return token(System::getenv);
  }

  /** The SCM API token, with {@code environment} as the process environment. */
  public Optional<String> token(Function<String, String> environment) {
    return secret(TOKEN_ENV, tokenFile, environment);
  }

  /** The webhook secret, from the environment or the secret file; empty when neither is set. */
  public Optional<String> webhookSecret() {
    return secret(WEBHOOK_SECRET_ENV, webhookSecretFile, System::getenv);
  }

  static Optional<String> secret(String env, String file, Function<String, String> environment) {
    String value = environment.apply(env);
    if (value != null && !value.isBlank()) {
      return Optional.of(value.strip());
    }
    if (file == null || file.isBlank()) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      // The message names the file only, never its content.
      throw new UncheckedIOException("cannot read the secret file " + file, e);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("url", url)
        .put("repo", repo)
        .put("tokenFile", tokenFile)
        .put("webhookSecretFile", webhookSecretFile);
  }

  public static ScmSettings fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    return new ScmSettings(
        json.getString("url"),
        json.getString("repo"),
        json.getString("tokenFile"),
        json.getString("webhookSecretFile"));
  }
}
