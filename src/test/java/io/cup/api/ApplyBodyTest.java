package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cup.status.StatusException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The body of a server-side apply: YAML or JSON, one object, within limits, never a 5xx. */
class ApplyBodyTest {
  private static final long LIMIT = 64 * 1024;

  private static JsonObject parse(String body) {
    return ServerSideApply.parseApplyBody(body.getBytes(StandardCharsets.UTF_8), LIMIT);
  }

  private static StatusException fails(String body, long limit) {
    return catchThrowableOfType(
        StatusException.class,
        () -> ServerSideApply.parseApplyBody(body.getBytes(StandardCharsets.UTF_8), limit));
  }

  @Test
  void yamlAsKubectlWritesIt() {
    JsonObject config =
        parse(
            """
            apiVersion: flipt.io/v1alpha1
            kind: Flag
            metadata:
              name: f
              labels:
                app: web
            spec:
              enabled: true
              rank: 3
              ratio: 0.5
              description: "yes"
              variants: [a, b]
              rules: {}
              nothing: null
            """);

    assertThat(config)
        .isEqualTo(
            new JsonObject(
                "{\"apiVersion\":\"flipt.io/v1alpha1\",\"kind\":\"Flag\",\"metadata\":"
                    + "{\"name\":\"f\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"enabled\":true,"
                    + "\"rank\":3,\"ratio\":0.5,\"description\":\"yes\",\"variants\":[\"a\",\"b\"],"
                    + "\"rules\":{},\"nothing\":null}}"));
  }

  @Test
  void jsonAndYamlFlowMappings() {
    assertThat(parse("{\"a\": {\"b\": [1, 2.5, \"c\\/d\"]}}"))
        .isEqualTo(new JsonObject("{\"a\":{\"b\":[1,2.5,\"c/d\"]}}"));
    assertThat(parse("{a: 1, b: x}")).isEqualTo(new JsonObject("{\"a\":1,\"b\":\"x\"}"));
    assertThat(parse("---\na: 1\n")).isEqualTo(new JsonObject("{\"a\":1}"));
  }

  @Test
  void aliasesExpand() {
    JsonObject config = parse("base: &b {x: 1, y: &l [1, 2]}\ncopy: *b\nlist: *l\n");

    assertThat(config.getJsonObject("copy")).isEqualTo(new JsonObject("{\"x\":1,\"y\":[1,2]}"));
    assertThat(config.getJsonArray("list")).containsExactly(1, 2);
    config.getJsonObject("copy").put("x", 2);
    assertThat(config.getJsonObject("base").getInteger("x")).as("a copy, not a share").isEqualTo(1);
  }

  @Test
  void anAliasOfAScalarIsRefusedNotReadAsTheAnchorsName() {
    assertThat(fails("name: &n web\nsame: *n\n", LIMIT).code()).isEqualTo(400);
  }

  @Test
  void anAliasBombStopsAtTheBudget() {
    StringBuilder bomb = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        bomb.append(j == 0 ? "" : ",").append("*a").append(i - 1);
      }
      bomb.append("]\n");
    }

    StatusException refused = fails(bomb.toString(), LIMIT);

    assertThat(refused.code()).as("81 aliases, 9^9 strings").isEqualTo(413);
  }

  @Test
  void aBodyOverTheLimitIs413() {
    assertThat(fails("a: " + "x".repeat(100), 50).code()).isEqualTo(413);
  }

  @Test
  void nestingDeeperThanTheLimitIs400() {
    String deep = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
    assertThat(fails(deep, LIMIT).code()).isEqualTo(400);
    String deepYaml = "[".repeat(200) + "]".repeat(200);
    assertThat(fails("a: " + deepYaml, LIMIT).code()).isEqualTo(400);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|400",
        "'   \n  '|400",
        "'# only a comment\n'|400",
        "'- a\n- b\n'|400",
        "'just a string'|400",
        "'a: 1\na: 2\n'|400",
        "'{\"a\":1,\"a\":2}'|400",
        "'a: 1\n---\nb: 2\n'|400",
        "'a: [1, 2'|400",
        "'a: *nowhere'|400",
        "'a: .nan'|400",
        "'a: !!binary aGVsbG8='|400",
        "'k8s\u0000proto'|415"
      })
  void badBodiesAreClientErrors(String body, int code) {
    StatusException refused = fails(body, LIMIT);
    assertThat(refused).as("a Status for %s", body).isNotNull();
    assertThat(refused.code()).isEqualTo(code);
  }
}
