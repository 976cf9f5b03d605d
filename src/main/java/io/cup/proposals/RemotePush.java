package io.cup.proposals;

import io.cup.git.Credentials;
import io.cup.git.GitSource;
import io.cup.status.StatusException;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves refs on the Git remote, each only from the value the caller expects (a lease), in one
 * atomic push when the remote supports it.
 *
 * <p>Without atomic push support the changes are pushed one by one in the given order, stopping at
 * the first that fails; refs this push created before the failure are deleted again (best effort),
 * so a retry does not trip over them. Callers order the changes so that what remains after a
 * partial push is safe (the proposal branch before its record).
 *
 * <p>The pack is computed through a {@link SparsePushRepository}, so a push costs time in
 * proportion to the paths it changes, not to the size of the repository.
 *
 * <p>Blocking; safe for concurrent use (each push opens its own connection).
 */
final class RemotePush {
  private static final Logger LOG = LoggerFactory.getLogger(RemotePush.class);

  /** The delta search window of a push ({@link #packConfig}). */
  static final int DELTA_WINDOW = 3;

  /** Move {@code ref} from {@code expectedOld} (zero id: must not exist) to {@code newId}. */
  record RefChange(String ref, ObjectId expectedOld, ObjectId newId) {
    RefChange {
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(expectedOld, "expectedOld");
      Objects.requireNonNull(newId, "newId");
    }

    static RefChange create(String ref, ObjectId newId) {
      return new RefChange(ref, ObjectId.zeroId(), newId);
    }

    boolean isCreate() {
      return expectedOld.equals(ObjectId.zeroId());
    }

    boolean isDelete() {
      return newId.equals(ObjectId.zeroId());
    }
  }

  /** How a push ended when the remote could be reached. */
  enum Outcome {
    /** Every ref moved. */
    PUSHED,
    /** A ref was not where the lease expected (someone else moved it): nothing moved. */
    STALE
  }

  private final GitSource source;
  private final Credentials credentials;
  private final Timer duration;

  RemotePush(GitSource source, Credentials credentials, Timer duration) {
    this.source = Objects.requireNonNull(source, "source");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.duration = Objects.requireNonNull(duration, "duration");
  }

  /**
   * Pushes {@code changes}.
   *
   * @return {@link Outcome#STALE} when a lease did not hold
   * @throws StatusException 503 when the remote cannot be reached, 502 when it refuses a change for
   *     another reason; both name the remote by {@link GitSource#remoteUrl()}
   */
  Outcome push(List<RefChange> changes) {
    Timer.Sample sample = Timer.start();
    try {
      try {
        return pushOnce(changes, true);
      } catch (AtomicUnsupported e) {
        LOG.debug("{} does not support atomic push; pushing ref by ref", source.remoteUrl());
        return pushInOrder(changes);
      }
    } finally {
      sample.stop(duration);
    }
  }

  /**
   * Pushes the ref changes of several independent writes (each a list as {@link #push} takes) in
   * one atomic push of all their refs, so a burst of writes costs the remote one connection, one
   * ref advertisement and one pack instead of one each. The remote applies all of it or none (a
   * crash during the push leaves no write half on the remote). When the remote rejects any ref, the
   * atomic push moved nothing, and each write is pushed again on its own ({@link #push}), so a
   * rejection fails only the write whose ref it was; so is every write when the remote has no
   * atomic push.
   *
   * @return one result per write, in order
   * @throws StatusException when the group's push cannot reach the remote (or cannot prepare its
   *     pack): the failure of every write of the group; a write pushed on its own has its failure
   *     in its result
   */
  List<WriteResult> pushGroup(List<List<RefChange>> writes) {
    if (writes.size() > 1) {
      List<RefChange> all = writes.stream().flatMap(List::stream).toList();
      Timer.Sample sample = Timer.start();
      boolean pushed;
      try {
        pushed = pushOnce(all, true) == Outcome.PUSHED;
      } catch (AtomicUnsupported e) {
        pushed = false;
      } catch (StatusException e) {
        if (e.code() != 502) {
          throw e; // the remote cannot be reached: every write fails alike
        }
        pushed = false; // a ref refused: find whose, below
      } finally {
        sample.stop(duration);
      }
      if (pushed) {
        return writes.stream().map(w -> WriteResult.PUSHED).toList();
      }
      LOG.debug(
          "the group push of {} writes to {} did not hold; pushing them one by one",
          writes.size(),
          source.remoteUrl());
    }
    List<WriteResult> results = new ArrayList<>(writes.size());
    for (List<RefChange> write : writes) {
      try {
        results.add(new WriteResult(push(write), null));
      } catch (StatusException e) {
        results.add(new WriteResult(null, e));
      }
    }
    return results;
  }

  /** How one write of a group push ended: an outcome, or the failure of its push alone. */
  record WriteResult(Outcome outcome, StatusException failure) {
    static final WriteResult PUSHED = new WriteResult(Outcome.PUSHED, null);
  }

  private Outcome pushInOrder(List<RefChange> changes) {
    List<RefChange> created = new ArrayList<>();
    for (RefChange change : changes) {
      Outcome outcome;
      try {
        outcome = pushOnce(List.of(change), false);
      } catch (StatusException | AtomicUnsupported e) {
        rollBack(created);
        throw e instanceof StatusException s ? s : new IllegalStateException(e);
      }
      if (outcome == Outcome.STALE) {
        rollBack(created);
        return outcome;
      }
      if (change.isCreate()) {
        created.add(change);
      }
    }
    return Outcome.PUSHED;
  }

  private void rollBack(List<RefChange> created) {
    for (RefChange change : created) {
      try {
        pushOnce(List.of(new RefChange(change.ref(), change.newId(), ObjectId.zeroId())), false);
      } catch (RuntimeException | AtomicUnsupported e) {
        LOG.warn(
            "cannot delete {} on {} after a failed push: {}",
            change.ref(),
            source.remoteUrl(),
            e.getMessage());
      }
    }
  }

  private Outcome pushOnce(List<RefChange> changes, boolean atomic) throws AtomicUnsupported {
    List<RemoteRefUpdate> updates = new ArrayList<>(changes.size());
    try (Repository repository =
            SparsePushRepository.of(
                source.repository(), newIds(changes), source.head(), source.freshTrees());
        Transport transport = source.openTransport(repository)) {
      for (RefChange change : changes) {
        updates.add(
            new RemoteRefUpdate(
                repository,
                (String) null,
                change.newId(),
                change.ref(),
                // the lease makes a forced update a compare-and-swap: a rebased proposal branch
                // is not a fast-forward, yet moves only from the value this node read
                true,
                null,
                change.expectedOld()));
      }
      transport.setPushAtomic(atomic);
      // as git push does: objects the remote has (the parents' trees) may be delta bases, so a
      // tree that changed in one entry travels as a small delta
      transport.setPushThin(true);
      transport.setPackConfig(packConfig(repository));
      PushResult result = transport.push(NullProgressMonitor.INSTANCE, updates);
      return evaluate(changes, result);
    } catch (TransportException e) {
      if (atomic
          && String.valueOf(e.getMessage()).contains(JGitText.get().atomicPushNotSupported)) {
        throw new AtomicUnsupported();
      }
      StatusException status =
          StatusException.remoteUnavailable(
              "push to", "cannot push to " + source.remoteUrl() + ": " + reason(e));
      LOG.warn("{}", status.logDetail());
      throw status;
    } catch (NotSupportedException | URISyntaxException e) {
      LOG.warn("cannot push to {}: {}", source.remoteUrl(), reason(e));
      throw StatusException.badGateway("cannot push to the Git remote (see the server log)", null);
    } catch (IOException e) {
      throw StatusException.internal("cannot prepare the push to " + source.remoteUrl(), e);
    }
  }

  /**
   * The clone's pack settings, with a delta search window of {@value #DELTA_WINDOW} objects instead
   * of Git's 10. A group push carries many trees that each differ from the parent's tree (and from
   * each other) in an entry or two, sorted next to each other: any neighbour makes a delta as small
   * as the best of ten, and trying ten was a tenth of a write's CPU. A push of one commit has one
   * or two candidates anyway.
   */
  private static PackConfig packConfig(Repository repository) {
    PackConfig config = new PackConfig(repository);
    config.setDeltaSearchWindowSize(Math.min(config.getDeltaSearchWindowSize(), DELTA_WINDOW));
    return config;
  }

  private static List<ObjectId> newIds(List<RefChange> changes) {
    return changes.stream()
        .map(RefChange::newId)
        .filter(id -> !id.equals(ObjectId.zeroId()))
        .toList();
  }

  private Outcome evaluate(List<RefChange> changes, PushResult result) {
    boolean stale = false;
    List<String> refused = new ArrayList<>();
    for (RefChange change : changes) {
      RemoteRefUpdate update = result.getRemoteUpdate(change.ref());
      RemoteRefUpdate.Status status =
          update == null ? RemoteRefUpdate.Status.NOT_ATTEMPTED : update.getStatus();
      switch (status) {
        case OK, UP_TO_DATE -> {}
        case NON_EXISTING -> {
          if (!change.isDelete()) {
            refused.add(change.ref() + " (" + status + ")");
          }
        }
        case REJECTED_REMOTE_CHANGED, REJECTED_NONFASTFORWARD -> stale = true;
        case REJECTED_NODELETE, REJECTED_OTHER_REASON, NOT_ATTEMPTED, AWAITING_REPORT -> {
          String message = update == null ? null : update.getMessage();
          if (concurrent(message)) {
            stale = true; // another push held the ref: fetch and try again
          } else if (!JGitText.get().transactionAborted.equals(message)) {
            refused.add(change.ref() + " (" + (message == null ? status : message) + ")");
          }
        }
      }
    }
    if (stale) {
      return Outcome.STALE;
    }
    if (!refused.isEmpty()) {
      LOG.warn("the remote {} rejected the push of {}", source.remoteUrl(), refused);
      throw StatusException.badGateway(
          "the Git remote rejected the push of " + String.join(", ", refused), null);
    }
    return Outcome.PUSHED;
  }

  /**
   * Whether the remote refused because another push held the ref at the same moment (Git's
   * receive-pack: "failed to lock", "cannot lock ref", and, for an atomic push, "atomic transaction
   * failed"): the same as a lease that did not hold.
   */
  static boolean concurrent(String message) {
    if (message == null) {
      return false;
    }
    String text = message.toLowerCase(java.util.Locale.ROOT);
    return text.contains("atomic transaction failed")
        || text.contains("failed to lock")
        || text.contains("cannot lock ref")
        || text.contains("failed to update ref");
  }

  /** The deepest message of {@code e}, without anything that could be a secret. */
  private String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage());
    String prefix = source.remoteUrl() + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length()); // JGit prefixes the URL, which we say already
    }
    if (root != e && root.getMessage() != null && !Objects.equals(root.getMessage(), message)) {
      message = message + " (" + root.getMessage() + ")";
    }
    // userinfo in any URL the message quotes, and whatever the credentials know to be secret
    return credentials.redact(message.replaceAll("://[^/@\\s]*@", "://"));
  }

  /** The remote does not advertise atomic push: fall back to ref-by-ref pushes. */
  private static final class AtomicUnsupported extends Exception {
    AtomicUnsupported() {
      super("atomic push not supported", null, false, false);
    }
  }
}
