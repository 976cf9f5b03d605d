package io.cup.api;

import io.cup.bus.Proposal;
import io.cup.bus.ResourceRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How proposals look on the HTTP API: the write result of the original Cup, and a Kubernetes-style
 * {@code cup.flipt.io/v1alpha1 Proposal} object for the proposal routes. Proposal URLs that are
 * paths on this server are made absolute with the request's scheme and host, so a client can follow
 * them as they are.
 */
final class ProposalView {
  static final String GROUP = "cup.flipt.io";
  static final String VERSION = "v1alpha1";
  static final String API_VERSION = GROUP + "/" + VERSION;

  /** The SCM name the publisher gives writes applied in place to a local directory source. */
  static final String DIRECTORY_SOURCE = "directory";

  private ProposalView() {}

  /**
   * The body of {@code 202 Accepted}, as the original's: the proposal id, {@code "empty": false}
   * and {@code "proposal"} with its source (SCM), URL, state and branch. For a local directory
   * source the change is already applied and there is nothing to review: {@code "proposal"} is
   * null, as the original's local source answered.
   */
  static JsonObject writeResult(Proposal proposal, String origin) {
    JsonObject result = new JsonObject().put("id", proposal.id()).put("empty", false);
    if (DIRECTORY_SOURCE.equals(proposal.source())) {
      return result.putNull("proposal");
    }
    JsonObject summary =
        new JsonObject()
            .put("source", proposal.source())
            .put("url", absolute(proposal.url(), origin));
    putIfPresent(summary, "state", proposal.state().wire());
    putIfPresent(summary, "branch", proposal.branch());
    if (proposal.createdBy() != null) {
      summary.put("createdBy", proposal.createdBy().toJson());
    }
    return result.put("proposal", summary);
  }

  /** A proposal as a {@code Proposal} object; the diff only when the bus reply carried it. */
  static JsonObject object(Proposal proposal, String origin) {
    JsonObject metadata = new JsonObject().put("name", proposal.id());
    putIfPresent(metadata, "creationTimestamp", proposal.createdAt());
    JsonArray resources = new JsonArray();
    for (ResourceRef ref : proposal.resources()) {
      resources.add(ref.toJson());
    }
    JsonObject spec = new JsonObject();
    putIfPresent(spec, "source", proposal.source());
    putIfPresent(spec, "branch", proposal.branch());
    putIfPresent(spec, "base", proposal.base());
    putIfPresent(spec, "message", proposal.message());
    spec.put("resources", resources);
    if (proposal.createdBy() != null) {
      spec.put("createdBy", proposal.createdBy().toJson());
    }
    JsonObject status = new JsonObject();
    putIfPresent(status, "state", proposal.state().wire());
    putIfPresent(status, "head", proposal.head());
    putIfPresent(status, "url", absolute(proposal.url(), origin));
    putIfPresent(status, "mergeCommit", proposal.mergeCommit());
    if (proposal.pullRequest() != null) {
      status.put("pullRequest", proposal.pullRequest());
    }
    if (proposal.mergedBy() != null) {
      status.put("mergedBy", proposal.mergedBy().toJson());
    }
    if (proposal.closedBy() != null) {
      status.put("closedBy", proposal.closedBy().toJson());
    }
    putIfPresent(status, "updatedAt", proposal.updatedAt());
    putIfPresent(status, "diff", proposal.diff());
    return new JsonObject()
        .put("apiVersion", API_VERSION)
        .put("kind", "Proposal")
        .put("metadata", metadata)
        .put("spec", spec)
        .put("status", status);
  }

  static JsonObject list(List<JsonObject> objects) {
    JsonArray items = new JsonArray(new ArrayList<>(objects));
    return new JsonObject()
        .put("apiVersion", API_VERSION)
        .put("kind", "ProposalList")
        .put("metadata", new JsonObject())
        .put("items", items);
  }

  /** {@code url} as is, unless it is a path: then prefixed with {@code origin} when known. */
  static String absolute(String url, String origin) {
    if (url == null || origin == null || !url.startsWith("/") || url.startsWith("//")) {
      return url;
    }
    return origin + url;
  }

  private static void putIfPresent(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
