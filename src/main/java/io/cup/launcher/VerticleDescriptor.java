package io.cup.launcher;

import io.cup.config.ConfigurationException;
import io.cup.config.ServerConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One file of {@code verticles/}: which verticle class to deploy, in which order (those of one
 * {@code order} are deployed together, after every one of a lower order has started), how many
 * instances, on the event loop or a named worker pool, and its own config.
 *
 * <pre>{@code
 * {"name": "fetcher", "class": "io.cup.fetcher.FetcherVerticle", "order": 1, "instances": 1,
 *  "worker": true, "workerPoolName": "cup-git", "workerPoolSize": 2,
 *  "maxWorkerExecuteTimeSeconds": 120, "config": {}}
 * }</pre>
 *
 * {@code instances} and {@code workerPoolSize} may be {@code "cores"}: the number of processors.
 *
 * @param workerPoolName null for Vert.x's shared worker pool
 * @param workerPoolSize 0 for Vert.x's default
 * @param maxWorkerExecuteTimeSeconds 0 for Vert.x's default
 * @param file where it was read from, for messages
 */
public record VerticleDescriptor(
    String name,
    String className,
    int order,
    int instances,
    boolean worker,
    String workerPoolName,
    int workerPoolSize,
    long maxWorkerExecuteTimeSeconds,
    JsonObject config,
    String file) {

  private static final List<String> FIELDS =
      List.of(
          "name",
          "class",
          "order",
          "instances",
          "worker",
          "workerPoolName",
          "workerPoolSize",
          "maxWorkerExecuteTimeSeconds",
          "config");

  /**
   * Reads a descriptor.
   *
   * @throws ConfigurationException naming {@code file} and the field
   */
  public static VerticleDescriptor fromJson(JsonObject json, String file) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new ConfigurationException(
            file + ": " + field + ": unknown field (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    String name = requiredText(json, "name", file);
    String className = requiredText(json, "class", file);
    int order = integer(json, "order", file, Integer.MAX_VALUE);
    int instances = countOrCores(json, "instances", file, 1);
    if (instances < 1) {
      throw new ConfigurationException(file + ": instances: must be at least 1");
    }
    boolean worker = bool(json, "worker", file);
    String poolName = optionalText(json, "workerPoolName", file);
    int poolSize = countOrCores(json, "workerPoolSize", file, 0);
    long maxExecute = integer(json, "maxWorkerExecuteTimeSeconds", file, 0);
    if (poolSize < 0 || maxExecute < 0) {
      throw new ConfigurationException(
          file
              + ": "
              + (poolSize < 0 ? "workerPoolSize" : "maxWorkerExecuteTimeSeconds")
              + ": must not be negative");
    }
    Object config = json.getValue("config");
    if (config != null && !(config instanceof JsonObject)) {
      throw new ConfigurationException(file + ": config: expected an object");
    }
    return new VerticleDescriptor(
        name,
        className,
        order,
        instances,
        worker,
        poolName,
        poolSize,
        maxExecute,
        config == null ? new JsonObject() : ((JsonObject) config).copy(),
        file);
  }

  /** The deployment options, with {@code {"server": …}} added to the descriptor's config. */
  public DeploymentOptions deploymentOptions(ServerConfig server) {
    DeploymentOptions options =
        new DeploymentOptions()
            .setInstances(instances)
            .setConfig(config.copy().put("server", server.toJson()));
    if (worker) {
      options.setThreadingModel(ThreadingModel.WORKER);
    }
    if (workerPoolName != null) {
      options.setWorkerPoolName(workerPoolName);
    }
    if (workerPoolSize > 0) {
      options.setWorkerPoolSize(workerPoolSize);
    }
    if (maxWorkerExecuteTimeSeconds > 0) {
      options.setMaxWorkerExecuteTime(maxWorkerExecuteTimeSeconds);
      options.setMaxWorkerExecuteTimeUnit(TimeUnit.SECONDS);
    }
    return options;
  }

  private static String requiredText(JsonObject json, String field, String file) {
    String value = optionalText(json, field, file);
    if (value == null || value.isBlank()) {
      throw new ConfigurationException(file + ": " + field + ": required");
    }
    return value;
  }

  private static String optionalText(JsonObject json, String field, String file) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new ConfigurationException(file + ": " + field + ": expected a string");
    }
    return (String) value;
  }

  private static boolean bool(JsonObject json, String field, String file) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof Boolean)) {
      throw new ConfigurationException(file + ": " + field + ": expected true or false");
    }
    return Boolean.TRUE.equals(value);
  }

  private static int integer(JsonObject json, String field, String file, int absent) {
    Object value = json.getValue(field);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() != ((Number) value).intValue()) {
      throw new ConfigurationException(file + ": " + field + ": expected an integer");
    }
    return ((Number) value).intValue();
  }

  private static int countOrCores(JsonObject json, String field, String file, int absent) {
    if ("cores".equals(json.getValue(field))) {
      return Runtime.getRuntime().availableProcessors();
    }
    if (json.getValue(field) instanceof String) {
      throw new ConfigurationException(file + ": " + field + ": expected an integer or \"cores\"");
    }
    return integer(json, field, file, absent);
  }
}
