package io.cup.bus;

/**
 * Every event-bus address Cup uses, each typed with the records of this package it carries. The
 * message schemas are those records, documented in {@code docs/event-bus.md}; a test ({@code
 * EventBusDocTest}) fails when the page and these addresses drift apart.
 */
public final class Addresses {
  private Addresses() {}

  // repository fetcher (owns the clone)
  /** {@link Empty} → status of the clone. */
  public static final BusAddress<Empty, RepositoryStatus> REPOSITORY_STATUS =
      BusAddress.of(
          "cup.repository.status",
          Empty.class,
          Empty::fromJson,
          RepositoryStatus.class,
          RepositoryStatus::fromJson);

  /** {@link Empty} → {@link RepositoryStatus} after a fetch ran now. */
  public static final BusAddress<Empty, RepositoryStatus> REPOSITORY_FETCH =
      BusAddress.of(
          "cup.repository.fetch",
          Empty.class,
          Empty::fromJson,
          RepositoryStatus.class,
          RepositoryStatus::fromJson);

  // controller workers
  public static final BusAddress<ResourceRequest, ResourceReply> CONTROLLER_GET =
      BusAddress.of(
          "cup.controller.get",
          ResourceRequest.class,
          ResourceRequest::fromJson,
          ResourceReply.class,
          ResourceReply::fromJson);

  /**
   * {@link ResourceRequest} (name null) → {@link ListReply}, handed over ({@link HandedOverJson}):
   * the API reads the items the worker made, not a copy of them, and changes none of them (their
   * nested values may be the worker's cached parses).
   */
  public static final BusAddress<ResourceRequest, ListReply> CONTROLLER_LIST =
      BusAddress.of(
              "cup.controller.list",
              ResourceRequest.class,
              ResourceRequest::fromJson,
              ListReply.class,
              ListReply::fromJson)
          .handingOverReplies();

  /** {@link ResourceRequest} with resource → {@link ChangeSetReply}. */
  public static final BusAddress<ResourceRequest, ChangeSetReply> CONTROLLER_PUT =
      BusAddress.of(
          "cup.controller.put",
          ResourceRequest.class,
          ResourceRequest::fromJson,
          ChangeSetReply.class,
          ChangeSetReply::fromJson);

  public static final BusAddress<ResourceRequest, ChangeSetReply> CONTROLLER_DELETE =
      BusAddress.of(
          "cup.controller.delete",
          ResourceRequest.class,
          ResourceRequest::fromJson,
          ChangeSetReply.class,
          ChangeSetReply::fromJson);

  /**
   * {@link HeadMoved} → {@link ChangesPublished}: the worker turns the moved head into resource
   * events and publishes each on {@link #EVENTS_RESOURCE}. Sent (not published) so one worker
   * instance handles each move.
   */
  public static final BusAddress<HeadMoved, ChangesPublished> CONTROLLER_CHANGES =
      BusAddress.of(
          "cup.controller.changes",
          HeadMoved.class,
          HeadMoved::fromJson,
          ChangesPublished.class,
          ChangesPublished::fromJson);

  /**
   * {@link ResourceRequest} (the watched definition, namespace and label selector; {@code revision}
   * the commit to start from) → {@link ResourceEvents}: the changes of those resources between that
   * commit and the tracked head, not published. Unknown commit: 404.
   */
  public static final BusAddress<ResourceRequest, ResourceEvents> CONTROLLER_EVENTS =
      BusAddress.of(
          "cup.controller.events",
          ResourceRequest.class,
          ResourceRequest::fromJson,
          ResourceEvents.class,
          ResourceEvents::fromJson);

  /**
   * {@link HistoryRequest} → {@link HistoryPage}: the commits of the tracked branch's first-parent
   * history that changed one resource (as its controller reads it), newest first, a bounded walk
   * per request. 404 for a local directory source (no history) and for a resource the walk never
   * saw.
   */
  public static final BusAddress<HistoryRequest, HistoryPage> CONTROLLER_HISTORY =
      BusAddress.of(
          "cup.controller.history",
          HistoryRequest.class,
          HistoryRequest::fromJson,
          HistoryPage.class,
          HistoryPage::fromJson);

  /**
   * What each WASM controller named by an OCI reference runs now (its pinned digest): for {@code
   * GET /apis} and {@code cup controllers}.
   */
  public static final BusAddress<Empty, ControllerImages> CONTROLLER_IMAGES =
      BusAddress.of(
          "cup.controller.images",
          Empty.class,
          Empty::fromJson,
          ControllerImages.class,
          ControllerImages::fromJson);

  // proposal publisher
  public static final BusAddress<ProposalRequest, Proposal> PROPOSAL_CREATE =
      BusAddress.of(
          "cup.proposal.create",
          ProposalRequest.class,
          ProposalRequest::fromJson,
          Proposal.class,
          Proposal::fromJson);

  /** {@link ProposalAction} → {@link Proposal} (with diff). */
  public static final BusAddress<ProposalAction, Proposal> PROPOSAL_GET =
      BusAddress.of(
          "cup.proposal.get",
          ProposalAction.class,
          ProposalAction::fromJson,
          Proposal.class,
          Proposal::fromJson);

  /** {@link Empty} → {@link ProposalList} (without diffs). */
  public static final BusAddress<Empty, ProposalList> PROPOSAL_LIST =
      BusAddress.of(
          "cup.proposal.list",
          Empty.class,
          Empty::fromJson,
          ProposalList.class,
          ProposalList::fromJson);

  public static final BusAddress<ProposalAction, Proposal> PROPOSAL_MERGE =
      BusAddress.of(
          "cup.proposal.merge",
          ProposalAction.class,
          ProposalAction::fromJson,
          Proposal.class,
          Proposal::fromJson);

  public static final BusAddress<ProposalAction, Proposal> PROPOSAL_CLOSE =
      BusAddress.of(
          "cup.proposal.close",
          ProposalAction.class,
          ProposalAction::fromJson,
          Proposal.class,
          Proposal::fromJson);

  /**
   * The reconciler asks the publisher, the one writer of proposal records, to record a pull
   * request's outcome, a conflict, a close or a rebase; the publisher pushes it with its leases and
   * publishes the event.
   */
  public static final BusAddress<ProposalRecordChange, ProposalRecordUpdate> PROPOSAL_RECORD =
      BusAddress.of(
          "cup.proposal.record",
          ProposalRecordChange.class,
          ProposalRecordChange::fromJson,
          ProposalRecordUpdate.class,
          ProposalRecordUpdate::fromJson);

  /** The reconciler asks the publisher to archive a batch of old merged and closed proposals. */
  public static final BusAddress<ProposalArchive, ArchivedProposals> PROPOSAL_ARCHIVE =
      BusAddress.of(
          "cup.proposal.archive",
          ProposalArchive.class,
          ProposalArchive::fromJson,
          ArchivedProposals.class,
          ArchivedProposals::fromJson);

  // proposal reconciler (hosted SCMs)
  /**
   * A pull or merge request changed on the SCM (from a verified webhook). Answered by the
   * reconciler; no handler when no SCM is configured.
   */
  public static final BusAddress<PullRequestChange, PullRequestOutcome> SCM_PULL_REQUEST =
      BusAddress.clusterWide(
          "cup.scm.pull-request",
          PullRequestChange.class,
          PullRequestChange::fromJson,
          PullRequestOutcome.class,
          PullRequestOutcome::fromJson);

  /**
   * Open the pull or merge request of a pending proposal now (→ {@link Proposal}, state open with
   * its URL); the reconciler keeps retrying on its own when this fails. Only with a hosted SCM.
   */
  public static final BusAddress<ProposalAction, Proposal> SCM_OPEN =
      BusAddress.clusterWide(
          "cup.scm.open",
          ProposalAction.class,
          ProposalAction::fromJson,
          Proposal.class,
          Proposal::fromJson);

  /** Merge an open proposal's pull or merge request on the SCM. */
  public static final BusAddress<ProposalAction, Proposal> SCM_MERGE =
      BusAddress.clusterWide(
          "cup.scm.merge",
          ProposalAction.class,
          ProposalAction::fromJson,
          Proposal.class,
          Proposal::fromJson);

  /** Close an open proposal's pull or merge request on the SCM. */
  public static final BusAddress<ProposalAction, Proposal> SCM_CLOSE =
      BusAddress.clusterWide(
          "cup.scm.close",
          ProposalAction.class,
          ProposalAction::fromJson,
          Proposal.class,
          Proposal::fromJson);

  // published events, the contract for other services
  public static final EventAddress<ResourceEvent> EVENTS_RESOURCE =
      EventAddress.of("cup.events.resource", ResourceEvent.class, ResourceEvent::fromJson);

  public static final EventAddress<ProposalEvent> EVENTS_PROPOSAL =
      EventAddress.of("cup.events.proposal", ProposalEvent.class, ProposalEvent::fromJson);

  /** The tracked branch moved. */
  public static final EventAddress<HeadMoved> EVENTS_HEAD =
      EventAddress.of("cup.events.head", HeadMoved.class, HeadMoved::fromJson);
}
