package io.cup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Main.run} as the process runs it, for the outcomes that end without serving. */
class MainTest {
  @TempDir Path work;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void brokenResourceConfigurationExitsOneWithTheMessage() throws IOException {
    Path resources = Files.createDirectories(work.resolve("resources"));
    Files.writeString(
        resources.resolve("x.json"),
        "{\"apiVersion\": \"cup.flipt.io/v1alpha1\", \"kind\": \"Foo\", \"metadata\": {\"name\":"
            + " \"x\"}}");

    int code =
        run("serve", "--api-git-repo", "file:///nowhere.git", "--api-resources", "resources");

    assertThat(code).isEqualTo(1);
    assertThat(stderr())
        .contains(
            "cup: "
                + resources.resolve("x.json")
                + ": kind: unknown kind \"Foo\" (expected ResourceDefinition, Controller,"
                + " Binding)");
  }

  @Test
  void aVerticleThatCannotBeFoundExitsOne() throws IOException {
    Path verticles = Files.createDirectories(work.resolve("verticles"));
    Files.writeString(
        verticles.resolve("x.json"), "{\"name\": \"x\", \"class\": \"io.cup.nowhere.X\"}");

    int code = run("serve", "--demo");

    assertThat(code).isEqualTo(1);
    assertThat(stderr()).contains("cup: verticle \"x\" (io.cup.nowhere.X, ").contains("not found");
    assertThat(work.resolve("data/demo/origin.git/HEAD")).exists();
  }

  @Test
  void badFlagExitsTwo() {
    assertThat(run("serve", "--api-address", "nowhere")).isEqualTo(2);
    assertThat(stderr()).contains("cup serve: invalid value for --api-address");
  }

  @Test
  void versionExitsZero() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("cup ");
  }

  private int run(String... args) {
    return Main.run(
        args,
        Map.of(),
        work,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
