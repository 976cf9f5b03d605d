package io.cup.scm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * GitLab's REST API under {@code <url>/api/v4}, the project named by its URL-encoded path (nested
 * groups allowed). Merge requests are numbered by {@code iid}. Operations: list merge requests by
 * source branch, create, get, update ({@code state_event: close}, {@code add_labels}), merge, and
 * create a note. The token goes in {@code PRIVATE-TOKEN}.
 */
final class GitLabClient extends ScmClient {
  GitLabClient(
      Vertx vertx,
      ScmRepository repository,
      String apiBase,
      Supplier<Optional<String>> token,
      Clock clock,
      long callTimeoutMillis) {
    super(vertx, ScmKind.GITLAB, repository, apiBase + "/api/v4", token, clock, callTimeoutMillis);
  }

  @Override
  protected void authenticate(HttpRequest<Buffer> request, String token) {
    request.putHeader("PRIVATE-TOKEN", token);
  }

  private String project() {
    return "/projects/" + repository.encodedPath();
  }

  @Override
  public Future<Optional<PullRequest>> find(String head) {
    HttpRequest<Buffer> request =
        request(HttpMethod.GET, project() + "/merge_requests")
            .addQueryParam("source_branch", head)
            .addQueryParam("state", "all");
    return call("list merge requests", request, null)
        .map(
            response ->
                withHead(array("list merge requests", response), head, GitLabClient::mergeRequest));
  }

  @Override
  protected Future<PullRequest> create(NewPullRequest wanted) {
    JsonObject body =
        new JsonObject()
            .put("source_branch", wanted.head())
            .put("target_branch", wanted.base())
            .put("title", wanted.title())
            .put("description", wanted.body())
            .put("labels", new JsonArray(wanted.labels()));
    return call(
            "create merge request", request(HttpMethod.POST, project() + "/merge_requests"), body)
        .map(response -> mergeRequest(object("create merge request", response)));
  }

  @Override
  protected int alreadyExistsStatus() {
    return 409; // "Another open merge request already exists for this source branch"
  }

  @Override
  protected Future<PullRequest> addLabels(PullRequest mr, List<String> labels) {
    return update(mr.number(), new JsonObject().put("add_labels", new JsonArray(labels)));
  }

  private Future<PullRequest> update(long iid, JsonObject body) {
    return call(
            "update merge request",
            request(HttpMethod.PUT, project() + "/merge_requests/" + iid),
            body)
        .map(response -> mergeRequest(object("update merge request", response)));
  }

  @Override
  protected HttpRequest<Buffer> getRequest(long number) {
    return request(HttpMethod.GET, project() + "/merge_requests/" + number);
  }

  @Override
  protected String getOperation() {
    return "get merge request";
  }

  @Override
  protected PullRequest parsePull(JsonObject json) {
    return mergeRequest(json);
  }

  @Override
  public Future<Void> comment(long number, String text) {
    return call(
            "create note",
            request(HttpMethod.POST, project() + "/merge_requests/" + number + "/notes"),
            new JsonObject().put("body", text))
        .mapEmpty();
  }

  @Override
  public Future<PullRequest> describe(long number, String body) {
    return update(number, new JsonObject().put("description", body));
  }

  @Override
  public Future<PullRequest> close(long number) {
    return update(number, new JsonObject().put("state_event", "close"));
  }

  @Override
  public Future<PullRequest> merge(long number, String message) {
    return call(
            "merge merge request",
            request(HttpMethod.PUT, project() + "/merge_requests/" + number + "/merge"),
            new JsonObject().put("merge_commit_message", message))
        .map(response -> mergeRequest(object("merge merge request", response)));
  }

  private static PullRequest mergeRequest(JsonObject json) {
    String state =
        switch (json.getString("state", "opened")) {
          case "merged" -> PullRequest.MERGED;
          case "closed" -> PullRequest.CLOSED;
          default -> PullRequest.OPEN; // opened, locked
        };
    return new PullRequest(
        json.getLong("iid"),
        json.getString("web_url"),
        state,
        json.getString("source_branch"),
        PullRequest.MERGED.equals(state) ? json.getString("merge_commit_sha") : null,
        hasLabel(json.getJsonArray("labels")));
  }
}
