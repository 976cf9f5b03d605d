package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code names.shortNames}, {@code names.categories} and {@code spec.additionalPrinterColumns}. */
class DefinitionPresentationTest {
  @TempDir Path dir;

  @Test
  void theDemoDefinitionsDeclareShortNamesCategoriesAndColumns() {
    ResourceConfiguration config = ResourceConfigurationLoader.load(Path.of("conf/resources"));

    ResourceDefinition flags =
        config.served("flipt.io", "v1alpha1", "flags").orElseThrow().definition();
    assertThat(flags.shortNames()).containsExactly("fl");
    assertThat(flags.categories()).containsExactly("flipt");
    assertThat(flags.printerColumns())
        .extracting(PrinterColumn::name)
        .containsExactly("Key", "Type", "Enabled", "Display Name", "First Variant");
    assertThat(flags.printerColumns())
        .extracting(PrinterColumn::priority)
        .containsExactly(0, 0, 0, 1, 1);
  }

  @Test
  void definitionsWithoutThemHaveEmptyLists() throws IOException {
    write("names: {kind: Thing, singular: thing, plural: things}", "");

    ResourceDefinition thing = only();

    assertThat(thing.shortNames()).isEmpty();
    assertThat(thing.categories()).isEmpty();
    assertThat(thing.printerColumns()).isEmpty();
  }

  @Test
  void columnsCarryEveryFieldAndReadTheirPaths() throws IOException {
    write(
        "names: {kind: Thing, singular: thing, plural: things, shortNames: [th, thg],"
            + " categories: [all-things]}",
        """
          additionalPrinterColumns:
          - {name: Enabled, type: boolean, jsonPath: .spec.enabled, description: on or off}
          - {name: Team, type: string, jsonPath: .metadata.labels.team, priority: 1}
          - {name: Owner, type: string, jsonPath: '.metadata.labels.example\\.com/owner'}
          - {name: First, type: string, jsonPath: '.spec.variants[0].key', format: name}
          - {name: Heavy, type: integer, jsonPath: '.spec.variants[?(@.weight > 5)].weight'}
        """);

    ResourceDefinition thing = only();

    assertThat(thing.shortNames()).containsExactly("th", "thg");
    assertThat(thing.categories()).containsExactly("all-things");
    PrinterColumn enabled = thing.printerColumns().get(0);
    assertThat(enabled.type()).isEqualTo(PrinterColumn.Type.BOOLEAN);
    assertThat(enabled.description()).isEqualTo("on or off");
    assertThat(enabled.priority()).isZero();
    assertThat(thing.printerColumns().get(1).priority()).isEqualTo(1);
    assertThat(thing.printerColumns().get(3).format()).isEqualTo("name");

    JsonObject resource =
        new JsonObject(
            """
            {"metadata": {"name": "a", "labels": {"team": "red", "example.com/owner": "ann"}},
             "spec": {"enabled": true,
                      "variants": [{"key": "x", "weight": 1}, {"key": "y", "weight": 9}]}}
            """);
    assertThat(thing.printerColumns())
        .extracting(c -> c.firstValue(resource).map(Object::toString).orElse("<none>"))
        .containsExactly("true", "\"red\"", "\"ann\"", "\"x\"", "9");
    assertThat(enabled.firstValue(new JsonObject().put("spec", new JsonObject()))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "spec.enabled | must be a JSONPath starting with '.'",
        "$.spec.enabled | must be a JSONPath starting with '.'",
        "'.spec[0' | is not a valid JSONPath",
        "'.spec.[?(@.a ==' | is not a valid JSONPath",
      })
  void badPathsNameTheFileAndTheColumn(String path, String problem) throws IOException {
    write(
        "names: {kind: Thing, singular: thing, plural: things}",
        "  additionalPrinterColumns:\n  - {name: A, type: string, jsonPath: \"" + path + "\"}\n");

    assertError("spec.additionalPrinterColumns[0].jsonPath: ", problem);
  }

  @Test
  void unknownTypesAreRefused() throws IOException {
    write(
        "names: {kind: Thing, singular: thing, plural: things}",
        "  additionalPrinterColumns:\n  - {name: A, type: object, jsonPath: .spec}\n");

    assertError(
        "spec.additionalPrinterColumns[0].type: ",
        "\"object\" is not one of integer, number, string, boolean, date");
  }

  @Test
  void columnNamesAreUniqueIgnoringCase() throws IOException {
    write(
        "names: {kind: Thing, singular: thing, plural: things}",
        """
          additionalPrinterColumns:
          - {name: Team, type: string, jsonPath: .spec.team}
          - {name: TEAM, type: string, jsonPath: .spec.owner}
        """);

    assertError("spec.additionalPrinterColumns[1].name: ", "\"TEAM\" names another column too");
  }

  @Test
  void theNameColumnIsCups() throws IOException {
    write(
        "names: {kind: Thing, singular: thing, plural: things}",
        "  additionalPrinterColumns:\n  - {name: NAME, type: string, jsonPath: .spec.name}\n");

    assertError("spec.additionalPrinterColumns[0].name: ", "is the column Cup adds itself");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{type: string, jsonPath: .spec.a} | [0].name: required",
        "{name: A, jsonPath: .spec.a} | [0].type: required",
        "{name: A, type: string} | [0].jsonPath: required",
        "{name: A, type: string, jsonPath: .spec.a, priority: -1} | [0].priority: expected an"
            + " integer of 0 or more",
        "{name: A, type: string, jsonPath: .spec.a, colour: red} | [0].colour: unknown field",
        "x | [0]: expected an object",
      })
  void malformedColumns(String column, String problem) throws IOException {
    write(
        "names: {kind: Thing, singular: thing, plural: things}",
        "  additionalPrinterColumns:\n  - " + column + "\n");

    assertError("spec.additionalPrinterColumns", problem);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "shortNames: [Th] | names.shortNames[0]: \"Th\" must be lowercase",
        "shortNames: [th, th] | names.shortNames[1]: \"th\" is listed twice",
        "shortNames: [things] | names.shortNames[0]: \"things\" is already the plural",
        "shortNames: th | names.shortNames: expected a list of names",
        "categories: [1] | names.categories[0]: expected a string",
      })
  void malformedNames(String names, String problem) throws IOException {
    write("names: {kind: Thing, singular: thing, plural: things, " + names + "}", "");

    assertError("", problem);
  }

  @Test
  void shortNamesAreUniqueInTheirGroup() throws IOException {
    write("names: {kind: Thing, singular: thing, plural: things, shortNames: [th]}", "");
    Files.writeString(
        dir.resolve("other.yaml"),
        """
        apiVersion: cup.flipt.io/v1alpha1
        kind: ResourceDefinition
        metadata: {name: thongs.example.com}
        names: {kind: Thong, singular: thong, plural: thongs, shortNames: [th]}
        spec:
          group: example.com
          versions:
            v1: {type: object}
        """);

    assertThatThrownBy(() -> ResourceConfigurationLoader.load(dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            dir.resolve("other.yaml")
                + ": names.shortNames[0]: \"th\" of group \"example.com\" is already a name of"
                + " \"things.example.com\" in "
                + dir.resolve("def.yaml"));
  }

  // ------------------------------------------------------------------ helpers

  private ResourceDefinition only() {
    return ResourceConfigurationLoader.load(dir)
        .served("example.com", "v1", "things")
        .orElseThrow()
        .definition();
  }

  private void assertError(String field, String problem) {
    assertThatThrownBy(() -> ResourceConfigurationLoader.load(dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(dir.resolve("def.yaml") + ": " + field)
        .hasMessageContaining(problem);
  }

  /** def.yaml with {@code names} and extra {@code spec} lines, a template controller, a binding. */
  private void write(String names, String specLines) throws IOException {
    Files.writeString(
        dir.resolve("def.yaml"),
        "apiVersion: cup.flipt.io/v1alpha1\n"
            + "kind: ResourceDefinition\n"
            + "metadata: {name: things.example.com}\n"
            + names
            + "\n"
            + "spec:\n"
            + "  group: example.com\n"
            + specLines
            + "  versions:\n"
            + "    v1: {type: object}\n");
    Files.writeString(
        dir.resolve("serve.yaml"),
        """
        apiVersion: cup.flipt.io/v1alpha1
        kind: Controller
        metadata: {name: template}
        spec: {type: template}
        ---
        apiVersion: cup.flipt.io/v1alpha1
        kind: Binding
        metadata: {name: b}
        spec: {controller: template, resources: [example.com/v1/things]}
        """);
  }
}
