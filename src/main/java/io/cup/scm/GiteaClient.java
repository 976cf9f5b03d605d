package io.cup.scm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gitea's REST API under {@code <url>/api/v1} (operations {@code repoListPullRequests}, {@code
 * repoCreatePullRequest}, {@code repoGetPullRequest}, {@code repoEditPullRequest}, {@code
 * repoMergePullRequest}, {@code issueAddLabel}, {@code issueCreateComment}). The token goes in
 * {@code Authorization: token}. Gitea's list has no head filter, so {@link #find} pages through the
 * repository's pull requests, most recently updated first.
 */
final class GiteaClient extends PullsApiClient {
  static final int PAGE_SIZE = 50;
  static final int MAX_PAGES = 40;

  private static final Logger LOG = LoggerFactory.getLogger(GiteaClient.class);

  GiteaClient(
      Vertx vertx,
      ScmRepository repository,
      String apiBase,
      Supplier<Optional<String>> token,
      Clock clock,
      long callTimeoutMillis) {
    super(
        vertx,
        ScmKind.GITEA,
        repository,
        apiBase + "/api/v1",
        token,
        clock,
        callTimeoutMillis,
        new Operations(
            "repoCreatePullRequest",
            "repoGetPullRequest",
            "repoEditPullRequest",
            "issueAddLabel",
            "issueCreateComment",
            "repoMergePullRequest"));
  }

  @Override
  protected void authenticate(HttpRequest<Buffer> request, String token) {
    request.putHeader("Authorization", "token " + token);
  }

  @Override
  public Future<Optional<PullRequest>> find(String head) {
    return page(head, 1);
  }

  private Future<Optional<PullRequest>> page(String head, int page) {
    HttpRequest<Buffer> request =
        request(HttpMethod.GET, repo() + "/pulls")
            .addQueryParam("state", "all")
            .addQueryParam("sort", "recentupdate")
            .addQueryParam("page", Integer.toString(page))
            .addQueryParam("limit", Integer.toString(PAGE_SIZE));
    return call("repoListPullRequests", request, null)
        .compose(
            response -> {
              JsonArray pulls = array("repoListPullRequests", response);
              Optional<PullRequest> found = withHead(pulls, head, PullsApiClient::pull);
              if (found.isPresent() || pulls.size() < PAGE_SIZE || page >= MAX_PAGES) {
                return Future.succeededFuture(found);
              }
              return page(head, page + 1);
            });
  }

  @Override
  protected int alreadyExistsStatus() {
    return 409;
  }

  @Override
  protected void labelsAdded(PullRequest pull, HttpResponse<Buffer> response) {
    // Gitea drops names that are not labels of the repository, without an error
    if (!hasLabel(array("issueAddLabel", response))) {
      LOG.warn(
          "pull request {} has no label {}: create it in {} for Gitea to attach it",
          pull.number(),
          PullRequest.LABEL,
          repository.path());
    }
  }

  @Override
  protected HttpMethod mergeMethod() {
    return HttpMethod.POST;
  }

  @Override
  protected JsonObject mergeBody(String message) {
    return new JsonObject().put("do", "merge").put("merge_title_field", message);
  }
}
