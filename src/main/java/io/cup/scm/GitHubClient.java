package io.cup.scm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * GitHub's REST API (operations {@code pulls/list}, {@code pulls/create}, {@code pulls/get}, {@code
 * pulls/update}, {@code pulls/merge}, {@code issues/add-labels}, {@code issues/create-comment}).
 * The token goes in {@code Authorization: Bearer}; a pull request's labels are its issue's.
 */
final class GitHubClient extends PullsApiClient {
  private static final String API_VERSION = "2022-11-28";

  GitHubClient(
      Vertx vertx,
      ScmRepository repository,
      String apiBase,
      Supplier<Optional<String>> token,
      Clock clock,
      long callTimeoutMillis) {
    super(
        vertx,
        ScmKind.GITHUB,
        repository,
        apiBase,
        token,
        clock,
        callTimeoutMillis,
        new Operations(
            "pulls/create",
            "pulls/get",
            "pulls/update",
            "issues/add-labels",
            "issues/create-comment",
            "pulls/merge"));
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

  @Override
  public Future<Optional<PullRequest>> find(String head) {
    HttpRequest<Buffer> request =
        request(HttpMethod.GET, repo() + "/pulls")
            .addQueryParam("state", "all")
            .addQueryParam("head", repository.owner() + ":" + head)
            .addQueryParam("per_page", "100");
    return call("pulls/list", request, null)
        .map(response -> withHead(array("pulls/list", response), head, PullsApiClient::pull));
  }

  @Override
  protected JsonObject createBody(NewPullRequest wanted) {
    return super.createBody(wanted).put("maintainer_can_modify", true);
  }

  @Override
  protected int alreadyExistsStatus() {
    return 422; // "A pull request already exists for owner:branch."
  }

  @Override
  protected HttpMethod mergeMethod() {
    return HttpMethod.PUT;
  }

  @Override
  protected JsonObject mergeBody(String message) {
    return new JsonObject().put("commit_title", message).put("merge_method", "merge");
  }
}
