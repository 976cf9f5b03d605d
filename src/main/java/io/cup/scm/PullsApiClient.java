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
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pull request API GitHub has and Gitea copied: {@code /repos/{owner}/{repo}/pulls[/{n}]}, a
 * pull request's labels and comments on its issue ({@code /issues/{n}/labels}, {@code
 * /issues/{n}/comments}), closing by {@code PATCH {"state": "closed"}}. Subclasses name their
 * operations (for error messages) and differ in finding, merging and authentication.
 */
abstract class PullsApiClient extends ScmClient {
  /** The operation names of one SCM, as its API description calls them. */
  record Operations(
      String create, String get, String update, String addLabels, String comment, String merge) {}

  private final Operations operations;

  PullsApiClient(
      Vertx vertx,
      ScmKind kind,
      ScmRepository repository,
      String apiBase,
      Supplier<Optional<String>> token,
      Clock clock,
      long callTimeoutMillis,
      Operations operations) {
    super(vertx, kind, repository, apiBase, token, clock, callTimeoutMillis);
    this.operations = operations;
  }

  protected String repo() {
    return "/repos/"
        + ScmRepository.encode(repository.owner())
        + "/"
        + ScmRepository.encode(repository.name());
  }

  /** The body of a create; GitHub adds a field of its own. */
  protected JsonObject createBody(NewPullRequest wanted) {
    return new JsonObject()
        .put("title", wanted.title())
        .put("head", wanted.head())
        .put("base", wanted.base())
        .put("body", wanted.body());
  }

  /** The body of a merge. */
  protected abstract JsonObject mergeBody(String message);

  /** Checks what adding labels answered (the labels the request has now). */
  protected void labelsAdded(PullRequest pull, HttpResponse<Buffer> response) {}

  @Override
  protected Future<PullRequest> create(NewPullRequest wanted) {
    return call(
            operations.create(), request(HttpMethod.POST, repo() + "/pulls"), createBody(wanted))
        .map(response -> pull(object(operations.create(), response)));
  }

  @Override
  protected Future<PullRequest> addLabels(PullRequest pull, List<String> labels) {
    return call(
            operations.addLabels(),
            request(HttpMethod.POST, repo() + "/issues/" + pull.number() + "/labels"),
            new JsonObject().put("labels", new JsonArray(labels)))
        .map(
            response -> {
              labelsAdded(pull, response);
              return labelled(pull);
            });
  }

  @Override
  protected HttpRequest<Buffer> getRequest(long number) {
    return request(HttpMethod.GET, repo() + "/pulls/" + number);
  }

  @Override
  protected String getOperation() {
    return operations.get();
  }

  @Override
  protected PullRequest parsePull(JsonObject json) {
    return pull(json);
  }

  @Override
  public Future<Void> comment(long number, String text) {
    return call(
            operations.comment(),
            request(HttpMethod.POST, repo() + "/issues/" + number + "/comments"),
            new JsonObject().put("body", text))
        .mapEmpty();
  }

  @Override
  public Future<PullRequest> close(long number) {
    return update(number, new JsonObject().put("state", "closed"));
  }

  @Override
  public Future<PullRequest> describe(long number, String body) {
    return update(number, new JsonObject().put("body", body));
  }

  private Future<PullRequest> update(long number, JsonObject changes) {
    return call(
            operations.update(), request(HttpMethod.PATCH, repo() + "/pulls/" + number), changes)
        .map(response -> pull(object(operations.update(), response)));
  }

  @Override
  public Future<PullRequest> merge(long number, String message) {
    return call(
            operations.merge(),
            request(mergeMethod(), repo() + "/pulls/" + number + "/merge"),
            mergeBody(message))
        .compose(response -> get(number));
  }

  /** GitHub merges with PUT, Gitea with POST. */
  protected abstract HttpMethod mergeMethod();

  /** A pull request as both answer it ({@code merged_at} is set in lists, {@code merged} not). */
  protected static PullRequest pull(JsonObject json) {
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
