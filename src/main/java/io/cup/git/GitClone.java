package io.cup.git;

import io.cup.config.ServerConfig;
import io.cup.status.StatusException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local clone of the Git remote Cup serves, and its lifecycle: clone, open, fetch, repack
 * ({@link Repacking}) and close. A bare clone on disk at {@link ServerConfig#repositoryDir()}.
 *
 * <p>One owner per server: the launcher creates it and closes it once every verticle is undeployed;
 * the fetcher verticle alone clones and fetches. Everyone else gets {@link #revisions()}, which
 * reads revisions and writes proposal refs under the fetch lock but never clones, fetches or
 * closes.
 *
 * <p>The remote is the truth: a fetch mirrors every branch ({@code +refs/heads/*}) and Cup's own
 * records ({@code +refs/cup/*}, where proposal records live), pruning what the remote deleted. The
 * tracked branch is {@link ServerConfig#gitBranch()} or, when unset, the remote's {@code HEAD} at
 * clone time; it is remembered in the clone's config ({@code cup.branch}) so a restart without the
 * remote still knows it.
 *
 * <p>All methods block (JGit and disk): call them from worker threads only. Fetches and clones are
 * serialized by one lock (one fetch at a time per repository); reads ({@link GitRevisions}, {@link
 * #head}) run concurrently with them.
 */
public final class GitClone {
  /** Whether a clone was tried already: a failing clone is logged once, not every poll. */
  private boolean cloneAttempted;

  /** Refs Cup keeps its own records under (fetched and pruned like branches). */
  public static final String CUP_REFS = "refs/cup/";

  /** The fetch refspecs: every branch and every Cup record, forced. */
  public static final List<RefSpec> FETCH_REFSPECS =
      List.of(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/cup/*:refs/cup/*"));

  static final String CONFIG_SECTION = "cup";
  static final String CONFIG_BRANCH = "branch";
  private static final String DEFAULT_BRANCH = "main";
  private static final Logger LOG = LoggerFactory.getLogger(GitClone.class);

  private final ServerConfig cfg;
  private final Path dir;
  private final Credentials credentials;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Repository repository;
  private volatile String branch;
  private volatile boolean repackDue = true;
  private final AtomicBoolean repacking = new AtomicBoolean();
  private final AtomicLong refsGeneration = new AtomicLong();

  private final GitRevisions revisions = new GitRevisions(this);

  private GitClone(ServerConfig cfg, Credentials credentials) {
    this.cfg = cfg;
    this.dir = cfg.repositoryDir().toAbsolutePath().normalize();
    this.credentials = credentials;
    this.branch = configuredBranch(cfg);
  }

  /** A source for {@code cfg}'s remote; does no I/O (see {@link #cloneOrOpen()}). */
  public static GitClone create(ServerConfig cfg) {
    Objects.requireNonNull(cfg, "cfg");
    return new GitClone(cfg, Credentials.of(cfg));
  }

  /** As {@link #create(ServerConfig)} with explicit credentials (tests). */
  static GitClone create(ServerConfig cfg, Credentials credentials) {
    return new GitClone(Objects.requireNonNull(cfg, "cfg"), credentials);
  }

  /**
   * What the verticles that do not own the clone get of it: revision reads, the tracked branch, and
   * proposal writes under the fetch lock, never clone, fetch, repack or close. One per clone.
   */
  public GitRevisions revisions() {
    return revisions;
  }

  /** Where the bare clone lives. */
  public Path directory() {
    return dir;
  }

  /**
   * The remote's URL without password or token: safe for messages and logs, and the URL a push goes
   * to (credentials come with {@link #openTransport}).
   */
  public String remoteUrl() {
    return credentials.url();
  }

  /**
   * The tracked branch's short name: the configured one, else the one remembered in the clone, else
   * the remote's HEAD once cloned ({@code main} before anything is known).
   */
  public String branch() {
    return branch;
  }

  /** Whether the clone is open (present on disk and opened). */
  public boolean isOpen() {
    return repository != null;
  }

  /** The opened bare repository; 503 when there is no clone yet. */
  public Repository repository() {
    Repository repo = repository;
    if (repo == null) {
      throw StatusException.unavailable(
          "the repository is not cloned yet", StatusException.REMOTE_RETRY_AFTER_SECONDS);
    }
    return repo;
  }

  /** The local tracked branch's commit, or null (no clone, or the branch has no commit). */
  public ObjectId head() {
    Repository repo = repository;
    if (repo == null) {
      return null;
    }
    try {
      Ref ref = repo.exactRef(Constants.R_HEADS + branch);
      return ref == null ? null : ref.getObjectId();
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read branch " + branch + " of the clone", e);
    }
  }

  /** Opens a transport to the remote for {@code repository}, with credentials and a timeout. */
  public Transport openTransport(Repository repository) throws IOException, URISyntaxException {
    Transport transport = Transport.open(repository, credentials.url());
    credentials.configure(transport);
    return transport;
  }

  /**
   * Opens an existing clone without touching the network. Returns false when there is none yet; 503
   * when the directory exists but is not a Git repository.
   */
  public boolean open() {
    lock.lock();
    try {
      if (repository != null) {
        return true;
      }
      if (!Files.exists(dir)) {
        return false;
      }
      if (!isRepository(dir)) {
        throw StatusException.unavailable(
            dir
                + " exists but is not a Git repository; remove it to clone "
                + remoteUrl()
                + " again",
            null);
      }
      opened(openRepository(dir));
      LOG.info("opened the clone of {} at {} (tracked branch {})", remoteUrl(), dir, branch);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes the clone ready: opens and fetches an existing clone (a failed fetch is logged and the
   * clone served as it is), or clones the remote when there is none (503 when that fails). A clone
   * is made in a temporary sibling directory and renamed into place, so a crash never leaves half a
   * clone where a clone is expected.
   */
  public void cloneOrOpen() {
    lock.lock();
    try {
      if (open()) {
        try {
          fetchLocked(null);
        } catch (StatusException e) {
          LOG.warn("{}; serving the existing clone at {}", e.getMessage(), dir);
        }
      } else {
        cloneLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fetches from the remote now (cloning first when there is no clone yet) and says whether the
   * tracked branch moved. 503 when the remote cannot be reached.
   */
  public FetchOutcome fetch() {
    return fetch(null);
  }

  /**
   * Fetches the tracked branch and the refs {@code refs} (full names; each that the remote lacks is
   * skipped), nothing else and nothing pruned: what a node does when another node saw the branch
   * move or wrote a proposal, so the fetch reads a few refs' advertisement (Git's protocol v2 lists
   * only the refs asked for), not every proposal's, which a full {@link #fetch} reads. Clones first
   * when there is no clone yet. The next full fetch brings the rest, and prunes.
   */
  public FetchOutcome fetchOnly(List<String> refs) {
    List<RefSpec> specs = new ArrayList<>();
    String tracked = Constants.R_HEADS + branch;
    for (String ref : refs) {
      if (!ref.equals(tracked) && Repository.isValidRefName(ref) && ref.length() > 1) {
        specs.add(ifPresent(ref));
      }
    }
    return fetch(specs);
  }

  /**
   * A refspec that fetches {@code ref} (a full name) into the same name, and is skipped when the
   * remote has no such ref, where a plain refspec would fail the fetch: a pattern, the ref's name
   * with its last character for JGit's '*' (one character or more). A proposal's refs end in an id
   * of 26 random-enough characters, so another ref matching too is as good as impossible, and
   * harmless: it is fetched as well.
   */
  private static RefSpec ifPresent(String ref) {
    String stem = ref.substring(0, ref.length() - 1);
    return new RefSpec("+" + stem + "*:" + stem + "*");
  }

  /**
   * Under the lock: clones when there is no clone yet, else fetches {@code extra} and the tracked
   * branch without pruning, or ({@code extra} null) everything Cup fetches, pruning.
   */
  private FetchOutcome fetch(List<RefSpec> extra) {
    lock.lock();
    try {
      if (!open()) {
        cloneLocked();
        return new FetchOutcome(branch, null, head());
      }
      return fetchLocked(extra);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Repacks the clone when a fetch brought objects since the last look and it now holds too many
   * packs or loose objects ({@link Repacking#ifNeeded}). Runs outside the fetch lock, so fetches
   * and local ref updates go on meanwhile, and never twice at once: a call while a repack runs
   * returns at once. Blocking; the owner calls it from a worker after a fetch.
   */
  public void repackIfDue() {
    if (!repackDue || !repacking.compareAndSet(false, true)) {
      return;
    }
    try {
      repackDue = false;
      Repository repo = repository;
      if (repo != null) {
        Repacking.ifNeeded(repo, remoteUrl());
      }
    } finally {
      repacking.set(false);
    }
  }

  /**
   * Runs {@code work} while no fetch can run: a fetch prunes local refs the remote lacks, so a
   * writer that creates a local ref and then pushes it does both in here.
   */
  public <T> T exclusively(Supplier<T> work) {
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  /** See {@link GitSource#refsGeneration()}. */
  public long refsGeneration() {
    return refsGeneration.get();
  }

  /**
   * See {@link GitSource#refsMoved()}. A ref moved by a writer comes with objects it wrote, loose:
   * the next {@link #repackIfDue} looks at them, or a node that writes and never fetches anything
   * new would gather loose objects without bound (and read each of them from its own file).
   */
  public long refsMoved() {
    repackDue = true;
    return refsGeneration.incrementAndGet();
  }

  /**
   * Closes the opened repository: the owner's last word, once nothing reads the clone any more (the
   * launcher, after every verticle of the server is undeployed). Opening it again is allowed.
   */
  public void close() {
    lock.lock();
    try {
      Repository repo = repository;
      repository = null;
      if (repo != null) {
        repo.close();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "GitClone[" + remoteUrl() + " " + branch + " at " + dir + "]";
  }

  // -- fetch and clone -------------------------------------------------------------------------

  private FetchOutcome fetchLocked(List<RefSpec> extra) {
    Repository repo = repository();
    ObjectId before = head();
    long started = System.nanoTime();
    boolean changed;
    if (extra == null) {
      changed = mirror(repo);
    } else {
      String tracked = Constants.R_HEADS + branch;
      List<RefSpec> specs = new ArrayList<>(extra);
      specs.add(new RefSpec("+" + tracked + ":" + tracked));
      changed = fetchNarrowly(repo, specs);
    }
    if (changed) {
      repackDue = true;
      refsGeneration.incrementAndGet();
    }
    ObjectId after = head();
    FetchOutcome outcome = new FetchOutcome(branch, before, after);
    LOG.debug(
        "fetched {} in {} ms: {} {} -> {}",
        remoteUrl(),
        (System.nanoTime() - started) / 1_000_000,
        branch,
        name(before),
        name(after));
    return outcome;
  }

  /**
   * What a fetch of {@link #FETCH_REFSPECS} with pruning does, in steps that keep the fetch narrow:
   * lists the remote's refs there, fetches those that differ from the clone's ({@link
   * #fetchNarrowly}), and removes the clone's refs there that the remote no longer has. Says
   * whether a ref of the clone changed.
   */
  private boolean mirror(Repository repo) {
    Map<String, ObjectId> remote = advertised(repo);
    List<Ref> local;
    try {
      local = repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS, CUP_REFS);
    } catch (IOException e) {
      throw StatusException.unavailable("cannot read the refs of the clone at " + dir, e);
    }
    Map<String, ObjectId> here = new HashMap<>();
    local.forEach(ref -> here.put(ref.getName(), ref.getObjectId()));
    List<RefSpec> specs = new ArrayList<>();
    remote.forEach(
        (name, id) -> {
          if (!id.equals(here.get(name))) {
            specs.add(ifPresent(name));
          }
        });
    boolean changed = false;
    if (!specs.isEmpty()) {
      String tracked = Constants.R_HEADS + branch;
      if (remote.containsKey(tracked)) {
        specs.add(ifPresent(tracked)); // common ground for the negotiation
      }
      changed = fetchNarrowly(repo, specs);
    }
    List<ReceiveCommand> gone = new ArrayList<>();
    for (Ref ref : local) {
      if (ref.getObjectId() != null && !remote.containsKey(ref.getName())) {
        gone.add(new ReceiveCommand(ref.getObjectId(), ObjectId.zeroId(), ref.getName()));
      }
    }
    return prune(repo, gone) || changed;
  }

  /** The remote's refs that {@link #FETCH_REFSPECS} fetch, by name. */
  private Map<String, ObjectId> advertised(Repository repo) {
    try (Transport transport = openTransport(repo);
        FetchConnection connection = transport.openFetch(FETCH_REFSPECS)) {
      Map<String, ObjectId> refs = new HashMap<>();
      for (Ref ref : connection.getRefs()) {
        if (ref.getObjectId() != null
            && FETCH_REFSPECS.stream().anyMatch(spec -> spec.matchSource(ref))) {
          refs.put(ref.getName(), ref.getObjectId());
        }
      }
      return refs;
    } catch (IOException | URISyntaxException | RuntimeException e) {
      throw remoteFailure("fetch from", e);
    }
  }

  /**
   * Fetches {@code specs}, without pruning, through a view of the clone that shows the refs they
   * write alone ({@link NarrowFetchRepository}): the fetch offers the remote those refs' history as
   * common ground, not every proposal's, and takes a round trip or two however many proposals the
   * clone holds. Says whether a ref of the clone changed.
   */
  private boolean fetchNarrowly(Repository repo, List<RefSpec> specs) {
    FetchResult result =
        fetchInto(new NarrowFetchRepository(repo, specs), "fetch from", specs, false);
    return !result.getTrackingRefUpdates().isEmpty();
  }

  /**
   * Removes the refs {@code gone} from the clone, each only if it still has the value the command
   * names (a ref that moved meanwhile stays, and the next fetch looks again). Says whether one was
   * removed.
   */
  private boolean prune(Repository repo, List<ReceiveCommand> gone) {
    if (gone.isEmpty()) {
      return false;
    }
    BatchRefUpdate batch =
        repo.getRefDatabase()
            .newBatchUpdate()
            .setAllowNonFastForwards(true)
            .setAtomic(false)
            .addCommand(gone);
    try (RevWalk walk = new RevWalk(repo)) {
      batch.execute(walk, NullProgressMonitor.INSTANCE);
    } catch (IOException e) {
      LOG.warn(
          "cannot remove from {} the refs {} no longer has: {}", dir, remoteUrl(), e.toString());
    }
    boolean removed = false;
    for (ReceiveCommand command : gone) {
      if (command.getResult() == ReceiveCommand.Result.OK) {
        removed = true;
      } else {
        LOG.debug("kept {}: {}", command.getRefName(), command.getResult());
      }
    }
    return removed;
  }

  private FetchResult fetchInto(Repository repo, String what) {
    return fetchInto(repo, what, FETCH_REFSPECS, true);
  }

  private FetchResult fetchInto(
      Repository repo, String what, List<RefSpec> refSpecs, boolean prune) {
    try (Git git = new Git(repo)) {
      FetchCommand fetch =
          git.fetch()
              .setRemote(credentials.url())
              .setRefSpecs(refSpecs)
              .setRemoveDeletedRefs(prune)
              .setTagOpt(TagOpt.NO_TAGS)
              .setCheckFetchedObjects(true);
      credentials.configure(fetch);
      return fetch.call();
    } catch (GitAPIException | JGitInternalException e) {
      throw remoteFailure(what, e);
    } catch (StatusException e) {
      throw e;
    } catch (RuntimeException e) {
      throw remoteFailure(what, e);
    }
  }

  private void cloneLocked() {
    Path parent = dir.getParent();
    Path temp = null;
    String tracked;
    try {
      Files.createDirectories(parent);
      removeStaleTemporaryClones(parent);
      temp = Files.createTempDirectory(parent, temporaryPrefix());
      try (Repository repo = FileRepositoryBuilder.create(temp.toFile())) {
        repo.create(true);
        StoredConfig config = repo.getConfig();
        config.setString("remote", "origin", "url", credentials.url());
        config.setStringList(
            "remote", "origin", "fetch", FETCH_REFSPECS.stream().map(RefSpec::toString).toList());
        config.setBoolean("remote", "origin", "prune", true);
        // JGit's automatic gc after a fetch runs in the background by default, where it can race
        // with the rename of this temporary clone into place (a gc.log.lock left behind); run it
        // in the fetch itself, on the fetcher's worker thread
        config.setBoolean("gc", null, "autoDetach", false);
        Repacking.configure(config);
        configureProtocol(config);
        configureCompression(config);
        config.save();
        if (!cloneAttempted) {
          LOG.info("cloning {} into {}", remoteUrl(), dir);
        } else {
          LOG.debug("cloning {} into {} (again)", remoteUrl(), dir);
        }
        cloneAttempted = true;
        FetchResult result = fetchInto(repo, "clone");
        tracked = configuredBranch(cfg);
        if (tracked == null) {
          tracked = remoteHead(repo, result);
        }
        rememberBranch(repo, tracked);
        if (repo.exactRef(Constants.R_HEADS + tracked) == null) {
          LOG.warn("the tracked branch {} does not exist in {} (yet)", tracked, remoteUrl());
        }
      }
      try {
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        // Another process cloned meanwhile: use its clone.
        LOG.info("{} appeared while cloning; using it", dir);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + temp + " to " + dir + " atomically", e);
      } catch (IOException e) {
        if (!isRepository(dir)) {
          throw e;
        }
        LOG.info("{} appeared while cloning; using it", dir);
      }
    } catch (IOException e) {
      throw StatusException.unavailable(
          "cannot clone "
              + remoteUrl()
              + " into "
              + dir
              + ": "
              + credentials.redact(e.getMessage()),
          e);
    } finally {
      if (temp != null) {
        deleteRecursively(temp);
      }
    }
    opened(openRepository(dir));
    LOG.info("cloned {} (tracked branch {} at {})", remoteUrl(), branch, name(head()));
  }

  /** The remote's HEAD branch from a fetch result, falling back to ls-remote, then "main". */
  private String remoteHead(Repository repo, FetchResult result) {
    Ref head = result.getAdvertisedRef(Constants.HEAD);
    if (head == null || !head.isSymbolic()) {
      try (Git git = new Git(repo)) {
        LsRemoteCommand ls = git.lsRemote().setRemote(credentials.url());
        credentials.configure(ls);
        Map<String, Ref> refs = ls.callAsMap();
        head = refs.get(Constants.HEAD);
        if (head != null && !head.isSymbolic()) {
          return branchPointedAt(refs, head.getObjectId());
        }
      } catch (GitAPIException | JGitInternalException e) {
        throw remoteFailure("list the branches of", e);
      }
    }
    if (head != null && head.isSymbolic()) {
      String target = head.getTarget().getName();
      if (target.startsWith(Constants.R_HEADS)) {
        return target.substring(Constants.R_HEADS.length());
      }
    }
    LOG.warn("{} does not say which branch HEAD is; tracking {}", remoteUrl(), DEFAULT_BRANCH);
    return DEFAULT_BRANCH;
  }

  /** Without symref support: the branch HEAD's commit is on, preferring main then master. */
  private static String branchPointedAt(Map<String, Ref> refs, ObjectId id) {
    for (String preferred : List.of("main", "master")) {
      Ref ref = refs.get(Constants.R_HEADS + preferred);
      if (ref != null && Objects.equals(ref.getObjectId(), id)) {
        return preferred;
      }
    }
    return refs.values().stream()
        .filter(r -> r.getName().startsWith(Constants.R_HEADS))
        .filter(r -> Objects.equals(r.getObjectId(), id))
        .map(r -> r.getName().substring(Constants.R_HEADS.length()))
        .sorted()
        .findFirst()
        .orElse(DEFAULT_BRANCH);
  }

  /** Makes {@code repo} the open clone: its tracked branch and repacking settings remembered. */
  private void opened(Repository repo) {
    branch = rememberBranch(repo, rememberedBranch(repo));
    try {
      boolean repacking = Repacking.configure(repo.getConfig());
      boolean compression = configureCompression(repo.getConfig());
      if (configureProtocol(repo.getConfig()) || repacking || compression) {
        repo.getConfig().save();
      }
    } catch (IOException e) {
      LOG.warn("cannot store the repacking settings in {}: {}", dir, e.toString());
    }
    repository = repo;
    refsGeneration.incrementAndGet();
  }

  /**
   * Git's protocol v2 for fetches ({@code protocol.version=2}): the remote then lists only the refs
   * a fetch asks for, so {@link #fetchOnly} reads a few refs' advertisement, not every proposal's.
   * Returns whether {@code config} changed (the caller saves it).
   */
  private static boolean configureProtocol(StoredConfig config) {
    if (config.getInt("protocol", "version", 0) == 2) {
      return false;
    }
    config.setInt("protocol", null, "version", 2);
    return true;
  }

  /**
   * Git's own levels of compression: the fastest for loose objects ({@code core.looseCompression}
   * defaults to 1 in Git; JGit writes loose objects at {@code core.compression}, so that is 1
   * here), zlib's default for packs ({@code pack.compression=-1}: pushes and repacks). Every
   * proposal writes its trees as loose objects, and deflating them at zlib's default level cost
   * about a tenth of a write's CPU. Returns whether {@code config} changed (the caller saves it).
   */
  private static boolean configureCompression(StoredConfig config) {
    boolean changed = false;
    for (String[] setting :
        new String[][] {
          {"core", "compression", "1"},
          {"core", "looseCompression", "1"},
          {"pack", "compression", "-1"}
        }) {
      if (!setting[2].equals(config.getString(setting[0], null, setting[1]))) {
        config.setString(setting[0], null, setting[1], setting[2]);
        changed = true;
      }
    }
    return changed;
  }

  /** The configured branch, else the one in the clone's config, else its HEAD's target. */
  private String rememberedBranch(Repository repo) {
    String configured = configuredBranch(cfg);
    if (configured != null) {
      return configured;
    }
    String remembered = repo.getConfig().getString(CONFIG_SECTION, null, CONFIG_BRANCH);
    if (remembered != null && Repository.isValidRefName(Constants.R_HEADS + remembered)) {
      return remembered;
    }
    try {
      Ref head = repo.exactRef(Constants.HEAD);
      if (head != null && head.isSymbolic()) {
        String target = head.getTarget().getName();
        if (target.startsWith(Constants.R_HEADS)) {
          return target.substring(Constants.R_HEADS.length());
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read HEAD of {}: {}", dir, e.toString());
    }
    return DEFAULT_BRANCH;
  }

  /** Stores {@code tracked} as {@code cup.branch} and points the clone's HEAD at it. */
  private String rememberBranch(Repository repo, String tracked) {
    try {
      StoredConfig config = repo.getConfig();
      if (!tracked.equals(config.getString(CONFIG_SECTION, null, CONFIG_BRANCH))) {
        config.setString(CONFIG_SECTION, null, CONFIG_BRANCH, tracked);
        config.save();
      }
      Ref head = repo.exactRef(Constants.HEAD);
      String target = Constants.R_HEADS + tracked;
      if (head == null || !head.isSymbolic() || !head.getTarget().getName().equals(target)) {
        RefUpdate update = repo.getRefDatabase().newUpdate(Constants.HEAD, false);
        RefUpdate.Result result = update.link(target);
        if (result != RefUpdate.Result.NEW
            && result != RefUpdate.Result.FORCED
            && result != RefUpdate.Result.NO_CHANGE) {
          LOG.warn("cannot point HEAD of {} at {}: {}", dir, target, result);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot remember the tracked branch {} in {}: {}", tracked, dir, e.toString());
    }
    return tracked;
  }

  private static String configuredBranch(ServerConfig cfg) {
    String configured = cfg.gitBranch();
    if (configured == null || configured.isBlank()) {
      return null;
    }
    configured = configured.strip();
    if (configured.startsWith(Constants.R_HEADS)) {
      configured = configured.substring(Constants.R_HEADS.length());
    }
    if (!Repository.isValidRefName(Constants.R_HEADS + configured)) {
      throw new IllegalArgumentException("not a valid branch name: " + configured);
    }
    return configured;
  }

  private StatusException remoteFailure(String what, Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String reason = String.valueOf(e.getMessage());
    // JGit starts transport errors with the URL, which the message below already names
    if (reason.startsWith(remoteUrl() + ": ")) {
      reason = reason.substring(remoteUrl().length() + 2);
    }
    String rootReason = root.getMessage();
    if (rootReason != null && rootReason.startsWith(remoteUrl() + ": ")) {
      rootReason = rootReason.substring(remoteUrl().length() + 2);
    }
    // add the root cause only when it says something the message does not already say
    if (root != e && rootReason != null && !reason.contains(rootReason)) {
      reason = reason + " (" + rootReason + ")";
    }
    return StatusException.remoteUnavailable(
        what, "cannot " + what + " " + remoteUrl() + ": " + credentials.redact(reason));
  }

  // -- disk ------------------------------------------------------------------------------------

  private String temporaryPrefix() {
    return "." + dir.getFileName() + ".clone-";
  }

  /** Temporary clones a crash left behind (never renamed into place) are garbage. */
  private void removeStaleTemporaryClones(Path parent) throws IOException {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(parent, temporaryPrefix() + "*")) {
      for (Path path : stale) {
        LOG.info("removing the unfinished clone {}", path);
        deleteRecursively(path);
      }
    }
  }

  private static boolean isRepository(Path path) {
    return Files.isDirectory(path.resolve("objects"))
        && Files.isDirectory(path.resolve("refs"))
        && Files.isRegularFile(path.resolve("HEAD"));
  }

  private Repository openRepository(Path path) {
    try {
      return new FileRepositoryBuilder()
          .setGitDir(path.toFile())
          .setBare()
          .setMustExist(true)
          .build();
    } catch (IOException e) {
      throw StatusException.unavailable("cannot open the clone at " + path, e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", root, e.toString());
    }
  }

  private static String name(ObjectId id) {
    return id == null ? "(none)" : id.name();
  }
}
