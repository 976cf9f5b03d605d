package io.cup.api;

import io.cup.bus.Proposal;
import io.cup.config.ServedResource;
import io.cup.controllers.ResourceIdentity;
import io.cup.controllers.ResourceVersions;
import io.cup.controllers.ServerFields;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * What a write answers a Kubernetes client (docs/kubernetes-clients.md): the object as the proposal
 * leaves it, carrying the proposal, instead of the original's {@code {"id", "empty", "proposal"}}.
 */
final class KubernetesAnswers {
  /** The annotation of a write answer that names the proposal holding the write. */
  static final String PROPOSAL_ANNOTATION = "cup.flipt.io/proposal";

  private KubernetesAnswers() {}

  /**
   * {@code after} (the validated resource the write stores) with the fields the server sets: the
   * proposal's head commit as {@code resourceVersion} (a content hash for a local directory, whose
   * writes have no commit), the stable uid, the proposal's time as {@code creationTimestamp}, and
   * the proposal's id and state in {@value #PROPOSAL_ANNOTATION}.
   */
  static JsonObject written(ServedResource served, JsonObject after, Proposal proposal) {
    JsonObject object = after.copy();
    JsonObject metadata = metadata(object);
    String version =
        ResourceVersions.isCommitId(proposal.head())
            ? proposal.head()
            : ResourceVersions.contentHash(after);
    metadata.put(ResourceVersions.FIELD, version);
    identify(served, metadata);
    String time =
        seconds(proposal.updatedAt() != null ? proposal.updatedAt() : proposal.createdAt());
    if (time != null) {
      metadata.put("creationTimestamp", time);
    }
    annotations(metadata)
        .put(
            PROPOSAL_ANNOTATION,
            new JsonObject()
                .put("id", proposal.id())
                .put("state", proposal.state().wire())
                .encode());
    return object;
  }

  /**
   * A dry run's answer: {@code after} with the server-set fields of the resource as it is now
   * ({@code current}, null when the write would create it), so that a client comparing it with what
   * it reads (kubectl diff) sees only what the write changes.
   */
  static JsonObject dryRun(ServedResource served, JsonObject after, JsonObject current) {
    JsonObject object = after == null ? new JsonObject() : after.copy();
    JsonObject metadata = metadata(object);
    if (current != null && current.getValue("metadata") instanceof JsonObject live) {
      for (String field : new String[] {ResourceVersions.FIELD, "uid", "creationTimestamp"}) {
        if (live.getValue(field) != null) {
          metadata.put(field, live.getValue(field));
        }
      }
      if (live.getValue("annotations") instanceof JsonObject liveAnnotations) {
        for (String annotation : ServerFields.ANNOTATIONS) {
          if (liveAnnotations.getValue(annotation) != null) {
            annotations(metadata).put(annotation, liveAnnotations.getValue(annotation));
          }
        }
      }
    }
    if (after != null) {
      identify(served, metadata);
    }
    return object;
  }

  /**
   * A delete's answer: {@code Status} {@code Success} whose {@code details.uid} is the deletion
   * proposal's, never the live object's. The resource stays on the tracked branch until the
   * proposal merges; kubectl waits until the object is gone or its uid differs from this one, so it
   * returns at once instead of waiting for a merge.
   */
  static JsonObject deleted(ServedResource served, String name, Proposal proposal) {
    JsonObject details =
        new JsonObject()
            .put("name", name)
            .put("group", served.definition().group())
            .put("kind", served.definition().plural())
            .put("uid", ResourceIdentity.nameBased("proposal/" + proposal.id()));
    return new JsonObject()
        .put("kind", "Status")
        .put("apiVersion", "v1")
        .put("metadata", new JsonObject())
        .put("status", "Success")
        .put(
            "message",
            served.definition().plural()
                + "."
                + served.definition().group()
                + " \""
                + name
                + "\" deleted in proposal "
                + proposal.id())
        .put("details", details);
  }

  private static void identify(ServedResource served, JsonObject metadata) {
    if (metadata.getValue("namespace") instanceof String namespace
        && metadata.getValue("name") instanceof String name) {
      metadata.put(
          "uid",
          ResourceIdentity.uid(
              served.definition().group(), served.definition().kind(), namespace, name));
    }
  }

  private static JsonObject metadata(JsonObject object) {
    if (object.getValue("metadata") instanceof JsonObject metadata) {
      return metadata;
    }
    JsonObject metadata = new JsonObject();
    object.put("metadata", metadata);
    return metadata;
  }

  private static JsonObject annotations(JsonObject metadata) {
    if (metadata.getValue("annotations") instanceof JsonObject annotations) {
      return annotations;
    }
    JsonObject annotations = new JsonObject();
    metadata.put("annotations", annotations);
    return annotations;
  }

  /** An instant in RFC 3339 with whole seconds, as Kubernetes writes times; null if unreadable. */
  static String seconds(String instant) {
    if (instant == null) {
      return null;
    }
    try {
      return Instant.parse(instant).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
