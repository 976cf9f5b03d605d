package io.cup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cup.status.StatusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server-side apply and the field bookkeeping of other writes, as Kubernetes does them. */
class ServerSideApplyTest {
  private static final String VERSION = "flipt.io/v1alpha1";
  private static final ServerSideApply SSA = new ServerSideApply(VERSION, "Flag");
  private static final Instant T1 = Instant.parse("2025-01-01T10:00:00.123Z");
  private static final Instant T2 = Instant.parse("2025-01-02T10:00:00Z");
  private static final Instant T3 = Instant.parse("2025-01-03T10:00:00Z");

  /** A flag named {@code f} in {@code default} with {@code spec}. */
  private static JsonObject flag(String spec) {
    return new JsonObject()
        .put("apiVersion", VERSION)
        .put("kind", "Flag")
        .put("metadata", new JsonObject().put("name", "f").put("namespace", "default"))
        .put("spec", new JsonObject(spec));
  }

  private static JsonObject apply(JsonObject live, JsonObject config, String manager, Instant now) {
    return SSA.apply(live, config, "default", "f", manager, false, now);
  }

  private static StatusException applyFails(JsonObject live, JsonObject config, String manager) {
    return catchThrowableOfType(StatusException.class, () -> apply(live, config, manager, T2));
  }

  private static JsonArray managedFields(JsonObject resource) {
    return resource.getJsonObject("metadata").getJsonArray("managedFields", new JsonArray());
  }

  /** The fieldsV1 of {@code manager}'s entry of {@code operation}, or null. */
  private static JsonObject fieldsOf(JsonObject resource, String manager, String operation) {
    return managedFields(resource).stream()
        .map(JsonObject.class::cast)
        .filter(e -> e.getString("manager").equals(manager))
        .filter(e -> e.getString("operation").equals(operation))
        .map(e -> e.getJsonObject("fieldsV1"))
        .findFirst()
        .orElse(null);
  }

  private static JsonObject fieldsV1(String json) {
    return new JsonObject(json);
  }

  // -- apply ------------------------------------------------------------------------------------

  @Test
  void firstApplyCreatesTheResourceAndRecordsTheAppliersFieldsInKubernetesFormat() {
    JsonObject config = flag("{\"enabled\":true,\"variants\":[\"a\",\"b\"],\"rules\":{}}");
    config.getJsonObject("metadata").put("labels", new JsonObject().put("app", "web"));

    JsonObject created = apply(null, config, "kubectl", T1);

    assertThat(created.getJsonObject("spec"))
        .isEqualTo(new JsonObject("{\"enabled\":true,\"variants\":[\"a\",\"b\"],\"rules\":{}}"));
    assertThat(created.getJsonObject("metadata").getString("name")).isEqualTo("f");
    assertThat(managedFields(created))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("manager", "kubectl")
                        .put("operation", "Apply")
                        .put("apiVersion", VERSION)
                        .put("time", "2025-01-01T10:00:00Z")
                        .put("fieldsType", "FieldsV1")
                        .put(
                            "fieldsV1",
                            fieldsV1(
                                "{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},"
                                    + "\"f:spec\":{\"f:enabled\":{},\"f:rules\":{},"
                                    + "\"f:variants\":{}}}"))));
    assertThat(managedFields(created).getJsonObject(0).fieldNames())
        .containsExactly("manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1");
  }

  @Test
  void serverSetAndStatusFieldsAreNeverManaged() {
    JsonObject config = flag("{\"enabled\":true}");
    config
        .getJsonObject("metadata")
        .put("resourceVersion", "abc")
        .put("uid", "u")
        .put("creationTimestamp", "2025-01-01T00:00:00Z")
        .put("annotations", new JsonObject().put("cup.flipt.io/proposal", "{}"));
    config.put("status", new JsonObject().put("ready", true));

    JsonObject created = apply(null, config, "kubectl", T1);

    assertThat(fieldsOf(created, "kubectl", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{}}}"));
  }

  @Test
  void aSecondApplyBySameManagerRemovesTheFieldsItNoLongerApplies() {
    JsonObject live =
        apply(
            null, flag("{\"enabled\":true,\"description\":\"d\",\"rules\":{\"r1\":1}}"), "ci", T1);

    JsonObject applied = apply(live, flag("{\"enabled\":true}"), "ci", T2);

    assertThat(applied.getJsonObject("spec")).isEqualTo(new JsonObject("{\"enabled\":true}"));
    assertThat(fieldsOf(applied, "ci", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{}}}"));

    JsonObject emptied = apply(applied, flag("{}").put("spec", null), "ci", T3);
    assertThat(emptied.containsKey("spec")).as("an object nobody owns anything in goes").isFalse();
    assertThat(emptied.getJsonObject("metadata").getString("name")).isEqualTo("f");
    assertThat(managedFields(emptied)).as("an entry without fields is dropped").isEmpty();
  }

  @Test
  void applyingOverAFieldAnotherManagerOwnsIsAConflictWithCauses() {
    JsonObject live =
        SSA.update(null, flag("{\"enabled\":false}"), "kubectl-client-side-apply", T1);

    StatusException conflict = applyFails(live, flag("{\"enabled\":true}"), "kubectl");

    assertThat(conflict.code()).isEqualTo(409);
    JsonObject status = conflict.toStatus();
    assertThat(status.getString("reason")).isEqualTo("Conflict");
    assertThat(status.getString("message"))
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using"
                + " flipt.io/v1alpha1: .spec.enabled");
    assertThat(status.getJsonObject("details").getJsonArray("causes"))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("field", ".spec.enabled")
                        .put("reason", "FieldManagerConflict")
                        .put(
                            "message",
                            "conflict with \"kubectl-client-side-apply\" using flipt.io/v1alpha1")));
  }

  @Test
  void conflictsWithSeveralManagersAreListedPerManager() {
    JsonObject live = apply(null, flag("{\"enabled\":false,\"description\":\"a\"}"), "alice", T1);
    live = SSA.update(live, flag("{\"enabled\":false,\"description\":\"b\",\"n\":1}"), "bob", T2);

    StatusException conflict =
        applyFails(live, flag("{\"enabled\":true,\"description\":\"c\",\"n\":2}"), "carol");

    assertThat(conflict.getMessage())
        .isEqualTo(
            "Apply failed with 3 conflicts: conflicts with \"alice\":\n- .spec.enabled\n"
                + "conflicts with \"bob\" using flipt.io/v1alpha1:\n- .spec.description\n- .spec.n");
    assertThat(conflict.causes())
        .extracting(StatusException.Cause::field)
        .containsExactly(".spec.enabled", ".spec.description", ".spec.n");
  }

  @Test
  void forceTakesTheFieldFromTheOtherManager() {
    JsonObject live =
        SSA.update(null, flag("{\"enabled\":false,\"n\":1}"), "kubectl-client-side-apply", T1);

    JsonObject forced =
        SSA.apply(live, flag("{\"enabled\":true}"), "default", "f", "kubectl", true, T2);

    assertThat(forced.getJsonObject("spec"))
        .isEqualTo(new JsonObject("{\"enabled\":true,\"n\":1}"));
    assertThat(fieldsOf(forced, "kubectl", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{}}}"));
    assertThat(fieldsOf(forced, "kubectl-client-side-apply", "Update"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\".\":{},\"f:n\":{}}}"));
  }

  @Test
  void applyingTheValueAFieldHasSharesItsOwnership() {
    JsonObject live = apply(null, flag("{\"enabled\":true,\"n\":1}"), "alice", T1);

    JsonObject shared = apply(live, flag("{\"enabled\":true}"), "bob", T2);

    assertThat(fieldsOf(shared, "alice", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{},\"f:n\":{}}}"));
    assertThat(fieldsOf(shared, "bob", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{}}}"));

    JsonObject bobLeaves = apply(shared, flag("{}").put("spec", null), "bob", T3);
    assertThat(bobLeaves.getJsonObject("spec"))
        .as("alice still owns it")
        .isEqualTo(new JsonObject("{\"enabled\":true,\"n\":1}"));
    assertThat(fieldsOf(bobLeaves, "bob", "Apply")).isNull();
  }

  @Test
  void anEditTakesAFieldFromTheApplierWhoseNextApplyWithoutItKeepsIt() {
    JsonObject live = apply(null, flag("{\"enabled\":true,\"n\":1}"), "kubectl", T1);

    JsonObject edited = SSA.update(live, flag("{\"enabled\":true,\"n\":2}"), "kubectl-edit", T2);
    assertThat(fieldsOf(edited, "kubectl", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{}}}"));
    assertThat(fieldsOf(edited, "kubectl-edit", "Update"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:n\":{}}}"));

    JsonObject applied = apply(edited, flag("{\"enabled\":true}"), "kubectl", T3);
    assertThat(applied.getJsonObject("spec"))
        .isEqualTo(new JsonObject("{\"enabled\":true,\"n\":2}"));

    StatusException conflict = applyFails(edited, flag("{\"enabled\":true,\"n\":3}"), "kubectl");
    assertThat(conflict.getMessage())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using"
                + " flipt.io/v1alpha1: .spec.n");
  }

  @Test
  void nestedObjectsAreGranular() {
    JsonObject live =
        apply(null, flag("{\"rules\":{\"a\":{\"rank\":1,\"segment\":\"s\"}}}"), "alice", T1);
    live = apply(live, flag("{\"rules\":{\"b\":{\"rank\":2}}}"), "bob", T2);
    assertThat(live.getJsonObject("spec"))
        .isEqualTo(
            new JsonObject(
                "{\"rules\":{\"a\":{\"rank\":1,\"segment\":\"s\"},\"b\":{\"rank\":2}}}"));

    JsonObject aliceDropsSegment =
        apply(live, flag("{\"rules\":{\"a\":{\"rank\":1}}}"), "alice", T3);
    assertThat(aliceDropsSegment.getJsonObject("spec"))
        .isEqualTo(new JsonObject("{\"rules\":{\"a\":{\"rank\":1},\"b\":{\"rank\":2}}}"));

    JsonObject aliceLeaves = apply(live, flag("{}"), "alice", T3);
    assertThat(aliceLeaves.getJsonObject("spec"))
        .isEqualTo(new JsonObject("{\"rules\":{\"b\":{\"rank\":2}}}"));
  }

  @Test
  void listsAreAtomic() {
    JsonObject live = apply(null, flag("{\"tags\":[\"a\",\"b\"]}"), "alice", T1);

    StatusException conflict = applyFails(live, flag("{\"tags\":[\"a\",\"b\",\"c\"]}"), "bob");
    assertThat(conflict.causes())
        .extracting(StatusException.Cause::field)
        .containsExactly(".spec.tags");

    JsonObject edited = SSA.update(live, flag("{\"tags\":[\"a\"]}"), "kubectl-edit", T2);
    assertThat(fieldsOf(edited, "alice", "Apply")).isNull();
    assertThat(fieldsOf(edited, "kubectl-edit", "Update"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:tags\":{}}}"));
  }

  @Test
  void theFirstApplyOverFieldsAnOlderClientWroteConflictsWithBeforeFirstApply() {
    JsonObject live = flag("{\"enabled\":false,\"n\":1}");

    StatusException conflict = applyFails(live, flag("{\"enabled\":true}"), "ci");
    assertThat(conflict.getMessage())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"before-first-apply\" using"
                + " flipt.io/v1alpha1: .spec.enabled");

    JsonObject same = apply(live, flag("{\"enabled\":false}"), "ci", T2);
    assertThat(fieldsOf(same, "before-first-apply", "Update"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\".\":{},\"f:enabled\":{},\"f:n\":{}}}"));
    assertThat(fieldsOf(same, "ci", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{}}}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"not a list\"",
        "[1]",
        "[{\"manager\":\"x\",\"operation\":\"Bogus\",\"fieldsType\":\"FieldsV1\"}]",
        "[{\"manager\":\"x\",\"operation\":\"Apply\",\"fieldsType\":\"FieldsV2\"}]",
        "[{\"manager\":\"x\",\"operation\":\"Apply\",\"fieldsV1\":{\"f:spec\":\"leaf\"}}]",
        "[{\"manager\":\"x\",\"operation\":\"Apply\",\"fieldsV1\":{\"spec\":{}}}]",
        "[{\"manager\":\"x\",\"operation\":\"Apply\",\"time\":\"yesterday\"}]",
        "[{\"manager\":\"x\",\"operation\":\"Apply\"},{\"manager\":\"x\",\"operation\":\"Apply\"}]"
      })
  void malformedStoredManagedFieldsCountAsNone(String managedFields) {
    JsonObject live = flag("{\"enabled\":false}");
    live.getJsonObject("metadata")
        .put("managedFields", new JsonObject("{\"v\":" + managedFields + "}").getValue("v"));

    JsonObject applied = apply(live, flag("{\"enabled\":false,\"n\":1}"), "ci", T2);

    assertThat(managedFields(applied))
        .extracting(o -> ((JsonObject) o).getString("manager"))
        .containsExactly("ci", "before-first-apply");
    JsonObject updated = SSA.update(live, flag("{\"enabled\":true}"), "kubectl-edit", T2);
    assertThat(managedFields(updated))
        .extracting(o -> ((JsonObject) o).getString("manager"))
        .containsExactly("kubectl-edit");
  }

  @Test
  void applyTimeMovesOnlyWhenTheApplyChangesTheResource() {
    JsonObject live = apply(null, flag("{\"enabled\":true}"), "ci", T1);
    JsonObject again = apply(live, flag("{\"enabled\":true}"), "ci", T2);
    assertThat(managedFields(again).getJsonObject(0).getString("time"))
        .isEqualTo("2025-01-01T10:00:00Z");
    JsonObject changed = apply(again, flag("{\"enabled\":false}"), "ci", T3);
    assertThat(managedFields(changed).getJsonObject(0).getString("time"))
        .isEqualTo("2025-01-03T10:00:00Z");
  }

  @Test
  void aConfigurationThatDoesNotFitTheRequestIs400() {
    JsonObject otherVersion = flag("{}").put("apiVersion", "flipt.io/v1");
    assertThat(applyFails(null, otherVersion, "ci").getMessage())
        .isEqualTo(
            "Incorrect version specified in apply patch. Specified patch version: flipt.io/v1,"
                + " expected: flipt.io/v1alpha1");
    assertThat(applyFails(null, flag("{}").put("kind", "Segment"), "ci").code()).isEqualTo(400);
    JsonObject otherName = flag("{}");
    otherName.getJsonObject("metadata").put("name", "g");
    assertThat(applyFails(null, otherName, "ci").getMessage())
        .isEqualTo("the name of the object (g) does not match the name on the URL (f)");
    JsonObject otherNamespace = flag("{}");
    otherNamespace.getJsonObject("metadata").put("namespace", "prod");
    assertThat(applyFails(null, otherNamespace, "ci").code()).isEqualTo(400);
    JsonObject withManagedFields = flag("{}");
    withManagedFields.getJsonObject("metadata").put("managedFields", new JsonArray());
    assertThat(applyFails(null, withManagedFields, "ci").getMessage())
        .isEqualTo("metadata.managedFields must be nil");
  }

  @Test
  void theNameAndNamespaceComeFromTheRequest() {
    JsonObject config = flag("{\"enabled\":true}");
    config.getJsonObject("metadata").remove("name");
    config.getJsonObject("metadata").remove("namespace");

    JsonObject created = apply(null, config, "ci", T1);

    assertThat(created.getJsonObject("metadata").getString("name")).isEqualTo("f");
    assertThat(created.getJsonObject("metadata").getString("namespace")).isEqualTo("default");
  }

  // -- kubectl's move from client-side apply ----------------------------------------------------

  @Test
  void kubectlMovingFromClientSideApplyIsNotAConflictOnFieldsItAppliedBefore() {
    JsonObject previous = flag("{\"enabled\":false,\"n\":1}");
    JsonObject live = flag("{\"enabled\":false,\"n\":1}");
    live.getJsonObject("metadata")
        .put("annotations", new JsonObject().put(ServerSideApply.LAST_APPLIED, previous.encode()));
    live = SSA.update(null, live, "kubectl-client-side-apply", T1);
    live =
        SSA.update(
            live,
            live.copy().put("spec", new JsonObject("{\"enabled\":false,\"n\":5}")),
            "kubectl-edit",
            T2);

    JsonObject config = flag("{\"enabled\":true,\"n\":1}");
    StatusException conflict = applyFails(live, config, "kubectl");
    assertThat(conflict.causes())
        .as("n drifted from the last applied configuration: someone else set it")
        .extracting(StatusException.Cause::field)
        .containsExactly(".spec.n");

    JsonObject applied = apply(live, flag("{\"enabled\":true,\"n\":5}"), "kubectl", T3);
    assertThat(applied.getJsonObject("spec"))
        .isEqualTo(new JsonObject("{\"enabled\":true,\"n\":5}"));
    assertThat(fieldsOf(applied, "kubectl", "Apply"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{},\"f:n\":{}}}"));
    assertThat(fieldsOf(applied, "kubectl-client-side-apply", "Update"))
        .isEqualTo(
            fieldsV1(
                "{\"f:metadata\":{\"f:annotations\":{\".\":{},"
                    + "\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}},"
                    + "\"f:spec\":{}}"));
    String recorded =
        applied
            .getJsonObject("metadata")
            .getJsonObject("annotations")
            .getString(ServerSideApply.LAST_APPLIED);
    assertThat(new JsonObject(recorded).getJsonObject("spec"))
        .isEqualTo(new JsonObject("{\"enabled\":true,\"n\":5}"));

    assertThat(applyFails(live, config, "helm").causes())
        .as("only kubectl's own apply is excused")
        .hasSize(2);
  }

  // -- update -----------------------------------------------------------------------------------

  @Test
  void anUpdateOwnsWhatItAddsOrChangesAndRemovedFieldsLeaveEverySet() {
    JsonObject created =
        SSA.update(null, flag("{\"enabled\":true,\"rules\":{\"a\":1}}"), "kubectl-create", T1);
    assertThat(managedFields(created))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("manager", "kubectl-create")
                        .put("operation", "Update")
                        .put("apiVersion", VERSION)
                        .put("time", "2025-01-01T10:00:00Z")
                        .put("fieldsType", "FieldsV1")
                        .put(
                            "fieldsV1",
                            fieldsV1(
                                "{\"f:spec\":{\".\":{},\"f:enabled\":{},"
                                    + "\"f:rules\":{\".\":{},\"f:a\":{}}}}"))));

    JsonObject edited = SSA.update(created, flag("{\"enabled\":false}"), "kubectl-edit", T2);
    assertThat(fieldsOf(edited, "kubectl-create", "Update"))
        .as("the object spec itself, which the create added")
        .isEqualTo(fieldsV1("{\"f:spec\":{}}"));
    assertThat(fieldsOf(edited, "kubectl-edit", "Update"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:enabled\":{}}}"));

    JsonObject unchanged = SSA.update(edited, flag("{\"enabled\":false}"), "kubectl-label", T3);
    assertThat(fieldsOf(unchanged, "kubectl-label", "Update")).as("no change, no entry").isNull();
    assertThat(managedFields(unchanged)).isEqualTo(managedFields(edited));
  }

  @Test
  void anUpdateStartsFromTheManagedFieldsItCarriesOrElseTheLiveOnes() {
    JsonObject live = apply(null, flag("{\"enabled\":true}"), "ci", T1);

    JsonObject withoutThem = flag("{\"enabled\":true,\"n\":1}");
    assertThat(fieldsOf(SSA.update(live, withoutThem, "kubectl-edit", T2), "ci", "Apply"))
        .as("a client that does not know managed fields does not drop them")
        .isNotNull();

    JsonObject reset = flag("{\"enabled\":true,\"n\":1}");
    reset.getJsonObject("metadata").put("managedFields", new JsonArray().add(new JsonObject()));
    JsonObject cleared = SSA.update(live, reset, "kubectl-edit", T2);
    assertThat(managedFields(cleared))
        .extracting(o -> ((JsonObject) o).getString("manager"))
        .containsExactly("kubectl-edit");
    assertThat(fieldsOf(cleared, "kubectl-edit", "Update"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:n\":{}}}"));
  }

  @Test
  void theOldestOfMoreThanTenUpdatersMergeIntoAncientChanges() {
    JsonObject live = flag("{}");
    for (int i = 0; i < 12; i++) {
      JsonObject next = live.copy();
      next.getJsonObject("spec").put("f" + i, i);
      live = SSA.update(live, next, "writer-" + i, T1.plusSeconds(i));
    }

    List<String> managers =
        managedFields(live).stream().map(o -> ((JsonObject) o).getString("manager")).toList();
    assertThat(managers)
        .hasSize(10)
        .startsWith("ancient-changes")
        .doesNotContain("writer-0", "writer-1", "writer-2");
    assertThat(fieldsOf(live, "ancient-changes", "Update"))
        .isEqualTo(fieldsV1("{\"f:spec\":{\"f:f0\":{},\"f:f1\":{},\"f:f2\":{}}}"));
  }

  // -- managers ---------------------------------------------------------------------------------

  @Test
  void theManagerOfAnUpdateDefaultsToTheUserAgentsProduct() {
    assertThat(ServerSideApply.updateManager(null, "kubectl/v1.33.0 (linux/amd64) kubernetes/abc"))
        .isEqualTo("kubectl");
    assertThat(ServerSideApply.updateManager("", "Go-http-client/1.1")).isEqualTo("Go-http-client");
    assertThat(ServerSideApply.updateManager("kubectl-edit", "kubectl/v1.33.0"))
        .isEqualTo("kubectl-edit");
    assertThat(ServerSideApply.updateManager(null, "a\tb".repeat(100)))
        .hasSize(128)
        .doesNotContain("\t");
    assertThat(ServerSideApply.updateManager(null, null)).isEmpty();
  }

  @Test
  void anApplyMustNameAValidManager() {
    StatusException missing =
        catchThrowableOfType(StatusException.class, () -> ServerSideApply.applyManager(null));
    assertThat(missing.code()).isEqualTo(422);
    assertThat(missing.getMessage())
        .isEqualTo(
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required"
                + " for apply patch");
    assertThat(
            catchThrowableOfType(
                    StatusException.class, () -> ServerSideApply.applyManager("x".repeat(129)))
                .code())
        .isEqualTo(422);
    assertThat(
            catchThrowableOfType(
                    StatusException.class, () -> ServerSideApply.updateManager("a\nb", null))
                .code())
        .isEqualTo(422);
    assertThat(ServerSideApply.applyManager("kubectl")).isEqualTo("kubectl");
  }

  // -- FieldsV1 ---------------------------------------------------------------------------------

  @Test
  void managedFieldsWrittenByKubernetesReadAndWriteBackUnchanged() {
    JsonArray kube =
        new JsonArray(
            "[{\"manager\":\"kubectl\",\"operation\":\"Apply\",\"apiVersion\":\"apps/v1\","
                + "\"time\":\"2024-05-01T12:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":"
                + "{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:template\":"
                + "{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},"
                + "\"f:image\":{},\"f:name\":{}}}}}}}},"
                + "{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\","
                + "\"apiVersion\":\"apps/v1\",\"time\":\"2024-05-01T12:00:01Z\","
                + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\"f:replicas\":{}}},"
                + "\"subresource\":\"status\"},"
                + "{\"manager\":\"kubectl-edit\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
                + "\"time\":\"2024-05-01T12:00:02Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":"
                + "{\"f:spec\":{\"f:ports\":{\"v:80\":{},\"i:0\":{}}}}}]");

    ManagedFields parsed = ManagedFields.parse(kube);

    assertThat(parsed.toJson()).isEqualTo(kube);
    FieldSet containers = parsed.entries().get(0).fields();
    assertThat(containers.paths())
        .extracting(FieldPath::toString)
        .containsExactly(
            ".metadata.labels.app",
            ".spec.template.spec.containers[name=\"web\"]",
            ".spec.template.spec.containers[name=\"web\"].image",
            ".spec.template.spec.containers[name=\"web\"].name");
  }

  @Test
  void entriesAreWrittenInKubernetesOrder() {
    ManagedFields fields =
        ManagedFields.of(
            List.of(
                ManagedFields.Entry.of("z", "Update", VERSION, T1, FieldSet.of(FieldPath.of("a"))),
                ManagedFields.Entry.of("y", "Update", VERSION, T2, FieldSet.of(FieldPath.of("b"))),
                ManagedFields.Entry.of("x", "Apply", VERSION, T3, FieldSet.of(FieldPath.of("c"))),
                ManagedFields.Entry.of(
                    "w", "Update", VERSION, T1, FieldSet.of(FieldPath.of("d")))));

    assertThat(fields.entries())
        .extracting(ManagedFields.Entry::manager)
        .containsExactly("x", "w", "z", "y");
  }
}
