package io.cup.testing.scm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** GitHub's REST API for one repository: pulls, their labels and comments. */
final class GitHubHost implements Host {
  private static final String DOCS = "https://docs.github.com/rest";

  private final String owner;
  private final String repo;
  private final String apiBase;
  private final String webBase;

  GitHubHost(String owner, String repo, String apiBase, String webBase) {
    this.owner = owner;
    this.repo = repo;
    this.apiBase = apiBase;
    this.webBase = webBase;
  }

  @Override
  public ApiDescription description() {
    return ApiDescription.github();
  }

  /** {@code Authorization: Bearer <token>} or the older {@code token <token>}. */
  @Override
  public boolean authorized(ApiDescription.Request request, String token) {
    String value = request.header("Authorization").orElse("");
    return value.equals("Bearer " + token) || value.equals("token " + token);
  }

  @Override
  public Reply unauthorized() {
    return Reply.of(401, error("Bad credentials"));
  }

  /** Malformed JSON is 400, anything else GitHub rejects with 422 "Validation Failed". */
  @Override
  public Reply rejected(ApiDescription.Problem problem, String message) {
    return switch (problem) {
      case UNKNOWN_OPERATION -> notFound();
      case MALFORMED_BODY -> Reply.of(400, error("Problems parsing JSON"));
      case INVALID -> Reply.of(422, error("Invalid request.\n\n" + message));
    };
  }

  @Override
  public boolean ownsRepository(Map<String, String> pathParameters) {
    return owner.equalsIgnoreCase(pathParameters.get("owner"))
        && repo.equalsIgnoreCase(pathParameters.get("repo"));
  }

  @Override
  public Reply notFound() {
    return Reply.of(404, error("Not Found"));
  }

  @Override
  public JsonNode failureBody(int status) {
    return error(status == 403 ? "API rate limit exceeded" : "Server Error");
  }

  @Override
  public Reply handle(Call call, PullStore store) {
    int ok = description().successStatus(call.operationId());
    return switch (call.operationId()) {
      case "pulls/list" -> list(call, store);
      case "pulls/create" -> create(call, store, ok);
      case "pulls/get" -> withPull(call, store, "pull_number", p -> Reply.of(ok, pull(p, true)));
      case "pulls/update" -> withPull(call, store, "pull_number", p -> update(call, store, p, ok));
      case "pulls/merge" -> withPull(call, store, "pull_number", p -> merge(store, p, ok));
      case "issues/add-labels" ->
          withPull(call, store, "issue_number", p -> addLabels(call, store, p, ok));
      case "issues/create-comment" ->
          withPull(call, store, "issue_number", p -> comment(call, store, p, ok));
      default -> Reply.of(501, error("the stand-in does not implement " + call.operationId()));
    };
  }

  private Reply list(Call call, PullStore store) {
    String state = call.query("state", "open");
    String head = call.query("head", null);
    String base = call.query("base", null);
    List<PullStore.Pull> found =
        store.list(
            p ->
                (state.equals("all") || state.equals(p.open ? "open" : "closed"))
                    && (head == null || head.equals(owner + ":" + p.head))
                    && (base == null || base.equals(p.base)));
    int perPage = call.queryInt("per_page", 30);
    int page = call.queryInt("page", 1);
    int from = Math.min(found.size(), (page - 1) * perPage);
    int to = Math.min(found.size(), from + perPage);
    ArrayNode items = JSON.createArrayNode();
    // the list returns "pull-request-simple": merged_at, but no "merged" flag
    found.subList(from, to).forEach(p -> items.add(pull(p, false)));
    if (to < found.size()) {
      String next =
          apiBase + "/repos/" + owner + "/" + repo + "/pulls?per_page=" + perPage + "&page=";
      return new Reply(200, Map.of("Link", "<" + next + (page + 1) + ">; rel=\"next\""), items);
    }
    return Reply.of(200, items);
  }

  private Reply create(Call call, PullStore store, int ok) {
    String head = call.text("head");
    String base = call.text("base");
    String title = call.text("title");
    if (head == null || base == null || title == null) {
      return Reply.of(422, validationFailed("PullRequest", "missing_field", null));
    }
    String branch = head.contains(":") ? head.substring(head.indexOf(':') + 1) : head;
    if (store.openFrom(branch, base).isPresent()) {
      return Reply.of(
          422,
          validationFailed(
              "PullRequest",
              "custom",
              "A pull request already exists for " + owner + ":" + branch + "."));
    }
    PullStore.Pull created = store.open(branch, base, title, call.text("body"));
    String location = apiBase + "/repos/" + owner + "/" + repo + "/pulls/" + created.number;
    return new Reply(ok, Map.of("Location", location), pull(created, true));
  }

  private Reply update(Call call, PullStore store, PullStore.Pull p, int ok) {
    if (call.text("title") != null) {
      p.title = call.text("title");
    }
    if (call.text("body") != null) {
      p.body = call.text("body");
    }
    if (call.text("base") != null) {
      p.base = call.text("base");
    }
    String state = call.text("state");
    if ("closed".equals(state) && p.open) {
      store.close(p);
    } else if ("open".equals(state) && !p.open && !p.merged) {
      store.reopen(p);
    }
    p.updatedAt = PullStore.now();
    return Reply.of(ok, pull(p, true));
  }

  private Reply merge(PullStore store, PullStore.Pull p, int ok) {
    if (!p.open) {
      return Reply.of(405, error("Pull Request is not mergeable"));
    }
    store.merge(p, null);
    return Reply.of(
        ok,
        Host.object()
            .put("sha", p.mergeSha)
            .put("merged", true)
            .put("message", "Pull Request successfully merged"));
  }

  private Reply addLabels(Call call, PullStore store, PullStore.Pull p, int ok) {
    JsonNode labels = call.body() == null ? null : call.body();
    if (labels != null && labels.isObject()) {
      labels = labels.get("labels");
    }
    List<String> names = new ArrayList<>();
    if (labels != null) {
      for (JsonNode label : labels) {
        names.add(label.isObject() ? label.path("name").asText() : label.asText());
      }
    }
    names.stream().filter(Objects::nonNull).forEach(name -> store.addLabel(p, name));
    ArrayNode all = JSON.createArrayNode();
    p.labels.forEach(name -> all.add(label(store, name)));
    return Reply.of(ok, all);
  }

  private Reply comment(Call call, PullStore store, PullStore.Pull p, int ok) {
    PullStore.Comment c = store.comment(p, call.text("body"));
    ObjectNode json =
        Host.object()
            .put("id", c.id())
            .put("node_id", "IC_" + c.id())
            .put("url", apiBase + "/repos/" + owner + "/" + repo + "/issues/comments/" + c.id())
            .put("html_url", webUrl(p) + "#issuecomment-" + c.id())
            .put("body", c.body())
            .put("created_at", c.createdAt().toString())
            .put("updated_at", c.createdAt().toString())
            .put("issue_url", apiBase + "/repos/" + owner + "/" + repo + "/issues/" + p.number)
            .put("author_association", "OWNER");
    json.set("user", user());
    return Reply.of(ok, json);
  }

  private Reply withPull(
      Call call, PullStore store, String parameter, Function<PullStore.Pull, Reply> action) {
    return store.get(call.pathInt(parameter)).map(action).orElseGet(this::notFound);
  }

  private String webUrl(PullStore.Pull p) {
    return webBase + "/" + owner + "/" + repo + "/pull/" + p.number;
  }

  /** A pull as GitHub shows it; {@code full} adds what only the single-pull answers carry. */
  private ObjectNode pull(PullStore.Pull p, boolean full) {
    ObjectNode json =
        Host.object()
            .put("url", apiBase + "/repos/" + owner + "/" + repo + "/pulls/" + p.number)
            .put("id", p.id)
            .put("node_id", "PR_" + p.id)
            .put("html_url", webUrl(p))
            .put("number", p.number)
            .put("state", p.open ? "open" : "closed")
            .put("locked", false)
            .put("title", p.title)
            .put("body", p.body)
            .put("created_at", p.createdAt.toString())
            .put("updated_at", p.updatedAt.toString())
            .put("closed_at", p.closedAt == null ? null : p.closedAt.toString())
            .put("merged_at", p.mergedAt == null ? null : p.mergedAt.toString())
            .put("merge_commit_sha", p.mergeSha)
            .put("draft", false);
    json.set("user", user());
    ArrayNode labels = json.putArray("labels");
    p.labels.forEach(name -> labels.add(Host.object().put("name", name)));
    json.set(
        "head",
        Host.object()
            .put("label", owner + ":" + p.head)
            .put("ref", p.head)
            .put("sha", p.headSha()));
    json.set(
        "base",
        Host.object()
            .put("label", owner + ":" + p.base)
            .put("ref", p.base)
            .put("sha", PullStore.sha1("base:" + p.base)));
    if (full) {
      json.put("merged", p.merged)
          .put("mergeable", p.open ? Boolean.TRUE : null)
          .put("comments", p.comments.size());
    }
    return json;
  }

  private ObjectNode label(PullStore store, String name) {
    long id = store.labelId(name);
    return Host.object()
        .put("id", id)
        .put("node_id", "LA_" + id)
        .put("url", apiBase + "/repos/" + owner + "/" + repo + "/labels/" + name)
        .put("name", name)
        .put("description", (String) null)
        .put("color", "ededed")
        .put("default", false);
  }

  private ObjectNode user() {
    return Host.object().put("login", "cup-bot").put("id", 1).put("type", "Bot");
  }

  private static ObjectNode error(String message) {
    return Host.message(message).put("documentation_url", DOCS);
  }

  private static ObjectNode validationFailed(String resource, String code, String message) {
    ObjectNode json = error("Validation Failed");
    ObjectNode detail =
        json.putArray("errors").addObject().put("resource", resource).put("code", code);
    if (message != null) {
      detail.put("message", message);
    }
    json.put("status", "422");
    return json;
  }
}
