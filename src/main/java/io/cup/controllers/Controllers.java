package io.cup.controllers;

import io.cup.config.ConfigurationException;
import io.cup.config.ControllerConfig;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ServerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One {@link Controller} per configured controller, built once at startup from a {@link
 * ResourceConfiguration}. A controller that cannot be built (bad template, unsupported type) fails
 * startup with a {@link ConfigurationException} naming it and its file.
 */
public final class Controllers {
  private final Map<String, Controller> byName;

  private Controllers(Map<String, Controller> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** The controllers of {@code configuration}, with WASM modules of their own (tests, tools). */
  public static Controllers of(ResourceConfiguration configuration) {
    return of(configuration, ServerConfig.DEFAULT_MAX_RESOURCE_BYTES, new WasmModules());
  }

  /**
   * @param maxResourceBytes the largest resource file a template controller reads or writes
   * @param modules where WASM controllers load their modules: the server's, shared by its workers
   */
  public static Controllers of(
      ResourceConfiguration configuration, long maxResourceBytes, WasmModules modules) {
    Map<String, Controller> byName = new LinkedHashMap<>();
    new TreeMap<>(configuration.controllers())
        .forEach((name, config) -> byName.put(name, build(config, maxResourceBytes, modules)));
    return new Controllers(byName);
  }

  /** The controller named {@code name}, when configured. */
  public Optional<Controller> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  static Controller build(ControllerConfig config) {
    return build(config, ServerConfig.DEFAULT_MAX_RESOURCE_BYTES, new WasmModules());
  }

  static Controller build(ControllerConfig config, long maxResourceBytes, WasmModules modules) {
    String type = config.type() == null ? "" : config.type();
    return switch (type) {
      case "template" ->
          new TemplateController(config, TemplateController.DEFAULT_CACHE_BYTES, maxResourceBytes);
      case "wasm" -> new WasmController(config, modules);
      default ->
          throw new ConfigurationException(
              "controller "
                  + config.name()
                  + " ("
                  + config.file()
                  + "): unknown type \""
                  + type
                  + "\" (template or wasm)");
    };
  }
}
