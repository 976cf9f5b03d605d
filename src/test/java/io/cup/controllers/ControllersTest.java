package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ConfigurationException;
import io.cup.config.ControllerConfig;
import io.cup.config.ResourceConfiguration;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllersTest {
  private static ControllerConfig config(String name, String type, JsonObject spec) {
    return new ControllerConfig(name, type, spec, Path.of("conf"), "conf/" + name + ".json");
  }

  private static ResourceConfiguration configuration(ControllerConfig... controllers) {
    Map<String, ControllerConfig> byName = new HashMap<>();
    for (ControllerConfig c : controllers) {
      byName.put(c.name(), c);
    }
    return new ResourceConfiguration(List.of(), byName, List.of(), Map.of());
  }

  @Test
  void buildsOneTemplateControllerPerConfiguredController() {
    Controllers controllers =
        Controllers.of(
            configuration(
                config("files", "template", new JsonObject()),
                config("yaml", "template", new JsonObject().put("encoding", "yaml"))));

    assertThat(controllers.named("files")).containsInstanceOf(TemplateController.class);
    assertThat(controllers.named("yaml")).containsInstanceOf(TemplateController.class);
    assertThat(controllers.named("files").get()).isNotSameAs(controllers.named("yaml").get());
    assertThat(controllers.named("missing")).isEmpty();
  }

  @Test
  void wasmIsRefusedClearlyAtStartup() {
    assertThatThrownBy(
            () ->
                Controllers.of(
                    configuration(
                        config("flipt", "wasm", new JsonObject().put("path", "flipt.wasm")))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "controller flipt (conf/flipt.json): type wasm is not supported by this build"
                + " yet");
  }

  @Test
  void unknownTypesAndBadTemplatesNameTheController() {
    assertThatThrownBy(() -> Controllers.of(configuration(config("x", "lua", new JsonObject()))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("controller x (conf/x.json): unknown type \"lua\" (template or wasm)");
    assertThatThrownBy(
            () ->
                Controllers.of(
                    configuration(
                        config(
                            "t",
                            "template",
                            new JsonObject().put("resource_template", "{{ .Name | upper }}")))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("controller t (conf/t.json): spec.spec.resource_template");
  }
}
