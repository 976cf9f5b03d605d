package io.cup.controllers;

import io.cup.bus.ChangeSet;
import io.cup.git.RevisionView;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * Knows how resources of some kinds are laid out as files. Implementations are plain blocking code,
 * called only from controller worker threads. A failure is a {@link io.cup.status.StatusException}
 * (400 for a path that would leave the repository, 404, 502 for unreadable content, 504 for a
 * controller that ran out of time…).
 */
public interface Controller {

  /** The resource named by {@code target} at the view's revision, or empty when missing. */
  Optional<JsonObject> get(Target target, RevisionView view);

  /**
   * The file that holds the resource named by {@code target} (namespace and name set), when this
   * controller keeps each resource in one file it can name: its last change is the resource's
   * creationTimestamp. Empty otherwise (then the read's commit time stands in).
   */
  default Optional<String> path(Target target) {
    return Optional.empty();
  }

  /**
   * Every resource of {@code target}'s kind in its namespace (name ignored), any order. The objects
   * may be this controller's own (cached parses, read by other threads at the same time): a caller
   * reads them and changes none of them, nor anything nested in them; it makes its own object for
   * what it changes ({@link ServerFields#with} does).
   */
  List<JsonObject> list(Target target, RevisionView view);

  /**
   * Every resource of {@code target}'s kind in every namespace ({@code target.namespace()} and
   * {@code name()} are null), any order: Kubernetes' list across namespaces. Read only, as {@link
   * #list}.
   */
  List<JsonObject> listAll(Target target, RevisionView view);

  /**
   * The files that make {@code resource} stored as {@code target}, against the view's commit; empty
   * when what is stored already equals {@code resource} once parsed.
   */
  ChangeSet put(Target target, JsonObject resource, RevisionView view);

  /** The files that remove {@code target}; 404 when it does not exist. */
  ChangeSet delete(Target target, RevisionView view);

  /**
   * Which resources of {@code target}'s kind changed between two revisions, in any namespace
   * ({@code target.namespace()} and {@code name()} are null). Each entry is a {@link Change};
   * {@code before} null means added, {@code after} null means deleted.
   */
  List<Change> changes(Target target, RevisionView from, RevisionView to);

  /** What a call is about: a definition version, a namespace and a name (null for list). */
  record Target(
      String group, String version, String kind, String plural, String namespace, String name) {
    public String apiVersion() {
      return group + "/" + version;
    }
  }

  /** A resource that differs between two revisions. */
  record Change(String namespace, String name, JsonObject before, JsonObject after) {}
}
