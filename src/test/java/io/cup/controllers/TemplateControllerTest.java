package io.cup.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.bus.ChangeSet;
import io.cup.bus.FileChange;
import io.cup.config.ConfigurationException;
import io.cup.config.ControllerConfig;
import io.cup.controllers.Controller.Change;
import io.cup.controllers.Controller.Target;
import io.cup.status.StatusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateControllerTest {
  private static final String GROUP = "test.cup.flipt.io";
  private static final String FOO_PATH = "default/test.cup.flipt.io-v1alpha1-Resource-foo.json";
  private static final String BAR_PATH = "default/test.cup.flipt.io-v1alpha1-Resource-bar.json";

  /** The original Cup's testdata file, as checked in (hand-indented, four spaces). */
  private static final String ORIGINAL_BAR =
      """
      {
          "apiVersion": "test.cup.flipt.io/v1alpha1",
          "kind": "Resource",
          "metadata": {
              "namespace": "default",
              "name": "bar",
              "labels": {
                  "bar": "baz"
              },
              "annotations": {}
          },
          "spec": {
            "foo": "baz"
          }
      }
      """;

  /** What Go's json.Encoder with SetIndent("", " ") writes for the same resource. */
  private static final String GO_ENCODED_BAR =
      """
      {
        "apiVersion": "test.cup.flipt.io/v1alpha1",
        "kind": "Resource",
        "metadata": {
          "namespace": "default",
          "name": "bar",
          "labels": {
            "bar": "baz"
          },
          "annotations": {}
        },
        "spec": {
          "foo": "baz"
        }
      }
      """;

  private static TemplateController controller(JsonObject spec) {
    return new TemplateController(
        new ControllerConfig("tpl", "template", spec, Path.of("conf"), "controllers/tpl.yaml"));
  }

  private static Target target(String namespace, String name) {
    return new Target(GROUP, "v1alpha1", "Resource", "resources", namespace, name);
  }

  private static JsonObject resource(String namespace, String name, JsonObject spec) {
    return new JsonObject()
        .put("apiVersion", GROUP + "/v1alpha1")
        .put("kind", "Resource")
        .put(
            "metadata",
            new JsonObject()
                .put("namespace", namespace)
                .put("name", name)
                .put("labels", new JsonObject())
                .put("annotations", new JsonObject()))
        .put("spec", spec);
  }

  private static String text(FileChange change) {
    return new String(change.content(), StandardCharsets.UTF_8);
  }

  // -- get --------------------------------------------------------------------------------------

  @Test
  void getReadsTheFileTheDefaultTemplateNames() {
    MemoryView view = new MemoryView("c1", Map.of(BAR_PATH, ORIGINAL_BAR));
    TemplateController controller = controller(new JsonObject());

    JsonObject bar = controller.get(target("default", "bar"), view).orElseThrow();

    assertThat(bar.getString("kind")).isEqualTo("Resource");
    assertThat(bar.getJsonObject("metadata").getJsonObject("labels"))
        .isEqualTo(new JsonObject().put("bar", "baz"));
    assertThat(bar.getJsonObject("spec")).isEqualTo(new JsonObject().put("foo", "baz"));
    assertThat(controller.get(target("default", "foo"), view)).isEmpty();
    assertThat(controller.get(target("other", "bar"), view)).isEmpty();
  }

  @Test
  void unreadableStoredContentIs502NamingThePath() {
    MemoryView view = new MemoryView("c1", Map.of(BAR_PATH, "{\"apiVersion\": oops"));

    assertThatThrownBy(() -> controller(new JsonObject()).get(target("default", "bar"), view))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(502);
              assertThat(e.getMessage())
                  .startsWith("stored resource at " + BAR_PATH + " is not valid JSON");
            });
    MemoryView array = new MemoryView("c1", Map.of(BAR_PATH, "[1, 2]"));
    assertThatThrownBy(() -> controller(new JsonObject()).get(target("default", "bar"), array))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(502));
    MemoryView trailing = new MemoryView("c1", Map.of(BAR_PATH, "{} {}"));
    assertThatThrownBy(() -> controller(new JsonObject()).get(target("default", "bar"), trailing))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(502));
  }

  // -- put --------------------------------------------------------------------------------------

  @Test
  void putWritesJsonByteForByteAsTheOriginal() {
    MemoryView view = new MemoryView("c1", Map.of());
    // fields arrive in another order, with server-side fields that are never stored
    JsonObject metadata =
        new JsonObject()
            .put("annotations", new JsonObject())
            .put("resourceVersion", "abc")
            .put("labels", new JsonObject().put("bar", "baz"))
            .put("name", "bar")
            .put("namespace", "default");
    JsonObject bar =
        new JsonObject()
            .put("spec", new JsonObject().put("foo", "baz"))
            .put("status", new JsonObject().put("proposals", new JsonArray()))
            .put("metadata", metadata)
            .put("kind", "Resource")
            .put("apiVersion", GROUP + "/v1alpha1");

    ChangeSet changes = controller(new JsonObject()).put(target("default", "bar"), bar, view);

    assertThat(changes.base()).isEqualTo("c1");
    assertThat(changes.changes()).hasSize(1);
    assertThat(changes.changes().get(0).path()).isEqualTo(BAR_PATH);
    assertThat(text(changes.changes().get(0))).isEqualTo(GO_ENCODED_BAR);
  }

  @Test
  void jsonLayoutFollowsGoEncodingJson() {
    JsonObject spec =
        new JsonObject()
            .put("html", "<a href=\"x\">&</a>")
            .put("unicode", "caf\u00e9 \u2028")
            .put("control", "tab\tbell\u0007")
            .put("empty", new JsonArray())
            .put(
                "list",
                new JsonArray().add(1).add(new JsonObject().put("a", true)).add((Object) null))
            .put("nested", new JsonObject().put("z", 1.5).put("a", new JsonObject()));
    JsonObject r = resource("default", "bar", spec);
    r.getJsonObject("metadata").put("labels", new JsonObject().put("zeta", "1").put("alpha", "2"));

    ChangeSet changes =
        controller(new JsonObject())
            .put(target("default", "bar"), r, new MemoryView("c", Map.of()));

    assertThat(text(changes.changes().get(0)))
        .isEqualTo(
            """
        {
          "apiVersion": "test.cup.flipt.io/v1alpha1",
          "kind": "Resource",
          "metadata": {
            "namespace": "default",
            "name": "bar",
            "labels": {
              "alpha": "2",
              "zeta": "1"
            },
            "annotations": {}
          },
          "spec": {
            "html": "\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e",
            "unicode": "caf\u00e9 \\u2028",
            "control": "tab\\tbell\\u0007",
            "empty": [],
            "list": [
              1,
              {
                "a": true
              },
              null
            ],
            "nested": {
              "z": 1.5,
              "a": {}
            }
          }
        }
        """);
  }

  @Test
  void putOfAnEqualResourceChangesNothing() {
    MemoryView view = new MemoryView("c1", Map.of(BAR_PATH, ORIGINAL_BAR));
    JsonObject same =
        new JsonObject()
            .put(
                "metadata",
                new JsonObject()
                    .put("labels", new JsonObject().put("bar", "baz"))
                    .put("name", "bar")
                    .put("annotations", new JsonObject())
                    .put("namespace", "default")
                    .put("resourceVersion", "whatever"))
            .put("spec", new JsonObject().put("foo", "baz"))
            .put("kind", "Resource")
            .put("apiVersion", GROUP + "/v1alpha1")
            .put("status", new JsonObject().put("proposals", new JsonArray().add("x")));

    ChangeSet changes = controller(new JsonObject()).put(target("default", "bar"), same, view);

    assertThat(changes.isEmpty()).isTrue();
    assertThat(changes.base()).isEqualTo("c1");
  }

  @Test
  void numbersCompareByValueWhenJudgingEquality() {
    MemoryView view =
        new MemoryView(
            "c1",
            Map.of(
                BAR_PATH,
                resource("default", "bar", new JsonObject().put("n", 1).put("x", 2.5)).encode()));
    TemplateController controller = controller(new JsonObject());

    assertThat(
            controller
                .put(
                    target("default", "bar"),
                    resource("default", "bar", new JsonObject().put("n", 1.0).put("x", 2.5)),
                    view)
                .isEmpty())
        .isTrue();
    assertThat(
            controller
                .put(
                    target("default", "bar"),
                    resource("default", "bar", new JsonObject().put("n", 2).put("x", 2.5)),
                    view)
                .isEmpty())
        .isFalse();
  }

  @Test
  void putOfAChangedResourceRewritesTheFile() {
    MemoryView view = new MemoryView("c1", Map.of(BAR_PATH, ORIGINAL_BAR));
    JsonObject changed = resource("default", "bar", new JsonObject().put("foo", "qux"));

    ChangeSet changes = controller(new JsonObject()).put(target("default", "bar"), changed, view);

    assertThat(changes.changes()).extracting(FileChange::path).containsExactly(BAR_PATH);
    assertThat(new JsonObject(text(changes.changes().get(0))).getJsonObject("spec"))
        .isEqualTo(new JsonObject().put("foo", "qux"));
  }

  @Test
  void putReplacesUnreadableContent() {
    MemoryView view = new MemoryView("c1", Map.of(BAR_PATH, "not json"));
    JsonObject bar = resource("default", "bar", new JsonObject().put("foo", "baz"));

    ChangeSet changes = controller(new JsonObject()).put(target("default", "bar"), bar, view);

    assertThat(changes.changes()).extracting(FileChange::path).containsExactly(BAR_PATH);
  }

  // -- delete -----------------------------------------------------------------------------------

  @Test
  void deleteRemovesTheFileAndIs404WhenMissing() {
    MemoryView view = new MemoryView("c1", Map.of(BAR_PATH, ORIGINAL_BAR));
    TemplateController controller = controller(new JsonObject());

    ChangeSet changes = controller.delete(target("default", "bar"), view);

    assertThat(changes.base()).isEqualTo("c1");
    assertThat(changes.changes()).containsExactly(FileChange.delete(BAR_PATH));
    assertThatThrownBy(() -> controller.delete(target("default", "foo"), view))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(404);
              assertThat(e.getMessage()).isEqualTo("Resource default/foo not found");
            });
  }

  // -- list -------------------------------------------------------------------------------------

  @Test
  void listReturnsWhatTheListTemplateMatchesInTheNamespace() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(BAR_PATH, ORIGINAL_BAR);
    files.put(FOO_PATH, resource("default", "foo", new JsonObject()).encode());
    files.put("default/test.cup.flipt.io-v1alpha1-Other-x.json", "{}");
    files.put("default/test.cup.flipt.io-v1beta1-Resource-y.json", "{}");
    files.put("default/test.cup.flipt.io-v1alpha1-Resource-z.yaml", "{}");
    files.put("default/nested/test.cup.flipt.io-v1alpha1-Resource-n.json", "{}");
    files.put(
        "other/test.cup.flipt.io-v1alpha1-Resource-o.json",
        resource("other", "o", new JsonObject()).encode());
    // stored under default/ but claiming another namespace: not listed in default
    files.put(
        "default/test.cup.flipt.io-v1alpha1-Resource-spy.json",
        resource("other", "spy", new JsonObject()).encode());
    MemoryView view = new MemoryView("c1", files);

    List<JsonObject> listed = controller(new JsonObject()).list(target("default", null), view);

    assertThat(listed)
        .extracting(r -> r.getJsonObject("metadata").getString("name"))
        .containsExactlyInAnyOrder("bar", "foo");
    assertThat(view.listed).containsExactly("default");
  }

  @Test
  void listAllSpansEveryNamespaceDirectoryAndNamesTheNamespaceThePathGives() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(BAR_PATH, ORIGINAL_BAR);
    files.put(
        "other/test.cup.flipt.io-v1alpha1-Resource-o.json",
        resource("other", "o", new JsonObject()).encode());
    // no namespace in the file: the path's directory names it
    files.put(
        "third/test.cup.flipt.io-v1alpha1-Resource-t.json",
        new JsonObject()
            .put("apiVersion", "test.cup.flipt.io/v1alpha1")
            .put("kind", "Resource")
            .put("metadata", new JsonObject().put("name", "t"))
            .encode());
    files.put("other/test.cup.flipt.io-v1alpha1-Other-x.json", "{}");
    MemoryView view = new MemoryView("c1", files);

    List<JsonObject> listed = controller(new JsonObject()).listAll(target(null, null), view);

    assertThat(listed)
        .extracting(
            r ->
                r.getJsonObject("metadata").getString("namespace")
                    + "/"
                    + r.getJsonObject("metadata").getString("name"))
        .containsExactlyInAnyOrder("default/bar", "other/o", "third/t");
  }

  @Test
  void whatAListHandsOutIsTheCachedParseAndFillingInTheNamespaceLeavesItAsItWas() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(BAR_PATH, ORIGINAL_BAR);
    files.put(
        "third/test.cup.flipt.io-v1alpha1-Resource-t.json",
        new JsonObject()
            .put("apiVersion", "test.cup.flipt.io/v1alpha1")
            .put("kind", "Resource")
            .put("metadata", new JsonObject().put("name", "t"))
            .encode());
    MemoryView view = new MemoryView("c1", files);
    TemplateController controller = controller(new JsonObject());

    // a list reads the cache, so a second list hands out the very same objects (read only)
    JsonObject bar = controller.list(target("default", null), view).get(0);
    assertThat(controller.list(target("default", null), view).get(0)).isSameAs(bar);
    // the namespace the path gives goes on a copy: the cached parse still has none
    JsonObject third =
        controller.listAll(target(null, null), view).stream()
            .filter(r -> r.getJsonObject("metadata").getString("name").equals("t"))
            .findFirst()
            .orElseThrow();
    assertThat(third.getJsonObject("metadata").getString("namespace")).isEqualTo("third");
    assertThat(controller.get(target("third", "t"), view).orElseThrow().getJsonObject("metadata"))
        .isEqualTo(new JsonObject().put("name", "t"));
    assertThat(controller.list(target("third", null), view))
        .extracting(r -> r.getJsonObject("metadata").getString("namespace"))
        .containsOnlyNulls();
    assertThat(controller.parses()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a/b.json|",
        "a/.b/..c/.gitx/b.json|",
        "''|it is empty",
        "/a/b.json|it is absolute",
        "a\\b.json|it contains a backslash",
        "a/b\tc.json|it contains a control character",
        "a//b.json|it has an empty segment",
        "a/b/|it has an empty segment",
        "./a.json|it has a \".\" segment",
        "a/../b.json|it has a \"..\" segment",
        "a/..|it has a \"..\" segment",
        "a/.GIT/b.json|it names a .git directory",
        ".git|it names a .git directory",
      })
  void aPathMustStayInsideTheRepository(String path, String why) {
    if (why == null) {
      assertThat(TemplateController.checkPath(path)).isEqualTo(path);
    } else {
      assertThatThrownBy(() -> TemplateController.checkPath(path))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.getMessage()).endsWith("leaves the repository root: " + why));
    }
  }

  @Test
  void anEmptyListIsAnUnknownNamespaceOnlyWhenItsDirectoryIsMissing() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(BAR_PATH, ORIGINAL_BAR);
    files.put("empty/test.cup.flipt.io-v1alpha1-Other-x.json", "{}");
    MemoryView view = new MemoryView("c1", files);
    TemplateController byDirectory = controller(new JsonObject());

    // the namespace has a directory, with no resource of this kind: an empty list
    assertThat(byDirectory.list(target("empty", null), view)).isEmpty();
    // no directory at all: the namespace is unknown
    assertThatThrownBy(() -> byDirectory.list(target("missing", null), view))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(404);
              assertThat(e.getMessage()).contains("namespace \"missing\" not found");
            });
    // a template that does not give namespaces a directory cannot tell: just empty
    TemplateController flat =
        controller(
            new JsonObject()
                .put("resourceTemplate", "{{ .Namespace }}-{{ .Kind }}-{{ .Name }}.json")
                .put("listTemplate", "{{ .Namespace }}-{{ .Kind }}-*.json"));
    assertThat(flat.list(target("missing", null), view)).isEmpty();
  }

  @Test
  void customTemplatesReplaceFuncAndYamlEncoding() {
    JsonObject spec =
        new JsonObject()
            .put(
                "resourceTemplate",
                "{{.Namespace}}/{{ .Kind }}/{{ replace .Name \"-\" \"_\" }}.yaml")
            .put("listTemplate", "{{   .Namespace   }}/{{ .Kind }}/*.yaml")
            .put("encoding", "yaml");
    TemplateController controller = controller(spec);
    JsonObject r =
        resource(
            "prod",
            "my-flag",
            new JsonObject()
                .put("enabled", true)
                .put("version", "1.0")
                .put("values", new JsonArray().add("a").add("true")));

    ChangeSet changes = controller.put(target("prod", "my-flag"), r, new MemoryView("c", Map.of()));

    FileChange change = changes.changes().get(0);
    assertThat(change.path()).isEqualTo("prod/Resource/my_flag.yaml");
    assertThat(text(change))
        .isEqualTo(
            """
        apiVersion: test.cup.flipt.io/v1alpha1
        kind: Resource
        metadata:
          namespace: prod
          name: my-flag
          labels: {}
          annotations: {}
        spec:
          enabled: true
          version: "1.0"
          values:
          - a
          - "true"
        """);

    MemoryView stored =
        new MemoryView(
            "c2", Map.of(change.path(), text(change), "prod/Resource/notes.txt", "not a resource"));
    assertThat(controller.get(target("prod", "my-flag"), stored)).contains(r);
    assertThat(controller.list(target("prod", null), stored)).containsExactly(r);
    assertThat(controller.put(target("prod", "my-flag"), r, stored).isEmpty()).isTrue();
  }

  @Test
  void unreadableYamlIs502() {
    TemplateController controller = controller(new JsonObject().put("encoding", "yaml"));
    for (String content : List.of("a: [1, 2", "- just\n- a list\n", "a: 1\n---\nb: 2\n", "")) {
      MemoryView view = new MemoryView("c", Map.of(BAR_PATH, content));
      assertThatThrownBy(() -> controller.get(target("default", "bar"), view))
          .as(content)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.code()).isEqualTo(502);
                assertThat(e.getMessage())
                    .startsWith("stored resource at " + BAR_PATH + " is not valid YAML");
              });
    }
  }

  @Test
  void acceptsTheOriginalSpecFieldNames() {
    TemplateController controller =
        controller(
            new JsonObject()
                .put("resource_template", "flags/{{ .Namespace }}/{{ .Name }}.json")
                .put("list_template", "flags/{{ .Namespace }}/*.json"));
    MemoryView view = new MemoryView("c", Map.of("flags/default/bar.json", ORIGINAL_BAR));

    assertThat(controller.get(target("default", "bar"), view)).isPresent();
    assertThat(controller.list(target("default", null), view)).hasSize(1);
  }

  @Test
  void acceptsTheOriginalDocsFieldNamesAndListsOnlyItsKind() {
    // the original's documented example: a directory glob that matches every kind's files
    TemplateController controller =
        controller(
            new JsonObject()
                .put("directory_template", "{{ .Namespace }}/*.json")
                .put(
                    "path_template",
                    "{{ .Namespace }}/{{ .Group }}-{{ .Version }}-{{ .Kind }}-{{ .Name }}.json"));
    JsonObject other = resource("default", "x", new JsonObject()).put("kind", "Other");
    JsonObject beta =
        resource("default", "y", new JsonObject()).put("apiVersion", GROUP + "/v1beta1");
    MemoryView view =
        new MemoryView(
            "c",
            Map.of(
                BAR_PATH,
                ORIGINAL_BAR,
                "default/test.cup.flipt.io-v1alpha1-Other-x.json",
                other.encode(),
                "default/test.cup.flipt.io-v1beta1-Resource-y.json",
                beta.encode()));

    assertThat(controller.list(target("default", null), view))
        .extracting(r -> r.getJsonObject("metadata").getString("name"))
        .containsExactly("bar");
    assertThat(controller.changes(target(null, null), new MemoryView("c0", Map.of()), view))
        .extracting(Change::name)
        .containsExactly("bar");
  }

  // -- configuration errors ---------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "resourceTemplate;{{ if .Name }}x{{ end }};unsupported template action {{ if .Name }}",
        "resourceTemplate;{{ .Namespace }}/{{ .Foo }}.json;unknown field .Foo",
        "resourceTemplate;{{- .Name }}.json;trim markers",
        "resourceTemplate;{{ .Name | printf }}.json;unsupported template action {{ .Name | printf }}",
        "resourceTemplate;{{ .Name }.json;unclosed action",
        "resourceTemplate;{{ replace .Name \"a\" }}.json;exactly three arguments",
        "resourceTemplate;{{ replace .Name \"a\" 3 }}.json;fields or string literals",
        "resourceTemplate;{{ .Namespace }}/{{ .Name }}.{{/* c */}}json;unsupported template action",
        "resourceTemplate;{{ .Namespace }}/x.json;does not use .Name",
        "resourceTemplate;/{{ .Namespace }}/{{ .Name }}.json;it is absolute",
        "resourceTemplate;../{{ .Name }}.json;\"..\" segment",
        "resourceTemplate;{{ .Namespace }}\\{{ .Name }}.json;backslash",
        "listTemplate;{{ .Namespace }}/{{ .Name }}.json;uses .Name",
        "listTemplate;{{ .Namespace }}/[abc.json;unterminated [",
        "listTemplate;{{ .Nope }}/*.json;unknown field .Nope",
        "encoding;xml;unknown encoding \"xml\"",
        "colour;blue;is not a known field",
      })
  void refusesBadConfigurationNamingControllerAndField(String field, String value, String why) {
    JsonObject spec = new JsonObject().put(field, value);

    assertThatThrownBy(() -> controller(spec))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("controller tpl (controllers/tpl.yaml): spec.spec." + field)
        .hasMessageContaining(why);
  }

  @Test
  void refusesNonStringSettingsAndDuplicates() {
    assertThatThrownBy(() -> controller(new JsonObject().put("listTemplate", 3)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("spec.spec.listTemplate must be a string");
    assertThatThrownBy(
            () ->
                controller(
                    new JsonObject()
                        .put("listTemplate", "{{ .Namespace }}/*")
                        .put("list_template", "x/*")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("spec.spec.listTemplate and spec.spec.list_template");
  }

  // -- hostile names and rendered paths ---------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"../etc", "a/b", "a\\b", "", "UPPER", ".", "..", "a..b/"})
  void refusesNamesThatAreNotDnsSubdomains(String name) {
    TemplateController controller = controller(new JsonObject());
    MemoryView view = new MemoryView("c", Map.of());

    assertThatThrownBy(() -> controller.get(target("default", name), view))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
    assertThatThrownBy(() -> controller.put(target(name, "x"), new JsonObject(), view))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{{ .Namespace }}/{{ replace .Name \"q\" \"/../\" }}.json|a-q-b|\"..\" segment",
        "{{ .Namespace }}/{{ replace .Name \"q\" \"\" }}/f.json|q|empty segment",
        "{{ .Namespace }}/{{ replace .Name \"q\" `\\` }}.json|q|backslash",
        "{{ replace .Namespace \"prod\" \"\" }}/{{ .Name }}.json|n|it is absolute",
        "{{ .Namespace }}/{{ replace .Name \"q\" \".git\" }}/f.json|q|.git",
      })
  void renderedPathsNeverLeaveTheRoot(String template, String name, String why) {
    TemplateController controller = controller(new JsonObject().put("resourceTemplate", template));
    MemoryView view = new MemoryView("c", Map.of());

    for (var call :
        List.<Runnable>of(
            () -> controller.get(target("prod", name), view),
            () -> controller.put(target("prod", name), new JsonObject(), view),
            () -> controller.delete(target("prod", name), view))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.code()).isEqualTo(400);
                assertThat(e.getMessage()).contains("leaves the repository root").contains(why);
              });
    }
  }

  // -- cache ------------------------------------------------------------------------------------

  @Test
  void parsedResourcesAreCachedByBlobId() {
    String same = resource("default", "foo", new JsonObject().put("v", 1)).encode();
    MemoryView first = new MemoryView("c1", Map.of(FOO_PATH, same));
    MemoryView second =
        new MemoryView(
            "c2",
            Map.of(FOO_PATH, same, "default/test.cup.flipt.io-v1alpha1-Resource-copy.json", same));
    TemplateController controller = controller(new JsonObject());

    JsonObject got = controller.get(target("default", "foo"), first).orElseThrow();
    got.getJsonObject("spec").put("v", 99);
    got.getJsonObject("metadata").put("name", "corrupted");
    assertThat(
            controller
                .get(target("default", "foo"), second)
                .orElseThrow()
                .getJsonObject("spec")
                .getInteger("v"))
        .isEqualTo(1);
    List<JsonObject> listed = controller.list(target("default", null), second);

    assertThat(listed).hasSize(2);
    assertThat(controller.parses()).isEqualTo(1);
    assertThat(second.bytesRead).isZero();
  }

  // -- changes ----------------------------------------------------------------------------------

  @Test
  void changesReportsAddedModifiedAndDeletedInEveryNamespace() {
    String a1 = resource("default", "a", new JsonObject().put("v", 1)).encode();
    String a2 = resource("default", "a", new JsonObject().put("v", 2)).encode();
    String b = resource("default", "b", new JsonObject()).encode();
    String c = resource("default", "c", new JsonObject()).encode();
    JsonObject e = resource("default", "e", new JsonObject().put("k", "v"));
    String s = resource("static", "s", new JsonObject()).encode();
    String d = resource("other", "d", new JsonObject()).encode();
    Map<String, String> before = new LinkedHashMap<>();
    before.put("default/test.cup.flipt.io-v1alpha1-Resource-a.json", a1);
    before.put("default/test.cup.flipt.io-v1alpha1-Resource-b.json", b);
    before.put("default/test.cup.flipt.io-v1alpha1-Resource-c.json", c);
    before.put("default/test.cup.flipt.io-v1alpha1-Resource-e.json", e.encode());
    before.put("static/test.cup.flipt.io-v1alpha1-Resource-s.json", s);
    before.put("default/unrelated.txt", "x");
    Map<String, String> after = new LinkedHashMap<>();
    after.put("default/test.cup.flipt.io-v1alpha1-Resource-a.json", a2);
    after.put("default/test.cup.flipt.io-v1alpha1-Resource-c.json", c);
    // the same resource, laid out differently: a different blob, not a change
    after.put("default/test.cup.flipt.io-v1alpha1-Resource-e.json", e.encodePrettily());
    after.put("static/test.cup.flipt.io-v1alpha1-Resource-s.json", s);
    after.put("other/test.cup.flipt.io-v1alpha1-Resource-d.json", d);
    after.put("default/unrelated.txt", "y");
    after.put("default/test.cup.flipt.io-v1alpha1-Other-x.json", "{}");
    MemoryView from = new MemoryView("c1", before);
    MemoryView to = new MemoryView("c2", after);
    TemplateController controller = controller(new JsonObject());

    List<Change> changes = controller.changes(target(null, null), from, to);

    assertThat(changes)
        .extracting(
            ch ->
                ch.namespace()
                    + "/"
                    + ch.name()
                    + ":"
                    + (ch.before() == null ? "ADDED" : ch.after() == null ? "DELETED" : "MODIFIED"))
        .containsExactlyInAnyOrder("default/a:MODIFIED", "default/b:DELETED", "other/d:ADDED");
    Change modified =
        changes.stream().filter(ch -> ch.name().equals("a")).findFirst().orElseThrow();
    assertThat(modified.before().getJsonObject("spec").getInteger("v")).isEqualTo(1);
    assertThat(modified.after().getJsonObject("spec").getInteger("v")).isEqualTo(2);
    // only the blobs that differ were parsed: a (twice), b, d, e (twice)
    assertThat(controller.parses()).isEqualTo(6);
    // a directory whose tree is the same in both revisions is never read
    assertThat(from.listed).doesNotContain("static");
    assertThat(to.listed).doesNotContain("static");
  }

  @Test
  void changesFallBackToThePathForNamespaceAndName() {
    MemoryView from = new MemoryView("c1", Map.of());
    MemoryView to =
        new MemoryView(
            "c2",
            Map.of("team-a/test.cup.flipt.io-v1alpha1-Resource-flag-one.json", "{\"spec\": {}}"));

    List<Change> changes = controller(new JsonObject()).changes(target(null, null), from, to);

    assertThat(changes)
        .singleElement()
        .satisfies(
            ch -> {
              assertThat(ch.namespace()).isEqualTo("team-a");
              assertThat(ch.name()).isEqualTo("flag-one");
              assertThat(ch.before()).isNull();
            });
  }

  @Test
  void changesSkipUnreadableFiles() {
    MemoryView from = new MemoryView("c1", Map.of());
    MemoryView to =
        new MemoryView(
            "c2",
            Map.of(
                BAR_PATH,
                "garbage",
                FOO_PATH,
                resource("default", "foo", new JsonObject()).encode()));

    List<Change> changes = controller(new JsonObject()).changes(target(null, null), from, to);

    assertThat(changes).extracting(Change::name).containsExactly("foo");
  }
}
