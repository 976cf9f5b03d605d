package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.NodeJs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The web UI's browser specs ({@code ui/e2e/*.test.mjs}: Node's test runner, playwright-core
 * driving Debian's {@code chromium}) as the JUnit browser tests run them: what they need checked
 * first, and a spec run whose every step must pass.
 */
final class UiSpecs {
  private static final Path UI = Path.of("ui");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private UiSpecs() {}

  /**
   * The UI is built into the classpath (skipped only for a build with {@code -Dcup.ui.skip=true}),
   * and node, the UI's node_modules and chromium are there.
   */
  static void requireBrowser() throws InterruptedException {
    boolean built = UiSpecs.class.getClassLoader().getResource("cup-ui/index.html") != null;
    Assumptions.assumeFalse(
        !built && Boolean.getBoolean("cup.ui.skip"),
        "the UI was not built into this build (-Dcup.ui.skip=true)");
    assertThat(built).as("the UI is built into the classpath (cup-ui/index.html)").isTrue();
    assertThat(NodeJs.version()).as("node (Node.js 20 or later)").isNotNull();
    assertThat(UI.resolve("node_modules").resolve("playwright-core"))
        .as("ui/node_modules (npm ci --prefix ui, as .ci/run does)")
        .isDirectory();
    assertThat(CHROMIUM).as("Debian's chromium (.ci/run installs it)").isExecutable();
  }

  /**
   * Runs {@code ui/e2e/<spec>} with {@code environment} (and {@code CHROMIUM}) and asserts that it
   * ran steps and every one passed.
   */
  static void run(String spec, Map<String, String> environment, Duration within) throws Exception {
    Map<String, String> env = new HashMap<>(environment);
    env.put("CHROMIUM", CHROMIUM.toString());
    NodeJs.Result result =
        NodeJs.run(
            List.of(
                "node",
                "--test",
                "--test-concurrency=1",
                "--test-reporter=tap",
                UI.resolve("e2e").resolve(spec).toString()),
            env,
            within);
    assertThat(result.exitCode()).as("ui/e2e/" + spec + ":\n" + result.output()).isZero();
    assertThat(result.output()).contains("# fail 0").doesNotContain("# pass 0\n");
  }
}
