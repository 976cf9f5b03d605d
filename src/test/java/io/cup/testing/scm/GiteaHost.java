package io.cup.testing.scm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Gitea's API v1 for one repository: pulls, their labels and comments. */
final class GiteaHost implements Host {
  private final String owner;
  private final String repo;
  private final String apiBase;
  private final String webBase;

  GiteaHost(String owner, String repo, String apiBase, String webBase) {
    this.owner = owner;
    this.repo = repo;
    this.apiBase = apiBase + "/api/v1";
    this.webBase = webBase;
  }

  @Override
  public ApiDescription description() {
    return ApiDescription.gitea();
  }

  /** {@code Authorization: token <token>}, as Gitea's description says. */
  @Override
  public boolean authorized(ApiDescription.Request request, String token) {
    return request.header("Authorization").orElse("").equals("token " + token);
  }

  @Override
  public Reply unauthorized() {
    return Reply.of(401, error("token is required"));
  }

  /** Gitea's form binding answers 422 for a body or parameter it cannot take. */
  @Override
  public Reply rejected(ApiDescription.Problem problem, String message) {
    return problem == ApiDescription.Problem.UNKNOWN_OPERATION
        ? notFound()
        : Reply.of(422, error(message));
  }

  @Override
  public boolean ownsRepository(Map<String, String> pathParameters) {
    return owner.equalsIgnoreCase(pathParameters.get("owner"))
        && repo.equalsIgnoreCase(pathParameters.get("repo"));
  }

  @Override
  public Reply notFound() {
    return Reply.of(404, error("The target couldn't be found."));
  }

  @Override
  public JsonNode failureBody(int status) {
    return error(status == 429 ? "too many requests" : "internal server error");
  }

  @Override
  public Reply handle(Call call, PullStore store) {
    int ok = description().successStatus(call.operationId());
    return switch (call.operationId()) {
      case "repoListPullRequests" -> list(call, store);
      case "repoCreatePullRequest" -> create(call, store, ok);
      case "repoGetPullRequest" -> withPull(call, store, p -> Reply.of(ok, pull(p)));
      case "repoEditPullRequest" -> withPull(call, store, p -> edit(call, store, p, ok));
      case "repoMergePullRequest" -> withPull(call, store, p -> merge(store, p, ok));
      case "issueAddLabel" -> withPull(call, store, p -> addLabels(call, store, p, ok));
      case "issueCreateComment" -> withPull(call, store, p -> comment(call, store, p, ok));
      default -> Reply.of(501, error("the stand-in does not implement " + call.operationId()));
    };
  }

  private Reply list(Call call, PullStore store) {
    String state = call.query("state", "open");
    String base = call.query("base_branch", null);
    List<PullStore.Pull> found =
        store.list(
            p ->
                (state.equals("all") || state.equals(p.open ? "open" : "closed"))
                    && (base == null || base.equals(p.base)));
    int limit = call.queryInt("limit", 30);
    int page = Math.max(1, call.queryInt("page", 1));
    int from = Math.min(found.size(), (page - 1) * limit);
    int to = Math.min(found.size(), from + limit);
    ArrayNode items = JSON.createArrayNode();
    found.subList(from, to).forEach(p -> items.add(pull(p)));
    return new Reply(200, Map.of("X-Total-Count", Integer.toString(found.size())), items);
  }

  private Reply create(Call call, PullStore store, int ok) {
    String head = call.text("head");
    String base = call.text("base");
    String title = call.text("title");
    if (head == null || base == null || title == null || title.isBlank()) {
      return Reply.of(422, error("[Head] [Base] [Title]: Required"));
    }
    Optional<PullStore.Pull> existing = store.openFrom(head, base);
    if (existing.isPresent()) {
      PullStore.Pull p = existing.get();
      return Reply.of(
          409,
          error(
              "pull request already exists for these targets [id: "
                  + p.id
                  + ", issue_id: "
                  + p.id
                  + ", head_repo_id: 1, base_repo_id: 1, head_branch: "
                  + head
                  + ", base_branch: "
                  + base
                  + "]"));
    }
    List<String> labels = new ArrayList<>();
    Reply unknown =
        labelNames(call.body() == null ? null : call.body().get("labels"), store, labels);
    if (unknown != null) {
      return unknown;
    }
    PullStore.Pull created = store.open(head, base, title, call.text("body"));
    labels.forEach(name -> store.addLabel(created, name));
    return Reply.of(ok, pull(created));
  }

  private Reply edit(Call call, PullStore store, PullStore.Pull p, int ok) {
    if (call.text("title") != null) {
      p.title = call.text("title");
    }
    if (call.text("body") != null) {
      p.body = call.text("body");
    }
    if (call.text("base") != null) {
      p.base = call.text("base");
    }
    JsonNode labels = call.body() == null ? null : call.body().get("labels");
    if (labels != null) {
      List<String> names = new ArrayList<>();
      Reply unknown = labelNames(labels, store, names);
      if (unknown != null) {
        return unknown;
      }
      p.labels.clear();
      names.forEach(name -> store.addLabel(p, name));
    }
    String state = call.text("state");
    if ("closed".equals(state) && p.open) {
      store.close(p);
    } else if ("open".equals(state) && !p.open && !p.merged) {
      store.reopen(p);
    }
    p.updatedAt = PullStore.now();
    return Reply.of(ok, pull(p));
  }

  private Reply merge(PullStore store, PullStore.Pull p, int ok) {
    if (p.merged) {
      return Reply.of(405, error("The PR is already merged"));
    }
    if (!p.open) {
      return Reply.of(405, error("The PR is closed"));
    }
    store.merge(p, null);
    return Reply.empty(ok);
  }

  private Reply addLabels(Call call, PullStore store, PullStore.Pull p, int ok) {
    List<String> names = new ArrayList<>();
    Reply unknown =
        labelNames(call.body() == null ? null : call.body().get("labels"), store, names);
    if (unknown != null) {
      return unknown;
    }
    names.forEach(name -> store.addLabel(p, name));
    ArrayNode all = JSON.createArrayNode();
    p.labels.forEach(name -> all.add(label(store, name)));
    return Reply.of(ok, all);
  }

  /**
   * Gitea takes labels by id or by name. Names are the repository's labels (every name exists in
   * the stand-in's repository); an id must be one the stand-in has handed out.
   */
  private Reply labelNames(JsonNode labels, PullStore store, List<String> names) {
    if (labels == null) {
      return null;
    }
    for (JsonNode label : labels) {
      if (label.isIntegralNumber()) {
        Optional<String> name = store.labelName(label.asLong());
        if (name.isEmpty()) {
          return Reply.of(422, error("label does not exist [id: " + label.asLong() + "]"));
        }
        names.add(name.get());
      } else {
        names.add(label.asText());
      }
    }
    return null;
  }

  private Reply comment(Call call, PullStore store, PullStore.Pull p, int ok) {
    PullStore.Comment c = store.comment(p, call.text("body"));
    ObjectNode json =
        Host.object()
            .put("id", c.id())
            .put("html_url", webUrl(p) + "#issuecomment-" + c.id())
            .put("pull_request_url", webUrl(p))
            .put("issue_url", "")
            .put("body", c.body())
            .put("created_at", c.createdAt().toString())
            .put("updated_at", c.createdAt().toString())
            .put("original_author", "")
            .put("original_author_id", 0);
    json.set("user", user());
    json.putArray("assets");
    return Reply.of(ok, json);
  }

  private Reply withPull(Call call, PullStore store, Function<PullStore.Pull, Reply> action) {
    return store.get(call.pathInt("index")).map(action).orElseGet(this::notFound);
  }

  private String webUrl(PullStore.Pull p) {
    return webBase + "/" + owner + "/" + repo + "/pulls/" + p.number;
  }

  private ObjectNode pull(PullStore.Pull p) {
    ObjectNode json =
        Host.object()
            .put("id", p.id)
            .put("url", webUrl(p))
            .put("number", p.number)
            .put("title", p.title)
            .put("body", p.body)
            .put("state", p.open ? "open" : "closed")
            .put("is_locked", false)
            .put("comments", p.comments.size())
            .put("html_url", webUrl(p))
            .put("diff_url", webUrl(p) + ".diff")
            .put("patch_url", webUrl(p) + ".patch")
            .put("mergeable", p.open)
            .put("merged", p.merged)
            .put("merged_at", p.mergedAt == null ? null : p.mergedAt.toString())
            .put("merge_commit_sha", p.mergeSha)
            .put("merge_base", PullStore.sha1("base:" + p.base))
            .put("created_at", p.createdAt.toString())
            .put("updated_at", p.updatedAt.toString())
            .put("closed_at", p.closedAt == null ? null : p.closedAt.toString());
    json.set("user", user());
    ArrayNode labels = json.putArray("labels");
    p.labels.forEach(name -> labels.add(Host.object().put("name", name)));
    json.set(
        "head",
        Host.object()
            .put("label", p.head)
            .put("ref", p.head)
            .put("sha", p.headSha())
            .put("repo_id", 1));
    json.set(
        "base",
        Host.object()
            .put("label", p.base)
            .put("ref", p.base)
            .put("sha", PullStore.sha1("base:" + p.base))
            .put("repo_id", 1));
    return json;
  }

  private ObjectNode label(PullStore store, String name) {
    long id = store.labelId(name);
    return Host.object()
        .put("id", id)
        .put("name", name)
        .put("exclusive", false)
        .put("is_archived", false)
        .put("color", "ededed")
        .put("description", "")
        .put("url", apiBase + "/repos/" + owner + "/" + repo + "/labels/" + id);
  }

  private ObjectNode user() {
    return Host.object().put("id", 1).put("login", "cup-bot").put("username", "cup-bot");
  }

  private ObjectNode error(String message) {
    return Host.message(message).put("url", webBase + "/api/swagger");
  }
}
