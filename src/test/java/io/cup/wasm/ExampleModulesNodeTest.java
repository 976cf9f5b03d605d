package io.cup.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.testing.NodeJs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example controllers' own tests ({@code controllers/<name>/test.mjs}) run under Node's WASI,
 * so each committed {@code .wasm} is checked by a second WASI implementation besides Chicory: get,
 * list, put, delete and the exit codes, on scratch copies of their test repositories.
 */
class ExampleModulesNodeTest {
  @ParameterizedTest
  @ValueSource(strings = {"flipt", "original-protocol", "per-file"})
  void theModulePassesItsOwnTestsUnderNodesWasi(String module) throws Exception {
    Assumptions.assumeTrue(
        NodeJs.version() != null, "node is not installed: .ci/run installs nodejs for this test");

    NodeJs.Result result =
        NodeJs.run(Path.of("controllers", module, "test.mjs"), Duration.ofMinutes(4));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("ok ").doesNotContain("FAIL");
  }
}
