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
 * Gitea's REST API under {@code <url>/api/v1} (operations {@code repoListPullRequests}, {@code
 * repoCreatePullRequest}, {@code repoGetPullRequest}, {@code repoEditPullRequest}, {@code
 * repoMergePullRequest}, {@code issueAddLabel}, {@code issueCreateComment}). The token goes in
 * {@code Authorization: token}. Gitea's list has no head filter, so {@link #find} pages through the
 * repository's pull requests, most recently updated first.
 */
final class GiteaClient extends ScmClient {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GiteaClient.class);
  static final int PAGE_SIZE = 50;
  static final int MAX_PAGES = 40;

  GiteaClient(
      Vertx vertx,
      ScmRepository repository,
      String apiBase,
      Supplier<Optional<String>> token,
      Clock clock,
      long callTimeoutMillis) {
    super(vertx, ScmKind.GITEA, repository, apiBase + "/api/v1", token, clock, callTimeoutMillis);
  }

  @Override
  protected void authenticate(HttpRequest<Buffer> request, String token) {
    request.putHeader("Authorization", "token " + token);
  }

  private String repo() {
    return "/repos/" + segment(repository.owner()) + "/" + segment(repository.name());
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
              for (Object pull : pulls) {
                PullRequest found = pull((JsonObject) pull);
                if (head.equals(found.head())) {
                  return Future.succeededFuture(Optional.of(found));
                }
              }
              if (pulls.size() < PAGE_SIZE || page >= MAX_PAGES) {
                return Future.succeededFuture(Optional.empty());
              }
              return page(head, page + 1);
            });
  }

  @Override
  protected Future<PullRequest> create(NewPullRequest wanted) {
    JsonObject body =
        new JsonObject()
            .put("title", wanted.title())
            .put("head", wanted.head())
            .put("base", wanted.base())
            .put("body", wanted.body());
    return call("repoCreatePullRequest", request(HttpMethod.POST, repo() + "/pulls"), body)
        .map(response -> pull(object("repoCreatePullRequest", response)));
  }

  @Override
  protected int alreadyExistsStatus() {
    return 409;
  }

  @Override
  protected Future<PullRequest> addLabels(PullRequest pull, List<String> labels) {
    return call(
            "issueAddLabel",
            request(HttpMethod.POST, repo() + "/issues/" + pull.number() + "/labels"),
            new JsonObject().put("labels", new JsonArray(labels)))
        .map(
            response -> {
              // Gitea drops names that are not labels of the repository, without an error
              if (!hasLabel(array("issueAddLabel", response))) {
                LOG.warn(
                    "pull request {} has no label {}: create it in {} for Gitea to attach it",
                    pull.number(),
                    PullRequest.LABEL,
                    repository.path());
              }
              return labelled(pull);
            });
  }

  @Override
  public Future<PullRequest> get(long number) {
    return call("repoGetPullRequest", request(HttpMethod.GET, repo() + "/pulls/" + number), null)
        .map(response -> pull(object("repoGetPullRequest", response)));
  }

  @Override
  public Future<Void> comment(long number, String text) {
    return call(
            "issueCreateComment",
            request(HttpMethod.POST, repo() + "/issues/" + number + "/comments"),
            new JsonObject().put("body", text))
        .mapEmpty();
  }

  @Override
  public Future<PullRequest> close(long number) {
    return call(
            "repoEditPullRequest",
            request(HttpMethod.PATCH, repo() + "/pulls/" + number),
            new JsonObject().put("state", "closed"))
        .map(response -> pull(object("repoEditPullRequest", response)));
  }

  @Override
  public Future<PullRequest> merge(long number, String message) {
    return call(
            "repoMergePullRequest",
            request(HttpMethod.POST, repo() + "/pulls/" + number + "/merge"),
            new JsonObject().put("do", "merge").put("merge_title_field", message))
        .compose(response -> get(number));
  }

  private static PullRequest pull(JsonObject json) {
    boolean merged = json.getBoolean("merged", false);
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
