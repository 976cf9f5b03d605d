package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The two patch types: RFC 7386's examples for merge patch, RFC 6902's for JSON Patch, limits. */
class PatchesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long LIMIT = 3L * 512 * 1024;

  /** RFC 7386, appendix A: target, patch, result. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\":\"b\"}|{\"a\":\"c\"}|{\"a\":\"c\"}",
        "{\"a\":\"b\"}|{\"b\":\"c\"}|{\"a\":\"b\",\"b\":\"c\"}",
        "{\"a\":\"b\"}|{\"a\":null}|{}",
        "{\"a\":\"b\",\"b\":\"c\"}|{\"a\":null}|{\"b\":\"c\"}",
        "{\"a\":[\"b\"]}|{\"a\":\"c\"}|{\"a\":\"c\"}",
        "{\"a\":\"c\"}|{\"a\":[\"b\"]}|{\"a\":[\"b\"]}",
        "{\"a\":{\"b\":\"c\"}}|{\"a\":{\"b\":\"d\",\"c\":null}}|{\"a\":{\"b\":\"d\"}}",
        "{\"a\":[{\"b\":\"c\"}]}|{\"a\":[1]}|{\"a\":[1]}",
        "[\"a\",\"b\"]|[\"c\",\"d\"]|[\"c\",\"d\"]",
        "{\"a\":\"b\"}|[\"c\"]|[\"c\"]",
        "{\"a\":\"foo\"}|null|null",
        "{\"a\":\"foo\"}|\"bar\"|\"bar\"",
        "{\"e\":null}|{\"a\":1}|{\"e\":null,\"a\":1}",
        "[1,2]|{\"a\":\"b\",\"c\":null}|{\"a\":\"b\"}",
        "{}|{\"a\":{\"bb\":{\"ccc\":null}}}|{\"a\":{\"bb\":{}}}"
      })
  void mergePatchFollowsRfc7386(String target, String patch, String result) throws Exception {
    JsonNode merged = Patches.merge(MAPPER.readTree(target), MAPPER.readTree(patch));
    assertThat(merged).isEqualTo(MAPPER.readTree(result));
  }

  @Test
  void jsonPatchAppliesInOrderAndATestThatFailsIs422() {
    JsonObject target = new JsonObject("{\"spec\":{\"replicas\":1,\"tags\":[\"a\"]}}");
    byte[] patch =
        ("[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":1},"
                + "{\"op\":\"add\",\"path\":\"/spec/tags/-\",\"value\":\"b\"},"
                + "{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]")
            .getBytes(StandardCharsets.UTF_8);
    JsonObject patched =
        new JsonObject(
            new String(
                Patches.apply(MediaTypes.JSON_PATCH, target, patch, LIMIT),
                StandardCharsets.UTF_8));
    assertThat(patched)
        .isEqualTo(new JsonObject("{\"spec\":{\"replicas\":2,\"tags\":[\"a\",\"b\"]}}"));

    byte[] failing =
        "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":9}]"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, target, failing, LIMIT))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(422));
    byte[] notAnArray = "{\"op\":\"add\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, target, notAnArray, LIMIT))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    byte[] unknownOp = "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, target, unknownOp, LIMIT))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void onlyTheTwoPatchTypesAndServerSideApplyAreTaken() {
    assertThat(Patches.type("application/merge-patch+json; charset=utf-8"))
        .isEqualTo(MediaTypes.MERGE_PATCH);
    assertThat(Patches.type("Application/JSON-Patch+JSON")).isEqualTo(MediaTypes.JSON_PATCH);
    assertThat(Patches.type("application/apply-patch+yaml"))
        .isEqualTo(ServerSideApply.CONTENT_TYPE);
    for (String other :
        new String[] {
          "application/strategic-merge-patch+json",
          "application/json",
          null
        }) {
      assertThatThrownBy(() -> Patches.type(other))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(415));
    }
  }

  /** RFC 6902 appendix A (the examples that apply), target, patch, result. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"foo\":\"bar\"}|[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]|{\"baz\":\"qux\",\"foo\":\"bar\"}",
        "{\"foo\":[\"bar\",\"baz\"]}|[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]|{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
        "{\"baz\":\"qux\",\"foo\":\"bar\"}|[{\"op\":\"remove\",\"path\":\"/baz\"}]|{\"foo\":\"bar\"}",
        "{\"foo\":[\"bar\",\"qux\",\"baz\"]}|[{\"op\":\"remove\",\"path\":\"/foo/1\"}]|{\"foo\":[\"bar\",\"baz\"]}",
        "{\"baz\":\"qux\",\"foo\":\"bar\"}|[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]|{\"baz\":\"boo\",\"foo\":\"bar\"}",
        "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}|[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]|{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}",
        "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}|[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]|{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}",
        "{\"foo\":\"bar\"}|[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]|{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}",
        "{\"foo\":[\"bar\"]}|[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]|{\"foo\":[\"bar\",[\"abc\",\"def\"]]}",
        "{\"/\":9,\"~1\":10}|[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]|{\"/\":9,\"~1\":10}",
        "{\"a\":1.0}|[{\"op\":\"test\",\"path\":\"/a\",\"value\":1},{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"\"}]|1.0",
        "{\"a\":{\"b\":1}}|[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/a/c\"}]|{\"a\":{\"b\":1,\"c\":{\"b\":1}}}"
      })
  void jsonPatchFollowsRfc6902(String target, String patch, String result) throws Exception {
    JsonNode patched =
        JsonPatch.apply(MAPPER.readTree(target), MAPPER.readTree(patch), Long.MAX_VALUE);
    assertThat(patched).isEqualTo(MAPPER.readTree(result));
  }

  /** Paths that are not JSON Pointers are 400; operations that cannot apply are 422. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "400|[{\"op\":\"add\",\"path\":\"spec\",\"value\":1}]",
        "400|[{\"op\":\"add\",\"path\":\"/spec/~2\",\"value\":1}]",
        "400|[{\"op\":\"add\",\"path\":\"/spec/~\",\"value\":1}]",
        "400|[{\"op\":\"copy\",\"from\":\"spec\",\"path\":\"/x\"}]",
        "400|[{\"op\":\"add\",\"path\":\"/x\"}]",
        "400|[{\"op\":\"remove\"}]",
        "400|[1]",
        "422|[{\"op\":\"add\",\"path\":\"/spec/tags/-1\",\"value\":1}]",
        "422|[{\"op\":\"replace\",\"path\":\"/spec/tags/01\",\"value\":1}]",
        "422|[{\"op\":\"remove\",\"path\":\"/spec/tags/99999999999\"}]",
        "422|[{\"op\":\"add\",\"path\":\"/spec/tags/2\",\"value\":1}]",
        "422|[{\"op\":\"remove\",\"path\":\"/spec/tags/1\"}]",
        "422|[{\"op\":\"remove\",\"path\":\"/spec/missing\"}]",
        "422|[{\"op\":\"replace\",\"path\":\"/spec/missing\",\"value\":1}]",
        "422|[{\"op\":\"add\",\"path\":\"/spec/missing/x\",\"value\":1}]",
        "422|[{\"op\":\"add\",\"path\":\"/spec/replicas/x\",\"value\":1}]",
        "422|[{\"op\":\"move\",\"from\":\"/spec\",\"path\":\"/spec/x\"}]",
        "422|[{\"op\":\"remove\",\"path\":\"\"}]",
        "422|[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":\"1\"}]"
      })
  void malformedOrInapplicableJsonPatchesAre4xxNamingTheOperation(int code, String patch) {
    JsonObject target = new JsonObject("{\"spec\":{\"replicas\":1,\"tags\":[\"a\"]}}");
    assertThatThrownBy(
            () ->
                Patches.apply(
                    MediaTypes.JSON_PATCH, target, patch.getBytes(StandardCharsets.UTF_8), LIMIT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.getMessage()).contains("operation 0");
            });
  }

  @Test
  void copiesAreCountedAsTheyApplySoDoublingStopsAtTheLimit() {
    JsonObject target = new JsonObject().put("spec", new JsonObject().put("a", "x".repeat(100)));
    StringBuilder patch = new StringBuilder("[");
    for (int k = 0; k < 23; k++) {
      patch.append(k == 0 ? "" : ",");
      patch.append("{\"op\":\"copy\",\"from\":\"/spec\",\"path\":\"/spec/c").append(k);
      patch.append("\"}");
    }
    byte[] doubling = patch.append("]").toString().getBytes(StandardCharsets.UTF_8);
    // 100 bytes doubled: past 10 KiB at the 7th copy, long before the 23rd
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, target, doubling, 10 * 1024))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(413);
              assertThat(e.reason()).isEqualTo("RequestEntityTooLarge");
              assertThat(e.getMessage()).contains("operation 6").contains("10240");
            });
  }

  @Test
  void theResultIsLimitedAsWellAsTheCopies() {
    JsonObject target = new JsonObject().put("spec", new JsonObject());
    byte[] merge =
        ("{\"spec\":{\"big\":\"" + "x".repeat(2000) + "\"}}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.MERGE_PATCH, target, merge, 1024))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(413);
              assertThat(e.getMessage()).contains("1024").contains("--api-max-resource-bytes");
            });
    assertThat(Patches.apply(MediaTypes.MERGE_PATCH, target, merge, 4096)).isNotEmpty();
  }

  @Test
  void moreThanTenThousandOperationsAre413() {
    StringBuilder patch = new StringBuilder("[");
    for (int i = 0; i <= JsonPatch.MAX_OPERATIONS; i++) {
      patch.append(i == 0 ? "" : ",").append("{\"op\":\"test\",\"path\":\"\",\"value\":{}}");
    }
    byte[] many = patch.append("]").toString().getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, new JsonObject(), many, LIMIT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.getMessage()).contains("10000").contains("10001"));
  }

  /** Only a real metadata.resourceVersion in the patch is the client's check, not the word. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "application/merge-patch+json|{\"metadata\":{\"resourceVersion\":\"abc\"}}|true",
        "application/merge-patch+json|{\"metadata\":{\"resourceVersion\":null}}|true",
        "application/merge-patch+json|{\"spec\":{\"note\":\"resourceVersion\"}}|false",
        "application/merge-patch+json|{\"spec\":{\"resourceVersion\":\"1\"}}|false",
        "application/json-patch+json|[{\"op\":\"add\",\"path\":\"/metadata/resourceVersion\",\"value\":\"a\"}]|true",
        "application/json-patch+json|[{\"op\":\"add\",\"path\":\"/metadata\",\"value\":{\"resourceVersion\":\"a\"}}]|true",
        "application/json-patch+json|[{\"op\":\"add\",\"path\":\"/spec/note\",\"value\":\"resourceVersion\"}]|false",
        "application/json-patch+json|[{\"op\":\"add\",\"path\":\"/spec/resourceVersion\",\"value\":\"a\"}]|false",
        "application/json-patch+json|not json resourceVersion|false"
      })
  void aPatchSetsTheResourceVersionOnlyWhereItIs(String type, String patch, boolean sets) {
    assertThat(Patches.setsResourceVersion(type, patch.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(sets);
  }
}
