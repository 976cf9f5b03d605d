package io.cup.proposals;

import io.cup.bus.Addresses;
import io.cup.bus.BusAddress;
import io.cup.bus.ChangeSetReply;
import io.cup.bus.HeadMoved;
import io.cup.bus.Proposal;
import io.cup.bus.ProposalState;
import io.cup.bus.ResourceRef;
import io.cup.bus.ResourceRequest;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ServedResource;
import io.cup.controllers.ResourceVersions;
import io.cup.retry.RetryPolicy;
import io.cup.scm.ScmClient;
import io.cup.scm.ScmException;
import io.cup.scm.ScmKind;
import io.cup.status.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Following the base (any Git source): when the tracked branch moves ({@code cup.events.head}, and
 * at every sweep for moves missed), each open or pending proposal whose files the move touched is
 * replayed onto the new head: for every resource it touches, the controller computes the change
 * again at the new head (so a WASM controller re-runs), and the branch becomes one commit on the
 * new head, pushed by the publisher with a lease on the branch head the record names. A resource
 * that changed upstream since the proposal's base is a conflict: the proposal becomes {@code
 * conflicted} and its pull request gets a comment naming the resources. A branch someone else
 * pushed to is left alone. Records are written by the publisher ({@link RecordRequests}); this
 * class reads the clone and computes. Event loop only; Git work in {@code executeBlocking}.
 */
final class ProposalReplay {
  private static final Logger LOG = LoggerFactory.getLogger(ProposalReplay.class);
  private static final long BUS_TIMEOUT_MILLIS = 60_000;

  private final Vertx vertx;
  private final ProposalReads reads;
  private final ProposalCommits commits;
  private final RecordRequests records;
  private final ScmKind scm;
  private final ScmClient client;
  private final String target;
  private final Map<String, ServedResource> byKind;
  private final RetryPolicy comments;

  /** Replays already tried, as "id@head", so a sweep does not repeat one (event loop only). */
  private final Set<String> replayed = new HashSet<>();

  /** Replays run one after another. */
  private Future<Void> replays = Future.succeededFuture();

  /**
   * @param client the SCM to comment on, or null (the {@code local} SCM)
   * @param target the tracked branch
   * @param comments how a comment on a conflicted proposal is retried
   */
  ProposalReplay(
      Vertx vertx,
      ProposalReads reads,
      ProposalCommits commits,
      RecordRequests records,
      ScmKind scm,
      ScmClient client,
      String target,
      Map<String, ServedResource> byKind,
      RetryPolicy comments) {
    this.vertx = vertx;
    this.reads = reads;
    this.commits = commits;
    this.records = records;
    this.scm = scm;
    this.client = client;
    this.target = target;
    this.byKind = Map.copyOf(byKind);
    this.comments = comments;
  }

  /** The replays tried so far, as "id@head" (read before a sweep's blocking part). */
  Set<String> tried() {
    return Set.copyOf(replayed);
  }

  void headMoved(HeadMoved moved) {
    if (moved.to() == null || !ObjectId.isId(moved.to())) {
      return;
    }
    ObjectId head = ObjectId.fromString(moved.to());
    Set<String> tried = Set.copyOf(replayed);
    blocking(() -> affected(open(), head, tried))
        .onSuccess(affected -> replayAll(head, affected))
        .onFailure(e -> LOG.warn("cannot list proposals to replay: {}", e.getMessage()));
  }

  /** The open proposals a move to {@code head} may affect, and those it cannot. */
  record Affected(List<Proposal> replay, List<Proposal> untouched) {}

  /**
   * Which open proposals to replay onto {@code head} (blocking: reads trees). A proposal is
   * replayed when a file it changes (between its base and its head) also changed upstream (between
   * its base and {@code head}): only then can its change or its conflicts differ. Replayed
   * regardless, as before: a proposal with a resource served by a WASM controller (a module may
   * read any file of the tree, so a change elsewhere can change its output), with a kind no longer
   * served (that is a conflict the replay reports), or whose commits cannot be read. Those tried at
   * {@code head} already are left out.
   */
  Affected affected(List<Proposal> open, ObjectId head, Set<String> tried) {
    List<Proposal> replay = new ArrayList<>();
    List<Proposal> untouched = new ArrayList<>();
    Map<String, Set<String>> upstreamByBase = new HashMap<>();
    for (Proposal proposal : open) {
      if (tried.contains(proposal.id() + "@" + head.name())
          || head.name().equals(proposal.base())) {
        continue;
      }
      if (mayReadOtherFiles(proposal)
          || proposal.base() == null
          || !ObjectId.isId(proposal.base())
          || proposal.head() == null
          || !ObjectId.isId(proposal.head())) {
        replay.add(proposal);
        continue;
      }
      try {
        ObjectId base = ObjectId.fromString(proposal.base());
        Set<String> upstream =
            upstreamByBase.computeIfAbsent(proposal.base(), b -> commits.changedPaths(base, head));
        Set<String> own = commits.changedPaths(base, ObjectId.fromString(proposal.head()));
        if (own.stream().anyMatch(upstream::contains)) {
          replay.add(proposal);
        } else {
          untouched.add(proposal);
        }
      } catch (RuntimeException e) {
        LOG.debug("proposal {}: cannot compare its files ({}); replaying", proposal.id(), e);
        replay.add(proposal);
      }
    }
    return new Affected(replay, untouched);
  }

  private boolean mayReadOtherFiles(Proposal proposal) {
    for (ResourceRef ref : proposal.resources()) {
      ServedResource served = byKind.get(ref.apiVersion() + "|" + ref.kind());
      if (served == null || !"template".equals(served.controller().type())) {
        return true;
      }
    }
    return false;
  }

  void replayAll(ObjectId head, Affected affected) {
    replayed.removeIf(key -> !key.endsWith("@" + head.name())); // older heads are done with
    // a move that changed none of their files leaves them as they are, on their base
    affected.untouched().forEach(p -> replayed.add(p.id() + "@" + head.name()));
    for (Proposal proposal : affected.replay()) {
      if (head.name().equals(proposal.base()) || !replayed.add(proposal.id() + "@" + head.name())) {
        continue;
      }
      replays =
          replays
              .compose(v -> replay(proposal.id(), head))
              .otherwise(
                  e -> {
                    StatusException status = StatusException.from(e);
                    if (status.code() == 413) {
                      // a resource of the proposal (or upstream) is over the resource limit: it is
                      // not loaded, and trying again at every sweep would not change that. The
                      // proposal stays open on its base; see docs/scm.md.
                      LOG.warn(
                          "not moving proposal {} onto {}: {}; it stays on its base until the"
                              + " limit (--api-max-resource-bytes) allows it or the tracked"
                              + " branch moves again",
                          proposal.id(),
                          head.name(),
                          status.getMessage());
                      return null;
                    }
                    LOG.warn(
                        "cannot move proposal {} onto {}: {}",
                        proposal.id(),
                        head.name(),
                        e.getMessage());
                    replayed.remove(proposal.id() + "@" + head.name());
                    return null;
                  });
    }
  }

  /** What a replay found out before any write. */
  private record Plan(Proposal proposal, ObjectId branchHead, ObjectId base) {}

  /** Replays one proposal onto {@code head}; see the class comment. */
  private Future<Void> replay(String id, ObjectId head) {
    ProposalMetrics.REPLAYS.increment();
    return blocking(() -> plan(id, head))
        .compose(
            plan -> {
              if (plan.isEmpty()) {
                return Future.succeededFuture();
              }
              Plan p = plan.get();
              return conflicts(p, head)
                  .compose(
                      conflicts -> {
                        if (!conflicts.isEmpty()) {
                          return conflicted(id, head, conflicts);
                        }
                        return reapply(p, head);
                      });
            });
  }

  private Optional<Plan> plan(String id, ObjectId head) {
    Proposal proposal = reads.recorded(id);
    if (!proposal.isOpen() || head.name().equals(proposal.base())) {
      return Optional.empty();
    }
    ObjectId branchHead = reads.branchHead(id);
    if (branchHead == null || proposal.base() == null || !ObjectId.isId(proposal.base())) {
      return Optional.empty();
    }
    if (!branchHead.name().equals(proposal.head())) {
      LOG.info(
          "proposal {}: its branch was pushed to outside Cup ({}); not moving it onto {}",
          id,
          branchHead.name(),
          head.name());
      return Optional.empty();
    }
    if (commits.contains(branchHead, head) || commits.contains(head, branchHead)) {
      return Optional.empty(); // already on the new head, or merged into it
    }
    return Optional.of(new Plan(proposal, branchHead, ObjectId.fromString(proposal.base())));
  }

  /** The resources of the proposal that changed upstream between its base and {@code head}. */
  private Future<List<ResourceRef>> conflicts(Plan plan, ObjectId head) {
    List<Future<Optional<ResourceRef>>> checks = new ArrayList<>();
    for (ResourceRef ref : plan.proposal().resources()) {
      ServedResource served = byKind.get(ref.apiVersion() + "|" + ref.kind());
      if (served == null) {
        checks.add(Future.succeededFuture(Optional.of(ref)));
        continue;
      }
      Future<JsonObject> before = read(served, ref, plan.base());
      Future<JsonObject> upstream = read(served, ref, head);
      checks.add(
          Future.all(before, upstream)
              .map(
                  both ->
                      same(before.result(), upstream.result())
                          ? Optional.<ResourceRef>empty()
                          : Optional.of(ref)));
    }
    return Future.all(checks)
        .map(all -> checks.stream().map(Future::result).flatMap(Optional::stream).toList());
  }

  /** Computes each resource's change again at the new head and moves the branch there. */
  private Future<Void> reapply(Plan plan, ObjectId head) {
    Future<ObjectId> tip = Future.succeededFuture(head);
    for (ResourceRef ref : plan.proposal().resources()) {
      ServedResource served = byKind.get(ref.apiVersion() + "|" + ref.kind());
      tip = tip.compose(current -> reapplyOne(plan, served, ref, current));
    }
    String id = plan.proposal().id();
    return tip.compose(
        moved -> {
          if (moved.equals(head)) {
            LOG.info("proposal {}: its changes are already on {}; left as it is", id, head.name());
            return Future.succeededFuture();
          }
          return records
              .rebased(id, plan.branchHead(), head, moved)
              .compose(
                  rebased -> {
                    if (!rebased.written()) {
                      LOG.info("proposal {}: its branch or record moved meanwhile; later", id);
                      replayed.remove(id + "@" + head.name());
                    }
                    // the publisher, which wrote it, published "updated"
                    return Future.succeededFuture();
                  });
        });
  }

  private Future<ObjectId> reapplyOne(
      Plan plan, ServedResource served, ResourceRef ref, ObjectId tip) {
    Future<JsonObject> desired =
        "delete".equals(ref.action())
            ? Future.succeededFuture(null)
            : read(served, ref, plan.branchHead());
    return desired.compose(
        resource -> {
          BusAddress<ResourceRequest, ChangeSetReply> address =
              resource == null ? Addresses.CONTROLLER_DELETE : Addresses.CONTROLLER_PUT;
          return address
              .request(vertx.eventBus(), request(served, ref, tip, resource), options())
              .compose(
                  change ->
                      change.changes().isEmpty()
                          ? Future.succeededFuture(tip)
                          : blocking(
                              () ->
                                  commits.commitOnto(
                                      tip, change.changes().changes(), plan.proposal().message())))
              .recover(
                  e ->
                      StatusException.from(e).code() == 404 && resource == null
                          ? Future.succeededFuture(tip) // deleted upstream too
                          : Future.failedFuture(e));
        });
  }

  private Future<Void> conflicted(String id, ObjectId head, List<ResourceRef> conflicts) {
    return records
        .conflicted(id)
        .compose(
            update -> {
              Proposal proposal = update.proposal();
              // only the node whose record went through reports it: another node that found the
              // record conflicted already (after a lease that did not hold) stays quiet
              if (!update.changedState() || proposal.state() != ProposalState.CONFLICTED) {
                return Future.succeededFuture();
              }
              LOG.info(
                  "proposal {} conflicts with {} at {}: {}",
                  id,
                  target,
                  head.name(),
                  ProposalText.names(conflicts));
              // the publisher, which wrote it, published "conflicted"
              if (client != null && proposal.pullRequest() != null) {
                comment(
                    proposal.pullRequest(), ProposalText.conflictComment(target, head, conflicts));
              }
              return Future.succeededFuture();
            });
  }

  /** Comments on a pull request, retried with the policy's backoff (a best effort). */
  private void comment(long number, String text) {
    comments
        .run(
            vertx,
            attempt ->
                client
                    .comment(number, text)
                    .onSuccess(v -> ProposalMetrics.scmCall(scm, "comment", "success"))
                    .onFailure(e -> ProposalMetrics.scmCall(scm, "comment", "failure")),
            e -> true,
            e ->
                e instanceof ScmException s && s.retryAfterMillis() >= 0
                    ? s.retryAfterMillis()
                    : RetryPolicy.NO_HINT)
        .onFailure(
            e ->
                LOG.warn(
                    "giving up commenting on {} {}: {}",
                    scm.requestName(),
                    number,
                    e.getMessage()));
  }

  /** The resource at {@code revision}, without its resourceVersion; null when absent. */
  private Future<JsonObject> read(ServedResource served, ResourceRef ref, ObjectId revision) {
    return Addresses.CONTROLLER_GET
        .request(vertx.eventBus(), request(served, ref, revision, null), options())
        .map(reply -> ResourceVersions.without(reply.resource()))
        .recover(
            e ->
                StatusException.from(e).code() == 404
                    ? Future.succeededFuture(null)
                    : Future.failedFuture(e));
  }

  /** A controller request for {@code ref} at {@code revision} (a put when {@code resource}). */
  private static ResourceRequest request(
      ServedResource served, ResourceRef ref, ObjectId revision, JsonObject resource) {
    return new ResourceRequest(
        served.definition().group(),
        served.version(),
        served.definition().plural(),
        ref.namespace(),
        ref.name(),
        revision.name(),
        null,
        resource);
  }

  private static boolean same(JsonObject a, JsonObject b) {
    return a == null ? b == null : a.equals(b);
  }

  static Map<String, ServedResource> byKind(ResourceConfiguration resources) {
    Map<String, ServedResource> map = new HashMap<>();
    for (ServedResource served : resources.served().values()) {
      map.put(served.apiVersion() + "|" + served.definition().kind(), served);
    }
    return map;
  }

  private List<Proposal> open() {
    return reads.list().stream().filter(Proposal::isOpen).toList();
  }

  private static DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(BUS_TIMEOUT_MILLIS);
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
