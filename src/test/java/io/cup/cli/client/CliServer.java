package io.cup.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.cli.Cli;
import io.cup.cli.Invocation;
import io.cup.config.ServerConfig;
import io.cup.e2e.Fixture;
import io.cup.launcher.CupServer;
import io.cup.testing.GitDaemon;
import io.cup.testing.TestRepos;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A real Cup server for the command line to talk to: a bare repository {@code config.git} served by
 * a real {@code git daemon} on loopback, with {@code Service} resources (group {@code apps.cup.io})
 * and {@code Route} kinds in two groups ({@code net.cup.io}, {@code edge.cup.io}, so that {@code
 * routes} is ambiguous), started as users start it: {@code serve} flags parsed by the real command
 * line, the packaged verticle descriptors.
 */
final class CliServer implements AutoCloseable {
  static final String GROUP = "apps.cup.io";

  final Path base;
  final Path remote;
  final GitDaemon daemon;
  final CupServer server;
  final String address;

  CliServer(Vertx vertx, Path base, long pollMillis) throws Exception {
    this(vertx, base, pollMillis, resources -> List.of());
  }

  /**
   * A server started with more {@code serve} flags, made from the resources directory (where a test
   * may also write RBAC documents); with {@code --api-tls-cert-file} among them the address is
   * {@code https://}.
   */
  CliServer(Vertx vertx, Path base, long pollMillis, Function<Path, List<String>> moreServeFlags)
      throws Exception {
    this.base = base;
    Fixture fixture = new Fixture(base);
    this.remote = fixture.remote;
    this.daemon = fixture.daemon;
    Path resources = writeRoutes(fixture.resources);
    int port = freePort();
    List<String> more = moreServeFlags.apply(resources);
    this.address =
        (more.contains("--api-tls-cert-file") ? "https" : "http") + "://127.0.0.1:" + port;
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve",
                "--api-address",
                "127.0.0.1:" + port,
                "--api-git-repo",
                daemon.url("config.git"),
                "--api-resources",
                resources.toString(),
                "--data-dir",
                base.resolve("data").toString(),
                "--api-git-poll-interval",
                pollMillis + "ms"));
    args.addAll(more);
    Invocation serve =
        Cli.parse(
            args.toArray(String[]::new),
            Map.of(),
            base,
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertThat(serve.serve()).as(err.toString()).isTrue();
    ServerConfig config = serve.server();
    this.server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
  }

  @Override
  public void close() throws Exception {
    server.close().await(2, TimeUnit.MINUTES);
    daemon.close();
  }

  /** The proposal branches on the remote. */
  Set<String> proposalBranches() {
    Set<String> branches = new TreeSet<>();
    for (String ref : TestRepos.refs(remote).keySet()) {
      if (ref.startsWith("refs/heads/cup/proposal/")) {
        branches.add(ref.substring("refs/heads/".length()));
      }
    }
    return branches;
  }

  ObjectId main() {
    return TestRepos.ref(remote, "refs/heads/main");
  }

  /** The files a revision of the remote changes compared with {@code main}. */
  Set<String> changedFromMain(String revision) {
    Map<String, String> before = TestRepos.files(remote, main().name());
    Map<String, String> after = TestRepos.files(remote, revision);
    Set<String> changed = new TreeSet<>();
    for (String path : before.keySet()) {
      if (!before.get(path).equals(after.get(path))) {
        changed.add(path);
      }
    }
    for (String path : after.keySet()) {
      if (!before.containsKey(path)) {
        changed.add(path);
      }
    }
    return changed;
  }

  static String path(String namespace, String name) {
    return Fixture.path(namespace, name);
  }

  static String service(String namespace, String name, int replicas, String label, String value) {
    return Fixture.service(namespace, name, replicas, label, value);
  }

  /**
   * Adds to the e2e fixture's configuration (Service) a Route kind in two groups, bound to the same
   * template controller, so that {@code routes} is ambiguous.
   */
  private static Path writeRoutes(Path dir) {
    try {
      for (String group : new String[] {"net.cup.io", "edge.cup.io"}) {
        Files.writeString(
            dir.resolve("routes-" + group + ".json"),
            definition(
                "routes." + group,
                "Route",
                "route",
                "routes",
                group,
                "\"spec\": {\"type\": \"object\"}"),
            StandardCharsets.UTF_8);
      }
      Files.writeString(
          dir.resolve("routes-binding.yaml"),
          """
          apiVersion: cup.flipt.io/v1alpha1
          kind: Binding
          metadata:
            name: routes
          spec:
            controller: template
            resources:
              - net.cup.io/v1/routes
              - edge.cup.io/v1/routes
          """,
          StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String definition(
      String name, String kind, String singular, String plural, String group, String spec) {
    return """
        {
          "apiVersion": "cup.flipt.io/v1alpha1",
          "kind": "ResourceDefinition",
          "metadata": {"name": "%s"},
          "names": {"kind": "%s", "singular": "%s", "plural": "%s"},
          "spec": {
            "group": "%s",
            "versions": {
              "v1": {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "required": ["apiVersion", "kind", "metadata", "spec"],
                "properties": {
                  %s
                }
              }
            }
          }
        }
        """
        .formatted(name, kind, singular, plural, group, spec);
  }

  static int freePort() {
    return Fixture.freePort();
  }

  /** An environment for the command line: its own config home, temp dir and home. */
  static Map<String, String> environment(Path base) {
    Map<String, String> env = new HashMap<>();
    try {
      env.put("XDG_CONFIG_HOME", Files.createDirectories(base.resolve("xdg")).toString());
      env.put("HOME", Files.createDirectories(base.resolve("home")).toString());
      env.put("TMPDIR", Files.createDirectories(base.resolve("tmp")).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return env;
  }
}
