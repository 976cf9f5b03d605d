package io.cup.api;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real resource configuration directory (definition, template controller, binding, in the
 * original Cup's JSON format) and an {@link ApiVerticle} deployed on a free loopback port.
 */
final class ApiFixture {
  static final String HOST = "127.0.0.1";
  static final String WIDGETS = "/apis/test.cup.io/v1/namespaces/default/widgets";

  static final String DEFINITION =
      """
      {
        "apiVersion": "cup.flipt.io/v1alpha1",
        "kind": "ResourceDefinition",
        "metadata": {"name": "widgets.test.cup.io"},
        "names": {"kind": "Widget", "singular": "widget", "plural": "widgets"},
        "spec": {
          "group": "test.cup.io",
          "versions": {
            "v1": {
              "type": "object",
              "required": ["spec"],
              "properties": {
                "spec": {
                  "type": "object",
                  "required": ["replicas"],
                  "properties": {
                    "replicas": {"type": "integer", "minimum": 0},
                    "mode": {"enum": ["fast", "slow"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "notes": {"type": "string"}
                  },
                  "additionalProperties": false
                }
              }
            },
            "v2": {"type": "object"}
          }
        }
      }
      """;
  static final String CONTROLLER =
      """
      {"apiVersion": "cup.flipt.io/v1alpha1", "kind": "Controller",
       "metadata": {"name": "template"}, "spec": {"type": "template"}}
      """;
  static final String BINDING =
      """
      {"apiVersion": "cup.flipt.io/v1alpha1", "kind": "Binding",
       "metadata": {"name": "widgets"},
       "spec": {"controller": "template", "resources": ["test.cup.io/v1/widgets"]}}
      """;

  private ApiFixture() {}

  static Path writeConfiguration(Path dir) throws IOException {
    Files.writeString(dir.resolve("definition.json"), DEFINITION);
    Files.writeString(dir.resolve("controller.json"), CONTROLLER);
    Files.writeString(dir.resolve("binding.json"), BINDING);
    return dir;
  }

  /** Deploys the verticle; {@code server} and {@code extra} override the defaults. */
  static Future<Deployed> deploy(Vertx vertx, Path config, JsonObject server, JsonObject extra) {
    return deploy(vertx, config, server, extra, new RecentWebhookDeliveries());
  }

  /**
   * As {@link #deploy(Vertx, Path, JsonObject, JsonObject)}, sharing {@code deliveries} with other
   * instances as a server's API instances do.
   */
  static Future<Deployed> deploy(
      Vertx vertx, Path config, JsonObject server, JsonObject extra, WebhookDeliveries deliveries) {
    JsonObject serverConfig =
        new JsonObject()
            .put("host", HOST)
            .put("port", 0)
            .put("source", "git")
            .put("resourcesDir", config.toString())
            .mergeIn(server);
    JsonObject verticleConfig = new JsonObject().put("server", serverConfig).mergeIn(extra);
    ApiVerticle verticle = new ApiVerticle(deliveries);
    return vertx
        .deployVerticle(verticle, new DeploymentOptions().setConfig(verticleConfig))
        .map(id -> new Deployed(id, verticle.actualPort(), WebClient.create(vertx)));
  }

  static Future<Deployed> deploy(Vertx vertx, Path config) {
    return deploy(vertx, config, new JsonObject(), new JsonObject());
  }

  /**
   * Registers {@code backend} (the other verticles, faked), then deploys the API in front of it,
   * waiting for both (at most a minute).
   */
  static Deployed deploy(Vertx vertx, Path config, FakeBackend backend) throws Exception {
    backend.register(vertx).await(1, TimeUnit.MINUTES);
    return deploy(vertx, config).await(1, TimeUnit.MINUTES);
  }

  static JsonObject widget(String name, int replicas) {
    return new JsonObject()
        .put("apiVersion", "test.cup.io/v1")
        .put("kind", "Widget")
        .put(
            "metadata",
            new JsonObject()
                .put("namespace", "default")
                .put("name", name)
                .put("labels", new JsonObject().put("app", "demo")))
        .put("spec", new JsonObject().put("replicas", replicas));
  }

  /** A deployed API: its deployment id, port and a client for it. */
  record Deployed(String id, int port, WebClient client) {
    HttpRequest<Buffer> get(String path) {
      return client.get(port, HOST, path);
    }

    HttpRequest<Buffer> put(String path) {
      return client.put(port, HOST, path);
    }

    HttpRequest<Buffer> delete(String path) {
      return client.delete(port, HOST, path);
    }

    HttpRequest<Buffer> post(String path) {
      return client.post(port, HOST, path);
    }
  }
}
