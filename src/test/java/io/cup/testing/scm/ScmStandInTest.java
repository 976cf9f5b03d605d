package io.cup.testing.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stand-ins keep state like the SCMs, answer like them, and record every departure. */
@Timeout(60)
class ScmStandInTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Nested
  class GitHub {
    private final ScmStandIn github = ScmStandIn.github("acme", "flags", "s3cret");
    private final ScmHttp http = new ScmHttp(github.baseUrl(), "Authorization", "Bearer s3cret");

    @AfterEach
    void stop() {
      github.close();
    }

    private ScmHttp.Answer create(String head) {
      return http.send(
          "POST",
          "/repos/acme/flags/pulls",
          "{\"title\":\"Cup proposal\",\"head\":\""
              + head
              + "\",\"base\":\"main\",\"body\":\"why\"}");
    }

    @Test
    void createsAPullAndAnswersLikeGitHub() {
      ScmHttp.Answer created = create("cup/proposal/1");

      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().path("number").asInt()).isEqualTo(1);
      assertThat(created.json().path("html_url").asText())
          .isEqualTo("https://github.example/acme/flags/pull/1");
      assertThat(created.json().path("head").path("ref").asText()).isEqualTo("cup/proposal/1");
      assertThat(created.json().path("head").path("label").asText())
          .isEqualTo("acme:cup/proposal/1");
      assertThat(created.json().path("merged").asBoolean(true)).isFalse();
      assertThat(created.header("Location")).endsWith("/repos/acme/flags/pulls/1");
      assertThat(github.pulls())
          .containsExactly(
              new ScmStandIn.PullSnapshot(
                  1,
                  "cup/proposal/1",
                  "main",
                  "Cup proposal",
                  "why",
                  List.of(),
                  "open",
                  false,
                  null,
                  List.of()));
      github.assertNoViolations();
    }

    @Test
    void aSecondOpenPullForTheSameHeadIs422WithGitHubsMessage() {
      create("cup/proposal/1");

      ScmHttp.Answer duplicate = create("acme:cup/proposal/1");

      assertThat(duplicate.status()).isEqualTo(422);
      assertThat(duplicate.json().path("message").asText()).isEqualTo("Validation Failed");
      assertThat(duplicate.json().path("errors").path(0).path("message").asText())
          .isEqualTo("A pull request already exists for acme:cup/proposal/1.");
      assertThat(github.pulls()).hasSize(1);
      github.assertNoViolations();
    }

    @Test
    void listsByHeadStateAndPage() {
      create("cup/proposal/1");
      create("cup/proposal/2");
      create("cup/proposal/3");
      github.close(2);

      ScmHttp.Answer byHead =
          http.get("/repos/acme/flags/pulls?head=acme:cup/proposal/3&state=open");
      ScmHttp.Answer open = http.get("/repos/acme/flags/pulls");
      ScmHttp.Answer firstPage = http.get("/repos/acme/flags/pulls?state=all&per_page=2&page=1");

      assertThat(byHead.json()).hasSize(1);
      assertThat(byHead.json().path(0).path("number").asInt()).isEqualTo(3);
      assertThat(open.json()).extracting(n -> n.path("number").asInt()).containsExactly(3, 1);
      assertThat(firstPage.json()).hasSize(2);
      assertThat(firstPage.header("Link")).contains("page=2").contains("rel=\"next\"");
      github.assertNoViolations();
    }

    @Test
    void mergesLabelsCommentsAndCloses() {
      create("cup/proposal/1");
      create("cup/proposal/2");

      ScmHttp.Answer labels =
          http.send("POST", "/repos/acme/flags/issues/1/labels", "{\"labels\":[\"cup\"]}");
      ScmHttp.Answer comment =
          http.send("POST", "/repos/acme/flags/issues/1/comments", "{\"body\":\"applied\"}");
      ScmHttp.Answer merged = http.send("PUT", "/repos/acme/flags/pulls/1/merge", null);
      ScmHttp.Answer again = http.send("PUT", "/repos/acme/flags/pulls/1/merge", "{}");
      ScmHttp.Answer closed =
          http.send("PATCH", "/repos/acme/flags/pulls/2", "{\"state\":\"closed\"}");
      ScmHttp.Answer got = http.get("/repos/acme/flags/pulls/1");

      assertThat(labels.status()).isEqualTo(200);
      assertThat(labels.json().path(0).path("name").asText()).isEqualTo("cup");
      assertThat(comment.status()).isEqualTo(201);
      assertThat(comment.json().path("body").asText()).isEqualTo("applied");
      assertThat(merged.status()).isEqualTo(200);
      assertThat(merged.json().path("merged").asBoolean()).isTrue();
      assertThat(merged.json().path("sha").asText()).hasSize(40);
      assertThat(again.status()).isEqualTo(405);
      assertThat(closed.json().path("state").asText()).isEqualTo("closed");
      assertThat(got.json().path("merged").asBoolean()).isTrue();
      assertThat(got.json().path("merge_commit_sha").asText())
          .isEqualTo(merged.json().path("sha").asText());
      ScmStandIn.PullSnapshot first = github.pulls().get(0);
      assertThat(first.labels()).containsExactly("cup");
      assertThat(first.comments()).containsExactly("applied");
      assertThat(first.merged()).isTrue();
      assertThat(github.pulls().get(1).state()).isEqualTo("closed");
      github.assertNoViolations();
    }

    @Test
    void anUnchangedPullIsAnswered304ToItsETagAndAChangedOne200() {
      create("cup/proposal/1");
      ScmHttp.Answer first = http.get("/repos/acme/flags/pulls/1");
      String etag = first.header("ETag");
      assertThat(etag).isNotBlank();

      ScmHttp.Answer unchanged = http.get("/repos/acme/flags/pulls/1", "If-None-Match", etag);
      assertThat(unchanged.status()).isEqualTo(304);
      assertThat(unchanged.json()).isNull();
      assertThat(unchanged.header("ETag")).isEqualTo(etag);

      github.merge(1, "b".repeat(40));
      ScmHttp.Answer changed = http.get("/repos/acme/flags/pulls/1", "If-None-Match", etag);
      assertThat(changed.status()).isEqualTo(200);
      assertThat(changed.json().path("merged").asBoolean()).isTrue();
      assertThat(changed.header("ETag")).isNotEqualTo(etag);
      assertThat(github.requests())
          .extracting(ScmStandIn.RecordedRequest::status)
          .containsSubsequence(200, 304, 200);
      github.assertNoViolations();
    }

    @Test
    void aMergeOnTheScmShowsInTheNextGet() {
      create("cup/proposal/1");

      github.merge(1, "a".repeat(40));

      ScmHttp.Answer got = http.get("/repos/acme/flags/pulls/1");
      assertThat(got.json().path("state").asText()).isEqualTo("closed");
      assertThat(got.json().path("merged").asBoolean()).isTrue();
      assertThat(got.json().path("merge_commit_sha").asText()).isEqualTo("a".repeat(40));
    }

    @Test
    void aMissingOrWrongTokenIs401AndAViolation() {
      ScmHttp.Answer none =
          new ScmHttp(github.baseUrl(), null, null).get("/repos/acme/flags/pulls");
      ScmHttp.Answer wrong =
          new ScmHttp(github.baseUrl(), "Authorization", "Bearer nope")
              .get("/repos/acme/flags/pulls");
      ScmHttp.Answer legacy =
          new ScmHttp(github.baseUrl(), "Authorization", "token s3cret")
              .get("/repos/acme/flags/pulls");

      assertThat(none.status()).isEqualTo(401);
      assertThat(none.json().path("message").asText()).isEqualTo("Bad credentials");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(legacy.status()).isEqualTo(200);
      assertThat(github.violations()).hasSize(2).allMatch(v -> v.contains("credentials"));
      assertThatThrownBy(github::assertNoViolations)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("2 request(s) departed from the GitHub API description");
    }

    @Test
    void aBadRequestIsAnsweredLikeGitHubAndRecorded() {
      ScmHttp.Answer wrongType =
          http.send(
              "POST", "/repos/acme/flags/pulls", "{\"title\":\"t\",\"head\":1,\"base\":\"main\"}");
      ScmHttp.Answer unknown = http.get("/repos/acme/flags/pull-requests");
      ScmHttp.Answer otherRepo = http.get("/repos/acme/other/pulls");

      assertThat(wrongType.status()).isEqualTo(422);
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(otherRepo.status()).isEqualTo(404);
      assertThat(github.violations())
          .containsExactly(
              "POST /repos/acme/flags/pulls (pulls/create): body: $.head: integer found, string expected",
              "GET /repos/acme/flags/pull-requests: no operation in the GitHub description has this path");
      assertThat(github.pulls()).isEmpty();
      assertThat(github.requests())
          .extracting(ScmStandIn.RecordedRequest::operationId, ScmStandIn.RecordedRequest::status)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("pulls/create", 422),
              org.assertj.core.groups.Tuple.tuple(null, 404),
              org.assertj.core.groups.Tuple.tuple("pulls/list", 404));
    }

    @Test
    void injectedFailuresComeFirstWithTheirHeadersThenTheOperationWorks() {
      long reset = 1_900_000_000L;
      github.failNext(
          "pulls/create",
          403,
          Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)),
          1);
      github.failNext("pulls/create", 500, Map.of(), 1);

      ScmHttp.Answer limited = create("cup/proposal/1");
      ScmHttp.Answer broken = create("cup/proposal/1");
      ScmHttp.Answer created = create("cup/proposal/1");

      assertThat(limited.status()).isEqualTo(403);
      assertThat(limited.header("x-ratelimit-remaining")).isEqualTo("0");
      assertThat(limited.header("x-ratelimit-reset")).isEqualTo(Long.toString(reset));
      assertThat(broken.status()).isEqualTo(500);
      assertThat(created.status()).isEqualTo(201);
      assertThat(github.pulls()).hasSize(1);
      assertThat(github.requestCount("pulls/create")).isEqualTo(3);
      github.assertNoViolations();
    }

    @Test
    void aHungCreateTakesEffectAndBlocksNothingElse() throws Exception {
      github.hangNext("pulls/create", true);

      CompletableFuture<HttpResponse<String>> hung =
          http.sendAsync(
              "POST",
              "/repos/acme/flags/pulls",
              "{\"title\":\"t\",\"head\":\"cup/proposal/1\",\"base\":\"main\"}");
      assertThat(github.awaitRequest("pulls/create", WAIT)).isTrue();
      ScmHttp.Answer list = http.get("/repos/acme/flags/pulls?head=acme:cup/proposal/1");

      assertThat(list.status()).isEqualTo(200);
      assertThat(list.json()).hasSize(1);
      assertThat(hung).isNotDone();
      assertThat(github.requests().get(0).status()).isZero();
      github.close();
      assertThat(hung).failsWithin(WAIT);
    }

    @Test
    void aHangWithoutEffectLeavesNothingBehind() throws Exception {
      github.hangNext("pulls/create", false);

      CompletableFuture<HttpResponse<String>> hung =
          http.sendAsync(
              "POST",
              "/repos/acme/flags/pulls",
              "{\"title\":\"t\",\"head\":\"cup/proposal/1\",\"base\":\"main\"}");
      assertThat(github.awaitRequest("pulls/create", WAIT)).isTrue();

      assertThat(github.pulls()).isEmpty();
      assertThat(http.get("/repos/acme/flags/pulls").json()).isEmpty();
      assertThat(hung).isNotDone();
    }

    @Test
    void awaitRequestTimesOutWhenNothingArrives() throws Exception {
      assertThat(github.awaitRequest("pulls/merge", Duration.ofMillis(50))).isFalse();
    }
  }

  @Nested
  class Gitea {
    private final ScmStandIn gitea = ScmStandIn.gitea("acme", "flags", "s3cret");
    private final ScmHttp http =
        new ScmHttp(gitea.baseUrl() + "/api/v1", "Authorization", "token s3cret");

    @AfterEach
    void stop() {
      gitea.close();
    }

    private ScmHttp.Answer create(String head) {
      return http.send(
          "POST",
          "/repos/acme/flags/pulls",
          "{\"title\":\"Cup proposal\",\"head\":\""
              + head
              + "\",\"base\":\"main\",\"body\":\"why\"}");
    }

    @Test
    void noETagsAsTheDescriptionDeclaresNo304() {
      create("cup/proposal/1");
      ScmHttp.Answer first = http.get("/repos/acme/flags/pulls/1");
      assertThat(first.header("ETag")).isNull();
      ScmHttp.Answer again = http.get("/repos/acme/flags/pulls/1", "If-None-Match", "\"x\"");
      assertThat(again.status()).isEqualTo(200);
      gitea.assertNoViolations();
    }

    @Test
    void createsListsAndRefusesADuplicateWith409() {
      ScmHttp.Answer created = create("cup/proposal/1");
      ScmHttp.Answer duplicate = create("cup/proposal/1");
      create("cup/proposal/2");
      gitea.close(2);

      ScmHttp.Answer open = http.get("/repos/acme/flags/pulls?state=open&page=1&limit=10");
      ScmHttp.Answer all = http.get("/repos/acme/flags/pulls?state=all");

      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().path("html_url").asText())
          .isEqualTo("https://gitea.example/acme/flags/pulls/1");
      assertThat(created.json().path("head").path("ref").asText()).isEqualTo("cup/proposal/1");
      assertThat(duplicate.status()).isEqualTo(409);
      assertThat(duplicate.json().path("message").asText())
          .startsWith("pull request already exists for these targets");
      assertThat(open.json()).extracting(n -> n.path("number").asInt()).containsExactly(1);
      assertThat(all.json()).hasSize(2);
      assertThat(all.header("X-Total-Count")).isEqualTo("2");
      gitea.assertNoViolations();
    }

    @Test
    void editsLabelsCommentsAndMerges() {
      create("cup/proposal/1");
      create("cup/proposal/2");

      ScmHttp.Answer labels =
          http.send("POST", "/repos/acme/flags/issues/1/labels", "{\"labels\":[\"cup\"]}");
      long id = labels.json().path(0).path("id").asLong();
      ScmHttp.Answer byId =
          http.send("POST", "/repos/acme/flags/issues/2/labels", "{\"labels\":[" + id + "]}");
      ScmHttp.Answer comment =
          http.send("POST", "/repos/acme/flags/issues/1/comments", "{\"body\":\"applied\"}");
      ScmHttp.Answer merged =
          http.send("POST", "/repos/acme/flags/pulls/1/merge", "{\"do\":\"merge\"}");
      ScmHttp.Answer edited =
          http.send(
              "PATCH", "/repos/acme/flags/pulls/2", "{\"state\":\"closed\",\"body\":\"gone\"}");
      ScmHttp.Answer got = http.get("/repos/acme/flags/pulls/1");

      assertThat(labels.status()).isEqualTo(200);
      assertThat(byId.json().path(0).path("name").asText()).isEqualTo("cup");
      assertThat(comment.status()).isEqualTo(201);
      assertThat(merged.status()).isEqualTo(200);
      assertThat(merged.json()).isNull();
      assertThat(edited.status()).isEqualTo(201);
      assertThat(edited.json().path("state").asText()).isEqualTo("closed");
      assertThat(got.json().path("merged").asBoolean()).isTrue();
      assertThat(got.json().path("merge_commit_sha").asText()).hasSize(40);
      assertThat(gitea.pulls().get(1).labels()).containsExactly("cup");
      assertThat(gitea.pulls().get(1).body()).isEqualTo("gone");
      gitea.assertNoViolations();
    }

    @Test
    void aBearerTokenIsNotGiteasSchemeAndAHeadFilterIsNotItsParameter() {
      ScmHttp.Answer bearer =
          new ScmHttp(gitea.baseUrl() + "/api/v1", "Authorization", "Bearer s3cret")
              .get("/repos/acme/flags/pulls");
      ScmHttp.Answer head = http.get("/repos/acme/flags/pulls?head=cup/proposal/1");

      assertThat(bearer.status()).isEqualTo(401);
      assertThat(head.status()).isEqualTo(422);
      assertThat(gitea.violations())
          .hasSize(2)
          .anyMatch(v -> v.contains("credentials"))
          .anyMatch(v -> v.contains("'head' is not declared"));
    }

    @Test
    void aPathWithoutTheApiPrefixIsUnknown() {
      ScmHttp.Answer answer =
          new ScmHttp(gitea.baseUrl(), "Authorization", "token s3cret")
              .get("/repos/acme/flags/pulls");

      assertThat(answer.status()).isEqualTo(404);
      assertThat(gitea.violations()).singleElement().asString().contains("base path '/api/v1'");
    }
  }

  @Nested
  class GitLab {
    private final ScmStandIn gitlab = ScmStandIn.gitlab("group/sub/flags", "s3cret");
    private final ScmHttp http =
        new ScmHttp(gitlab.baseUrl() + "/api/v4", "PRIVATE-TOKEN", "s3cret");
    private final String project = "/projects/group%2Fsub%2Fflags";

    @AfterEach
    void stop() {
      gitlab.close();
    }

    private ScmHttp.Answer create(String source) {
      return http.send(
          "POST",
          project + "/merge_requests",
          "{\"source_branch\":\""
              + source
              + "\",\"target_branch\":\"main\",\"title\":\"Cup proposal\",\"description\":\"why\","
              + "\"labels\":[\"cup\"]}");
    }

    @Test
    void createsAndRefusesADuplicateWithGitLabsConflict() {
      ScmHttp.Answer created = create("cup/proposal/1");
      ScmHttp.Answer duplicate = create("cup/proposal/1");

      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().path("iid").asInt()).isEqualTo(1);
      assertThat(created.json().path("state").asText()).isEqualTo("opened");
      assertThat(created.json().path("web_url").asText())
          .isEqualTo("https://gitlab.example/group/sub/flags/-/merge_requests/1");
      assertThat(created.json().path("labels").path(0).asText()).isEqualTo("cup");
      assertThat(duplicate.status()).isEqualTo(409);
      assertThat(duplicate.json().path("message").path(0).asText())
          .isEqualTo("Another open merge request already exists for this source branch: !1");
      gitlab.assertNoViolations();
    }

    @Test
    void listsBySourceBranchAndStateAndAcceptsTheNumericProjectId() {
      create("cup/proposal/1");
      create("cup/proposal/2");
      gitlab.merge(2, "b".repeat(40));

      ScmHttp.Answer bySource =
          http.get(project + "/merge_requests?source_branch=cup%2Fproposal%2F1&state=opened");
      ScmHttp.Answer merged = http.get("/projects/1/merge_requests?state=merged");
      ScmHttp.Answer all = http.get(project + "/merge_requests");

      assertThat(bySource.json()).extracting(n -> n.path("iid").asInt()).containsExactly(1);
      assertThat(merged.json().path(0).path("merge_commit_sha").asText()).isEqualTo("b".repeat(40));
      assertThat(all.header("X-Total")).isEqualTo("2");
      gitlab.assertNoViolations();
    }

    @Test
    void closesAddsLabelsMergesAndTakesNotes() {
      create("cup/proposal/1");
      create("cup/proposal/2");

      ScmHttp.Answer labelled =
          http.send(
              "PUT",
              project + "/merge_requests/1",
              "{\"add_labels\":[\"ready\"],\"description\":\"d\"}");
      ScmHttp.Answer note =
          http.send("POST", project + "/merge_requests/1/notes", "{\"body\":\"applied\"}");
      ScmHttp.Answer merged = http.send("PUT", project + "/merge_requests/1/merge", "{}");
      ScmHttp.Answer closed =
          http.send("PUT", project + "/merge_requests/2", "{\"state_event\":\"close\"}");
      ScmHttp.Answer mergeClosed = http.send("PUT", project + "/merge_requests/2/merge", "{}");

      assertThat(labelled.json().path("labels"))
          .extracting(n -> n.asText())
          .containsExactly("cup", "ready");
      assertThat(note.status()).isEqualTo(201);
      assertThat(note.json().path("noteable_iid").asInt()).isEqualTo(1);
      assertThat(merged.json().path("state").asText()).isEqualTo("merged");
      assertThat(closed.json().path("state").asText()).isEqualTo("closed");
      assertThat(mergeClosed.status()).isEqualTo(405);
      assertThat(gitlab.pulls().get(0).comments()).containsExactly("applied");
      assertThat(gitlab.pulls().get(0).body()).isEqualTo("d");
      gitlab.assertNoViolations();
    }

    @Test
    void badRequestsAre400OrNotFoundAndRecorded() {
      ScmHttp.Answer labelsAsString =
          http.send(
              "POST",
              project + "/merge_requests",
              "{\"source_branch\":\"a\",\"target_branch\":\"main\",\"title\":\"t\",\"labels\":\"cup\"}");
      ScmHttp.Answer noteWithoutBody =
          http.send("POST", project + "/merge_requests/1/notes", "{\"note\":\"x\"}");
      ScmHttp.Answer unencoded = http.get("/projects/group/sub/flags/merge_requests");
      ScmHttp.Answer otherProject = http.get("/projects/other%2Fflags/merge_requests");
      ScmHttp.Answer authorization =
          new ScmHttp(gitlab.baseUrl() + "/api/v4", "Authorization", "Bearer s3cret")
              .get(project + "/merge_requests");

      assertThat(labelsAsString.status()).isEqualTo(400);
      assertThat(labelsAsString.json().path("error").asText()).contains("$.labels");
      assertThat(noteWithoutBody.status()).isEqualTo(400);
      assertThat(unencoded.status()).isEqualTo(404);
      assertThat(otherProject.status()).isEqualTo(404);
      assertThat(authorization.status()).isEqualTo(401);
      assertThat(gitlab.violations()).hasSize(4);
      assertThat(gitlab.pulls()).isEmpty();
    }

    @Test
    void a429CarriesRetryAfter() {
      gitlab.failNext("postApiV4ProjectsIdMergeRequests", 429, Map.of("Retry-After", "1"), 1);

      ScmHttp.Answer limited = create("cup/proposal/1");
      ScmHttp.Answer created = create("cup/proposal/1");

      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("Retry-After")).isEqualTo("1");
      assertThat(created.status()).isEqualTo(201);
      gitlab.assertNoViolations();
    }
  }
}
