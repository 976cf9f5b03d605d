package io.cup.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A {@code Controller} of the original Cup. {@code type} is {@code template} or {@code wasm};
 * {@code spec} is the inner {@code spec.spec} object (empty when absent); {@code directory} is the
 * resource configuration directory that relative paths (a wasm {@code path}) resolve against.
 */
public record ControllerConfig(
    String name, String type, JsonObject spec, Path directory, String file) {}
