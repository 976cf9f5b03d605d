package io.cup.config;

import static io.cup.config.InvalidServerConfigException.conflict;
import static io.cup.config.InvalidServerConfigException.invalidValue;
import static io.cup.config.ServerOptions.API_ADDRESS;
import static io.cup.config.ServerOptions.API_AUTHORIZATION_MODE;
import static io.cup.config.ServerOptions.API_CLIENT_CA_FILE;
import static io.cup.config.ServerOptions.API_CORS_ALLOWED_ORIGINS;
import static io.cup.config.ServerOptions.API_GIT_AUTHOR_EMAIL;
import static io.cup.config.ServerOptions.API_GIT_AUTHOR_NAME;
import static io.cup.config.ServerOptions.API_GIT_BRANCH;
import static io.cup.config.ServerOptions.API_GIT_POLL_INTERVAL;
import static io.cup.config.ServerOptions.API_GIT_REPO;
import static io.cup.config.ServerOptions.API_GIT_SCM;
import static io.cup.config.ServerOptions.API_IDLE_TIMEOUT;
import static io.cup.config.ServerOptions.API_LOCAL_PATH;
import static io.cup.config.ServerOptions.API_MAX_CONNECTIONS;
import static io.cup.config.ServerOptions.API_MAX_RESOURCE_BYTES;
import static io.cup.config.ServerOptions.API_OIDC_CLIENT_ID;
import static io.cup.config.ServerOptions.API_OIDC_ISSUER_URL;
import static io.cup.config.ServerOptions.API_OIDC_UI_CLIENT_ID;
import static io.cup.config.ServerOptions.API_PROPOSAL_RETENTION;
import static io.cup.config.ServerOptions.API_PUBLIC_URL;
import static io.cup.config.ServerOptions.API_REQUEST_TIMEOUT;
import static io.cup.config.ServerOptions.API_SOURCE;
import static io.cup.config.ServerOptions.API_TLS_CERT_FILE;
import static io.cup.config.ServerOptions.API_TLS_PRIVATE_KEY_FILE;
import static io.cup.config.ServerOptions.API_WASM_MAX_BODY_BYTES;
import static io.cup.config.ServerOptions.API_WATCH_BOOKMARK_INTERVAL;
import static io.cup.config.ServerOptions.BRIDGE_INBOUND;
import static io.cup.config.ServerOptions.BRIDGE_TCP_ADDRESS;
import static io.cup.config.ServerOptions.CLUSTER;
import static io.cup.config.ServerOptions.CLUSTER_BUS_PORT;
import static io.cup.config.ServerOptions.CLUSTER_BUS_PUBLIC_HOST;
import static io.cup.config.ServerOptions.CLUSTER_HOST;
import static io.cup.config.ServerOptions.CLUSTER_KUBERNETES_SERVICE_DNS;
import static io.cup.config.ServerOptions.CLUSTER_MEMBERS;
import static io.cup.config.ServerOptions.DEMO;
import static io.cup.config.ServerOptions.MAX_BODY_BYTES;

import io.cup.bus.SourceKind;
import io.vertx.core.json.JsonObject;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.URIish;

/**
 * The resolved server configuration (flags > environment > YAML file > defaults), handed to every
 * verticle as JSON in its deployment config under the key {@code "server"}. Secrets are never held
 * here: only the paths or environment variable names they are read from.
 *
 * <p>Made by {@link #builder()}, whose {@link Builder#build()} checks that the settings hold
 * together (a Git source names a remote, a hosted SCM proposes from a Git source, TLS has both
 * halves, …) and names the offending options in an {@link InvalidServerConfigException}; read back
 * from a deployment config by {@link #fromJson}.
 *
 * @param host listen host ("" or null: all interfaces), from {@code --api-address}
 * @param port listen port, from {@code --api-address}
 * @param source {@code git} or {@code local}
 * @param gitRepo the remote URL (git source)
 * @param gitScm where proposals go: {@code local}, {@code github}, {@code gitea} or {@code gitlab}
 * @param gitBranch tracked branch; null means the remote's HEAD
 * @param pollIntervalMillis fetch interval
 * @param localPath directory served by the local source
 * @param resourcesDir directory of definitions, controllers, bindings (and .wasm files)
 * @param dataDir where clones and the demo repository live
 * @param authorName commit author name
 * @param authorEmail commit author email
 * @param gitTokenFile file holding an HTTP(S) token (else env {@code CUPD_API_GIT_TOKEN})
 * @param gitSshKeyFile private key file for {@code ssh://} remotes
 * @param demo whether the demo repository is served
 * @param maxBodyBytes largest accepted request body
 * @param watchBookmarkMillis how often a watch stream gets a BOOKMARK event
 * @param scm how the SCM named by {@code gitScm} is reached (github, gitea, gitlab), and where the
 *     webhook secret is read from
 * @param access TLS, authentication, authorization and audit ({@link AccessSettings#NONE}: open)
 * @param maxResourceBytes largest resource Cup writes or reads: a PUT body's or a patch's result
 *     (encoded), and a resource file read from Git (413 beyond it)
 * @param http connection and body bounds, browser checks ({@link HttpSettings#DEFAULT})
 * @param proposalRetentionMillis how long a merged or closed proposal keeps its branch and record
 *     refs before the reconciler archives it ({@code refs/cup/archive}); 0 keeps them for good
 * @param wasmMaxBodyBytes largest body (and patched result) of a write to a kind served by a WASM
 *     controller; larger ones are 413 before any WASM runs
 * @param registries where WASM controllers named by an OCI reference come from ({@link
 *     ControllerRegistrySettings})
 * @param bridges the event-bus bridges ({@link BridgeSettings#DEFAULT}: SockJS on the API's port,
 *     no TCP bridge, outbound only)
 * @param cluster several nodes on Vert.x's Hazelcast cluster ({@link ClusterSettings#NONE}: one
 *     JVM)
 */
public record ServerConfig(
    String host,
    int port,
    String source,
    String gitRepo,
    String gitScm,
    String gitBranch,
    long pollIntervalMillis,
    String localPath,
    String resourcesDir,
    String dataDir,
    String authorName,
    String authorEmail,
    String gitTokenFile,
    String gitSshKeyFile,
    boolean demo,
    long maxBodyBytes,
    long watchBookmarkMillis,
    ScmSettings scm,
    AccessSettings access,
    long maxResourceBytes,
    HttpSettings http,
    long proposalRetentionMillis,
    long wasmMaxBodyBytes,
    BridgeSettings bridges,
    ClusterSettings cluster,
    ControllerRegistrySettings registries) {

  public static final int DEFAULT_PORT = 8181;
  // SourceKind.GIT.wire(), spelt out: picocli's annotations need a compile-time constant
  public static final String DEFAULT_SOURCE = "git";
  public static final String DEFAULT_SCM = "local";
  public static final long DEFAULT_POLL_INTERVAL_MILLIS = 10_000L;
  public static final String DEFAULT_DATA_DIR = "data";
  public static final String DEFAULT_AUTHOR_NAME = "Cup";
  public static final String DEFAULT_AUTHOR_EMAIL = "cup@localhost";
  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
  public static final long DEFAULT_WASM_MAX_BODY_BYTES = 1024L * 1024;

  /** 1.5 MiB: etcd's request limit, so what Kubernetes could store Cup stores too. */
  public static final long DEFAULT_MAX_RESOURCE_BYTES = 3L * 512 * 1024;

  public static final long DEFAULT_WATCH_BOOKMARK_MILLIS = 30_000L;

  /** What {@link #source} may be. */
  public static final List<String> SOURCES =
      Arrays.stream(SourceKind.values()).map(SourceKind::wire).toList();

  /** What {@link #gitScm} may be. */
  public static final List<String> SCMS = List.of("local", "github", "gitea", "gitlab");

  /**
   * Fills in what JSON and older callers leave out. Construct through {@link #builder()}, which
   * checks that the settings hold together, or read a deployment config with {@link #fromJson}.
   */
  public ServerConfig {
    scm = scm == null ? ScmSettings.NONE : scm;
    access = access == null ? AccessSettings.NONE : access;
    maxResourceBytes = maxResourceBytes <= 0 ? DEFAULT_MAX_RESOURCE_BYTES : maxResourceBytes;
    http = http == null ? HttpSettings.DEFAULT : http;
    if (proposalRetentionMillis < 0) {
      throw new IllegalArgumentException("proposalRetentionMillis must not be negative");
    }
    wasmMaxBodyBytes = wasmMaxBodyBytes <= 0 ? DEFAULT_WASM_MAX_BODY_BYTES : wasmMaxBodyBytes;
    bridges = bridges == null ? BridgeSettings.DEFAULT : bridges;
    cluster = cluster == null ? ClusterSettings.NONE : cluster;
    registries = registries == null ? ControllerRegistrySettings.DEFAULT : registries;
  }

  /** A builder with the defaults of {@link #fromJson} (and of the command line's flags). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration, to change some settings and build a checked copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.source = source;
    b.gitRepo = gitRepo;
    b.gitScm = gitScm;
    b.gitBranch = gitBranch;
    b.pollInterval = Duration.ofMillis(pollIntervalMillis);
    b.localPath = localPath;
    b.resourcesDir = resourcesDir;
    b.dataDir = dataDir;
    b.authorName = authorName;
    b.authorEmail = authorEmail;
    b.gitTokenFile = gitTokenFile;
    b.gitSshKeyFile = gitSshKeyFile;
    b.demo = demo;
    b.maxBodyBytes = maxBodyBytes;
    b.watchBookmarkInterval = Duration.ofMillis(watchBookmarkMillis);
    b.scm = scm;
    b.access = access;
    b.maxResourceBytes = maxResourceBytes;
    b.http = http;
    b.proposalRetention = Duration.ofMillis(proposalRetentionMillis);
    b.wasmMaxBodyBytes = wasmMaxBodyBytes;
    b.bridges = bridges;
    b.cluster = cluster;
    b.registries = registries;
    return b;
  }

  /** The same configuration with other identity and access settings. */
  public ServerConfig withAccess(AccessSettings settings) {
    return toBuilder().access(settings).build();
  }

  /** The same configuration with another resource size limit. */
  public ServerConfig withMaxResourceBytes(long limit) {
    return toBuilder().maxResourceBytes(limit).build();
  }

  /** The same configuration with other HTTP settings. */
  public ServerConfig withHttp(HttpSettings settings) {
    return toBuilder().http(settings).build();
  }

  /**
   * The same configuration with another proposal retention: merged or closed proposals older than
   * {@code millis} are archived; 0 keeps them.
   */
  public ServerConfig withProposalRetention(long millis) {
    return toBuilder().proposalRetention(Duration.ofMillis(millis)).build();
  }

  /** The same configuration with another limit for writes through a WASM controller. */
  public ServerConfig withWasmMaxBodyBytes(long bytes) {
    return toBuilder().wasmMaxBodyBytes(bytes).build();
  }

  /** The same configuration with other controller registry settings. */
  public ServerConfig withRegistries(ControllerRegistrySettings settings) {
    return toBuilder().registries(settings).build();
  }

  /** The same configuration with other event-bus bridges. */
  public ServerConfig withBridges(BridgeSettings settings) {
    return toBuilder().bridges(settings).build();
  }

  /** Where the bare clone of {@link #gitRepo} lives: under the data directory. */
  public Path repositoryDir() {
    return Paths.get(dataDir, "repositories", RepositoryNames.directoryFor(gitRepo));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("host", host)
        .put("port", port)
        .put("source", source)
        .put("gitRepo", gitRepo)
        .put("gitScm", gitScm)
        .put("gitBranch", gitBranch)
        .put("pollIntervalMillis", pollIntervalMillis)
        .put("localPath", localPath)
        .put("resourcesDir", resourcesDir)
        .put("dataDir", dataDir)
        .put("authorName", authorName)
        .put("authorEmail", authorEmail)
        .put("gitTokenFile", gitTokenFile)
        .put("gitSshKeyFile", gitSshKeyFile)
        .put("demo", demo)
        .put("maxBodyBytes", maxBodyBytes)
        .put("watchBookmarkMillis", watchBookmarkMillis)
        .put("scm", scm.toJson())
        .put("access", access.toJson())
        .put("maxResourceBytes", maxResourceBytes)
        .put("http", http.toJson())
        .put("proposalRetentionMillis", proposalRetentionMillis)
        .put("wasmMaxBodyBytes", wasmMaxBodyBytes)
        .put("bridges", bridges.toJson())
        .put("cluster", cluster.toJson())
        .put("registries", registries.toJson());
  }

  /**
   * Reads the JSON form that {@link #toJson} writes, with the defaults for what it leaves out. The
   * settings are taken as they are, not checked again: a deployment config is written from a built
   * configuration.
   */
  public static ServerConfig fromJson(JsonObject json) {
    return new ServerConfig(
        json.getString("host"),
        json.getInteger("port", DEFAULT_PORT),
        json.getString("source", DEFAULT_SOURCE),
        json.getString("gitRepo"),
        json.getString("gitScm", DEFAULT_SCM),
        json.getString("gitBranch"),
        json.getLong("pollIntervalMillis", DEFAULT_POLL_INTERVAL_MILLIS),
        json.getString("localPath"),
        json.getString("resourcesDir"),
        json.getString("dataDir", DEFAULT_DATA_DIR),
        json.getString("authorName", DEFAULT_AUTHOR_NAME),
        json.getString("authorEmail", DEFAULT_AUTHOR_EMAIL),
        json.getString("gitTokenFile"),
        json.getString("gitSshKeyFile"),
        json.getBoolean("demo", false),
        json.getLong("maxBodyBytes", DEFAULT_MAX_BODY_BYTES),
        json.getLong("watchBookmarkMillis", DEFAULT_WATCH_BOOKMARK_MILLIS),
        ScmSettings.fromJson(json.getJsonObject("scm")),
        AccessSettings.fromJson(json.getJsonObject("access")),
        json.getLong("maxResourceBytes", DEFAULT_MAX_RESOURCE_BYTES),
        HttpSettings.fromJson(json.getJsonObject("http")),
        json.getLong("proposalRetentionMillis", 0L),
        json.getLong("wasmMaxBodyBytes", DEFAULT_WASM_MAX_BODY_BYTES),
        BridgeSettings.fromJson(json.getJsonObject("bridges")),
        ClusterSettings.fromJson(json.getJsonObject("cluster")),
        ControllerRegistrySettings.fromJson(json.getJsonObject("registries")));
  }

  /** What is served, as the closed set it is: {@link #source()} read as a {@link SourceKind}. */
  public SourceKind sourceKind() {
    return SourceKind.fromWire(source);
  }

  /** Reads the {@code "server"} entry of a verticle's deployment config. */
  public static ServerConfig of(JsonObject verticleConfig) {
    return fromJson(verticleConfig.getJsonObject("server", new JsonObject()));
  }

  /**
   * Builds a {@link ServerConfig}: starts from the defaults, takes the settings one by one, and
   * {@link #build()} checks what must hold together. Problems are reported by the options they are
   * about ({@link ServerOptions} names), the first one found.
   */
  public static final class Builder {
    private String host;
    private int port = DEFAULT_PORT;
    private String source = DEFAULT_SOURCE;
    private String gitRepo;
    private String gitScm = DEFAULT_SCM;
    private String gitBranch;
    private Duration pollInterval = Duration.ofMillis(DEFAULT_POLL_INTERVAL_MILLIS);
    private String localPath;
    private String resourcesDir;
    private String dataDir = DEFAULT_DATA_DIR;
    private String authorName = DEFAULT_AUTHOR_NAME;
    private String authorEmail = DEFAULT_AUTHOR_EMAIL;
    private String gitTokenFile;
    private String gitSshKeyFile;
    private boolean demo;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration watchBookmarkInterval = Duration.ofMillis(DEFAULT_WATCH_BOOKMARK_MILLIS);
    private ScmSettings scm = ScmSettings.NONE;
    private AccessSettings access = AccessSettings.NONE;
    private long maxResourceBytes = DEFAULT_MAX_RESOURCE_BYTES;
    private HttpSettings http = HttpSettings.DEFAULT;
    private Duration proposalRetention = Duration.ZERO;
    private long wasmMaxBodyBytes = DEFAULT_WASM_MAX_BODY_BYTES;
    private BridgeSettings bridges = BridgeSettings.DEFAULT;
    private ControllerRegistrySettings registries = ControllerRegistrySettings.DEFAULT;
    private ClusterSettings cluster = ClusterSettings.NONE;

    private Builder() {}

    /** Cluster settings ({@link ClusterSettings#NONE}, the default: one JVM). */
    public Builder cluster(ClusterSettings settings) {
      this.cluster = settings == null ? ClusterSettings.NONE : settings;
      return this;
    }

    /** Listen host; null or "" listens on all interfaces. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Listen port, 0 to 65535 (0: any free port). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * {@code git} (the default: a remote, {@link #gitRepo}) or {@code local} ({@link #localPath}).
     */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /** The remote a {@code git} source clones: any URL JGit can clone. */
    public Builder gitRepo(String url) {
      this.gitRepo = url;
      return this;
    }

    /**
     * Where proposals go: {@code local} (the default), {@code github}, {@code gitea}, {@code
     * gitlab}.
     */
    public Builder gitScm(String scm) {
      this.gitScm = scm;
      return this;
    }

    /**
     * The tracked branch, with or without {@code refs/heads/}; null (the default) tracks the
     * remote's HEAD.
     */
    public Builder gitBranch(String branch) {
      this.gitBranch = branch;
      return this;
    }

    /** How often the remote is fetched; at least 1 ms. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** The directory a {@code local} source serves. */
    public Builder localPath(Path dir) {
      this.localPath = text(dir);
      return this;
    }

    /**
     * The directory of definitions, controllers, bindings and {@code .wasm} files; with {@link
     * #demo}, the demo's when not set.
     */
    public Builder resourcesDir(Path dir) {
      this.resourcesDir = text(dir);
      return this;
    }

    /** Where clones (and the demo) live; {@code data} by default. */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dir").toString();
      return this;
    }

    /** The configured author of proposal commits; neither may be blank. */
    public Builder author(String name, String email) {
      this.authorName = name;
      this.authorEmail = email;
      return this;
    }

    /** The file holding the token for {@code http(s)} remotes. */
    public Builder gitTokenFile(Path file) {
      this.gitTokenFile = text(file);
      return this;
    }

    /** The private key for {@code ssh://} remotes. */
    public Builder gitSshKeyFile(Path file) {
      this.gitSshKeyFile = text(file);
      return this;
    }

    /**
     * Serve the demo: a Git source whose remote (unless given, and then it must be the same) is the
     * demo repository under the data directory, proposing locally.
     */
    public Builder demo(boolean demo) {
      this.demo = demo;
      return this;
    }

    /** Largest request body accepted; greater than 0. */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /** How often a watch stream gets a BOOKMARK event; at least 1 ms. */
    public Builder watchBookmarkInterval(Duration interval) {
      this.watchBookmarkInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** How a hosted SCM is reached, and where the webhook secret is read from. */
    public Builder scm(ScmSettings settings) {
      this.scm = settings == null ? ScmSettings.NONE : settings;
      return this;
    }

    /** TLS, authentication, authorization and audit. */
    public Builder access(AccessSettings settings) {
      this.access = settings == null ? AccessSettings.NONE : settings;
      return this;
    }

    /** Largest resource Cup writes or reads; greater than 0. */
    public Builder maxResourceBytes(long bytes) {
      this.maxResourceBytes = bytes;
      return this;
    }

    /** Connection and body bounds, browser checks. */
    public Builder http(HttpSettings settings) {
      this.http = settings == null ? HttpSettings.DEFAULT : settings;
      return this;
    }

    /**
     * How long merged and closed proposals keep their refs: 0 (the default) for good, else ≥ 1 ms.
     */
    public Builder proposalRetention(Duration retention) {
      this.proposalRetention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /** Largest body of a write to a kind served by a WASM controller; greater than 0. */
    public Builder wasmMaxBodyBytes(long bytes) {
      this.wasmMaxBodyBytes = bytes;
      return this;
    }

    /** Where controllers named by an OCI reference come from, and how they are refreshed. */
    public Builder registries(ControllerRegistrySettings settings) {
      this.registries = settings == null ? ControllerRegistrySettings.DEFAULT : settings;
      return this;
    }

    /** The event-bus bridges: TCP (off by default), SockJS, inbound addresses. */
    public Builder bridges(BridgeSettings settings) {
      this.bridges = settings == null ? BridgeSettings.DEFAULT : settings;
      return this;
    }

    /**
     * The configuration, checked.
     *
     * @throws InvalidServerConfigException naming the options that are wrong or do not go together
     */
    public ServerConfig build() {
      checkOneOf(API_SOURCE, source, SOURCES);
      checkOneOf(API_GIT_SCM, gitScm, SCMS);
      SourceKind kind = SourceKind.fromWire(source);
      if (port < 0 || port > 65_535) {
        throw invalidValue(API_ADDRESS, "port " + port + " is not between 0 and 65535");
      }
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw invalidValue(API_GIT_POLL_INTERVAL, "must be greater than 0");
      }
      checkAtLeastOneMilli(API_GIT_POLL_INTERVAL, pollInterval);
      checkAtLeastOneMilli(API_WATCH_BOOKMARK_INTERVAL, watchBookmarkInterval);
      checkPositive(MAX_BODY_BYTES, maxBodyBytes);
      checkPositive(API_WASM_MAX_BODY_BYTES, wasmMaxBodyBytes);
      checkPositive(API_MAX_RESOURCE_BYTES, maxResourceBytes);
      if (proposalRetention.isNegative()) {
        throw invalidValue(API_PROPOSAL_RETENTION, "must not be negative");
      }
      if (!proposalRetention.isZero() && proposalRetention.toMillis() < 1) {
        throw invalidValue(API_PROPOSAL_RETENTION, "must be 0 or at least 1ms");
      }
      checkCluster(kind);
      String branch = branch();
      String remote = gitRepo;
      String resources = resourcesDir;
      if (demo) {
        if (kind == SourceKind.LOCAL) {
          throw conflict(
              "--demo serves a Git repository; it cannot be combined with --api-source local",
              DEMO,
              API_SOURCE);
        }
        String origin = Demo.originUrl(Path.of(dataDir));
        if (remote != null && !remote.equals(origin)) {
          throw conflict(
              "--demo serves its own repository; drop --api-git-repo", DEMO, API_GIT_REPO);
        }
        remote = origin;
        if (resources == null) {
          resources = Demo.resources(Path.of(dataDir)).toAbsolutePath().normalize().toString();
        }
      }
      checkSource(kind, remote);
      if (!gitScm.equals("local")) {
        if (kind != SourceKind.GIT) {
          throw conflict(
              "--api-git-scm " + gitScm + " needs --api-source git", API_SOURCE, API_GIT_SCM);
        }
        if (demo) {
          throw conflict(
              "--demo proposes into its own local repository; it cannot be combined with"
                  + " --api-git-scm "
                  + gitScm,
              DEMO,
              API_GIT_SCM);
        }
      }
      checkNotBlank(API_GIT_AUTHOR_NAME, authorName);
      checkNotBlank(API_GIT_AUTHOR_EMAIL, authorEmail);
      checkAccess();
      HttpSettings checkedHttp = checkedHttp();
      checkBridges();
      return new ServerConfig(
          host,
          port,
          source,
          remote,
          gitScm,
          branch,
          pollInterval.toMillis(),
          localPath,
          resources,
          dataDir,
          authorName,
          authorEmail,
          gitTokenFile,
          gitSshKeyFile,
          demo,
          maxBodyBytes,
          watchBookmarkInterval.toMillis(),
          scm,
          access,
          maxResourceBytes,
          checkedHttp,
          proposalRetention.toMillis(),
          wasmMaxBodyBytes,
          bridges,
          cluster,
          registries);
    }

    /**
     * The TCP bridge's port is a port, and no inbound address is internal: a bridge client that
     * could send to {@code cup.controller.*}, {@code cup.proposal.*}, {@code cup.scm.*} or {@code
     * cup.repository.*} would skip the HTTP API's authentication, RBAC, validation and audit, and
     * one that could publish {@code cup.events.*} would forge Cup's events.
     */
    private void checkBridges() {
      if (bridges.tcpPort() != BridgeSettings.OFF
          && (bridges.tcpPort() < 0 || bridges.tcpPort() > 65_535)) {
        throw invalidValue(
            BRIDGE_TCP_ADDRESS, "port " + bridges.tcpPort() + " is not between 0 and 65535");
      }
      for (String address : bridges.inbound()) {
        if (address.isBlank() || !address.equals(address.strip())) {
          throw invalidValue(BRIDGE_INBOUND, "\"" + address + "\" is not an address");
        }
        if (BridgeSettings.internal(address)) {
          throw invalidValue(
              BRIDGE_INBOUND,
              "\""
                  + address
                  + "\" is internal: Cup's own addresses (cup.*) and Vert.x's (__vertx.*) are"
                  + " never open to bridge clients");
        }
      }
    }

    /**
     * The cluster options need {@code --cluster}, and a cluster serves a Git remote (every node
     * keeps its own clone of it): a local directory has no remote the nodes could share.
     */
    private void checkCluster(SourceKind kind) {
      if (!cluster.enabled()) {
        String stray =
            !cluster.members().isEmpty()
                ? CLUSTER_MEMBERS
                : cluster.kubernetesServiceDns() != null
                    ? CLUSTER_KUBERNETES_SERVICE_DNS
                    : cluster.host() != null
                        ? CLUSTER_HOST
                        : cluster.busPort() != 0
                            ? CLUSTER_BUS_PORT
                            : cluster.busPublicHost() != null ? CLUSTER_BUS_PUBLIC_HOST : null;
        if (stray != null) {
          throw conflict("--" + stray + " needs --cluster", stray, CLUSTER);
        }
        return;
      }
      if (kind != SourceKind.GIT) {
        throw conflict(
            "--cluster serves a Git remote (each node keeps its own clone); it cannot be combined"
                + " with --api-source local",
            CLUSTER,
            API_SOURCE);
      }
      if (!cluster.members().isEmpty() && cluster.kubernetesServiceDns() != null) {
        throw conflict(
            "--cluster-members and --cluster-kubernetes-service-dns are two ways to find members;"
                + " give one",
            CLUSTER_MEMBERS,
            CLUSTER_KUBERNETES_SERVICE_DNS);
      }
    }

    /** A Git source names a valid remote and no directory; a local source the reverse. */
    private void checkSource(SourceKind kind, String remote) {
      if (kind == SourceKind.GIT) {
        if (remote == null || remote.isBlank()) {
          throw conflict(
              "--api-git-repo is required with --api-source git (or try --demo)",
              API_GIT_REPO,
              API_SOURCE);
        }
        try {
          new URIish(remote);
        } catch (URISyntaxException e) {
          throw invalidValue(
              API_GIT_REPO, "\"" + remote + "\" is not a Git URL: " + e.getMessage());
        }
        if (localPath != null) {
          throw conflict(
              "--api-local-path is for --api-source local; a Git source serves --api-git-repo",
              API_LOCAL_PATH,
              API_SOURCE);
        }
      } else {
        if (localPath == null || localPath.isBlank()) {
          throw conflict(
              "--api-local-path is required with --api-source local", API_LOCAL_PATH, API_SOURCE);
        }
        if (remote != null) {
          throw conflict(
              "--api-git-repo is for --api-source git; a local source serves --api-local-path",
              API_GIT_REPO,
              API_SOURCE);
        }
      }
    }

    /** The branch without {@code refs/heads/}, if it is a valid branch name. */
    private String branch() {
      if (gitBranch == null) {
        return null;
      }
      String branch =
          gitBranch.startsWith(Constants.R_HEADS)
              ? gitBranch.substring(Constants.R_HEADS.length())
              : gitBranch;
      if (branch.isEmpty() || !Repository.isValidRefName(Constants.R_HEADS + branch)) {
        throw invalidValue(API_GIT_BRANCH, "\"" + gitBranch + "\" is not a valid branch name");
      }
      return branch;
    }

    /**
     * TLS has both halves, OIDC an https issuer and an audience, client certificates need TLS, and
     * the authorization mode is one Cup knows.
     */
    private void checkAccess() {
      if ((access.tlsCertFile() == null) != (access.tlsKeyFile() == null)) {
        throw conflict(
            "--api-tls-cert-file and --api-tls-private-key-file go together: give both",
            API_TLS_CERT_FILE,
            API_TLS_PRIVATE_KEY_FILE);
      }
      String issuer = access.oidcIssuerUrl();
      if (issuer != null) {
        if (!issuer.startsWith("https://")) {
          throw invalidValue(API_OIDC_ISSUER_URL, "must be an https:// URL");
        }
        if (access.oidcClientId() == null || access.oidcClientId().isBlank()) {
          throw conflict(
              "--api-oidc-issuer-url needs --api-oidc-client-id (the required audience)",
              API_OIDC_ISSUER_URL,
              API_OIDC_CLIENT_ID);
        }
      } else if (access.oidcUiClientId() != null) {
        throw conflict(
            "--api-oidc-ui-client-id needs --api-oidc-issuer-url (where the UI signs users in)",
            API_OIDC_UI_CLIENT_ID,
            API_OIDC_ISSUER_URL);
      }
      if (access.clientCaFile() != null && access.tlsCertFile() == null) {
        throw conflict(
            "--api-client-ca-file needs --api-tls-cert-file: client certificates come over TLS",
            API_CLIENT_CA_FILE,
            API_TLS_CERT_FILE);
      }
      String mode = access.authorizationMode();
      if (mode != null
          && !mode.equals(AccessSettings.ALWAYS_ALLOW)
          && !mode.equals(AccessSettings.RBAC)) {
        throw invalidValue(
            API_AUTHORIZATION_MODE,
            "\""
                + mode
                + "\" is not "
                + AccessSettings.ALWAYS_ALLOW
                + " or "
                + AccessSettings.RBAC);
      }
    }

    /**
     * The HTTP settings, checked, with the public URL and origins in their normal form: the idle
     * timeout outlasts the bookmark interval (or watches would be cut), the public URL is an
     * http(s) URL without query, origins are {@code scheme://host[:port]}.
     */
    private HttpSettings checkedHttp() {
      if (http.idleTimeoutMillis() <= watchBookmarkInterval.toMillis()) {
        throw invalidValue(
            API_IDLE_TIMEOUT,
            "must be longer than --api-watch-bookmark-interval ("
                + GoDuration.format(watchBookmarkInterval)
                + "), or watch streams would be closed as idle");
      }
      if (http.requestTimeoutMillis() < 1) {
        throw invalidValue(API_REQUEST_TIMEOUT, "must be at least 1ms");
      }
      if (http.maxConnections() < 0) {
        throw invalidValue(API_MAX_CONNECTIONS, "must be 0 (derived) or more");
      }
      String publicUrl = null;
      if (http.publicUrl() != null) {
        try {
          publicUrl = HttpSettings.publicUrl(http.publicUrl());
        } catch (IllegalArgumentException e) {
          throw invalidValue(API_PUBLIC_URL, e.getMessage());
        }
      }
      List<String> origins = new ArrayList<>();
      for (String origin : http.corsAllowedOrigins()) {
        try {
          origins.add(HttpSettings.origin(origin));
        } catch (IllegalArgumentException e) {
          throw invalidValue(API_CORS_ALLOWED_ORIGINS, e.getMessage());
        }
      }
      return http.withBrowsers(publicUrl, http.allowedHosts(), origins);
    }

    private static void checkOneOf(String option, String value, List<String> allowed) {
      if (!allowed.contains(value)) {
        throw invalidValue(option, "\"" + value + "\" is not one of " + String.join(", ", allowed));
      }
    }

    private static void checkAtLeastOneMilli(String option, Duration value) {
      if (value.toMillis() < 1) {
        throw invalidValue(option, "must be at least 1ms");
      }
    }

    private static void checkPositive(String option, long value) {
      if (value <= 0) {
        throw invalidValue(option, "must be greater than 0");
      }
    }

    private static void checkNotBlank(String option, String value) {
      if (value == null || value.isBlank()) {
        throw invalidValue(option, "must not be empty");
      }
    }

    private static String text(Path path) {
      return path == null ? null : path.toString();
    }
  }
}
