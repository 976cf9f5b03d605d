package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceConfigurationLoaderTest {
  /** The smallest valid WebAssembly module: magic and version, no sections. */
  private static final byte[] EMPTY_WASM_MODULE = {0, 'a', 's', 'm', 1, 0, 0, 0};

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  // ------------------------------------------------------------------ happy paths

  @Test
  void loadsTheOriginalFliptConfigurationWithAWasmController() throws IOException {
    copyFixture("flipt");
    Files.write(dir.resolve("flipt.wasm"), EMPTY_WASM_MODULE);

    ResourceConfiguration config = ResourceConfigurationLoader.load(dir);

    assertThat(config.definitions())
        .extracting(ResourceDefinition::name)
        .containsExactly("flags.flipt.io", "segments.flipt.io");
    assertThat(config.served().keySet())
        .containsExactlyInAnyOrder("flipt.io/v1alpha1/flags", "flipt.io/v1alpha1/segments");
    ServedResource flags = config.served("flipt.io", "v1alpha1", "flags").orElseThrow();
    assertThat(flags.definition().kind()).isEqualTo("Flag");
    assertThat(flags.definition().singular()).isEqualTo("flag");
    assertThat(flags.definition().file()).isEqualTo(dir.resolve("flags.json").toString());
    assertThat(flags.apiVersion()).isEqualTo("flipt.io/v1alpha1");
    assertThat(flags.controller().name()).isEqualTo("flipt");
    assertThat(flags.controller().type()).isEqualTo("wasm");
    assertThat(flags.controller().spec().getString("path")).isEqualTo("flipt.wasm");
    assertThat(flags.controller().directory()).isEqualTo(dir.toAbsolutePath().normalize());
    assertThat(config.bindings()).extracting(Binding::name).containsExactly("flipt");
    assertThat(flags.definition().raw().getJsonObject("names").getString("plural"))
        .isEqualTo("flags");
    assertThat(flags.definition().versions()).containsOnlyKeys("v1alpha1");
  }

  @Test
  void servedSchemasValidateWholeResources() throws IOException {
    copyFixture("template");

    JsonSchema schema =
        ResourceConfigurationLoader.load(dir)
            .served("test.cup.flipt.io", "v1alpha1", "resources")
            .orElseThrow()
            .schema();

    String good =
        "{\"apiVersion\":\"test.cup.flipt.io/v1alpha1\",\"kind\":\"Resource\","
            + "\"metadata\":{\"namespace\":\"default\",\"name\":\"foo\"},\"spec\":{\"foo\":\"bar\"}}";
    String extraSpecField = good.replace("\"foo\":\"bar\"", "\"foo\":\"bar\",\"baz\":1");
    assertThat(schema.validate(JSON.readTree(good))).isEmpty();
    assertThat(schema.validate(JSON.readTree(extraSpecField)))
        .extracting(m -> m.getInstanceLocation().toString())
        .containsExactly("$.spec");
  }

  @Test
  void loadsTheOriginalTemplateConfigurationWithAnEmptyControllerSpec() throws IOException {
    copyFixture("template");

    ResourceConfiguration config = ResourceConfigurationLoader.load(dir);

    ServedResource resources =
        config.served("test.cup.flipt.io", "v1alpha1", "resources").orElseThrow();
    assertThat(resources.controller().type()).isEqualTo("template");
    assertThat(resources.controller().spec().isEmpty()).isTrue();
    assertThat(config.controllers()).containsOnlyKeys("template");
  }

  @Test
  void multiDocumentYamlHoldsDefinitionControllerAndBinding() throws IOException {
    copyFixture("template-yaml");

    ResourceConfiguration config = ResourceConfigurationLoader.load(dir);

    assertThat(config.served()).containsOnlyKeys("test.cup.flipt.io/v1alpha1/resources");
    ControllerConfig template = config.controllers().get("template");
    assertThat(template.spec().getString("resource_template"))
        .isEqualTo("{{ .Namespace }}/{{ .Kind }}-{{ .Name }}.yaml");
    assertThat(template.file()).isEqualTo(dir.resolve("all.yaml") + " (document 2)");
  }

  @Test
  void readsYmlAndJsonTogetherAndIgnoresOtherFilesAndSubdirectories() throws IOException {
    copyFixture("template");
    Files.move(dir.resolve("binding.json"), dir.resolve("binding.keep"));
    write(
        "binding.yml",
        "apiVersion: cup.flipt.io/v1alpha1\nkind: Binding\nmetadata: {name: b}\n"
            + "spec: {controller: template, resources: [test.cup.flipt.io/v1alpha1/resources]}\n");
    write("README.md", "# not configuration\n");
    write("notes.txt", "{ not json");
    Files.write(dir.resolve("module.wasm"), EMPTY_WASM_MODULE);
    Files.createDirectories(dir.resolve("nested"));
    Files.writeString(dir.resolve("nested/broken.json"), "{ broken");

    ResourceConfiguration config = ResourceConfigurationLoader.load(dir);

    assertThat(config.bindings()).extracting(Binding::name).containsExactly("b");
  }

  @Test
  void definitionsMayServeSeveralVersionsAndBindingsPickSome() {
    write(
        "def.yaml",
        definitionYaml("things", "Thing", "v1", "{type: object}")
            .replace(
                "    v1: {type: object}\n", "    v1: {type: object}\n    v2: {type: object}\n"));
    write("ctl.yaml", templateControllerYaml("template"));
    write("bind.yaml", bindingYaml("b", "template", "example.com/v2/things"));

    ResourceConfiguration config = ResourceConfigurationLoader.load(dir);

    assertThat(config.served()).containsOnlyKeys("example.com/v2/things");
    assertThat(config.definitions().get(0).versions()).containsOnlyKeys("v1", "v2");
  }

  @Test
  void draft07SchemasAreCompiledAsDraft07() throws IOException {
    String schema =
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"definitions\": {\"name\":"
            + " {\"type\": \"string\", \"maxLength\": 3}}, \"type\": \"object\", \"properties\":"
            + " {\"metadata\": {\"properties\": {\"name\": {\"$ref\": \"#/definitions/name\"}}},"
            + " \"spec\": {\"items\": [{\"type\": \"integer\"}]}}}";
    writeTemplateSetup(schema);

    JsonSchema compiled = onlyServedSchema();

    assertThat(compiled.validate(JSON.readTree("{\"metadata\": {\"name\": \"abc\"}}"))).isEmpty();
    assertThat(compiled.validate(JSON.readTree("{\"metadata\": {\"name\": \"abcd\"}}"))).hasSize(1);
    // In draft 7 an array-valued "items" checks positions: the first item must be an integer.
    assertThat(compiled.validate(JSON.readTree("{\"spec\": [\"x\"]}"))).hasSize(1);
    assertThat(compiled.validate(JSON.readTree("{\"spec\": [1, \"x\"]}"))).isEmpty();
  }

  @Test
  void schemasWithout$schemaAreDraft2020_12() throws IOException {
    String schema =
        "{\"type\": \"object\", \"$defs\": {\"n\": {\"type\": \"integer\"}},"
            + " \"properties\": {\"spec\": {\"prefixItems\": [{\"$ref\": \"#/$defs/n\"}],"
            + " \"items\": false}}}";
    writeTemplateSetup(schema);

    JsonSchema compiled = onlyServedSchema();

    assertThat(compiled.validate(JSON.readTree("{\"spec\": [1]}"))).isEmpty();
    assertThat(compiled.validate(JSON.readTree("{\"spec\": [\"x\"]}"))).hasSize(1);
    assertThat(compiled.validate(JSON.readTree("{\"spec\": [1, 2]}"))).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://json-schema.org/draft/2020-12/schema",
        "https://json-schema.org/draft/2019-09/schema",
        "http://json-schema.org/draft-07/schema",
        "https://json-schema.org/draft-07/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-04/schema#"
      })
  void everySupportedDraftIsAccepted(String metaSchema) throws IOException {
    writeTemplateSetup(
        "{\"$schema\": \""
            + metaSchema
            + "\", \"type\": \"object\","
            + " \"properties\": {\"spec\": {\"type\": \"object\", \"required\": [\"a\"]}}}");

    JsonSchema compiled = onlyServedSchema();

    assertThat(compiled.validate(JSON.readTree("{\"spec\": {}}"))).hasSize(1);
  }

  // ------------------------------------------------------------------ errors

  @Test
  void invalidSchemaNamesFileFieldAndSchemaPath() throws IOException {
    copyFixture("template");
    String broken =
        Files.readString(dir.resolve("resources.json"))
            .replace(
                "\"type\": \"object\",\n        \"properties\"",
                "\"type\": \"objet\",\n        \"properties\"");
    write("resources.json", broken);

    assertError(
        dir.resolve("resources.json")
            + ": spec.versions.v1alpha1: schema invalid: $.type: does not have a value in the"
            + " enumeration [");
  }

  @Test
  void invalidDraft07SchemaIsCheckedAgainstTheDraft07MetaSchema() {
    writeTemplateSetup(
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\","
            + " \"required\": \"spec\"}");

    assertError(
        dir.resolve("def.json")
            + ": spec.versions.v1: schema invalid: $.required: string found,"
            + " array expected");
  }

  @Test
  void unsupportedMetaSchema() {
    writeTemplateSetup("{\"$schema\": \"https://example.com/my-meta\", \"type\": \"object\"}");

    assertError(
        dir.resolve("def.json")
            + ": spec.versions.v1.$schema: unsupported meta-schema \"https://example.com/my-meta\""
            + " (supported: draft 2020-12, 2019-09, 7, 6, 4)");
  }

  @Test
  void remoteReferencesAreRefusedAtLoadTime() {
    writeTemplateSetup(
        "{\"type\": \"object\", \"properties\": {\"spec\": {\"$ref\":"
            + " \"https://example.com/s.json\"}}}");

    assertError(
        dir.resolve("def.json")
            + ": spec.versions.v1: schema invalid: $ref \"https://example.com/s.json\" is not"
            + " loaded: Cup never fetches schemas");
  }

  @Test
  void aWasmControllerMayNameAnOciReferenceAndAKeyInsteadOfAPath() throws Exception {
    java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
    ec.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(ec.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    write(
        "c.json",
        new io.vertx.core.json.JsonObject()
            .put("apiVersion", "cup.flipt.io/v1alpha1")
            .put("kind", "Controller")
            .put("metadata", new io.vertx.core.json.JsonObject().put("name", "flipt"))
            .put(
                "spec",
                new io.vertx.core.json.JsonObject()
                    .put("type", "wasm")
                    .put(
                        "spec",
                        new io.vertx.core.json.JsonObject()
                            .put("image", "ghcr.io/team/flipt:1.0@sha256:" + "a".repeat(64))
                            .put(
                                "verify",
                                new io.vertx.core.json.JsonObject().put("publicKey", pem))))
            .encode());
    write("defs.yaml", definitionYaml("things", "Thing", "v1", "{type: object}"));
    write("bind.yaml", bindingYaml("b", "flipt", "example.com/v1/things"));
    ControllerConfig loaded = ResourceConfigurationLoader.load(dir).controllers().get("flipt");
    assertThat(loaded.spec().getString("image")).startsWith("ghcr.io/team/flipt:1.0@sha256:");
  }

  @Test
  void aBadOciReferenceOrKeyNamesTheField() {
    write("c.yaml", wasmImageYaml("image: flipt:1.0"));
    assertError(dir.resolve("c.yaml") + ": spec.spec.image: \"flipt:1.0\" does not");
    write("c.yaml", wasmImageYaml("image: ghcr.io/team/flipt@sha512:abc"));
    assertError(dir.resolve("c.yaml") + ": spec.spec.image: \"sha512:abc\" is not a sha256");
    write("c.yaml", wasmImageYaml("image: ghcr.io/t/f:1\n    path: f.wasm"));
    assertError(dir.resolve("c.yaml") + ": spec.spec.image: give either path or image");
    write("c.yaml", wasmImageYaml("image: ghcr.io/t/f:1\n    verify: {publicKey: nope}"));
    assertError(dir.resolve("c.yaml") + ": spec.spec.verify.publicKey: expected a PEM public key");
    write("c.yaml", wasmImageYaml("image: ghcr.io/t/f:1\n    verify: {keyless: true}"));
    assertError(dir.resolve("c.yaml") + ": spec.spec.verify.keyless: unknown key");
  }

  private static String wasmImageYaml(String specLines) {
    return "apiVersion: cup.flipt.io/v1alpha1\nkind: Controller\nmetadata: {name: f}\n"
        + "spec:\n  type: wasm\n  spec:\n    "
        + specLines
        + "\n";
  }

  @Test
  void unknownKind() {
    write(
        "x.json",
        "{\"apiVersion\": \"cup.flipt.io/v1alpha1\", \"kind\": \"Foo\", \"metadata\": {\"name\":"
            + " \"x\"}}");

    assertError(
        dir.resolve("x.json")
            + ": kind: unknown kind \"Foo\" (expected ResourceDefinition, Controller, Binding)");
  }

  @Test
  void missingKind() {
    write("x.yaml", "apiVersion: cup.flipt.io/v1alpha1\nmetadata: {name: x}\n");

    assertError(
        dir.resolve("x.yaml")
            + ": kind: required (one of ResourceDefinition, Controller, Binding)");
  }

  @Test
  void wrongApiVersion() {
    write(
        "x.yaml", templateControllerYaml("t").replace("cup.flipt.io/v1alpha1", "cup.flipt.io/v1"));

    assertError(
        dir.resolve("x.yaml")
            + ": apiVersion: expected \"cup.flipt.io/v1alpha1\" or \"rbac.authorization.k8s.io/v1\","
            + " found \"cup.flipt.io/v1\"");
  }

  @Test
  void missingMetadataName() {
    write("x.yaml", templateControllerYaml("t").replace("metadata: {name: t}", "metadata: {}"));

    assertError(dir.resolve("x.yaml") + ": metadata.name: required");
  }

  @Test
  void malformedJsonGivesLineAndColumn() {
    write(
        "bad.json", "{\n  \"apiVersion\": \"cup.flipt.io/v1alpha1\",\n  \"kind\" \"Binding\"\n}\n");

    assertError(dir.resolve("bad.json") + ": line 3, column 10: Unexpected character");
  }

  @Test
  void duplicateJsonKeysAreRefused() {
    write("dup.json", "{\"kind\": \"Binding\",\n \"kind\": \"Controller\"}");

    assertError(dir.resolve("dup.json") + ": line 2, column 8: Duplicate field 'kind'");
  }

  @Test
  void malformedYamlGivesLineAndColumn() {
    write("bad.yaml", "apiVersion: cup.flipt.io/v1alpha1\nkind: [Binding\nmetadata: {name: x}\n");

    assertError(dir.resolve("bad.yaml") + ": line ");
    assertThatThrownBy(() -> ResourceConfigurationLoader.load(dir))
        .hasMessageMatching(".*bad\\.yaml: line \\d+, column \\d+: .*");
  }

  @Test
  void nonObjectDocument() {
    write("list.yaml", "- a\n- b\n");

    assertError(dir.resolve("list.yaml") + ": expected an object, found a list");
  }

  @Test
  void emptyFile() {
    write("empty.yaml", "# nothing here\n");

    assertError(dir.resolve("empty.yaml") + ": empty");
  }

  @Test
  void errorInSecondYamlDocumentNamesTheDocument() {
    write(
        "all.yaml",
        templateControllerYaml("t")
            + "---\n"
            + templateControllerYaml("u").replace("template", "helm"));

    assertError(
        dir.resolve("all.yaml")
            + " (document 2): spec.type: unknown controller type \"helm\" (expected template,"
            + " wasm)");
  }

  @Test
  void bindingToUnknownController() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("bindings.yaml", bindingYaml("flipt", "flipt", "example.com/v1/things"));
    deleteFile("bind.json");

    assertError(
        dir.resolve("bindings.yaml")
            + ": spec.controller: no controller named \"flipt\" (defined: template)");
  }

  @Test
  void bindingToUnknownResource() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("bind.json", bindingJson("b", "template", "example.com/v1/widgets"));

    assertError(
        dir.resolve("bind.json")
            + ": spec.resources[0]: no definition serves \"example.com/v1/widgets\""
            + " (defined: example.com/v1/things)");
  }

  @Test
  void bindingToAVersionTheDefinitionLacks() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("bind.json", bindingJson("b", "template", "example.com/v2/things"));

    assertError(
        dir.resolve("bind.json")
            + ": spec.resources[0]: definition \"things.example.com\" ("
            + dir.resolve("def.json")
            + ") has no version \"v2\" (it has v1)");
  }

  @Test
  void malformedResourceKey() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("bind.json", bindingJson("b", "template", "example.com/things"));

    assertError(
        dir.resolve("bind.json")
            + ": spec.resources[0]: \"example.com/things\" is not \"<group>/<version>/<plural>\"");
  }

  @Test
  void pluralServedTwice() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("bind2.yaml", bindingYaml("other", "template", "example.com/v1/things"));

    assertError(
        dir.resolve("bind2.yaml")
            + ": spec.resources[0]: \"example.com/v1/things\" is already served by binding \"b\" in"
            + " "
            + dir.resolve("bind.json"));
  }

  @Test
  void pluralDefinedTwice() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write(
        "def2.yaml",
        definitionYaml("things", "Gadget", "v1", "{type: object}")
            .replace("name: things.example.com", "name: gadgets.example.com"));

    assertError(
        dir.resolve("def2.yaml")
            + ": names.plural: \"things\" of group \"example.com\" is already defined by"
            + " \"things.example.com\" in "
            + dir.resolve("def.json"));
  }

  @Test
  void duplicateNames() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("ctl2.yaml", templateControllerYaml("template"));

    assertError(
        dir.resolve("ctl2.yaml")
            + ": metadata.name: controller \"template\" is already defined in "
            + dir.resolve("ctl.json"));
  }

  @Test
  void duplicateBindingNames() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("bind2.yaml", bindingYaml("b", "template", "example.com/v1/things"));

    assertError(
        dir.resolve("bind2.yaml")
            + ": metadata.name: binding \"b\" is already defined in "
            + dir.resolve("bind.json"));
  }

  @Test
  void duplicateDefinitionNames() {
    writeTemplateSetup("{\"type\": \"object\"}");
    write("def2.yaml", definitionYaml("things", "Thing", "v1", "{type: object}"));

    assertError(
        dir.resolve("def2.yaml")
            + ": metadata.name: definition \"things.example.com\" is already defined in "
            + dir.resolve("def.json"));
  }

  @Test
  void pluralMustBeUsableInAPath() {
    write("def.yaml", definitionYaml("Things/x", "Thing", "v1", "{type: object}"));

    assertError(
        dir.resolve("def.yaml")
            + ": names.plural: \"Things/x\" must be lowercase letters, digits and '-'");
  }

  @Test
  void missingVersions() {
    write(
        "def.yaml",
        definitionYaml("things", "Thing", "v1", "{type: object}")
            .replace("  versions:\n    v1: {type: object}\n", ""));

    assertError(
        dir.resolve("def.yaml")
            + ": spec.versions: required: version → JSON Schema of the resource");
  }

  @Test
  void wasmModuleMustExist() {
    write(
        "ctl.yaml",
        "apiVersion: cup.flipt.io/v1alpha1\nkind: Controller\nmetadata: {name: flipt}\n"
            + "spec: {type: wasm, spec: {path: flipt.wasm}}\n");

    assertError(
        dir.resolve("ctl.yaml") + ": spec.spec.path: module \"flipt.wasm\" not found in " + dir);
  }

  @Test
  void wasmModuleMustStayInsideTheDirectory() throws IOException {
    Path inside = Files.createDirectories(dir.resolve("conf"));
    Files.write(dir.resolve("outside.wasm"), EMPTY_WASM_MODULE);
    Files.writeString(
        inside.resolve("ctl.yaml"),
        "apiVersion: cup.flipt.io/v1alpha1\nkind: Controller\nmetadata: {name: flipt}\n"
            + "spec: {type: wasm, spec: {path: ../outside.wasm}}\n");

    assertThatThrownBy(() -> ResourceConfigurationLoader.load(inside))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            inside.resolve("ctl.yaml")
                + ": spec.spec.path: \"../outside.wasm\" must be a path inside "
                + inside);
  }

  @Test
  void wasmControllerNeedsASpec() {
    write(
        "ctl.yaml",
        "apiVersion: cup.flipt.io/v1alpha1\nkind: Controller\nmetadata: {name: flipt}\n"
            + "spec: {type: wasm}\n");

    assertError(dir.resolve("ctl.yaml") + ": spec.spec: required for a wasm controller");
  }

  @Test
  void emptyDirectoryHasNothingToServe() {
    assertError(dir + ": no bindings: nothing to serve");
  }

  @Test
  void definitionsWithoutBindingsHaveNothingToServe() {
    write("def.yaml", definitionYaml("things", "Thing", "v1", "{type: object}"));
    write("ctl.yaml", templateControllerYaml("template"));

    assertError(dir + ": no bindings: nothing to serve");
  }

  @Test
  void missingDirectory() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> ResourceConfigurationLoader.load(missing))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(missing + ": not a directory");
  }

  // ------------------------------------------------------------------ helpers

  private void assertError(String expectedStart) {
    assertThatThrownBy(() -> ResourceConfigurationLoader.load(dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(expectedStart);
  }

  private JsonSchema onlyServedSchema() {
    return ResourceConfigurationLoader.load(dir)
        .served("example.com", "v1", "things")
        .orElseThrow()
        .schema();
  }

  /** def.json (things.example.com, version v1 with {@code schema}), ctl.json, bind.json. */
  private void writeTemplateSetup(String schema) {
    write(
        "def.json",
        "{\"apiVersion\": \"cup.flipt.io/v1alpha1\", \"kind\": \"ResourceDefinition\","
            + " \"metadata\": {\"name\": \"things.example.com\"},"
            + " \"names\": {\"kind\": \"Thing\", \"singular\": \"thing\", \"plural\": \"things\"},"
            + " \"spec\": {\"group\": \"example.com\", \"versions\": {\"v1\": "
            + schema
            + "}}}");
    write(
        "ctl.json",
        "{\"apiVersion\": \"cup.flipt.io/v1alpha1\", \"kind\": \"Controller\","
            + " \"metadata\": {\"name\": \"template\"}, \"spec\": {\"type\": \"template\"}}");
    write("bind.json", bindingJson("b", "template", "example.com/v1/things"));
  }

  private static String bindingJson(String name, String controller, String resource) {
    return "{\"apiVersion\": \"cup.flipt.io/v1alpha1\", \"kind\": \"Binding\","
        + " \"metadata\": {\"name\": \""
        + name
        + "\"},"
        + " \"spec\": {\"controller\": \""
        + controller
        + "\", \"resources\": [\""
        + resource
        + "\"]}}";
  }

  private static String bindingYaml(String name, String controller, String resource) {
    return "apiVersion: cup.flipt.io/v1alpha1\nkind: Binding\nmetadata: {name: "
        + name
        + "}\n"
        + "spec:\n  controller: "
        + controller
        + "\n  resources:\n    - "
        + resource
        + "\n";
  }

  private static String templateControllerYaml(String name) {
    return "apiVersion: cup.flipt.io/v1alpha1\nkind: Controller\nmetadata: {name: "
        + name
        + "}\n"
        + "spec:\n  type: template\n";
  }

  private static String definitionYaml(String plural, String kind, String version, String schema) {
    return "apiVersion: cup.flipt.io/v1alpha1\nkind: ResourceDefinition\n"
        + "metadata: {name: things.example.com}\n"
        + "names: {kind: "
        + kind
        + ", singular: thing, plural: \""
        + plural
        + "\"}\n"
        + "spec:\n  group: example.com\n  versions:\n    "
        + version
        + ": "
        + schema
        + "\n";
  }

  private void write(String name, String content) {
    try {
      Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void deleteFile(String name) {
    try {
      Files.delete(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void copyFixture(String name) throws IOException {
    Path source;
    try {
      source = Path.of(getClass().getResource("/config/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, dir.resolve(file.getFileName()));
      }
    }
  }
}
