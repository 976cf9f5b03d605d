package io.cup.testing.scm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GitLab's API v4 for one project: merge requests, their labels and notes. */
final class GitLabHost implements Host {
  /**
   * GitLab's MR note create operation. The published description the stand-in carries does not hold
   * it (see {@code scm-api/extra/README.md}), so it is recognised here and checked by hand.
   */
  static final String CREATE_NOTE = "postApiV4ProjectsIdMergeRequestsNoteableIdNotes";

  private static final Pattern NOTES =
      Pattern.compile("/api/v4/projects/([^/]+)/merge_requests/([^/]+)/notes");

  private final String projectPath;
  private final long projectId;
  private final String webBase;

  GitLabHost(String projectPath, long projectId, String webBase) {
    this.projectPath = projectPath;
    this.projectId = projectId;
    this.webBase = webBase;
  }

  @Override
  public ApiDescription description() {
    return ApiDescription.gitlab();
  }

  /** {@code PRIVATE-TOKEN: <token>}. */
  @Override
  public boolean authorized(ApiDescription.Request request, String token) {
    return request.header("PRIVATE-TOKEN").orElse("").equals(token);
  }

  @Override
  public Reply unauthorized() {
    return Reply.of(401, Host.message("401 Unauthorized"));
  }

  /** Grape answers 400 with the parameter at fault; an unknown route is 404. */
  @Override
  public Reply rejected(ApiDescription.Problem problem, String message) {
    return problem == ApiDescription.Problem.UNKNOWN_OPERATION
        ? Reply.of(404, Host.object().put("error", "404 Not Found"))
        : Reply.of(400, Host.object().put("error", message));
  }

  @Override
  public Optional<ApiDescription.Result> undescribed(ApiDescription.Request request) {
    Matcher m = NOTES.matcher(request.rawPath());
    if (!request.method().equalsIgnoreCase("POST") || !m.matches()) {
      return Optional.empty();
    }
    String where = "POST " + request.rawPath() + " (" + CREATE_NOTE + ", not described): ";
    List<ApiDescription.Violation> violations = new ArrayList<>();
    Map<String, String> path = new LinkedHashMap<>();
    path.put("id", URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
    path.put("noteable_id", m.group(2));
    if (!m.group(2).matches("\\d+")) {
      violations.add(invalid(where + "path parameter noteable_id: not an integer"));
    }
    if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
      violations.add(invalid(where + "takes no query parameters"));
    }
    String mediaType =
        request.header("Content-Type").orElse("").split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    JsonNode body = null;
    if (!mediaType.equals("application/json")) {
      violations.add(
          new ApiDescription.Violation(
              ApiDescription.Problem.MALFORMED_BODY, where + "body must be application/json"));
    }
    try {
      body = JSON.readTree(request.body());
    } catch (IOException e) {
      violations.add(
          new ApiDescription.Violation(
              ApiDescription.Problem.MALFORMED_BODY, where + "body is not JSON"));
    }
    if (body != null && !(body.path("body").isTextual())) {
      violations.add(invalid(where + "body: $.body: a string is required"));
    }
    return Optional.of(
        new ApiDescription.Result(CREATE_NOTE, path, Map.of(), body, List.copyOf(violations)));
  }

  private static ApiDescription.Violation invalid(String message) {
    return new ApiDescription.Violation(ApiDescription.Problem.INVALID, message);
  }

  /** The project as its URL-encoded path ({@code group%2Fsub%2Fname}) or its numeric id. */
  @Override
  public boolean ownsRepository(Map<String, String> pathParameters) {
    String id = pathParameters.get("id");
    return projectPath.equals(id) || Long.toString(projectId).equals(id);
  }

  @Override
  public Reply notFound() {
    return Reply.of(404, Host.message("404 Not found"));
  }

  @Override
  public JsonNode failureBody(int status) {
    return Host.message(status == 429 ? "Retry later" : status + " Internal Server Error");
  }

  @Override
  public Reply handle(Call call, PullStore store) {
    int ok =
        call.operationId().equals(CREATE_NOTE)
            ? 201
            : description().successStatus(call.operationId());
    return switch (call.operationId()) {
      case "getApiV4ProjectsIdMergeRequests" -> list(call, store);
      case "postApiV4ProjectsIdMergeRequests" -> create(call, store, ok);
      case "getApiV4ProjectsIdMergeRequestsMergeRequestIid" ->
          withMergeRequest(call, store, "merge_request_iid", p -> Reply.of(ok, mergeRequest(p)));
      case "putApiV4ProjectsIdMergeRequestsMergeRequestIid" ->
          withMergeRequest(call, store, "merge_request_iid", p -> update(call, store, p, ok));
      case "putApiV4ProjectsIdMergeRequestsMergeRequestIidMerge" ->
          withMergeRequest(call, store, "merge_request_iid", p -> merge(store, p, ok));
      case CREATE_NOTE -> withMergeRequest(call, store, "noteable_id", p -> note(call, store, p));
      default ->
          Reply.of(501, Host.message("the stand-in does not implement " + call.operationId()));
    };
  }

  private Reply list(Call call, PullStore store) {
    String state = call.query("state", "all");
    String source = call.query("source_branch", null);
    String target = call.query("target_branch", null);
    List<PullStore.Pull> found =
        store.list(
            p ->
                (state.equals("all") || state.equals(state(p)))
                    && (source == null || source.equals(p.head))
                    && (target == null || target.equals(p.base)));
    int perPage = call.queryInt("per_page", 20);
    int page = Math.max(1, call.queryInt("page", 1));
    int from = Math.min(found.size(), (page - 1) * perPage);
    int to = Math.min(found.size(), from + perPage);
    ArrayNode items = JSON.createArrayNode();
    found.subList(from, to).forEach(p -> items.add(mergeRequest(p)));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Total", Integer.toString(found.size()));
    headers.put("X-Page", Integer.toString(page));
    headers.put("X-Per-Page", Integer.toString(perPage));
    headers.put("X-Next-Page", to < found.size() ? Integer.toString(page + 1) : "");
    return new Reply(200, headers, items);
  }

  private Reply create(Call call, PullStore store, int ok) {
    String source = call.text("source_branch");
    String target = call.text("target_branch");
    Optional<PullStore.Pull> existing = store.openFrom(source, target);
    if (existing.isPresent()) {
      ObjectNode conflict = Host.object();
      conflict
          .putArray("message")
          .add(
              "Another open merge request already exists for this source branch: !"
                  + existing.get().number);
      return Reply.of(409, conflict);
    }
    PullStore.Pull created =
        store.open(source, target, call.text("title"), call.text("description"));
    labels(call.body().get("labels")).forEach(name -> store.addLabel(created, name));
    return Reply.of(ok, mergeRequest(created));
  }

  private Reply update(Call call, PullStore store, PullStore.Pull p, int ok) {
    if (call.text("title") != null) {
      p.title = call.text("title");
    }
    if (call.text("description") != null) {
      p.body = call.text("description");
    }
    if (call.text("target_branch") != null) {
      p.base = call.text("target_branch");
    }
    JsonNode replace = call.body() == null ? null : call.body().get("labels");
    if (replace != null) {
      p.labels.clear();
      labels(replace).forEach(name -> store.addLabel(p, name));
    }
    if (call.body() != null) {
      labels(call.body().get("add_labels")).forEach(name -> store.addLabel(p, name));
      p.labels.removeAll(labels(call.body().get("remove_labels")));
    }
    String event = call.text("state_event");
    if ("close".equals(event) && p.open) {
      store.close(p);
    } else if ("reopen".equals(event) && !p.open && !p.merged) {
      store.reopen(p);
    }
    p.updatedAt = PullStore.now();
    return Reply.of(ok, mergeRequest(p));
  }

  private Reply merge(PullStore store, PullStore.Pull p, int ok) {
    if (!p.open) {
      return Reply.of(405, Host.message("405 Method Not Allowed"));
    }
    store.merge(p, null);
    return Reply.of(ok, mergeRequest(p));
  }

  private Reply note(Call call, PullStore store, PullStore.Pull p) {
    PullStore.Comment c = store.comment(p, call.text("body"));
    ObjectNode json =
        Host.object()
            .put("id", c.id())
            .putNull("type")
            .put("body", c.body())
            .put("created_at", c.createdAt().toString())
            .put("updated_at", c.createdAt().toString())
            .put("system", false)
            .put("noteable_id", p.id)
            .put("noteable_type", "MergeRequest")
            .put("noteable_iid", p.number)
            .put("resolvable", false)
            .put("confidential", false)
            .put("internal", false);
    json.set("author", author());
    return Reply.of(201, json);
  }

  private Reply withMergeRequest(
      Call call, PullStore store, String parameter, Function<PullStore.Pull, Reply> action) {
    return store.get(call.pathInt(parameter)).map(action).orElseGet(this::notFound);
  }

  private static List<String> labels(JsonNode node) {
    List<String> names = new ArrayList<>();
    if (node == null || node.isNull()) {
      return names;
    }
    if (node.isArray()) {
      node.forEach(n -> names.add(n.asText()));
    } else {
      for (String name : node.asText().split(",")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
    }
    return names;
  }

  private static String state(PullStore.Pull p) {
    return p.merged ? "merged" : p.open ? "opened" : "closed";
  }

  private ObjectNode mergeRequest(PullStore.Pull p) {
    String webUrl = webBase + "/" + projectPath + "/-/merge_requests/" + p.number;
    ObjectNode json =
        Host.object()
            .put("id", p.id)
            .put("iid", p.number)
            .put("project_id", projectId)
            .put("title", p.title)
            .put("description", p.body)
            .put("state", state(p))
            .put("created_at", p.createdAt.toString())
            .put("updated_at", p.updatedAt.toString())
            .put("merged_at", p.mergedAt == null ? null : p.mergedAt.toString())
            .put("closed_at", p.merged || p.closedAt == null ? null : p.closedAt.toString())
            .put("target_branch", p.base)
            .put("source_branch", p.head)
            .put("source_project_id", projectId)
            .put("target_project_id", projectId)
            .put("draft", false)
            .put("merge_status", p.open ? "can_be_merged" : "cannot_be_merged")
            .put("detailed_merge_status", p.open ? "mergeable" : "not_open")
            .put("sha", p.headSha())
            .put("merge_commit_sha", p.mergeSha)
            .putNull("squash_commit_sha")
            .put("user_notes_count", p.comments.size())
            .put("web_url", webUrl);
    json.set("author", author());
    ArrayNode labels = json.putArray("labels");
    p.labels.forEach(labels::add);
    json.set(
        "references",
        Host.object()
            .put("short", "!" + p.number)
            .put("relative", "!" + p.number)
            .put("full", projectPath + "!" + p.number));
    return json;
  }

  private ObjectNode author() {
    return Host.object()
        .put("id", 1)
        .put("username", "cup-bot")
        .put("name", "Cup")
        .put("state", "active")
        .put("web_url", webBase + "/cup-bot");
  }
}
