package io.cup.scm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cup.scm.WebhookEvent.MalformedException;
import io.cup.scm.WebhookEvent.PullRequest;
import io.cup.scm.WebhookEvent.Push;
import java.io.IOException;

/** Reads the fields {@link WebhookEvent} needs out of each SCM's webhook payload. */
final class WebhookPayloads {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private WebhookPayloads() {}

  static JsonNode json(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new MalformedException("the payload must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedException(
          "the payload is not JSON (is the webhook's content type application/json?): "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedException("the payload cannot be read: " + e.getMessage());
    }
  }

  static Push push(ScmKind scm, String event, String delivery, JsonNode payload) {
    return new Push(
        scm, event, delivery, text(payload, "ref", "push"), text(payload, "after", "push"));
  }

  /** GitHub and Gitea: the same shape, {@code action} plus a {@code pull_request} object. */
  static PullRequest pullRequest(ScmKind scm, String event, String delivery, JsonNode payload) {
    String action = optionalText(payload, "action");
    JsonNode pull = object(payload, "pull_request", "pull_request");
    long number =
        pull.has("number")
            ? number(pull, "number", "pull_request")
            : number(payload, "number", "pull_request");
    String branch = text(object(pull, "head", "pull_request"), "ref", "pull_request.head");
    boolean merged = pull.path("merged").asBoolean(false);
    String state;
    if ("closed".equals(action)) {
      state = merged ? "merged" : "closed";
    } else if ("opened".equals(action) || "reopened".equals(action)) {
      state = "open";
    } else if (merged) {
      state = "merged";
    } else {
      state =
          switch (text(pull, "state", "pull_request")) {
            case "open" -> "open";
            case "closed" -> "closed";
            default ->
                throw new MalformedException(
                    "pull_request.state \"" + pull.path("state").asText() + "\" is unknown");
          };
    }
    return new PullRequest(
        scm,
        event,
        delivery,
        branch,
        number,
        state,
        state.equals("merged") ? optionalText(pull, "merge_commit_sha") : null,
        optionalText(pull, "html_url"));
  }

  /** GitLab: {@code object_attributes} of a {@code Merge Request Hook}. */
  static PullRequest mergeRequest(String event, String delivery, JsonNode payload) {
    JsonNode attributes = object(payload, "object_attributes", "merge request");
    String where = "object_attributes";
    long number = number(attributes, "iid", where);
    String branch = text(attributes, "source_branch", where);
    String action = optionalText(attributes, "action");
    String state =
        switch (action == null ? "" : action) {
          case "merge" -> "merged";
          case "close" -> "closed";
          case "open", "reopen" -> "open";
          default ->
              switch (text(attributes, "state", where)) {
                case "merged" -> "merged";
                case "closed" -> "closed";
                // locked: GitLab holds an open request so while it merges it
                case "opened", "locked" -> "open";
                default ->
                    throw new MalformedException(
                        "object_attributes.state \""
                            + attributes.path("state").asText()
                            + "\" is unknown");
              };
        };
    return new PullRequest(
        ScmKind.GITLAB,
        event,
        delivery,
        branch,
        number,
        state,
        state.equals("merged") ? optionalText(attributes, "merge_commit_sha") : null,
        optionalText(attributes, "url"));
  }

  private static JsonNode object(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new MalformedException(where + " payload has no \"" + field + "\" object");
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new MalformedException(where + " payload has no \"" + field + "\" string");
    }
    return node.asText();
  }

  private static String optionalText(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText();
  }

  private static long number(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    if (node == null
        || !node.isNumber()
        || !node.canConvertToExactIntegral()
        || !node.canConvertToLong()) {
      throw new MalformedException(where + " payload has no \"" + field + "\" number");
    }
    long value = node.asLong();
    if (value <= 0) {
      throw new MalformedException(where + "." + field + " must be positive, not " + value);
    }
    return value;
  }
}
