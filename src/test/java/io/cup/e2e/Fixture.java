package io.cup.e2e;

import io.cup.config.ServerConfig;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestConfigs;
import io.cup.testing.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real remote for end-to-end tests: a bare repository {@code config.git} with {@code Service}
 * resources (group {@code apps.cup.io}, version {@code v1}) laid out by the template controller,
 * served by a real {@code git daemon} on loopback, and the resource configuration that serves it.
 */
public final class Fixture {
  public static final String GROUP = "apps.cup.io";
  public static final String SERVICES = "/apis/apps.cup.io/v1/namespaces/default/services";

  public final Path base;
  public final Path remote;
  public final Path resources;
  public final GitDaemon daemon;

  public Fixture(Path base) {
    this.base = base;
    Map<String, String> seed = new LinkedHashMap<>();
    seed.put(path("default", "web"), service("default", "web", 2, "tier", "frontend"));
    seed.put(path("default", "api"), service("default", "api", 3, "tier", "backend"));
    seed.put(path("staging", "web"), service("staging", "web", 1, "tier", "frontend"));
    seed.put("README.md", "# config\n");
    this.remote = TestRepos.createBare(base.resolve("remote").resolve("config.git"), seed);
    this.resources = writeResources(base.resolve("resources"));
    this.daemon = GitDaemon.serve(base.resolve("remote"));
  }

  public String url() {
    return daemon.url("config.git");
  }

  ServerConfig config(Path dataDir, long pollMillis) {
    return config(dataDir, pollMillis, ServerConfig.DEFAULT_WATCH_BOOKMARK_MILLIS);
  }

  ServerConfig config(Path dataDir, long pollMillis, long bookmarkMillis) {
    return TestConfigs.git(url(), dataDir)
        .port(freePort())
        .pollInterval(Duration.ofMillis(pollMillis))
        .resourcesDir(resources)
        .watchBookmarkInterval(Duration.ofMillis(bookmarkMillis))
        .build();
  }

  public static String path(String namespace, String name) {
    return namespace + "/" + GROUP + "-v1-Service-" + name + ".json";
  }

  public static String service(
      String namespace, String name, int replicas, String label, String value) {
    return "{\n"
        + "  \"apiVersion\": \"apps.cup.io/v1\",\n"
        + "  \"kind\": \"Service\",\n"
        + "  \"metadata\": {\n"
        + "    \"namespace\": \""
        + namespace
        + "\",\n"
        + "    \"name\": \""
        + name
        + "\",\n"
        + "    \"labels\": {\n"
        + "      \""
        + label
        + "\": \""
        + value
        + "\"\n"
        + "    }\n"
        + "  },\n"
        + "  \"spec\": {\n"
        + "    \"image\": \"registry.example/"
        + name
        + ":1.0\",\n"
        + "    \"replicas\": "
        + replicas
        + "\n"
        + "  }\n"
        + "}\n";
  }

  private static Path writeResources(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("services.json"),
          """
          {
            "apiVersion": "cup.flipt.io/v1alpha1",
            "kind": "ResourceDefinition",
            "metadata": {"name": "services.apps.cup.io"},
            "names": {"kind": "Service", "singular": "service", "plural": "services"},
            "spec": {
              "group": "apps.cup.io",
              "versions": {
                "v1": {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "type": "object",
                  "required": ["apiVersion", "kind", "metadata", "spec"],
                  "properties": {
                    "spec": {
                      "type": "object",
                      "required": ["image", "replicas"],
                      "properties": {
                        "image": {"type": "string", "minLength": 1},
                        "replicas": {"type": "integer", "minimum": 0, "maximum": 100}
                      },
                      "additionalProperties": false
                    }
                  }
                }
              }
            }
          }
          """,
          StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve("controller.yaml"),
          """
          apiVersion: cup.flipt.io/v1alpha1
          kind: Controller
          metadata:
            name: template
          spec:
            type: template
          """,
          StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve("binding.yaml"),
          """
          apiVersion: cup.flipt.io/v1alpha1
          kind: Binding
          metadata:
            name: services
          spec:
            controller: template
            resources:
              - apps.cup.io/v1/services
          """,
          StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
