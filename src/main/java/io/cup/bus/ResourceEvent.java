package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * Published on {@code cup.events.resource} when the tracked branch moves: {@code type} is ADDED,
 * MODIFIED or DELETED (the Kubernetes watch words); {@code commit} the new head, {@code
 * previousCommit} the old one; {@code object} the resource after the change (before it, for
 * DELETED); {@code previousObject} the resource before a MODIFIED change (null otherwise), so that
 * a watcher with a label selector sees a resource leave or enter its selection. Both objects carry
 * {@code commit} as their {@code metadata.resourceVersion}, as every object of a watch event does.
 */
public record ResourceEvent(
    String type,
    String group,
    String version,
    String plural,
    String kind,
    String namespace,
    String name,
    String commit,
    String previousCommit,
    JsonObject object,
    JsonObject previousObject)
    implements BusMessage {

  /**
   * This event as a watcher that selects resources with {@code selected} sees it, as Kubernetes
   * does: a modified resource that starts matching is ADDED, one that stops matching is DELETED
   * (with its last matching state), one that matches neither before nor after is no event.
   */
  public java.util.Optional<ResourceEvent> selectedBy(
      java.util.function.Predicate<JsonObject> selected) {
    boolean now = selected.test(object);
    if (!"MODIFIED".equals(type) || previousObject == null) {
      return now ? java.util.Optional.of(this) : java.util.Optional.empty();
    }
    boolean before = selected.test(previousObject);
    if (now && before) {
      return java.util.Optional.of(this);
    }
    if (now) {
      return java.util.Optional.of(withType("ADDED", object));
    }
    if (before) {
      return java.util.Optional.of(withType("DELETED", previousObject));
    }
    return java.util.Optional.empty();
  }

  /** The event as another type, showing {@code shown} at this event's commit. */
  private ResourceEvent withType(String newType, JsonObject shown) {
    JsonObject copy = shown.copy();
    if (copy.getValue("metadata") instanceof JsonObject metadata) {
      metadata.put("resourceVersion", commit);
    }
    return new ResourceEvent(
        newType, group, version, plural, kind, namespace, name, commit, previousCommit, copy, null);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", type)
        .put("group", group)
        .put("version", version)
        .put("plural", plural)
        .put("kind", kind)
        .put("namespace", namespace)
        .put("name", name)
        .put("commit", commit)
        .put("previousCommit", previousCommit)
        .put("object", object)
        .put("previousObject", previousObject);
  }

  public static ResourceEvent fromJson(JsonObject json) {
    return new ResourceEvent(
        json.getString("type"),
        json.getString("group"),
        json.getString("version"),
        json.getString("plural"),
        json.getString("kind"),
        json.getString("namespace"),
        json.getString("name"),
        json.getString("commit"),
        json.getString("previousCommit"),
        json.getJsonObject("object"),
        json.getJsonObject("previousObject"));
  }
}
