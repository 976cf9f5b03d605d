package io.cup.testing.scm;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook deliveries as GitHub, Gitea and GitLab send them: payloads built from templates under
 * {@code src/test/resources/webhooks/} (shaped like each SCM's own examples: GitHub's {@code
 * x-webhooks} payload schemas, Gitea's webhook documentation and its {@code PullRequestPayload},
 * GitLab's "Webhook events" page), and the headers each SCM sends with them, signed with a secret.
 *
 * <p>The signatures are computed here, independently of {@code io.cup.scm.WebhookSignatures}, so a
 * mistake there is not repeated here. Every delivery gets a fresh random delivery id.
 */
public final class Webhooks {
  /** The owner/name every template uses. */
  public static final String REPOSITORY = "octo-org/config";

  private static final String GITHUB_WEB = "https://github.com/" + REPOSITORY;
  private static final String GITHUB_API = "https://api.github.com/repos/" + REPOSITORY;
  private static final String GITEA_WEB = "http://gitea.example/" + REPOSITORY;
  private static final String GITLAB_WEB = "https://gitlab.example/octo-group/config";

  private Webhooks() {}

  /** One delivery: the headers and the exact body bytes the SCM sends. */
  public record Delivery(String scm, Map<String, String> headers, byte[] body) {
    public Delivery {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The same delivery signed with another secret: what a sender without the secret makes. */
    public Delivery signedWith(String otherSecret) {
      Map<String, String> signed = new LinkedHashMap<>(headers);
      signed.putAll(signatureHeaders(scm, body, otherSecret));
      return new Delivery(scm, signed, body);
    }

    public Delivery withHeader(String name, String value) {
      Map<String, String> changed = new LinkedHashMap<>(headers);
      changed.put(name, value);
      return new Delivery(scm, changed, body);
    }

    public Delivery withoutHeader(String name) {
      Map<String, String> changed = new LinkedHashMap<>(headers);
      changed.keySet().removeIf(n -> n.equalsIgnoreCase(name));
      return new Delivery(scm, changed, body);
    }

    /** Another body under the same headers (the signature no longer matches it). */
    public Delivery withBody(byte[] otherBody) {
      return new Delivery(scm, headers, otherBody);
    }

    /** The delivery id header's value. */
    public String deliveryId() {
      return headers.get(
          switch (scm) {
            case "github" -> "X-GitHub-Delivery";
            case "gitea" -> "X-Gitea-Delivery";
            default -> "X-Gitlab-Event-UUID";
          });
    }
  }

  // -- signed deliveries -------------------------------------------------------------------------

  /** A GitHub delivery of {@code event} ("push", "pull_request", "ping"…) signed with secret. */
  public static Delivery github(String event, JsonObject payload, String secret) {
    return github(event, bytes(payload), secret);
  }

  public static Delivery github(String event, byte[] body, String secret) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "GitHub-Hookshot/044aadd");
    headers.put("Content-Type", "application/json");
    headers.put("X-GitHub-Event", event);
    headers.put("X-GitHub-Delivery", UUID.randomUUID().toString());
    headers.put("X-GitHub-Hook-ID", "292430182");
    headers.put("X-GitHub-Hook-Installation-Target-Type", "repository");
    headers.put("X-GitHub-Hook-Installation-Target-ID", "186853002");
    headers.putAll(signatureHeaders("github", body, secret));
    return new Delivery("github", headers, body);
  }

  /** A Gitea delivery; Gitea also sends GitHub's and Gogs' headers. */
  public static Delivery gitea(String event, JsonObject payload, String secret) {
    return gitea(event, bytes(payload), secret);
  }

  public static Delivery gitea(String event, byte[] body, String secret) {
    String id = UUID.randomUUID().toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "Go-http-client/1.1");
    headers.put("Content-Type", "application/json");
    headers.put("X-Gitea-Event", event);
    headers.put("X-Gitea-Event-Type", event.equals("pull_request") ? "pull_request" : event);
    headers.put("X-Gitea-Delivery", id);
    headers.put("X-Gogs-Event", event);
    headers.put("X-Gogs-Delivery", id);
    headers.put("X-GitHub-Event", event);
    headers.put("X-GitHub-Delivery", id);
    headers.putAll(signatureHeaders("gitea", body, secret));
    return new Delivery("gitea", headers, body);
  }

  /** A GitLab delivery of {@code event} ("Push Hook", "Merge Request Hook"…) with the token. */
  public static Delivery gitlab(String event, JsonObject payload, String secret) {
    return gitlab(event, bytes(payload), secret);
  }

  public static Delivery gitlab(String event, byte[] body, String secret) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "GitLab/17.8.0");
    headers.put("Content-Type", "application/json");
    headers.put("X-Gitlab-Event", event);
    headers.put("X-Gitlab-Event-UUID", UUID.randomUUID().toString());
    headers.put("X-Gitlab-Webhook-UUID", "0b3e3d6a-3a4b-4a1e-9d8e-7e1c2f3a4b5c");
    headers.put("X-Gitlab-Instance", "https://gitlab.example");
    headers.putAll(signatureHeaders("gitlab", body, secret));
    return new Delivery("gitlab", headers, body);
  }

  /** The signature headers {@code scm} sends for {@code body}. */
  static Map<String, String> signatureHeaders(String scm, byte[] body, String secret) {
    Map<String, String> headers = new LinkedHashMap<>();
    switch (scm) {
      case "github" -> {
        headers.put("X-Hub-Signature", "sha1=" + hmac("HmacSHA1", secret, body));
        headers.put("X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256", secret, body));
      }
      case "gitea" -> {
        String sha256 = hmac("HmacSHA256", secret, body);
        headers.put("X-Gitea-Signature", sha256);
        headers.put("X-Gogs-Signature", sha256);
        headers.put("X-Hub-Signature", "sha1=" + hmac("HmacSHA1", secret, body));
        headers.put("X-Hub-Signature-256", "sha256=" + sha256);
      }
      case "gitlab" -> headers.put("X-Gitlab-Token", secret);
      default -> throw new IllegalArgumentException("unknown SCM " + scm);
    }
    return headers;
  }

  // -- payloads ----------------------------------------------------------------------------------

  /** GitHub {@code push} of {@code branch} to {@code after} (schema {@code webhook-push}). */
  public static JsonObject githubPush(String branch, String after) {
    JsonObject payload = template("github-push.json");
    payload.put("ref", "refs/heads/" + branch).put("after", after);
    payload
        .getJsonObject("head_commit")
        .put("id", after)
        .put("url", GITHUB_WEB + "/commit/" + after);
    return payload;
  }

  /**
   * GitHub {@code pull_request} with {@code action} (opened, closed, synchronize…) on head branch
   * {@code branch}; {@code merged} with {@code mergeCommit} for a merge. The "closed" form matches
   * schema {@code webhook-pull-request-closed}.
   */
  public static JsonObject githubPullRequest(
      String action, String branch, long number, boolean merged, String mergeCommit) {
    JsonObject payload = template("github-pull-request-closed.json");
    boolean closed = action.equals("closed");
    payload.put("action", action).put("number", number);
    JsonObject pull = payload.getJsonObject("pull_request");
    pull.put("number", number)
        .put("state", closed ? "closed" : "open")
        .put("merged", merged)
        .put("merged_at", merged ? "2025-01-02T04:00:00Z" : null)
        .put("closed_at", closed ? "2025-01-02T04:00:00Z" : null)
        .put("merge_commit_sha", mergeCommit)
        .put("html_url", GITHUB_WEB + "/pull/" + number)
        .put("url", GITHUB_API + "/pulls/" + number)
        .put("diff_url", GITHUB_WEB + "/pull/" + number + ".diff")
        .put("patch_url", GITHUB_WEB + "/pull/" + number + ".patch")
        .put("issue_url", GITHUB_API + "/issues/" + number)
        .put("comments_url", GITHUB_API + "/issues/" + number + "/comments")
        .put("commits_url", GITHUB_API + "/pulls/" + number + "/commits")
        .put("review_comments_url", GITHUB_API + "/pulls/" + number + "/comments");
    pull.getJsonObject("head").put("ref", branch).put("label", "octo-org:" + branch);
    JsonObject links = pull.getJsonObject("_links");
    for (String name : links.fieldNames()) {
      links.getJsonObject(name).put("href", GITHUB_API + "/pulls/" + number);
    }
    links.getJsonObject("html").put("href", GITHUB_WEB + "/pull/" + number);
    return payload;
  }

  /** Gitea {@code push} of {@code branch} to {@code after}. */
  public static JsonObject giteaPush(String branch, String after) {
    JsonObject payload = template("gitea-push.json");
    payload.put("ref", "refs/heads/" + branch).put("after", after);
    payload
        .getJsonObject("head_commit")
        .put("id", after)
        .put("url", GITEA_WEB + "/commit/" + after);
    return payload;
  }

  /** Gitea {@code pull_request} with {@code action} (opened, closed, synchronized…). */
  public static JsonObject giteaPullRequest(
      String action, String branch, long number, boolean merged, String mergeCommit) {
    JsonObject payload = template("gitea-pull-request.json");
    boolean closed = action.equals("closed");
    payload.put("action", action).put("number", number);
    JsonObject pull = payload.getJsonObject("pull_request");
    pull.put("number", number)
        .put("state", closed ? "closed" : "open")
        .put("merged", merged)
        .put("merged_at", merged ? "2025-01-02T04:00:00Z" : null)
        .put("merged_by", merged ? pull.getJsonObject("merged_by") : null)
        .put("closed_at", closed ? "2025-01-02T04:00:00Z" : null)
        .put("merge_commit_sha", mergeCommit)
        .put("url", GITEA_WEB + "/pulls/" + number)
        .put("html_url", GITEA_WEB + "/pulls/" + number)
        .put("diff_url", GITEA_WEB + "/pulls/" + number + ".diff")
        .put("patch_url", GITEA_WEB + "/pulls/" + number + ".patch");
    pull.getJsonObject("head").put("ref", branch).put("label", branch);
    return payload;
  }

  /** GitLab {@code Push Hook} of {@code branch} to {@code after}. */
  public static JsonObject gitlabPush(String branch, String after) {
    JsonObject payload = template("gitlab-push.json");
    return payload
        .put("ref", "refs/heads/" + branch)
        .put("after", after)
        .put("checkout_sha", after);
  }

  /**
   * GitLab {@code Merge Request Hook}: {@code action} (open, close, reopen, update, merge…), {@code
   * state} (opened, closed, merged), source branch {@code branch}, {@code iid}.
   */
  public static JsonObject gitlabMergeRequest(
      String action, String state, String branch, long iid, String mergeCommit) {
    JsonObject payload = template("gitlab-merge-request.json");
    JsonObject attributes = payload.getJsonObject("object_attributes");
    attributes
        .put("action", action)
        .put("state", state)
        .put(
            "state_id",
            switch (state) {
              case "opened" -> 1;
              case "closed" -> 2;
              case "merged" -> 3;
              default -> 4;
            })
        .put("source_branch", branch)
        .put("iid", iid)
        .put("merge_commit_sha", mergeCommit)
        .put("url", GITLAB_WEB + "/-/merge_requests/" + iid);
    return payload;
  }

  /** A template payload, parsed afresh for every call. */
  public static JsonObject template(String name) {
    String path = "/webhooks/" + name;
    try (InputStream in = Webhooks.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(JsonObject payload) {
    return payload.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static String hmac(String algorithm, String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }
}
