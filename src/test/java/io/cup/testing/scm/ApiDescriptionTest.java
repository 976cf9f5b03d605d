package io.cup.testing.scm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The published descriptions catch real client mistakes and accept correct requests. */
@Timeout(60)
class ApiDescriptionTest {

  private static ApiDescription.Request json(String method, String path, String body) {
    String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : null;
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    return new ApiDescription.Request(
        method, bare, query, Map.of("Content-Type", List.of("application/json")), bytes);
  }

  private static List<String> messages(ApiDescription.Result result) {
    return result.violations().stream().map(ApiDescription.Violation::message).toList();
  }

  @Nested
  class GitHub {
    private final ApiDescription github = ApiDescription.github();

    @Test
    void acceptsACorrectCreateAndNamesTheOperation() {
      ApiDescription.Result result =
          github.check(
              json(
                  "POST",
                  "/repos/acme/flags/pulls",
                  "{\"title\":\"t\",\"head\":\"h\",\"base\":\"main\"}"));

      assertThat(result.operationId()).isEqualTo("pulls/create");
      assertThat(result.pathParameters())
          .containsEntry("owner", "acme")
          .containsEntry("repo", "flags");
      assertThat(result.violations()).isEmpty();
    }

    @Test
    void reportsABodyFieldOfTheWrongType() {
      ApiDescription.Result result =
          github.check(
              json(
                  "POST",
                  "/repos/acme/flags/pulls",
                  "{\"title\":\"t\",\"head\":7,\"base\":\"main\"}"));

      assertThat(messages(result))
          .containsExactly(
              "POST /repos/acme/flags/pulls (pulls/create): body: $.head: integer found, string expected");
      assertThat(result.violations().get(0).problem()).isEqualTo(ApiDescription.Problem.INVALID);
    }

    @Test
    void reportsAMissingRequiredBodyFieldOfTheExtraCommentOperation() {
      ApiDescription.Result result =
          github.check(json("POST", "/repos/acme/flags/issues/4/comments", "{\"text\":\"hi\"}"));

      assertThat(result.operationId()).isEqualTo("issues/create-comment");
      assertThat(messages(result)).anyMatch(m -> m.contains("required property 'body' not found"));
    }

    @Test
    void reportsUndeclaredAndMistypedQueryParameters() {
      ApiDescription.Result result =
          github.check(
              json("GET", "/repos/acme/flags/pulls?state=merged&per_page=ten&limit=5", null));

      assertThat(messages(result))
          .containsExactlyInAnyOrder(
              "GET /repos/acme/flags/pulls (pulls/list): query parameter state: 'merged' is not one of [\"open\",\"closed\",\"all\"]",
              "GET /repos/acme/flags/pulls (pulls/list): query parameter per_page: 'ten' is not an integer",
              "GET /repos/acme/flags/pulls (pulls/list): query parameter 'limit' is not declared for this operation");
    }

    @Test
    void reportsAnIntegerPathParameterThatIsNot() {
      ApiDescription.Result result = github.check(json("GET", "/repos/acme/flags/pulls/abc", null));

      assertThat(messages(result)).anyMatch(m -> m.contains("path parameter pull_number: 'abc'"));
    }

    @Test
    void reportsAnUnknownPathAndAWrongMethod() {
      ApiDescription.Result unknown = github.check(json("GET", "/repos/acme/flags/pullz", null));
      ApiDescription.Result wrongMethod =
          github.check(json("DELETE", "/repos/acme/flags/pulls/3", null));

      assertThat(unknown.operationId()).isNull();
      assertThat(unknown.violations().get(0).problem())
          .isEqualTo(ApiDescription.Problem.UNKNOWN_OPERATION);
      assertThat(messages(wrongMethod).get(0)).contains("no DELETE here").contains("PATCH");
    }

    @Test
    void reportsABodyThatIsNotJsonOrNotSentAsJson() {
      ApiDescription.Request form =
          new ApiDescription.Request(
              "PATCH",
              "/repos/acme/flags/pulls/1",
              null,
              Map.of("Content-Type", List.of("application/x-www-form-urlencoded")),
              "state=closed".getBytes(StandardCharsets.UTF_8));

      ApiDescription.Result result = github.check(form);

      assertThat(result.violations())
          .extracting(ApiDescription.Violation::problem)
          .containsOnly(ApiDescription.Problem.MALFORMED_BODY);
      assertThat(messages(result)).anyMatch(m -> m.contains("expected application/json"));
      assertThat(messages(result)).anyMatch(m -> m.contains("body is not JSON"));
    }

    @Test
    void theSuccessStatusIsTheOneTheDescriptionDocuments() {
      assertThat(github.successStatus("pulls/create")).isEqualTo(201);
      assertThat(github.successStatus("pulls/update")).isEqualTo(200);
      assertThat(github.successStatus("issues/create-comment")).isEqualTo(201);
    }
  }

  @Nested
  class Gitea {
    private final ApiDescription gitea = ApiDescription.gitea();

    @Test
    void pathsLiveUnderTheBasePath() {
      assertThat(gitea.basePath()).isEqualTo("/api/v1");
      assertThat(gitea.check(json("GET", "/api/v1/repos/acme/flags/pulls?state=open", null)).ok())
          .isTrue();
      assertThat(gitea.check(json("GET", "/repos/acme/flags/pulls", null)).operationId()).isNull();
    }

    @Test
    void acceptsTheExtraCommentOperationAndChecksItsBody() {
      ApiDescription.Result good =
          gitea.check(
              json("POST", "/api/v1/repos/acme/flags/issues/2/comments", "{\"body\":\"hi\"}"));
      ApiDescription.Result bad =
          gitea.check(json("POST", "/api/v1/repos/acme/flags/issues/2/comments", "{\"body\":2}"));

      assertThat(good.operationId()).isEqualTo("issueCreateComment");
      assertThat(good.violations()).isEmpty();
      assertThat(messages(bad))
          .anyMatch(m -> m.endsWith("body: $.body: integer found, string expected"));
    }

    @Test
    void reportsAMissingRequiredMergeField() {
      ApiDescription.Result result =
          gitea.check(json("POST", "/api/v1/repos/acme/flags/pulls/2/merge", "{\"Do\":\"merge\"}"));

      assertThat(messages(result)).anyMatch(m -> m.contains("required property 'do' not found"));
    }

    @Test
    void reportsAQueryParameterGiteaDoesNotHave() {
      ApiDescription.Result result =
          gitea.check(json("GET", "/api/v1/repos/acme/flags/pulls?head=acme:cup/proposal/1", null));

      assertThat(messages(result)).anyMatch(m -> m.contains("'head' is not declared"));
    }

    @Test
    void theEditAnswerIs201AsGiteaDocumentsIt() {
      assertThat(gitea.successStatus("repoEditPullRequest")).isEqualTo(201);
    }
  }

  @Nested
  class GitLab {
    private final ApiDescription gitlab = ApiDescription.gitlab();

    @Test
    void anEncodedNestedProjectPathIsOneSegment() {
      ApiDescription.Result result =
          gitlab.check(
              json(
                  "GET",
                  "/api/v4/projects/group%2Fsub%2Fflags/merge_requests?source_branch=cup%2Fproposal%2F1&state=opened",
                  null));

      assertThat(result.operationId()).isEqualTo("getApiV4ProjectsIdMergeRequests");
      assertThat(result.pathParameters()).containsEntry("id", "group/sub/flags");
      assertThat(result.query()).containsEntry("source_branch", List.of("cup/proposal/1"));
      assertThat(result.violations()).isEmpty();
    }

    @Test
    void reportsAnEnumValueGitLabDoesNotTake() {
      ApiDescription.Result list =
          gitlab.check(json("GET", "/api/v4/projects/7/merge_requests?state=open", null));
      ApiDescription.Result close =
          gitlab.check(
              json("PUT", "/api/v4/projects/7/merge_requests/1", "{\"state_event\":\"closed\"}"));

      assertThat(messages(list))
          .anyMatch(m -> m.contains("query parameter state: 'open' is not one of"));
      assertThat(messages(close))
          .anyMatch(m -> m.contains("$.state_event: does not have a value in the enumeration"));
    }

    @Test
    void reportsMissingRequiredFieldsAndLabelsSentAsAString() {
      ApiDescription.Result result =
          gitlab.check(
              json(
                  "POST",
                  "/api/v4/projects/7/merge_requests",
                  "{\"source_branch\":\"h\",\"title\":\"t\",\"labels\":\"a,b\"}"));

      assertThat(messages(result))
          .anyMatch(m -> m.contains("required property 'target_branch' not found"))
          .anyMatch(m -> m.contains("$.labels: string found, array expected"));
    }

    @Test
    void anArrayQueryParameterMayBeSentWithBrackets() {
      ApiDescription.Result result =
          gitlab.check(
              json("GET", "/api/v4/projects/7/merge_requests?labels[]=cup&iids[]=x", null));

      assertThat(messages(result))
          .containsExactly(
              "GET /api/v4/projects/7/merge_requests (getApiV4ProjectsIdMergeRequests): query parameter iids: 'x' is not an integer");
    }
  }
}
