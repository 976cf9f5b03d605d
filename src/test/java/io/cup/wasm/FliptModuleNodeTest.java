package io.cup.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.NodeJs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The example Flipt controller's own test ({@code controllers/flipt/test.mjs}) run under Node's
 * WASI, so the committed {@code flipt.wasm} is checked by a second WASI implementation besides
 * Chicory: get, list, put, delete and the exit codes, on a copy of the demo repository.
 */
class FliptModuleNodeTest {
  @Test
  void theModulePassesItsOwnTestsUnderNodesWasi() throws Exception {
    String node = NodeJs.version();
    Assumptions.assumeTrue(
        node != null, "node is not installed: .ci/run installs nodejs for this test");

    NodeJs.Result result =
        NodeJs.run(Path.of("controllers", "flipt", "test.mjs"), Duration.ofMinutes(4));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains(" passed, 0 failed").doesNotContain("FAIL");
  }
}
