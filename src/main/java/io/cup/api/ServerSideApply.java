package io.cup.api;

import io.cup.api.FieldSet.Changes;
import io.cup.api.ManagedFields.Entry;
import io.cup.api.ManagedFields.Identity;
import io.cup.controllers.JsonValues;
import io.cup.controllers.ServerFields;
import io.cup.status.StatusException;
import io.cup.status.StatusException.Cause;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Kubernetes' field management for one served kind, on plain JSON objects (no HTTP, no Vert.x
 * context): server-side apply ({@link #apply}) and the bookkeeping of every other write ({@link
 * #update}), both recording in {@code metadata.managedFields} which manager owns which field.
 *
 * <p>Resources behave as custom resources without list annotations: objects are granular (each
 * member its own owner), lists are atomic. The semantics are those of Kubernetes'
 * structured-merge-diff:
 *
 * <ul>
 *   <li>An apply makes the fields of the applied configuration the applier's {@code Apply} set. A
 *       field it applied before and no longer applies is removed from the resource, unless another
 *       manager owns it (or something under it).
 *   <li>An apply that changes a field another manager owns is a 409 {@code Conflict} with one cause
 *       per field, unless forced: then the other managers lose those fields. Applying the value a
 *       field already has shares its ownership.
 *   <li>Any other write makes the fields it adds or changes its manager's {@code Update} set and
 *       takes them from every other manager; removed fields leave every set.
 *   <li>The first apply to a resource without managed fields first gives its fields to the {@code
 *       Update} manager {@value #BEFORE_FIRST_APPLY}, so that applying over fields written by an
 *       older client conflicts.
 *   <li>kubectl's move from client-side to server-side apply: an apply by {@value #KUBECTL} that
 *       only conflicts on fields whose live value is still the one in the {@value #LAST_APPLIED}
 *       annotation is forced, and an apply by {@value #KUBECTL} keeps that annotation in step.
 *   <li>At most {@value #MAX_UPDATE_MANAGERS} {@code Update} entries; the oldest merge into {@value
 *       #ANCIENT_CHANGES}.
 * </ul>
 *
 * <p>Never managed: {@code apiVersion}, {@code kind}, {@code metadata}'s name, namespace, uid,
 * resourceVersion, generation, creationTimestamp, selfLink, managedFields, the proposal annotation,
 * and {@code status}. Timestamps are whole seconds. {@code null} members of an applied
 * configuration are dropped (as if not applied).
 */
final class ServerSideApply {
  /** The media type of an apply patch. */
  static final String CONTENT_TYPE = "application/apply-patch+yaml";

  static final String MANAGED_FIELDS = "managedFields";
  static final String BEFORE_FIRST_APPLY = "before-first-apply";
  static final String ANCIENT_CHANGES = "ancient-changes";
  static final int MAX_UPDATE_MANAGERS = 10;
  static final int MAX_MANAGER_BYTES = 128;
  static final String KUBECTL = "kubectl";
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  static final String PROPOSAL_ANNOTATION = "cup.flipt.io/proposal";

  /** Paths no manager owns. */
  private static final FieldSet UNMANAGED =
      FieldSet.of(
          FieldPath.of("apiVersion"),
          FieldPath.of("kind"),
          FieldPath.of("metadata"),
          FieldPath.of("metadata", "name"),
          FieldPath.of("metadata", "namespace"),
          FieldPath.of("metadata", "uid"),
          FieldPath.of("metadata", "resourceVersion"),
          FieldPath.of("metadata", "generation"),
          FieldPath.of("metadata", "creationTimestamp"),
          FieldPath.of("metadata", "selfLink"),
          FieldPath.of("metadata", "annotations", PROPOSAL_ANNOTATION),
          FieldPath.of("metadata", "annotations", ServerFields.LAST_CHANGED_BY),
          FieldPath.of("metadata", "annotations", ServerFields.LAST_COMMIT));

  /** Paths no manager owns, nor anything under them. */
  private static final FieldSet UNMANAGED_TREES =
      FieldSet.of(FieldPath.of("metadata", MANAGED_FIELDS), FieldPath.of("status"));

  private final String apiVersion;
  private final String kind;

  /**
   * Field management for resources of {@code kind} served as {@code apiVersion} ({@code
   * group/version}).
   */
  ServerSideApply(String apiVersion, String kind) {
    this.apiVersion = Objects.requireNonNull(apiVersion);
    this.kind = Objects.requireNonNull(kind);
  }

  // -- request values ---------------------------------------------------------------------------

  /** The apply configuration in a request body (see {@link ApplyBody}): 400, 413, 415 if none. */
  static JsonObject parseApplyBody(byte[] body, long maxBytes) {
    return ApplyBody.parse(body, maxBytes);
  }

  /**
   * The manager of an apply: the {@code fieldManager} parameter, which an apply must name (422
   * otherwise, as Kubernetes; kubectl sends {@code kubectl}).
   */
  static String applyManager(String fieldManager) {
    if (fieldManager == null || fieldManager.isEmpty()) {
      throw invalidManager("Required value: is required for apply patch", "FieldValueRequired");
    }
    return validManager(fieldManager);
  }

  /**
   * The manager of any other write: the {@code fieldManager} parameter (422 when longer than
   * {@value #MAX_MANAGER_BYTES} bytes or not printable), else the {@code User-Agent} up to its
   * first {@code /} ({@code kubectl/v1.33.0 (linux/amd64)} is {@code kubectl}), printable
   * characters only, cut at {@value #MAX_MANAGER_BYTES} bytes, as Kubernetes derives it.
   */
  static String updateManager(String fieldManager, String userAgent) {
    if (fieldManager != null && !fieldManager.isEmpty()) {
      return validManager(fieldManager);
    }
    if (userAgent == null) {
      return "";
    }
    int slash = userAgent.indexOf('/');
    String prefix = slash < 0 ? userAgent : userAgent.substring(0, slash);
    StringBuilder out = new StringBuilder();
    int bytes = 0;
    for (int cp : prefix.codePoints().toArray()) {
      if (!printable(cp)) {
        continue;
      }
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_MANAGER_BYTES) {
        break;
      }
      bytes += size;
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  private static String validManager(String manager) {
    if (manager.getBytes(StandardCharsets.UTF_8).length > MAX_MANAGER_BYTES) {
      throw invalidManager(
          "Too long: may not be more than " + MAX_MANAGER_BYTES + " bytes", "FieldValueTooLong");
    }
    if (!manager.codePoints().allMatch(ServerSideApply::printable)) {
      throw invalidManager(
          "Invalid value: \"" + manager + "\": invalid characters", "FieldValueInvalid");
    }
    return manager;
  }

  private static StatusException invalidManager(String why, String reason) {
    return StatusException.invalid(
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: " + why,
        List.of(new Cause("fieldManager", reason, why)));
  }

  /** Go's {@code unicode.IsPrint}: graphic characters and the ASCII space. */
  private static boolean printable(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      default -> true;
    };
  }

  // -- apply ------------------------------------------------------------------------------------

  /**
   * The resource after {@code manager} applies {@code applied} to {@code live}, with its managed
   * fields.
   *
   * @param live the stored resource, or null when there is none (the apply creates it)
   * @param applied the apply configuration: {@code apiVersion} and {@code kind} must be the served
   *     ones, {@code metadata.name} and {@code metadata.namespace} (when given) the request's, and
   *     {@code metadata.managedFields} absent (400 otherwise)
   * @param namespace the request's namespace, or null for a cluster-scoped kind
   * @param name the request's name
   * @param manager the applier (see {@link #applyManager})
   * @param force whether to take fields from their other managers instead of failing
   * @param now the time of the write
   * @throws StatusException 400 for a configuration that does not fit the request, 409 {@code
   *     Conflict} (see {@link StatusException#applyConflict}) for fields other managers own
   */
  JsonObject apply(
      JsonObject live,
      JsonObject applied,
      String namespace,
      String name,
      String manager,
      boolean force,
      Instant now) {
    JsonObject config = configuration(applied, namespace, name);
    JsonObject before = bare(live);
    ManagedFields managers = ManagedFields.of(live);
    if (live != null && managers.isEmpty()) {
      managers =
          record(managers, FieldSet.compare(new JsonObject(), before), BEFORE_FIRST_APPLY, now);
    }

    Identity applier =
        Entry.of(manager, ManagedFields.APPLY, apiVersion, null, FieldSet.EMPTY).identity();
    Optional<Entry> previous = managers.find(applier);
    FieldSet applying = unmanaged(FieldSet.leaves(config));
    managers =
        managers.with(
            new Entry(
                manager,
                ManagedFields.APPLY,
                apiVersion,
                previous.map(Entry::time).orElse(null),
                "",
                applying));

    JsonObject merged = merge(before, config);
    if (previous.isPresent()) {
      prune(merged, previous.get().fields(), managers.owned());
    }

    Changes changes = FieldSet.compare(before, merged);
    FieldSet changed = unmanaged(changes.set());
    FieldSet removed = unmanaged(changes.removed());
    Map<Entry, FieldSet> conflicts = conflicts(managers, applier, changed);
    if (!conflicts.isEmpty() && !force) {
      conflicts = withoutLastApplied(conflicts, manager, before);
      if (!conflicts.isEmpty()) {
        throw conflict(conflicts);
      }
    }
    managers =
        managers.map(
            e ->
                e.identity().equals(applier)
                    ? e.withFields(e.fields().difference(removed))
                    : e.withFields(e.fields().difference(changed).difference(removed)));
    Optional<Entry> mine = managers.find(applier);
    if (mine.isPresent() && (previous.isEmpty() || !JsonValues.equal(before, merged))) {
      managers = managers.with(mine.get().withTime(now));
    }
    managers = managers.capUpdates(MAX_UPDATE_MANAGERS, ANCIENT_CHANGES);
    if (manager.equals(KUBECTL)) {
      keepLastAppliedInStep(merged, applied);
    }
    return withManagedFields(merged, managers);
  }

  /** The applied configuration, checked against the request, without null members. */
  private JsonObject configuration(JsonObject applied, String namespace, String name) {
    if (applied == null) {
      throw StatusException.badRequest("the apply configuration must be an object");
    }
    Object version = applied.getValue("apiVersion");
    if (!apiVersion.equals(version)) {
      throw StatusException.badRequest(
          "Incorrect version specified in apply patch. Specified patch version: "
              + (version == null ? "" : version)
              + ", expected: "
              + apiVersion);
    }
    Object appliedKind = applied.getValue("kind");
    if (!kind.equals(appliedKind)) {
      throw StatusException.badRequest(
          "Incorrect kind specified in apply patch. Specified patch kind: "
              + (appliedKind == null ? "" : appliedKind)
              + ", expected: "
              + kind);
    }
    JsonObject config = withoutNulls(applied);
    Object meta = config.getValue("metadata");
    if (meta != null && !(meta instanceof JsonObject)) {
      throw StatusException.badRequest("metadata must be an object");
    }
    JsonObject metadata = meta == null ? new JsonObject() : (JsonObject) meta;
    if (metadata.containsKey(MANAGED_FIELDS)) {
      throw StatusException.badRequest("metadata.managedFields must be nil");
    }
    Object configName = metadata.getValue("name");
    if (configName != null && !configName.equals(name)) {
      throw StatusException.badRequest(
          "the name of the object ("
              + configName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    Object configNamespace = metadata.getValue("namespace");
    if (configNamespace != null
        && !configNamespace.equals("")
        && !configNamespace.equals(namespace)) {
      throw StatusException.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    metadata.put("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    } else {
      metadata.remove("namespace");
    }
    config.put("metadata", metadata);
    return config;
  }

  /** {@code live} merged with {@code config}: objects member by member, anything else replaced. */
  private static JsonObject merge(JsonObject live, JsonObject config) {
    JsonObject out = live.copy();
    for (Map.Entry<String, Object> member : config) {
      Object old = out.getValue(member.getKey());
      Object value = member.getValue();
      if (old instanceof JsonObject o && value instanceof JsonObject n) {
        out.put(member.getKey(), merge(o, n));
      } else {
        out.put(member.getKey(), copy(value));
      }
    }
    return out;
  }

  /**
   * Removes from {@code merged} what the applier applied last time ({@code last}) and nobody owns
   * now: a path in {@code last}, or an object on the way to one, that is not owned and has nothing
   * owned under it goes, with everything in it.
   */
  private static void prune(JsonObject merged, FieldSet last, FieldSet owned) {
    TreeSet<FieldPath> candidates = new TreeSet<>();
    for (FieldPath path : last.paths()) {
      for (FieldPath p = path; !p.isRoot(); p = p.parent()) {
        candidates.add(p);
      }
    }
    for (FieldPath path : candidates) {
      if (!path.isFieldsOnly()
          || UNMANAGED.contains(path)
          || UNMANAGED_TREES.paths().stream().anyMatch(t -> t.isPrefixOf(path))
          || owned.contains(path)
          || owned.hasUnder(path)) {
        continue;
      }
      remove(merged, path);
    }
  }

  private static void remove(JsonObject object, FieldPath path) {
    JsonObject at = object;
    List<String> elements = path.elements();
    for (int i = 0; i < elements.size() - 1; i++) {
      if (!(at.getValue(elements.get(i).substring(2)) instanceof JsonObject next)) {
        return;
      }
      at = next;
    }
    at.remove(elements.get(elements.size() - 1).substring(2));
  }

  /** Per other manager, the fields it owns that this apply changes. */
  private static Map<Entry, FieldSet> conflicts(
      ManagedFields managers, Identity applier, FieldSet changed) {
    Map<Entry, FieldSet> conflicts = new LinkedHashMap<>();
    managers.entries().stream()
        .filter(e -> !e.identity().equals(applier))
        .sorted(Comparator.comparing(Entry::manager).thenComparing(Entry::operation))
        .forEach(
            e -> {
              FieldSet c = e.fields().intersection(changed);
              if (!c.isEmpty()) {
                conflicts.put(e, c);
              }
            });
    return conflicts;
  }

  /**
   * The conflicts kubectl's move from client-side apply does not excuse: for the manager {@value
   * #KUBECTL}, a field whose live value is still the one recorded in the {@value #LAST_APPLIED}
   * annotation was applied by kubectl before, so it is no conflict.
   */
  private Map<Entry, FieldSet> withoutLastApplied(
      Map<Entry, FieldSet> conflicts, String manager, JsonObject live) {
    if (!manager.equals(KUBECTL)) {
      return conflicts;
    }
    Optional<JsonObject> lastApplied = lastApplied(live);
    if (lastApplied.isEmpty()) {
      return conflicts;
    }
    JsonObject last = bare(lastApplied.get());
    Changes drift = FieldSet.compare(last, live);
    FieldSet excused =
        FieldSet.leaves(last)
            .difference(drift.modified())
            .difference(drift.added())
            .difference(drift.removed());
    Map<Entry, FieldSet> left = new LinkedHashMap<>();
    conflicts.forEach(
        (entry, fields) -> {
          FieldSet rest = fields.difference(excused);
          if (!rest.isEmpty()) {
            left.put(entry, rest);
          }
        });
    return left;
  }

  private static Optional<JsonObject> lastApplied(JsonObject resource) {
    if (!(resource.getValue("metadata") instanceof JsonObject metadata)
        || !(metadata.getValue("annotations") instanceof JsonObject annotations)
        || !(annotations.getValue(LAST_APPLIED) instanceof String text)
        || text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new JsonObject(text));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /**
   * An apply by kubectl to a resource that carries the {@value #LAST_APPLIED} annotation records
   * the configuration there, so that a later client-side apply starts from it.
   */
  private static void keepLastAppliedInStep(JsonObject merged, JsonObject applied) {
    if (!(merged.getValue("metadata") instanceof JsonObject metadata)
        || !(metadata.getValue("annotations") instanceof JsonObject annotations)
        || !annotations.containsKey(LAST_APPLIED)) {
      return;
    }
    JsonObject recorded = applied.copy();
    if (recorded.getValue("metadata") instanceof JsonObject m
        && m.getValue("annotations") instanceof JsonObject a) {
      a.remove(LAST_APPLIED);
      if (a.isEmpty()) {
        m.remove("annotations");
      }
    }
    annotations.put(LAST_APPLIED, recorded.encode() + "\n");
  }

  /** The 409 of an apply that conflicts, worded as Kubernetes words it. */
  private static StatusException conflict(Map<Entry, FieldSet> conflicts) {
    List<Cause> causes = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    int count = 0;
    for (Map.Entry<Entry, FieldSet> c : conflicts.entrySet()) {
      String who = c.getKey().describe();
      lines.add("conflicts with " + who + ":");
      for (FieldPath path : c.getValue().paths()) {
        causes.add(
            new Cause(
                path.toString(), StatusException.FIELD_MANAGER_CONFLICT, "conflict with " + who));
        lines.add("- " + path);
        count++;
      }
    }
    String message =
        count == 1
            ? "Apply failed with 1 conflict: "
                + causes.get(0).message()
                + ": "
                + causes.get(0).field()
            : "Apply failed with " + count + " conflicts: " + String.join("\n", lines);
    return StatusException.applyConflict(message, causes);
  }

  // -- update -----------------------------------------------------------------------------------

  /**
   * The resource {@code updated} (a create, a replace, a merge or JSON patch already applied) with
   * its managed fields after {@code manager} wrote it: what the write added or changed is the
   * manager's {@code Update} set and no one else's, what it removed is no one's.
   *
   * <p>The managed fields to start from are those {@code updated} carries, as a client may set
   * them; when it carries none, or ones that cannot be read, those of {@code live} (a client that
   * does not know them cannot drop them); an empty list (or a list of one empty entry) clears them.
   *
   * @param live the stored resource, or null for a create
   * @param manager the writer (see {@link #updateManager})
   */
  JsonObject update(JsonObject live, JsonObject updated, String manager, Instant now) {
    JsonObject before = bare(live);
    JsonObject after = bare(updated);
    ManagedFields managers = startingPoint(live, updated);
    managers = record(managers, FieldSet.compare(before, after), manager, now);
    return withManagedFields(after, managers.capUpdates(MAX_UPDATE_MANAGERS, ANCIENT_CHANGES));
  }

  private static ManagedFields startingPoint(JsonObject live, JsonObject updated) {
    Object written =
        updated.getValue("metadata") instanceof JsonObject m ? m.getValue(MANAGED_FIELDS) : null;
    if (ManagedFields.isReset(written)) {
      return ManagedFields.EMPTY;
    }
    ManagedFields own = ManagedFields.of(updated);
    return own.isEmpty() ? ManagedFields.of(live) : own;
  }

  /** {@code managers} after {@code manager}'s Update made {@code changes}. */
  private ManagedFields record(
      ManagedFields managers, Changes changes, String manager, Instant now) {
    FieldSet changed = unmanaged(changes.set());
    FieldSet removed = unmanaged(changes.removed());
    managers = managers.map(e -> e.withFields(e.fields().difference(changed).difference(removed)));
    if (changed.isEmpty()) {
      return managers;
    }
    Entry entry = Entry.of(manager, ManagedFields.UPDATE, apiVersion, now, changed);
    FieldSet kept = managers.find(entry.identity()).map(Entry::fields).orElse(FieldSet.EMPTY);
    return managers.with(entry.withFields(kept.union(changed)));
  }

  // -- shared -----------------------------------------------------------------------------------

  /** {@code fields} without what no manager owns. */
  private static FieldSet unmanaged(FieldSet fields) {
    return fields.difference(UNMANAGED).withoutSubtrees(UNMANAGED_TREES);
  }

  /** A copy of {@code resource} (empty for null) without its managed fields. */
  private static JsonObject bare(JsonObject resource) {
    if (resource == null) {
      return new JsonObject();
    }
    JsonObject copy = resource.copy();
    if (copy.getValue("metadata") instanceof JsonObject metadata) {
      metadata.remove(MANAGED_FIELDS);
    }
    return copy;
  }

  /** {@code resource} (changed in place) with {@code managers} as its managed fields. */
  private static JsonObject withManagedFields(JsonObject resource, ManagedFields managers) {
    if (!(resource.getValue("metadata") instanceof JsonObject metadata)) {
      if (managers.isEmpty()) {
        return resource;
      }
      resource.put("metadata", new JsonObject());
      return withManagedFields(resource, managers);
    }
    if (managers.isEmpty()) {
      metadata.remove(MANAGED_FIELDS);
    } else {
      metadata.put(MANAGED_FIELDS, managers.toJson());
    }
    return resource;
  }

  private static JsonObject withoutNulls(JsonObject object) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> member : object) {
      Object value = member.getValue();
      if (value instanceof JsonObject o) {
        out.put(member.getKey(), withoutNulls(o));
      } else if (value != null) {
        out.put(member.getKey(), copy(value));
      }
    }
    return out;
  }

  private static Object copy(Object value) {
    if (value instanceof JsonObject o) {
      return o.copy();
    }
    return value instanceof JsonArray a ? a.copy() : value;
  }
}
