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
 * GitHub's REST API (operations {@code pulls/list}, {@code pulls/create}, {@code pulls/get}, {@code
 * pulls/update}, {@code pulls/merge}, {@code issues/add-labels}, {@code issues/create-comment}).
 * The token goes in {@code Authorization: Bearer}; a pull request's labels are its issue's.
 */
final class GitHubClient extends ScmClient {
  private static final String API_VERSION = "2022-11-28";

  GitHubClient(
      Vertx vertx,
      ScmRepository repository,
      String apiBase,
      Supplier<Optional<String>> token,
      Clock clock,
      long callTimeoutMillis) {
    super(vertx, ScmKind.GITHUB, repository, apiBase, token, clock, callTimeoutMillis);
  }

  @Override
  protected String accept() {
    return "application/vnd.github+json";
  }

  @Override
  protected void authenticate(HttpRequest<Buffer> request, String token) {
    request.putHeader("Authorization", "Bearer " + token);
    request.putHeader("X-GitHub-Api-Version", API_VERSION);
  }

  private String repo() {
    return "/repos/" + segment(repository.owner()) + "/" + segment(repository.name());
  }

  @Override
  public Future<Optional<PullRequest>> find(String head) {
    HttpRequest<Buffer> request =
        request(HttpMethod.GET, repo() + "/pulls")
            .addQueryParam("state", "all")
            .addQueryParam("head", repository.owner() + ":" + head)
            .addQueryParam("per_page", "100");
    return call("pulls/list", request, null)
        .map(
            response -> {
              JsonArray pulls = array("pulls/list", response);
              for (Object pull : pulls) {
                PullRequest found = pull((JsonObject) pull);
                if (head.equals(found.head())) {
                  return Optional.of(found);
                }
              }
              return Optional.<PullRequest>empty();
            });
  }

  @Override
  protected Future<PullRequest> create(NewPullRequest wanted) {
    JsonObject body =
        new JsonObject()
            .put("title", wanted.title())
            .put("head", wanted.head())
            .put("base", wanted.base())
            .put("body", wanted.body())
            .put("maintainer_can_modify", true);
    return call("pulls/create", request(HttpMethod.POST, repo() + "/pulls"), body)
        .map(response -> pull(object("pulls/create", response)));
  }

  @Override
  protected int alreadyExistsStatus() {
    return 422; // "A pull request already exists for owner:branch."
  }

  @Override
  protected Future<PullRequest> addLabels(PullRequest pull, List<String> labels) {
    return call(
            "issues/add-labels",
            request(HttpMethod.POST, repo() + "/issues/" + pull.number() + "/labels"),
            new JsonObject().put("labels", new JsonArray(labels)))
        .map(response -> labelled(pull));
  }

  @Override
  public Future<PullRequest> get(long number) {
    return call("pulls/get", request(HttpMethod.GET, repo() + "/pulls/" + number), null)
        .map(response -> pull(object("pulls/get", response)));
  }

  @Override
  public Future<Void> comment(long number, String text) {
    return call(
            "issues/create-comment",
            request(HttpMethod.POST, repo() + "/issues/" + number + "/comments"),
            new JsonObject().put("body", text))
        .mapEmpty();
  }

  @Override
  public Future<PullRequest> close(long number) {
    return call(
            "pulls/update",
            request(HttpMethod.PATCH, repo() + "/pulls/" + number),
            new JsonObject().put("state", "closed"))
        .map(response -> pull(object("pulls/update", response)));
  }

  @Override
  public Future<PullRequest> merge(long number, String message) {
    return call(
            "pulls/merge",
            request(HttpMethod.PUT, repo() + "/pulls/" + number + "/merge"),
            new JsonObject().put("commit_title", message).put("merge_method", "merge"))
        .compose(response -> get(number));
  }

  private static PullRequest pull(JsonObject json) {
    boolean merged = json.getBoolean("merged", false) || json.getValue("merged_at") != null;
    String state = merged ? PullRequest.MERGED : json.getString("state", PullRequest.OPEN);
    JsonObject head = json.getJsonObject("head", new JsonObject());
    return new PullRequest(
        json.getLong("number"),
        json.getString("html_url"),
        state,
        head.getString("ref"),
        merged ? json.getString("merge_commit_sha") : null,
        hasLabel(json.getJsonArray("labels")));
  }
}
