package io.cup.config;

import io.cup.bus.SourceKind;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The resolved server configuration (flags > environment > YAML file > defaults), handed to every
 * verticle as JSON in its deployment config under the key {@code "server"}. Secrets are never held
 * here: only the paths or environment variable names they are read from.
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
    long wasmMaxBodyBytes) {

  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
  public static final long DEFAULT_WASM_MAX_BODY_BYTES = 1024L * 1024;

  /** 1.5 MiB: etcd's request limit, so what Kubernetes could store Cup stores too. */
  public static final long DEFAULT_MAX_RESOURCE_BYTES = 3L * 512 * 1024;

  public static final long DEFAULT_WATCH_BOOKMARK_MILLIS = 30_000L;

  public ServerConfig {
    scm = scm == null ? ScmSettings.NONE : scm;
    access = access == null ? AccessSettings.NONE : access;
    maxResourceBytes = maxResourceBytes <= 0 ? DEFAULT_MAX_RESOURCE_BYTES : maxResourceBytes;
    http = http == null ? HttpSettings.DEFAULT : http;
    if (proposalRetentionMillis < 0) {
      throw new IllegalArgumentException("proposalRetentionMillis must not be negative");
    }
    wasmMaxBodyBytes = wasmMaxBodyBytes <= 0 ? DEFAULT_WASM_MAX_BODY_BYTES : wasmMaxBodyBytes;
  }

  /**
   * As the canonical constructor, keeping every proposal's refs (no retention), with the default
   * limit for writes through a WASM controller.
   */
  public ServerConfig(
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
      HttpSettings http) {
    this(
        host,
        port,
        source,
        gitRepo,
        gitScm,
        gitBranch,
        pollIntervalMillis,
        localPath,
        resourcesDir,
        dataDir,
        authorName,
        authorEmail,
        gitTokenFile,
        gitSshKeyFile,
        demo,
        maxBodyBytes,
        watchBookmarkMillis,
        scm,
        access,
        maxResourceBytes,
        http,
        0,
        DEFAULT_WASM_MAX_BODY_BYTES);
  }

  /** As the canonical constructor, with the default resource limit and HTTP settings. */
  public ServerConfig(
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
      AccessSettings access) {
    this(
        host,
        port,
        source,
        gitRepo,
        gitScm,
        gitBranch,
        pollIntervalMillis,
        localPath,
        resourcesDir,
        dataDir,
        authorName,
        authorEmail,
        gitTokenFile,
        gitSshKeyFile,
        demo,
        maxBodyBytes,
        watchBookmarkMillis,
        scm,
        access,
        DEFAULT_MAX_RESOURCE_BYTES,
        HttpSettings.DEFAULT,
        0,
        DEFAULT_WASM_MAX_BODY_BYTES);
  }

  /** A configuration with the default watch bookmark interval and no SCM settings. */
  public ServerConfig(
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
      long maxBodyBytes) {
    this(
        host,
        port,
        source,
        gitRepo,
        gitScm,
        gitBranch,
        pollIntervalMillis,
        localPath,
        resourcesDir,
        dataDir,
        authorName,
        authorEmail,
        gitTokenFile,
        gitSshKeyFile,
        demo,
        maxBodyBytes,
        DEFAULT_WATCH_BOOKMARK_MILLIS,
        ScmSettings.NONE,
        AccessSettings.NONE,
        DEFAULT_MAX_RESOURCE_BYTES,
        HttpSettings.DEFAULT,
        0,
        DEFAULT_WASM_MAX_BODY_BYTES);
  }

  // The with-methods copy through the JSON form the verticles get anyway: one list of fields
  // (toJson, fromJson) instead of a copy of all of them per method.

  /** The same configuration with other identity and access settings. */
  public ServerConfig withAccess(AccessSettings settings) {
    return fromJson(toJson().put("access", settings.toJson()));
  }

  /** The same configuration with another resource size limit. */
  public ServerConfig withMaxResourceBytes(long limit) {
    return fromJson(toJson().put("maxResourceBytes", limit));
  }

  /** The same configuration with other HTTP settings. */
  public ServerConfig withHttp(HttpSettings settings) {
    return fromJson(toJson().put("http", settings.toJson()));
  }

  /**
   * The same configuration with another proposal retention: merged or closed proposals older than
   * {@code millis} are archived; 0 keeps them.
   */
  public ServerConfig withProposalRetention(long millis) {
    return fromJson(toJson().put("proposalRetentionMillis", millis));
  }

  /** The same configuration with another limit for writes through a WASM controller. */
  public ServerConfig withWasmMaxBodyBytes(long bytes) {
    return fromJson(toJson().put("wasmMaxBodyBytes", bytes));
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
        .put("wasmMaxBodyBytes", wasmMaxBodyBytes);
  }

  public static ServerConfig fromJson(JsonObject json) {
    return new ServerConfig(
        json.getString("host"),
        json.getInteger("port", 8181),
        json.getString("source", "git"),
        json.getString("gitRepo"),
        json.getString("gitScm", "local"),
        json.getString("gitBranch"),
        json.getLong("pollIntervalMillis", 10_000L),
        json.getString("localPath"),
        json.getString("resourcesDir"),
        json.getString("dataDir", "data"),
        json.getString("authorName", "Cup"),
        json.getString("authorEmail", "cup@localhost"),
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
        json.getLong("wasmMaxBodyBytes", DEFAULT_WASM_MAX_BODY_BYTES));
  }

  /** What is served, as the closed set it is: {@link #source()} read as a {@link SourceKind}. */
  public SourceKind sourceKind() {
    return SourceKind.fromWire(source);
  }

  /** Reads the {@code "server"} entry of a verticle's deployment config. */
  public static ServerConfig of(JsonObject verticleConfig) {
    return fromJson(verticleConfig.getJsonObject("server", new JsonObject()));
  }
}
