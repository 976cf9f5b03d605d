package io.cup.testing.scm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GitHub payloads {@link Webhooks} builds are valid instances of GitHub's own webhook payload
 * schemas ({@code x-webhooks} of the REST API description, {@code src/test/resources/scm-api/
 * github.json}), checked with networknt's OpenAPI 3.0 dialect ({@code nullable} and the rest).
 */
class WebhooksTest {
  private static final String DOCUMENT = "https://api.github.com/openapi/github.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AFTER = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
  private static final String MERGE = "e2fd1d4c9a5f3b0e6f0a2f6c1f4b8e1d1b7d9c3a";

  private static JsonSchemaFactory factory;
  private static JsonNode description;

  @BeforeAll
  static void loadDescription() throws IOException {
    String text;
    try (InputStream in = WebhooksTest.class.getResourceAsStream("/scm-api/github.json")) {
      assertThat(in).as("test resource /scm-api/github.json").isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    description = JSON.readTree(text);
    JsonMetaSchema oas30 = OpenApi30.getInstance();
    factory =
        JsonSchemaFactory.getInstance(
            VersionFlag.V4,
            builder ->
                builder
                    .metaSchema(oas30)
                    .defaultMetaSchemaIri(oas30.getIri())
                    .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT, text))));
  }

  @Test
  void theTemplatesUseThePayloadSchemasOfTheDescription() {
    JsonNode webhooks = description.path("x-webhooks");
    assertThat(schemaRef(webhooks, "push")).isEqualTo("#/components/schemas/webhook-push");
    assertThat(schemaRef(webhooks, "pull-request-closed"))
        .isEqualTo("#/components/schemas/webhook-pull-request-closed");
  }

  @Test
  void githubPushIsAValidWebhookPush() {
    assertThat(problems("webhook-push", Webhooks.githubPush("main", AFTER))).isEmpty();
    assertThat(problems("webhook-push", Webhooks.githubPush("cup/proposal/p9", AFTER))).isEmpty();
  }

  @Test
  void githubPullRequestClosedIsAValidWebhookPullRequestClosed() {
    assertThat(
            problems(
                "webhook-pull-request-closed",
                Webhooks.githubPullRequest("closed", "cup/proposal/p1", 7, true, MERGE)))
        .isEmpty();
    assertThat(
            problems(
                "webhook-pull-request-closed",
                Webhooks.githubPullRequest("closed", "cup/proposal/p2", 8, false, null)))
        .isEmpty();
  }

  @Test
  void theValidatorCatchesAPayloadThatIsNotOne() {
    JsonObject push = Webhooks.githubPush("main", AFTER);
    push.remove("ref");
    push.put("forced", "yes");
    assertThat(problems("webhook-push", push))
        .anySatisfy(p -> assertThat(p).contains("ref"))
        .anySatisfy(p -> assertThat(p).contains("forced"));
    JsonObject pull = Webhooks.githubPullRequest("closed", "cup/proposal/p1", 7, true, MERGE);
    pull.put("action", "opened");
    assertThat(problems("webhook-pull-request-closed", pull))
        .anySatisfy(p -> assertThat(p).contains("action"));
  }

  @Test
  void everyDeliveryCarriesTheHeadersTheDescriptionDocuments() {
    JsonNode parameters =
        description.path("x-webhooks").path("push").path("post").path("parameters");
    Webhooks.Delivery delivery = Webhooks.github("push", Webhooks.githubPush("main", AFTER), "s");
    for (JsonNode parameter : parameters) {
      String name = parameter.path("name").asText();
      assertThat(delivery.headers().keySet())
          .as("header %s", name)
          .anySatisfy(h -> assertThat(h).isEqualToIgnoringCase(name));
    }
  }

  private static String schemaRef(JsonNode webhooks, String name) {
    return webhooks
        .path(name)
        .path("post")
        .path("requestBody")
        .path("content")
        .path("application/json")
        .path("schema")
        .path("$ref")
        .asText();
  }

  private static List<String> problems(String schemaName, JsonObject payload) {
    JsonSchema schema =
        factory.getSchema(SchemaLocation.of(DOCUMENT + "#/components/schemas/" + schemaName));
    try {
      Set<ValidationMessage> messages = schema.validate(JSON.readTree(payload.encode()));
      return messages.stream().map(ValidationMessage::getMessage).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
