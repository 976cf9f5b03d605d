package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Request to {@code cup.scm.pull-request}: a pull or merge request changed on the SCM, as a
 * verified webhook told. {@code scm} the SCM's id ({@code github}, {@code gitea}, {@code gitlab});
 * {@code branch} its source branch; {@code number} its number (GitLab: iid); {@code state} {@code
 * open}, {@code closed} or {@code merged}; {@code mergeCommit} once merged; {@code url} its web URL
 * (null when the payload lacks it).
 */
public record PullRequestChange(
    String scm, String branch, long number, String state, String mergeCommit, String url)
    implements BusMessage {
  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("scm", scm)
        .put("branch", branch)
        .put("number", number)
        .put("state", state)
        .put("mergeCommit", mergeCommit)
        .put("url", url);
  }

  public static PullRequestChange fromJson(JsonObject json) {
    return new PullRequestChange(
        json.getString("scm"),
        json.getString("branch", ""),
        json.getLong("number", 0L),
        json.getString("state"),
        json.getString("mergeCommit"),
        json.getString("url"));
  }
}
