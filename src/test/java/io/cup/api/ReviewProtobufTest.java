package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.status.StatusException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The protobuf self reviews, as kubectl 1.33 sent them (captured bytes). */
class ReviewProtobufTest {
  // kubectl.1.33 auth can-i create flags.flipt.io -n production (its discovery had failed)
  private static final String ACCESS_REVIEW =
      "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a6563"
          + "74416363657373526576696577124c0a100a0012001a0022002a00320038004200122e0a2c0a0a70726f"
          + "64756374696f6e12066372656174651a0022002a0e666c6167732e666c6970742e696f32003a001a0808"
          + "0012001a0020001a002200";
  // kubectl.1.33 auth can-i get /logs
  private static final String NON_RESOURCE_REVIEW =
      "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a6563"
          + "74416363657373526576696577122c0a100a0012001a0022002a00320038004200120e120c0a052f6c6f67"
          + "7312036765741a08080012001a0020001a002200";
  // kubectl.1.33 auth whoami
  private static final String SELF_REVIEW =
      "6b3873000a2d0a1861757468656e7469636174696f6e2e6b38732e696f2f7631121153656c665375626a65"
          + "6374526576696577121a0a100a0012001a0022002a0032003800420012060a040a0012001a002200";

  @Test
  void anAccessReviewForAResource() {
    JsonObject review = ReviewProtobuf.decode(bytes(ACCESS_REVIEW), "SelfSubjectAccessReview");
    assertThat(review.getString("apiVersion")).isEqualTo("authorization.k8s.io/v1");
    assertThat(review.getString("kind")).isEqualTo("SelfSubjectAccessReview");
    JsonObject spec = review.getJsonObject("spec");
    assertThat(spec.fieldNames()).containsExactly("resourceAttributes");
    assertThat(spec.getJsonObject("resourceAttributes"))
        .isEqualTo(
            new JsonObject()
                .put("namespace", "production")
                .put("verb", "create")
                .put("group", "")
                .put("version", "")
                .put("resource", "flags.flipt.io")
                .put("subresource", "")
                .put("name", ""));
  }

  @Test
  void anAccessReviewForAPath() {
    JsonObject review =
        ReviewProtobuf.decode(bytes(NON_RESOURCE_REVIEW), "SelfSubjectAccessReview");
    assertThat(review.getJsonObject("spec"))
        .isEqualTo(
            new JsonObject()
                .put(
                    "nonResourceAttributes",
                    new JsonObject().put("path", "/logs").put("verb", "get")));
  }

  @Test
  void aSelfReviewHasNoSpec() {
    JsonObject review = ReviewProtobuf.decode(bytes(SELF_REVIEW), "SelfSubjectReview");
    assertThat(review)
        .isEqualTo(
            new JsonObject()
                .put("apiVersion", "authentication.k8s.io/v1")
                .put("kind", "SelfSubjectReview"));
  }

  @Test
  void somethingElseIsABadRequest() {
    for (String body : new String[] {"", "7b7d", "6b387300ff", "6b3873000a7f0a"}) {
      assertThatThrownBy(() -> ReviewProtobuf.decode(bytes(body), "SelfSubjectAccessReview"))
          .as(body)
          .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
  }

  private static Buffer bytes(String hex) {
    return Buffer.buffer(HexFormat.of().parseHex(hex));
  }
}
