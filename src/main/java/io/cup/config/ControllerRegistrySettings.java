package io.cup.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where WASM controllers named by an OCI reference ({@code spec.spec.image}) come from and how they
 * are kept (docs/controllers.md, "Controllers from an OCI registry").
 *
 * @param registryConfig the Docker-style {@code config.json} with registry logins ({@code
 *     --controller-registry-config}); null: {@code ~/.docker/config.json}
 * @param insecure registries (host or host:port) reached over plain HTTP ({@code
 *     --controller-registry-insecure})
 * @param allowed registries controllers may come from ({@code --controller-allowed-registries});
 *     empty: any
 * @param refreshMillis how often tags are resolved again ({@code --controller-refresh-interval});
 *     0: never (the digest resolved at start runs until a restart)
 * @param maxModuleBytes the largest module pulled
 * @param timeoutMillis how long one registry call may take
 */
public record ControllerRegistrySettings(
    String registryConfig,
    List<String> insecure,
    List<String> allowed,
    long refreshMillis,
    long maxModuleBytes,
    long timeoutMillis) {
  public static final long DEFAULT_MAX_MODULE_BYTES = 64L * 1024 * 1024;
  public static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

  public static final ControllerRegistrySettings DEFAULT =
      new ControllerRegistrySettings(
          null, List.of(), List.of(), 0, DEFAULT_MAX_MODULE_BYTES, DEFAULT_TIMEOUT_MILLIS);

  public ControllerRegistrySettings {
    insecure = insecure == null ? List.of() : List.copyOf(insecure);
    allowed = allowed == null ? List.of() : List.copyOf(allowed);
    maxModuleBytes = maxModuleBytes <= 0 ? DEFAULT_MAX_MODULE_BYTES : maxModuleBytes;
    timeoutMillis = timeoutMillis <= 0 ? DEFAULT_TIMEOUT_MILLIS : timeoutMillis;
    if (refreshMillis < 0) {
      throw new IllegalArgumentException("refreshMillis must not be negative");
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("registryConfig", registryConfig)
        .put("insecure", new JsonArray(insecure))
        .put("allowed", new JsonArray(allowed))
        .put("refreshMillis", refreshMillis)
        .put("maxModuleBytes", maxModuleBytes)
        .put("timeoutMillis", timeoutMillis);
  }

  /** Reads what {@link #toJson} writes; null or missing fields are the defaults. */
  public static ControllerRegistrySettings fromJson(JsonObject json) {
    if (json == null) {
      return DEFAULT;
    }
    return new ControllerRegistrySettings(
        json.getString("registryConfig"),
        strings(json.getJsonArray("insecure")),
        strings(json.getJsonArray("allowed")),
        json.getLong("refreshMillis", 0L),
        json.getLong("maxModuleBytes", DEFAULT_MAX_MODULE_BYTES),
        json.getLong("timeoutMillis", DEFAULT_TIMEOUT_MILLIS));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
