package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A proposal as the publisher records it. {@code state} is one of {@link ProposalState} ({@code
 * pending}, {@code open}, {@code merged}, {@code closed}, {@code conflicted}). {@code source} is
 * the SCM ("local"); {@code url} where a person reviews it; {@code branch} the proposal branch
 * ({@code cup/proposal/<id>}); {@code base} the commit it was built on and {@code head} its branch
 * head; {@code mergeCommit} set once merged; {@code diff} (unified, a/ b/ paths) only on {@code
 * cup.proposal.get}. For a local directory source writes apply in place and {@code source} is
 * "directory", with no branch.
 *
 * <p>With a hosted SCM ({@code source} github, gitea or gitlab) a proposal starts {@code pending}:
 * its branch and record are pushed, its pull or merge request not opened yet. Once it is, the state
 * is {@code open}, {@code url} the request's web URL and {@code pullRequest} its number (GitLab:
 * iid).
 *
 * <p>{@code createdBy} is who asked for the proposal, {@code mergedBy} and {@code closedBy} who
 * merged or closed it through Cup (name and groups; null when unknown: records written before
 * identity existed, or a merge on the SCM itself).
 */
public record Proposal(
    String id,
    ProposalState state,
    String source,
    String url,
    String branch,
    String base,
    String head,
    String message,
    List<ResourceRef> resources,
    String createdAt,
    String updatedAt,
    String mergeCommit,
    Long pullRequest,
    String diff,
    Requester createdBy,
    Requester mergedBy,
    Requester closedBy)
    implements BusMessage {

  public Proposal {
    resources = resources == null ? List.of() : List.copyOf(resources);
    createdBy = createdBy == null ? null : createdBy.withoutEmail();
    mergedBy = mergedBy == null ? null : mergedBy.withoutEmail();
    closedBy = closedBy == null ? null : closedBy.withoutEmail();
  }

  /**
   * A proposal just made by {@code createdBy}, created and updated {@code now}: nothing merged, no
   * pull request, no diff yet, nobody merged or closed it.
   */
  public static Proposal created(
      String id,
      ProposalState state,
      String source,
      String url,
      String branch,
      String base,
      String head,
      String message,
      List<ResourceRef> resources,
      String now,
      Requester createdBy) {
    return new Proposal(
        id, state, source, url, branch, base, head, message, resources, now, now, null, null, null,
        createdBy, null, null);
  }

  /** Open, or pending its pull request on a hosted SCM: it would still change its resources. */
  public boolean isOpen() {
    return state != null && state.isOpen();
  }

  public Proposal withDiff(String diff) {
    return new Proposal(
        id,
        state,
        source,
        url,
        branch,
        base,
        head,
        message,
        resources,
        createdAt,
        updatedAt,
        mergeCommit,
        pullRequest,
        diff,
        createdBy,
        mergedBy,
        closedBy);
  }

  /** The same proposal on other commits (and resources), as of {@code at}; all else kept. */
  public Proposal withCommits(
      String newBase, String newHead, List<ResourceRef> newResources, String at) {
    return new Proposal(
        id,
        state,
        source,
        url,
        branch,
        newBase,
        newHead,
        message,
        newResources,
        createdAt,
        at,
        mergeCommit,
        pullRequest,
        diff,
        createdBy,
        mergedBy,
        closedBy);
  }

  /** The same proposal in another state, updated now; a merge commit when given. */
  public Proposal withState(ProposalState newState, String newMergeCommit, String now) {
    return withState(newState, newMergeCommit, now, null);
  }

  /**
   * The same proposal in another state, updated now, merged or closed by {@code by} (through Cup);
   * {@code by} null keeps who is recorded.
   */
  public Proposal withState(
      ProposalState newState, String newMergeCommit, String now, Requester by) {
    return new Proposal(
        id,
        newState,
        source,
        url,
        branch,
        base,
        head,
        message,
        resources,
        createdAt,
        now,
        newMergeCommit == null ? mergeCommit : newMergeCommit,
        pullRequest,
        null,
        createdBy,
        by != null && newState == ProposalState.MERGED ? by : mergedBy,
        by != null && newState == ProposalState.CLOSED ? by : closedBy);
  }

  /** The same proposal with its pull or merge request: number and web URL. */
  public Proposal withPullRequest(long number, String webUrl) {
    return new Proposal(
        id,
        state,
        source,
        webUrl,
        branch,
        base,
        head,
        message,
        resources,
        createdAt,
        updatedAt,
        mergeCommit,
        number,
        diff,
        createdBy,
        mergedBy,
        closedBy);
  }

  @Override
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    resources.forEach(r -> array.add(r.toJson()));
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("state", state == null ? null : state.wire())
            .put("source", source)
            .put("url", url)
            .put("branch", branch)
            .put("base", base)
            .put("head", head)
            .put("message", message)
            .put("resources", array)
            .put("createdAt", createdAt)
            .put("updatedAt", updatedAt);
    if (mergeCommit != null) {
      json.put("mergeCommit", mergeCommit);
    }
    if (pullRequest != null) {
      json.put("pullRequest", pullRequest);
    }
    if (diff != null) {
      json.put("diff", diff);
    }
    if (createdBy != null) {
      json.put("createdBy", createdBy.toJson());
    }
    if (mergedBy != null) {
      json.put("mergedBy", mergedBy.toJson());
    }
    if (closedBy != null) {
      json.put("closedBy", closedBy.toJson());
    }
    return json;
  }

  public static Proposal fromJson(JsonObject json) {
    return new Proposal(
        json.getString("id"),
        ProposalState.fromWire(json.getString("state")),
        json.getString("source"),
        json.getString("url"),
        json.getString("branch"),
        json.getString("base"),
        json.getString("head"),
        json.getString("message"),
        json.getJsonArray("resources", new JsonArray()).stream()
            .map(o -> ResourceRef.fromJson((JsonObject) o))
            .toList(),
        json.getString("createdAt"),
        json.getString("updatedAt"),
        json.getString("mergeCommit"),
        json.getLong("pullRequest"),
        json.getString("diff"),
        Requester.fromJson(json.getJsonObject("createdBy")),
        Requester.fromJson(json.getJsonObject("mergedBy")),
        Requester.fromJson(json.getJsonObject("closedBy")));
  }
}
