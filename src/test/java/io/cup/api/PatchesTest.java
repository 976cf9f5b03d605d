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

/** The two patch types: RFC 7386's examples for merge patch, and JSON Patch through zjsonpatch. */
class PatchesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

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
                Patches.apply(MediaTypes.JSON_PATCH, target, patch), StandardCharsets.UTF_8));
    assertThat(patched)
        .isEqualTo(new JsonObject("{\"spec\":{\"replicas\":2,\"tags\":[\"a\",\"b\"]}}"));

    byte[] failing =
        "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":9}]"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, target, failing))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(422));
    byte[] notAnArray = "{\"op\":\"add\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, target, notAnArray))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    byte[] unknownOp = "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Patches.apply(MediaTypes.JSON_PATCH, target, unknownOp))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void onlyTheTwoPatchTypesAreTaken() {
    assertThat(Patches.type("application/merge-patch+json; charset=utf-8"))
        .isEqualTo(MediaTypes.MERGE_PATCH);
    assertThat(Patches.type("Application/JSON-Patch+JSON")).isEqualTo(MediaTypes.JSON_PATCH);
    for (String other :
        new String[] {
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml",
          "application/json",
          null
        }) {
      assertThatThrownBy(() -> Patches.type(other))
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(415));
    }
  }
}
