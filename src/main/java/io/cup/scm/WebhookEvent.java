package io.cup.scm;

import java.util.function.Function;

/**
 * What a verified SCM webhook delivery says, reduced to what Cup acts on: a push (the tracked
 * branch may have moved), a pull or merge request that changed state, or anything else (ignored).
 * Parsed from the event header and the JSON payload of each SCM:
 *
 * <table>
 *   <caption>Event headers</caption>
 *   <tr><th>SCM</th><th>event header</th><th>push</th><th>pull/merge request</th>
 *       <th>delivery id</th></tr>
 *   <tr><td>GitHub</td><td>{@code X-GitHub-Event}</td><td>{@code push}</td>
 *       <td>{@code pull_request}</td><td>{@code X-GitHub-Delivery}</td></tr>
 *   <tr><td>Gitea</td><td>{@code X-Gitea-Event}</td><td>{@code push}</td>
 *       <td>{@code pull_request}</td><td>{@code X-Gitea-Delivery}</td></tr>
 *   <tr><td>GitLab</td><td>{@code X-Gitlab-Event}</td><td>{@code Push Hook}</td>
 *       <td>{@code Merge Request Hook}</td>
 *       <td>{@code Idempotency-Key}, else {@code X-Gitlab-Event-UUID}</td></tr>
 * </table>
 *
 * <p>GitLab's {@code Idempotency-Key} stays the same when a delivery is retried, so it is preferred
 * where GitLab sends it. Other events ({@code ping}, tags, comments, Gitea's {@code pull_request_*}
 * sub-events…) are {@link Ignored} without reading the payload.
 */
public sealed interface WebhookEvent {
  /** The SCM that sent the delivery. */
  ScmKind scm();

  /** The event header's value ("push", "pull_request", "Merge Request Hook", …). */
  String event();

  /** The delivery id the SCM keeps across redeliveries; null when the SCM sent none. */
  String deliveryId();

  /** A push: {@code ref} (e.g. {@code refs/heads/main}) now points at {@code after}. */
  record Push(ScmKind scm, String event, String deliveryId, String ref, String after)
      implements WebhookEvent {
    private static final String HEADS = "refs/heads/";

    /** The pushed branch's short name; null when the ref is not a branch (a tag). */
    public String branch() {
      return ref.startsWith(HEADS) ? ref.substring(HEADS.length()) : null;
    }
  }

  /**
   * A pull or merge request event.
   *
   * @param branch the head (source) branch, e.g. {@code cup/proposal/<id>}
   * @param number GitHub and Gitea {@code number}, GitLab {@code iid}
   * @param state {@code open}, {@code closed} or {@code merged}, after the event
   * @param mergeCommit the merge commit when {@code state} is merged (null when the SCM did not say
   *     yet, and always null otherwise: GitHub's test merge commit of an open request is not one)
   * @param url the request's web page; null when the payload has none
   */
  record PullRequest(
      ScmKind scm,
      String event,
      String deliveryId,
      String branch,
      long number,
      String state,
      String mergeCommit,
      String url)
      implements WebhookEvent {}

  /** Any other event: answered, nothing done. */
  record Ignored(ScmKind scm, String event, String deliveryId) implements WebhookEvent {}

  /** A payload that does not have what its event promises; the message says what is wrong. */
  final class MalformedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /** The header naming the event for {@code scm}. */
  static String eventHeader(ScmKind scm) {
    return switch (scm) {
      case GITHUB -> "X-GitHub-Event";
      case GITEA -> "X-Gitea-Event";
      case GITLAB -> "X-Gitlab-Event";
    };
  }

  /**
   * Parses a verified delivery.
   *
   * @param headers the request's headers by name, looked up case-insensitively by the caller
   * @param body the raw JSON payload
   * @throws MalformedException when the event header is missing, or a push or pull request payload
   *     is not JSON or lacks a field Cup needs
   */
  static WebhookEvent parse(ScmKind scm, Function<String, String> headers, byte[] body) {
    String header = eventHeader(scm);
    String event = headers.apply(header);
    if (event == null || event.isBlank()) {
      throw new MalformedException("the " + header + " header is missing");
    }
    event = event.strip();
    String delivery = deliveryId(scm, headers);
    return switch (scm) {
      case GITHUB, GITEA ->
          switch (event) {
            case "push" -> WebhookPayloads.push(scm, event, delivery, WebhookPayloads.json(body));
            case "pull_request" ->
                WebhookPayloads.pullRequest(scm, event, delivery, WebhookPayloads.json(body));
            default -> new Ignored(scm, event, delivery);
          };
      case GITLAB ->
          switch (event) {
            case "Push Hook" ->
                WebhookPayloads.push(scm, event, delivery, WebhookPayloads.json(body));
            case "Merge Request Hook" ->
                WebhookPayloads.mergeRequest(event, delivery, WebhookPayloads.json(body));
            default -> new Ignored(scm, event, delivery);
          };
    };
  }

  /** The delivery's id from its headers (see the table above); null when it has none. */
  public static String deliveryId(ScmKind scm, Function<String, String> headers) {
    String id =
        switch (scm) {
          case GITHUB -> headers.apply("X-GitHub-Delivery");
          case GITEA -> headers.apply("X-Gitea-Delivery");
          case GITLAB -> {
            String key = headers.apply("Idempotency-Key");
            yield key == null || key.isBlank() ? headers.apply("X-Gitlab-Event-UUID") : key;
          }
        };
    return id == null || id.isBlank() ? null : id.strip();
  }
}
