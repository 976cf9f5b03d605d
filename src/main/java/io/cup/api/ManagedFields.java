package io.cup.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A resource's {@code metadata.managedFields}: which manager owns which fields, in Kubernetes'
 * format ({@code fieldsType: FieldsV1}), read from and written to the resource. Immutable.
 *
 * <p>An entry is known by its manager, operation, subresource and, for {@code Update} entries, API
 * version (an applier keeps one entry across versions, as in Kubernetes). Entries are written in
 * Kubernetes' order: {@code Apply} before {@code Update}, then oldest first, then by manager.
 */
final class ManagedFields {
  static final String APPLY = "Apply";
  static final String UPDATE = "Update";
  static final String FIELDS_V1 = "FieldsV1";

  static final ManagedFields EMPTY = new ManagedFields(List.of());

  private static final Comparator<Entry> ORDER =
      Comparator.comparing(Entry::operation)
          .thenComparingLong(e -> e.time() == null ? 0 : e.time().getEpochSecond())
          .thenComparing(Entry::manager)
          .thenComparing(Entry::apiVersion)
          .thenComparing(Entry::subresource);

  /** One manager's fields. {@code time} may be null (an entry written without one). */
  record Entry(
      String manager,
      String operation,
      String apiVersion,
      Instant time,
      String subresource,
      FieldSet fields) {
    Entry {
      Objects.requireNonNull(manager);
      Objects.requireNonNull(operation);
      Objects.requireNonNull(apiVersion);
      Objects.requireNonNull(subresource);
      Objects.requireNonNull(fields);
      time = time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
    }

    /** An entry of the main resource (no subresource). */
    static Entry of(
        String manager, String operation, String apiVersion, Instant time, FieldSet fields) {
      return new Entry(manager, operation, apiVersion, time, "", fields);
    }

    boolean isApply() {
      return operation.equals(APPLY);
    }

    /** What identifies the entry: two entries with one identity are one manager. */
    Identity identity() {
      return new Identity(manager, operation, isApply() ? "" : apiVersion, subresource);
    }

    Entry withFields(FieldSet fields) {
      return new Entry(manager, operation, apiVersion, time, subresource, fields);
    }

    Entry withTime(Instant time) {
      return new Entry(manager, operation, apiVersion, time, subresource, fields);
    }

    /**
     * The manager as Kubernetes names it in a conflict: {@code "kubectl"} for an applier, {@code
     * "kubectl-edit" using flipt.io/v1alpha1} for an updater.
     */
    String describe() {
      String name = "\"" + manager + "\"";
      if (!subresource.isEmpty()) {
        name += " with subresource \"" + subresource + "\"";
      }
      return isApply() ? name : name + " using " + apiVersion;
    }

    JsonObject toJson() {
      JsonObject json =
          new JsonObject()
              .put("manager", manager)
              .put("operation", operation)
              .put("apiVersion", apiVersion);
      if (time != null) {
        json.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
      }
      json.put("fieldsType", FIELDS_V1).put("fieldsV1", fields.toFieldsV1());
      if (!subresource.isEmpty()) {
        json.put("subresource", subresource);
      }
      return json;
    }

    static Entry fromJson(JsonObject json) {
      String operation = json.getString("operation", "");
      if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
        throw new IllegalArgumentException("operation must be Apply or Update: " + operation);
      }
      if (!FIELDS_V1.equals(json.getString("fieldsType", FIELDS_V1))) {
        throw new IllegalArgumentException("fieldsType must be FieldsV1");
      }
      String time = json.getString("time");
      JsonObject fields = json.getJsonObject("fieldsV1", new JsonObject());
      return new Entry(
          json.getString("manager", ""),
          operation,
          json.getString("apiVersion", ""),
          time == null ? null : parseTime(time),
          json.getString("subresource", ""),
          FieldSet.fromFieldsV1(fields));
    }

    private static Instant parseTime(String time) {
      try {
        return OffsetDateTime.parse(time).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("time is not RFC 3339: " + time, e);
      }
    }
  }

  /** The identity of an entry (see {@link Entry#identity()}). */
  record Identity(String manager, String operation, String apiVersion, String subresource) {}

  private final List<Entry> entries;

  private ManagedFields(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(ORDER);
    this.entries = List.copyOf(sorted);
  }

  static ManagedFields of(List<Entry> entries) {
    Set<Identity> seen = new HashSet<>();
    for (Entry entry : entries) {
      if (!seen.add(entry.identity())) {
        throw new IllegalArgumentException("two entries for " + entry.identity());
      }
    }
    return entries.isEmpty() ? EMPTY : new ManagedFields(entries);
  }

  /**
   * The entries of a {@code metadata.managedFields} value.
   *
   * @throws IllegalArgumentException when the value is not a list of entries in Kubernetes' format,
   *     or names one manager twice
   */
  static ManagedFields parse(Object value) {
    if (value == null) {
      return EMPTY;
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException("managedFields must be a list");
    }
    List<Entry> entries = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject json)) {
        throw new IllegalArgumentException("a managedFields entry must be an object");
      }
      entries.add(Entry.fromJson(json));
    }
    return of(entries);
  }

  /**
   * The managed fields stored in {@code resource} (null: none); a malformed value counts as none,
   * as Kubernetes resets managed fields it cannot decode rather than failing the write.
   */
  static ManagedFields of(JsonObject resource) {
    if (resource == null) {
      return EMPTY;
    }
    try {
      return parse(metadata(resource).getValue(ServerSideApply.MANAGED_FIELDS));
    } catch (IllegalArgumentException | ClassCastException e) {
      return EMPTY;
    }
  }

  private static JsonObject metadata(JsonObject resource) {
    return resource.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
  }

  /**
   * Whether a written {@code managedFields} value asks to clear them: an empty list, or a list of
   * one empty entry (as Kubernetes: {@code kubectl} cannot send an empty list through a patch).
   */
  static boolean isReset(Object value) {
    return value instanceof JsonArray a
        && (a.isEmpty() || a.size() == 1 && a.getValue(0) instanceof JsonObject o && o.isEmpty());
  }

  /** The entries, in Kubernetes' order. */
  List<Entry> entries() {
    return entries;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  Optional<Entry> find(Identity identity) {
    return entries.stream().filter(e -> e.identity().equals(identity)).findFirst();
  }

  /** These entries with {@code entry} added, or in place of the entry of the same identity. */
  ManagedFields with(Entry entry) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.identity().equals(entry.identity())) {
        out.add(e);
      }
    }
    out.add(entry);
    return new ManagedFields(out);
  }

  /** Every entry through {@code change}; entries left without fields are dropped. */
  ManagedFields map(UnaryOperator<Entry> change) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      Entry changed = change.apply(e);
      if (!changed.fields().isEmpty()) {
        out.add(changed);
      }
    }
    return new ManagedFields(out);
  }

  /** Every path some entry owns. */
  FieldSet owned() {
    FieldSet all = FieldSet.EMPTY;
    for (Entry e : entries) {
      all = all.union(e.fields());
    }
    return all;
  }

  /**
   * At most {@code max} {@code Update} entries, as Kubernetes keeps them: the oldest are merged,
   * per API version, into one entry of the manager {@code ancient-changes} that carries the time of
   * the newest update merged into it.
   */
  ManagedFields capUpdates(int max, String bucketManager) {
    List<Entry> updates = new ArrayList<>(entries.stream().filter(e -> !e.isApply()).toList());
    if (updates.size() <= max) {
      return this;
    }
    updates.sort(
        Comparator.<Entry>comparingLong(e -> e.time() == null ? 0 : e.time().getEpochSecond())
            .thenComparing(Entry::manager));
    Map<Identity, Entry> kept = new HashMap<>();
    for (Entry e : entries) {
      kept.put(e.identity(), e);
    }
    Map<String, Identity> firstOfVersion = new HashMap<>();
    int count = updates.size();
    for (int i = 0; i < updates.size() && count > max; i++) {
      Entry update = updates.get(i);
      Entry bucket = Entry.of(bucketManager, UPDATE, update.apiVersion(), null, FieldSet.EMPTY);
      Identity first = firstOfVersion.get(update.apiVersion());
      if (first == null) {
        firstOfVersion.put(update.apiVersion(), update.identity());
        continue;
      }
      Entry merged = kept.remove(bucket.identity());
      if (merged == null) {
        merged = bucket.withFields(kept.remove(first).fields());
      }
      kept.remove(update.identity());
      kept.put(
          bucket.identity(),
          merged.withFields(merged.fields().union(update.fields())).withTime(update.time()));
      count--;
    }
    List<Entry> out = new ArrayList<>(kept.values());
    return new ManagedFields(out);
  }

  /** The JSON value of {@code metadata.managedFields}. */
  JsonArray toJson() {
    JsonArray array = new JsonArray();
    entries.forEach(e -> array.add(e.toJson()));
    return array;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagedFields m && entries.equals(m.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
