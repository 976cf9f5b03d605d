package io.cup.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.scm.WebhookEvent.Ignored;
import io.cup.scm.WebhookEvent.MalformedException;
import io.cup.scm.WebhookEvent.PullRequest;
import io.cup.scm.WebhookEvent.Push;
import io.cup.testing.scm.Webhooks;
import io.cup.testing.scm.Webhooks.Delivery;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WebhookEventTest {
  private static final String SECRET = "s3cret";
  private static final String AFTER = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
  private static final String MERGE = "e2fd1d4c9a5f3b0e6f0a2f6c1f4b8e1d1b7d9c3a";
  private static final String BRANCH = "cup/proposal/01jh7k2q9x";

  @Test
  void githubPush() {
    Delivery delivery = Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET);
    Push push = (Push) parse(delivery);
    assertThat(push.scm()).isEqualTo(ScmKind.GITHUB);
    assertThat(push.event()).isEqualTo("push");
    assertThat(push.deliveryId()).isEqualTo(delivery.deliveryId()).isNotBlank();
    assertThat(push.ref()).isEqualTo("refs/heads/main");
    assertThat(push.branch()).isEqualTo("main");
    assertThat(push.after()).isEqualTo(AFTER);
  }

  @Test
  void giteaAndGitlabPushes() {
    Push gitea =
        (Push) parse(Webhooks.gitea("push", Webhooks.giteaPush("release/1.x", AFTER), SECRET));
    assertThat(gitea.scm()).isEqualTo(ScmKind.GITEA);
    assertThat(gitea.branch()).isEqualTo("release/1.x");
    assertThat(gitea.after()).isEqualTo(AFTER);

    Delivery delivery = Webhooks.gitlab("Push Hook", Webhooks.gitlabPush("main", AFTER), SECRET);
    Push gitlab = (Push) parse(delivery);
    assertThat(gitlab.scm()).isEqualTo(ScmKind.GITLAB);
    assertThat(gitlab.branch()).isEqualTo("main");
    assertThat(gitlab.after()).isEqualTo(AFTER);
    assertThat(gitlab.deliveryId()).isEqualTo(delivery.headers().get("X-Gitlab-Event-UUID"));
  }

  @Test
  void gitlabPrefersTheIdempotencyKeyThatStaysTheSameOnRetries() {
    Delivery delivery =
        Webhooks.gitlab("Push Hook", Webhooks.gitlabPush("main", AFTER), SECRET)
            .withHeader("Idempotency-Key", "6a0c1f44-0d0a-4a55-9c55-2f5f4c3d2e1b");
    assertThat(parse(delivery).deliveryId()).isEqualTo("6a0c1f44-0d0a-4a55-9c55-2f5f4c3d2e1b");
  }

  @Test
  void aTagPushHasNoBranch() {
    JsonObject payload = Webhooks.githubPush("main", AFTER).put("ref", "refs/tags/v1.0.0");
    Push push = (Push) parse(Webhooks.github("push", payload, SECRET));
    assertThat(push.branch()).isNull();
  }

  @Test
  void githubPullRequestStates() {
    PullRequest merged =
        pull(Webhooks.githubPullRequest("closed", BRANCH, 7, true, MERGE), ScmKind.GITHUB);
    assertThat(merged.branch()).isEqualTo(BRANCH);
    assertThat(merged.number()).isEqualTo(7);
    assertThat(merged.state()).isEqualTo("merged");
    assertThat(merged.mergeCommit()).isEqualTo(MERGE);
    assertThat(merged.url()).isEqualTo("https://github.com/octo-org/config/pull/7");

    PullRequest closed =
        pull(Webhooks.githubPullRequest("closed", BRANCH, 8, false, null), ScmKind.GITHUB);
    assertThat(closed.state()).isEqualTo("closed");
    assertThat(closed.mergeCommit()).isNull();

    assertThat(
            pull(Webhooks.githubPullRequest("opened", BRANCH, 9, false, null), ScmKind.GITHUB)
                .state())
        .isEqualTo("open");
    assertThat(
            pull(Webhooks.githubPullRequest("reopened", BRANCH, 9, false, null), ScmKind.GITHUB)
                .state())
        .isEqualTo("open");
    // other actions: the state the pull request is in
    PullRequest synchronize =
        pull(Webhooks.githubPullRequest("synchronize", BRANCH, 9, false, MERGE), ScmKind.GITHUB);
    assertThat(synchronize.state()).isEqualTo("open");
    // GitHub's test merge commit of an open pull request is not a merge
    assertThat(synchronize.mergeCommit()).isNull();
    JsonObject labeledAfterClose = Webhooks.githubPullRequest("labeled", BRANCH, 9, false, null);
    labeledAfterClose.getJsonObject("pull_request").put("state", "closed");
    assertThat(pull(labeledAfterClose, ScmKind.GITHUB).state()).isEqualTo("closed");
    JsonObject labeledAfterMerge = Webhooks.githubPullRequest("labeled", BRANCH, 9, true, MERGE);
    labeledAfterMerge.getJsonObject("pull_request").put("state", "closed");
    assertThat(pull(labeledAfterMerge, ScmKind.GITHUB).state()).isEqualTo("merged");
  }

  @Test
  void giteaPullRequestStates() {
    PullRequest merged =
        pull(Webhooks.giteaPullRequest("closed", BRANCH, 12, true, MERGE), ScmKind.GITEA);
    assertThat(merged.branch()).isEqualTo(BRANCH);
    assertThat(merged.number()).isEqualTo(12);
    assertThat(merged.state()).isEqualTo("merged");
    assertThat(merged.mergeCommit()).isEqualTo(MERGE);
    assertThat(merged.url()).isEqualTo("http://gitea.example/octo-org/config/pulls/12");
    assertThat(
            pull(Webhooks.giteaPullRequest("closed", BRANCH, 12, false, null), ScmKind.GITEA)
                .state())
        .isEqualTo("closed");
    assertThat(
            pull(Webhooks.giteaPullRequest("opened", BRANCH, 12, false, null), ScmKind.GITEA)
                .state())
        .isEqualTo("open");
    // the number at the top level when pull_request has none
    JsonObject payload = Webhooks.giteaPullRequest("closed", BRANCH, 13, true, MERGE);
    payload.getJsonObject("pull_request").remove("number");
    assertThat(pull(payload, ScmKind.GITEA).number()).isEqualTo(13);
  }

  @Test
  void gitlabMergeRequestStates() {
    PullRequest merged =
        pull(Webhooks.gitlabMergeRequest("merge", "merged", BRANCH, 4, MERGE), ScmKind.GITLAB);
    assertThat(merged.scm()).isEqualTo(ScmKind.GITLAB);
    assertThat(merged.event()).isEqualTo("Merge Request Hook");
    assertThat(merged.branch()).isEqualTo(BRANCH);
    assertThat(merged.number()).isEqualTo(4);
    assertThat(merged.state()).isEqualTo("merged");
    assertThat(merged.mergeCommit()).isEqualTo(MERGE);
    assertThat(merged.url())
        .isEqualTo("https://gitlab.example/octo-group/config/-/merge_requests/4");

    assertThat(
            pull(Webhooks.gitlabMergeRequest("close", "closed", BRANCH, 4, null), ScmKind.GITLAB)
                .state())
        .isEqualTo("closed");
    assertThat(
            pull(Webhooks.gitlabMergeRequest("reopen", "opened", BRANCH, 4, null), ScmKind.GITLAB)
                .state())
        .isEqualTo("open");
    assertThat(
            pull(Webhooks.gitlabMergeRequest("open", "opened", BRANCH, 4, null), ScmKind.GITLAB)
                .state())
        .isEqualTo("open");
    // update, approved…: the state field says
    assertThat(
            pull(Webhooks.gitlabMergeRequest("update", "merged", BRANCH, 4, MERGE), ScmKind.GITLAB)
                .state())
        .isEqualTo("merged");
    assertThat(
            pull(Webhooks.gitlabMergeRequest("approved", "opened", BRANCH, 4, null), ScmKind.GITLAB)
                .state())
        .isEqualTo("open");
  }

  @Test
  void otherEventsAreIgnoredWithoutReadingThePayload() {
    byte[] notJson = "zen=Keep it logically awesome.".getBytes(StandardCharsets.UTF_8);
    assertThat(parse(Webhooks.github("ping", notJson, SECRET))).isInstanceOf(Ignored.class);
    assertThat(parse(Webhooks.github("issues", notJson, SECRET))).isInstanceOf(Ignored.class);
    assertThat(parse(Webhooks.gitea("pull_request_label", notJson, SECRET)))
        .isInstanceOf(Ignored.class);
    assertThat(parse(Webhooks.gitlab("Tag Push Hook", notJson, SECRET)))
        .isInstanceOf(Ignored.class);
    assertThat(parse(Webhooks.github("ping", notJson, SECRET)).event()).isEqualTo("ping");
  }

  @Test
  void malformedPayloadsSayWhatIsWrong() {
    assertMalformed(
        Webhooks.github("push", "{\"ref\": ".getBytes(StandardCharsets.UTF_8), SECRET),
        "the payload is not JSON");
    assertMalformed(
        Webhooks.github("push", "[]".getBytes(StandardCharsets.UTF_8), SECRET),
        "the payload must be a JSON object");
    assertMalformed(
        Webhooks.github("push", "{} {}".getBytes(StandardCharsets.UTF_8), SECRET),
        "the payload is not JSON");
    assertMalformed(
        Webhooks.github("push", new byte[0], SECRET), "the payload must be a JSON object");
    assertMalformed(
        Webhooks.github("push", new JsonObject().put("after", AFTER), SECRET),
        "push payload has no \"ref\" string");
    JsonObject noHead = Webhooks.githubPullRequest("closed", BRANCH, 7, true, MERGE);
    noHead.getJsonObject("pull_request").remove("head");
    assertMalformed(
        Webhooks.github("pull_request", noHead, SECRET),
        "pull_request payload has no \"head\" object");
    JsonObject textNumber = Webhooks.githubPullRequest("closed", BRANCH, 7, true, MERGE);
    textNumber.getJsonObject("pull_request").put("number", "7");
    assertMalformed(
        Webhooks.github("pull_request", textNumber, SECRET),
        "pull_request payload has no \"number\" number");
    JsonObject noIid = Webhooks.gitlabMergeRequest("merge", "merged", BRANCH, 4, MERGE);
    noIid.getJsonObject("object_attributes").remove("iid");
    assertMalformed(
        Webhooks.gitlab("Merge Request Hook", noIid, SECRET),
        "object_attributes payload has no \"iid\" number");
    JsonObject oddState = Webhooks.gitlabMergeRequest("update", "archived", BRANCH, 4, null);
    assertMalformed(
        Webhooks.gitlab("Merge Request Hook", oddState, SECRET),
        "object_attributes.state \"archived\" is unknown");
  }

  @Test
  void theEventHeaderIsRequired() {
    Delivery delivery =
        Webhooks.github("push", Webhooks.githubPush("main", AFTER), SECRET)
            .withoutHeader("X-GitHub-Event");
    assertMalformed(delivery, "the X-GitHub-Event header is missing");
  }

  private static WebhookEvent parse(Delivery delivery) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(delivery.headers());
    return WebhookEvent.parse(ScmKind.of(delivery.scm()), headers::get, delivery.body());
  }

  private static PullRequest pull(JsonObject payload, ScmKind scm) {
    Delivery delivery =
        switch (scm) {
          case GITHUB -> Webhooks.github("pull_request", payload, SECRET);
          case GITEA -> Webhooks.gitea("pull_request", payload, SECRET);
          case GITLAB -> Webhooks.gitlab("Merge Request Hook", payload, SECRET);
        };
    WebhookEvent event = parse(delivery);
    assertThat(event).isInstanceOf(PullRequest.class);
    assertThat(event.deliveryId()).isEqualTo(delivery.deliveryId());
    return (PullRequest) event;
  }

  private static void assertMalformed(Delivery delivery, String message) {
    assertThatThrownBy(() -> parse(delivery))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining(message);
  }
}
