package io.cup.bus;

/**
 * Every event-bus address Cup uses. The message schemas are the records in this package and are
 * documented in {@code docs/event-bus.md}; keep the three in step.
 */
public final class Addresses {
  private Addresses() {}

  // repository fetcher (owns the clone)
  /** request {@link RepositoryStatus} (empty body) → status of the clone. */
  public static final String REPOSITORY_STATUS = "cup.repository.status";

  /** request (empty body) → {@link RepositoryStatus} after a fetch ran now. */
  public static final String REPOSITORY_FETCH = "cup.repository.fetch";

  // controller workers
  /** request {@link ResourceRequest} → {@link ResourceReply}. */
  public static final String CONTROLLER_GET = "cup.controller.get";

  /** request {@link ResourceRequest} (name null) → {@link ListReply}. */
  public static final String CONTROLLER_LIST = "cup.controller.list";

  /** request {@link ResourceRequest} with resource → {@link ChangeSetReply}. */
  public static final String CONTROLLER_PUT = "cup.controller.put";

  /** request {@link ResourceRequest} → {@link ChangeSetReply}. */
  public static final String CONTROLLER_DELETE = "cup.controller.delete";

  /**
   * request {@link HeadMoved} → reply {"events": n}; the worker turns the moved head into resource
   * events and publishes each on {@link #EVENTS_RESOURCE}. Sent (not published) so one worker
   * instance handles each move.
   */
  public static final String CONTROLLER_CHANGES = "cup.controller.changes";

  /**
   * request {@link ResourceRequest} (the watched definition, namespace and label selector; {@code
   * revision} the commit to start from) → {"commit": head, "events": [{@link ResourceEvent}…]}: the
   * changes of those resources between that commit and the tracked head, not published. Unknown
   * commit: 404.
   */
  public static final String CONTROLLER_EVENTS = "cup.controller.events";

  // proposal publisher
  /** request {@link ProposalRequest} → {@link Proposal}. */
  public static final String PROPOSAL_CREATE = "cup.proposal.create";

  /** request {"id": …} → {@link Proposal} (with diff). */
  public static final String PROPOSAL_GET = "cup.proposal.get";

  /** request {} → {"items": [{@link Proposal}…]} (without diff). */
  public static final String PROPOSAL_LIST = "cup.proposal.list";

  /** request {"id": …} → {@link Proposal}. */
  public static final String PROPOSAL_MERGE = "cup.proposal.merge";

  /** request {"id": …} → {@link Proposal}. */
  public static final String PROPOSAL_CLOSE = "cup.proposal.close";

  // published events, the contract for other services
  /** published {@link ResourceEvent}. */
  public static final String EVENTS_RESOURCE = "cup.events.resource";

  /** published {@link ProposalEvent}. */
  public static final String EVENTS_PROPOSAL = "cup.events.proposal";

  /** published {@link HeadMoved}: the tracked branch moved. */
  public static final String EVENTS_HEAD = "cup.events.head";

  /**
   * A pull or merge request changed on the SCM (from a verified webhook): {"scm", "branch",
   * "number", "state": open|closed|merged, "mergeCommit", "url"} → {"proposal": id or null,
   * "state"}. Answered by the reconciler ({@code ReconcilerVerticle}); no handler when no SCM is
   * configured.
   */
  public static final String SCM_PULL_REQUEST = "cup.scm.pull-request";

  /**
   * Open the pull or merge request of a pending proposal now ({"id"} → {@link Proposal}, state open
   * with its URL); the reconciler keeps retrying on its own when this fails. Only with a hosted
   * SCM.
   */
  public static final String SCM_OPEN = "cup.scm.open";

  /** Merge an open proposal's pull or merge request on the SCM ({"id"} → {@link Proposal}). */
  public static final String SCM_MERGE = "cup.scm.merge";

  /** Close an open proposal's pull or merge request on the SCM ({"id"} → {@link Proposal}). */
  public static final String SCM_CLOSE = "cup.scm.close";
}
