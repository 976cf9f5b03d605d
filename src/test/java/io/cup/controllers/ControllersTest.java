package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ConfigurationException;
import io.cup.config.ControllerConfig;
import io.cup.config.RbacPolicy;
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
    return new ResourceConfiguration(
        List.of(), byName, List.of(), Map.of(), RbacPolicy.bootstrap());
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
  void wasmControllersLoadTheirModuleOnceAndNameWhatIsWrong() {
    JsonObject flipt = new JsonObject().put("path", "controllers/flipt/flipt.wasm");
    ControllerConfig good = new ControllerConfig("flipt", "wasm", flipt, Path.of(""), "c.yaml");
    Controllers first = Controllers.of(configuration(good));
    assertThat(first.named("flipt")).containsInstanceOf(WasmController.class);
    assertThat(((WasmController) first.named("flipt").get()).limits().wallTime()).hasSeconds(5);

    JsonObject limited =
        flipt.copy().put("limits", new JsonObject().put("timeout", "250ms").put("memory", "8MiB"));
    WasmController withLimits =
        (WasmController)
            Controllers.of(
                    configuration(
                        new ControllerConfig("flipt", "wasm", limited, Path.of(""), "c.yaml")))
                .named("flipt")
                .get();
    assertThat(withLimits.limits().wallTime()).hasMillis(250);
    assertThat(withLimits.limits().memoryBytes()).isEqualTo(8L << 20);

    JsonObject badLimit = flipt.copy().put("limits", new JsonObject().put("memory", "lots"));
    assertThatThrownBy(
            () ->
                Controllers.of(
                    configuration(
                        new ControllerConfig("flipt", "wasm", badLimit, Path.of(""), "c.yaml"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("controller flipt (c.yaml): spec.spec.limits.memory:");
    assertThatThrownBy(
            () ->
                Controllers.of(
                    configuration(
                        config("gone", "wasm", new JsonObject().put("path", "gone.wasm")))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("gone.wasm");
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
