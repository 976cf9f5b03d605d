package io.cup.cli;

import static io.cup.config.ServerOptions.API_ADDRESS;
import static io.cup.config.ServerOptions.API_ANONYMOUS_AUTH;
import static io.cup.config.ServerOptions.API_AUTHORIZATION_MODE;
import static io.cup.config.ServerOptions.API_BODY_SPOOL_THRESHOLD;
import static io.cup.config.ServerOptions.API_CLIENT_CA_FILE;
import static io.cup.config.ServerOptions.API_CORS_ALLOWED_ORIGINS;
import static io.cup.config.ServerOptions.API_GIT_AUTHOR_EMAIL;
import static io.cup.config.ServerOptions.API_GIT_AUTHOR_EMAIL_DOMAIN;
import static io.cup.config.ServerOptions.API_GIT_AUTHOR_NAME;
import static io.cup.config.ServerOptions.API_GIT_BRANCH;
import static io.cup.config.ServerOptions.API_GIT_POLL_INTERVAL;
import static io.cup.config.ServerOptions.API_GIT_REPO;
import static io.cup.config.ServerOptions.API_GIT_SCM;
import static io.cup.config.ServerOptions.API_GIT_SCM_REPO;
import static io.cup.config.ServerOptions.API_GIT_SCM_TOKEN_FILE;
import static io.cup.config.ServerOptions.API_GIT_SCM_URL;
import static io.cup.config.ServerOptions.API_GIT_SSH_KEY_FILE;
import static io.cup.config.ServerOptions.API_GIT_TOKEN_FILE;
import static io.cup.config.ServerOptions.API_IDLE_TIMEOUT;
import static io.cup.config.ServerOptions.API_LOCAL_PATH;
import static io.cup.config.ServerOptions.API_MAX_CONNECTIONS;
import static io.cup.config.ServerOptions.API_MAX_RESOURCE_BYTES;
import static io.cup.config.ServerOptions.API_OIDC_CA_FILE;
import static io.cup.config.ServerOptions.API_OIDC_ISSUER_URL;
import static io.cup.config.ServerOptions.API_PROPOSAL_RETENTION;
import static io.cup.config.ServerOptions.API_PUBLIC_URL;
import static io.cup.config.ServerOptions.API_REQUEST_TIMEOUT;
import static io.cup.config.ServerOptions.API_RESOURCES;
import static io.cup.config.ServerOptions.API_SOURCE;
import static io.cup.config.ServerOptions.API_TLS_CERT_FILE;
import static io.cup.config.ServerOptions.API_TLS_PRIVATE_KEY_FILE;
import static io.cup.config.ServerOptions.API_TOKEN_AUTH_FILE;
import static io.cup.config.ServerOptions.API_WASM_MAX_BODY_BYTES;
import static io.cup.config.ServerOptions.API_WATCH_BOOKMARK_INTERVAL;
import static io.cup.config.ServerOptions.API_WEBHOOK_SECRET_FILE;
import static io.cup.config.ServerOptions.DEMO;
import static io.cup.config.ServerOptions.MAX_BODY_BYTES;
import static io.cup.config.ServerOptions.VERTICLES;

import io.cup.config.AccessSettings;
import io.cup.config.ByteSize;
import io.cup.config.Demo;
import io.cup.config.GoDuration;
import io.cup.config.HttpSettings;
import io.cup.config.ScmSettings;
import io.cup.config.ServerConfig;
import io.cup.config.ServerOptions;
import io.cup.scm.ScmKind;
import io.cup.scm.ScmRepository;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.URIish;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cup serve}: turns flags, {@code CUPD_*} environment variables and the YAML file into a
 * checked {@link ServerConfig}. It does not start anything; {@link Cli} hands the result on.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Run the Cup server: a Kubernetes-style API over a Git repository.",
      "",
      "Every option can also be set with an environment variable CUPD_<OPTION> (for example"
          + " CUPD_API_ADDRESS) or in the YAML file of --config under its name without dashes"
          + " (for example api-address: \":8181\"). A flag beats the environment, which beats the"
          + " file, which beats the default. The original server's single-dash spellings"
          + " (-api-address :8181) work too.",
      ""
    },
    footer = {
      "",
      "SIGTERM or SIGINT stops the server gracefully: in-flight requests finish, then the"
          + " process exits (status 143 or 130, as for any JVM stopped by a signal).",
      "Exit codes: 1 when the resource configuration is broken or the server fails to start,"
          + " 2 for a bad option."
    })
final class ServeCommand implements Callable<Integer> {
  private static final List<String> SOURCES = List.of("git", "local");
  private static final List<String> SCMS = List.of("local", "github", "gitea", "gitlab");

  @Spec CommandSpec spec;

  @Option(
      names = "--api-address",
      paramLabel = "ADDRESS",
      defaultValue = ServerOptions.DEFAULT_ADDRESS,
      description = "Listen address: :8181, host:8181 or [::1]:8181 (default ${DEFAULT-VALUE}).")
  String apiAddress;

  @Option(
      names = "--api-source",
      paramLabel = "git|local",
      defaultValue = ServerOptions.DEFAULT_SOURCE,
      description = "What is served: a Git remote or a local directory (default ${DEFAULT-VALUE}).")
  String apiSource;

  @Option(
      names = "--api-git-repo",
      paramLabel = "URL",
      description = "The Git remote to serve: file://, git://, http(s):// or ssh:// URL.")
  String apiGitRepo;

  @Option(
      names = "--api-git-scm",
      paramLabel = "SCM",
      defaultValue = ServerOptions.DEFAULT_SCM,
      description =
          "Where proposals go: local (branches and records in the repository, merged by Cup),"
              + " github, gitea or gitlab (a pull or merge request per proposal)"
              + " (default ${DEFAULT-VALUE}).")
  String apiGitScm;

  @Option(
      names = "--api-git-scm-url",
      paramLabel = "URL",
      description =
          "The SCM's REST API base (default: https://api.github.com, https://gitea.com or"
              + " https://gitlab.com).")
  String apiGitScmUrl;

  @Option(
      names = "--api-git-scm-repo",
      paramLabel = "OWNER/NAME",
      description =
          "The repository on the SCM (GitLab: group/subgroup/name); default: the last path"
              + " segments of --api-git-repo.")
  String apiGitScmRepo;

  @Option(
      names = "--api-git-scm-token-file",
      paramLabel = "FILE",
      description =
          "File holding the SCM API token (else environment variable "
              + ScmSettings.TOKEN_ENV
              + ").")
  String apiGitScmTokenFile;

  @Option(
      names = "--api-webhook-secret-file",
      paramLabel = "FILE",
      description =
          "File holding the secret that SCM webhooks are signed with (else environment variable "
              + ScmSettings.WEBHOOK_SECRET_ENV
              + "); without one, /webhooks/* answers 401.")
  String apiWebhookSecretFile;

  @Option(
      names = "--api-git-branch",
      paramLabel = "BRANCH",
      description = "The tracked branch (default: the remote's HEAD).")
  String apiGitBranch;

  @Option(
      names = "--api-git-poll-interval",
      paramLabel = "DURATION",
      defaultValue = ServerOptions.DEFAULT_POLL_INTERVAL,
      description =
          "How often the remote is fetched: 500ms, 10s, 2m, 1h30m (default ${DEFAULT-VALUE}).")
  String apiGitPollInterval;

  @Option(
      names = "--api-watch-bookmark-interval",
      paramLabel = "DURATION",
      defaultValue = ServerOptions.DEFAULT_WATCH_BOOKMARK_INTERVAL,
      description =
          "How often a watch stream gets a BOOKMARK event with the current resourceVersion"
              + " (default ${DEFAULT-VALUE}).")
  String apiWatchBookmarkInterval;

  @Option(
      names = "--api-git-author-name",
      paramLabel = "NAME",
      defaultValue = ServerOptions.DEFAULT_AUTHOR_NAME,
      description = "Author of proposal commits (default ${DEFAULT-VALUE}).")
  String apiGitAuthorName;

  @Option(
      names = "--api-git-author-email",
      paramLabel = "EMAIL",
      defaultValue = ServerOptions.DEFAULT_AUTHOR_EMAIL,
      description = "Author email of proposal commits (default ${DEFAULT-VALUE}).")
  String apiGitAuthorEmail;

  @Option(
      names = "--api-git-token-file",
      paramLabel = "FILE",
      description =
          "File holding the token for http(s) remotes (else the environment variable"
              + " CUPD_API_GIT_TOKEN). The token is never logged.")
  String apiGitTokenFile;

  @Option(
      names = "--api-git-ssh-key-file",
      paramLabel = "FILE",
      description = "Private key for ssh:// remotes.")
  String apiGitSshKeyFile;

  @Option(
      names = "--api-local-path",
      paramLabel = "DIR",
      description = "The directory served by --api-source local.")
  String apiLocalPath;

  @Option(
      names = "--api-resources",
      paramLabel = "DIR",
      defaultValue = ServerOptions.DEFAULT_RESOURCES,
      description =
          "Directory of resource definitions, controllers, bindings and .wasm modules"
              + " (default ${DEFAULT-VALUE}; with --demo, the demo's).")
  String apiResources;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ServerOptions.DEFAULT_DATA_DIR,
      description = "Where clones and the demo live (default ${DEFAULT-VALUE}).")
  String dataDir;

  @Option(
      names = "--demo",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Serve a demo: a Git repository of feature flags created under <data-dir>/demo, with"
              + " its resource configuration. Nothing else to set up.")
  boolean demo;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML file of options (default conf/cupd.yaml when it exists).")
  String config;

  @Option(
      names = "--verticles",
      paramLabel = "DIR",
      description =
          "Directory of verticle descriptors (default: verticles/ in the working directory if it"
              + " exists, else the ones packaged in the jar).")
  String verticles;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "SIZE",
      defaultValue = "10MiB",
      description =
          "Largest request body accepted: bytes, or with KiB, MiB, GiB (default ${DEFAULT-VALUE}).")
  String maxBodyBytes;

  @Option(
      names = "--api-wasm-max-body-bytes",
      paramLabel = "SIZE",
      defaultValue = "1MiB",
      description =
          "Largest body (and patched result) of a write to a kind served by a WASM controller,"
              + " refused with 413 before the controller runs (default ${DEFAULT-VALUE}).")
  String apiWasmMaxBodyBytes;

  @Option(
      names = "--api-max-resource-bytes",
      paramLabel = "SIZE",
      defaultValue = "1536KiB",
      description =
          "Largest resource: a PUT body's or a patch's result, and a resource file read from Git"
              + " (413 beyond it); bytes, or with KiB, MiB, GiB (default ${DEFAULT-VALUE}, etcd's"
              + " request limit).")
  String apiMaxResourceBytes;

  @Option(
      names = "--api-tls-cert-file",
      paramLabel = "FILE",
      description =
          "PEM certificate (chain) to serve the API over HTTPS with; a changed file is picked up"
              + " without a restart.")
  String apiTlsCertFile;

  @Option(
      names = "--api-tls-private-key-file",
      paramLabel = "FILE",
      description = "PEM private key of --api-tls-cert-file.")
  String apiTlsPrivateKeyFile;

  @Option(
      names = "--api-token-auth-file",
      paramLabel = "FILE",
      description =
          "Static bearer tokens, as kube-apiserver's: CSV lines token,user,uid[,\"group1,group2\"];"
              + " re-read when it changes.")
  String apiTokenAuthFile;

  @Option(
      names = "--api-oidc-issuer-url",
      paramLabel = "URL",
      description =
          "OIDC issuer (https) whose ID tokens authenticate users; its discovery document and"
              + " keys are fetched from it.")
  String apiOidcIssuerUrl;

  @Option(
      names = "--api-oidc-client-id",
      paramLabel = "ID",
      description = "The audience OIDC tokens must carry (required with --api-oidc-issuer-url).")
  String apiOidcClientId;

  @Option(
      names = "--api-oidc-username-claim",
      paramLabel = "CLAIM",
      defaultValue = "sub",
      description = "The JWT claim that names the user (default ${DEFAULT-VALUE}).")
  String apiOidcUsernameClaim;

  @Option(
      names = "--api-oidc-groups-claim",
      paramLabel = "CLAIM",
      defaultValue = "groups",
      description = "The JWT claim that lists the user's groups (default ${DEFAULT-VALUE}).")
  String apiOidcGroupsClaim;

  @Option(
      names = "--api-oidc-ca-file",
      paramLabel = "FILE",
      description = "PEM CA that the OIDC issuer's certificate is checked against.")
  String apiOidcCaFile;

  @Option(
      names = "--api-client-ca-file",
      paramLabel = "FILE",
      description =
          "PEM CA: a TLS client certificate it signed authenticates as user = CN, groups = O"
              + " (needs --api-tls-cert-file).")
  String apiClientCaFile;

  @Option(
      names = "--api-anonymous-auth",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "With an authenticator configured, a request with no credentials is system:anonymous"
              + " instead of 401.")
  boolean apiAnonymousAuth;

  @Option(
      names = "--api-authorization-mode",
      paramLabel = "MODE",
      description =
          "AlwaysAllow or RBAC (default: RBAC when an authenticator is configured, else"
              + " AlwaysAllow).")
  String apiAuthorizationMode;

  @Option(
      names = "--api-audit-log-path",
      paramLabel = "FILE",
      description =
          "Audit log: one audit.k8s.io/v1 Event (level Metadata) per write, merge, close and"
              + " denial; - for standard output.")
  String apiAuditLogPath;

  @Option(
      names = "--api-git-author-email-domain",
      paramLabel = "DOMAIN",
      defaultValue = AccessSettings.DEFAULT_EMAIL_DOMAIN,
      description =
          "A proposal commit's author is the user; without an e-mail from OIDC it is"
              + " <user>@DOMAIN (default ${DEFAULT-VALUE}).")
  String apiGitAuthorEmailDomain;

  @Option(
      names = "--api-idle-timeout",
      paramLabel = "DURATION",
      defaultValue = ServerOptions.DEFAULT_IDLE_TIMEOUT,
      description =
          "Close a connection on which nothing was read or written for this long; must be longer"
              + " than --api-watch-bookmark-interval (default ${DEFAULT-VALUE}).")
  String apiIdleTimeout;

  @Option(
      names = "--api-request-timeout",
      paramLabel = "DURATION",
      defaultValue = ServerOptions.DEFAULT_REQUEST_TIMEOUT,
      description =
          "A request's headers, then its body, must arrive within this long (else 408 and the"
              + " connection is closed); an idle keep-alive connection is closed after it"
              + " (default ${DEFAULT-VALUE}).")
  String apiRequestTimeout;

  @Option(
      names = "--api-max-connections",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Connections served at once; beyond it a new connection is answered 503 with"
              + " Retry-After and closed (default 0: the file descriptor limit less 256, at most"
              + " 4096).")
  String apiMaxConnections;

  @Option(
      names = "--api-body-spool-threshold",
      paramLabel = "SIZE",
      defaultValue = ServerOptions.DEFAULT_BODY_SPOOL_THRESHOLD,
      description =
          "A request body larger than this is written to a temporary file under the data"
              + " directory while it arrives, not kept in memory (default ${DEFAULT-VALUE}).")
  String apiBodySpoolThreshold;

  @Option(
      names = "--api-public-url",
      paramLabel = "URL",
      description =
          "The URL clients reach the API at (http(s)://host[:port][/prefix]); used for every URL"
              + " Cup writes, such as proposal links (default: the request's scheme and Host).")
  String apiPublicUrl;

  @Option(
      names = "--api-allowed-hosts",
      paramLabel = "HOST,…",
      description =
          "Host header names accepted besides localhost, IP addresses, the listen host and the"
              + " public URL's host (against DNS rebinding); * accepts any.")
  String apiAllowedHosts;

  @Option(
      names = "--api-cors-allowed-origins",
      paramLabel = "ORIGIN,…",
      description =
          "Browser origins (scheme://host[:port]) besides the server's own that may call the API,"
              + " writes included; a write from any other Origin is 403.")
  String apiCorsAllowedOrigins;

  @Option(
      names = "--api-proposal-retention",
      paramLabel = "DURATION",
      description =
          "Archive merged and closed proposals this long after their last change: their branch"
              + " and record refs are deleted from the remote, their record commits stay"
              + " reachable from refs/cup/archive, and they leave the proposal list. Go syntax, such as"
              + " 720h for 30 days; 0 or unset keeps every proposal's refs (default).")
  String apiProposalRetention;

  private final OptionSources sources;
  private final Path workDir;
  private ServerConfig server;
  private Path verticlesDir;

  ServeCommand(OptionSources sources, Path workDir) {
    this.sources = sources;
    this.workDir = workDir;
  }

  /** The checked configuration, once {@link #call()} succeeded. */
  ServerConfig server() {
    return server;
  }

  /** The verticle descriptor directory, or null for the packaged descriptors. */
  Path verticlesDir() {
    return verticlesDir;
  }

  @Override
  public Integer call() {
    sources
        .fileError()
        .ifPresent(
            message -> {
              throw usage(message);
            });
    if (!given(DEMO)) {
      sources
          .rawValue(DEMO)
          .filter(raw -> OptionSources.normalizeBoolean(raw).isEmpty())
          .ifPresent(
              raw -> {
                throw usage(invalid(DEMO, "\"" + raw + "\" is not true or false"));
              });
    }

    ListenAddress address = parse(API_ADDRESS, apiAddress, ListenAddress::parse);
    String source = oneOf(API_SOURCE, apiSource, SOURCES);
    String scm = scm();
    Duration pollInterval = parse(API_GIT_POLL_INTERVAL, apiGitPollInterval, GoDuration::parse);
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw usage(invalid(API_GIT_POLL_INTERVAL, "must be greater than 0"));
    }
    if (pollInterval.toMillis() < 1) {
      throw usage(invalid(API_GIT_POLL_INTERVAL, "must be at least 1ms"));
    }
    Duration bookmarks =
        parse(API_WATCH_BOOKMARK_INTERVAL, apiWatchBookmarkInterval, GoDuration::parse);
    if (bookmarks.toMillis() < 1) {
      throw usage(invalid(API_WATCH_BOOKMARK_INTERVAL, "must be at least 1ms"));
    }
    long maxBody = parse(MAX_BODY_BYTES, maxBodyBytes, ServeCommand::byteSize);
    long wasmMaxBody = parse(API_WASM_MAX_BODY_BYTES, apiWasmMaxBodyBytes, ServeCommand::byteSize);
    long maxResource = parse(API_MAX_RESOURCE_BYTES, apiMaxResourceBytes, ServeCommand::byteSize);
    long retention = 0;
    if (apiProposalRetention != null && !apiProposalRetention.isBlank()) {
      Duration parsed = parse(API_PROPOSAL_RETENTION, apiProposalRetention, GoDuration::parse);
      if (parsed.isNegative()) {
        throw usage(invalid(API_PROPOSAL_RETENTION, "must not be negative"));
      }
      if (!parsed.isZero() && parsed.toMillis() < 1) {
        throw usage(invalid(API_PROPOSAL_RETENTION, "must be 0 or at least 1ms"));
      }
      retention = parsed.toMillis();
    }
    String branch = branch();
    Path data = path(dataDir);

    String gitRepo = apiGitRepo;
    String localPath = null;
    Path resources = path(apiResources);
    if (demo) {
      if (source.equals("local")) {
        throw usage(
            "--demo serves a Git repository; it cannot be combined with --api-source local"
                + from(API_SOURCE));
      }
      if (gitRepo != null) {
        throw usage("--demo serves its own repository; drop --api-git-repo" + from(API_GIT_REPO));
      }
      gitRepo = Demo.originUrl(data);
      if (!explicit(API_RESOURCES)) {
        resources = Demo.resources(data).toAbsolutePath().normalize();
      }
    } else if (source.equals("git")) {
      if (gitRepo == null || gitRepo.isBlank()) {
        throw usage("--api-git-repo is required with --api-source git (or try --demo)");
      }
      checkRemote(gitRepo);
    } else {
      if (apiLocalPath == null || apiLocalPath.isBlank()) {
        throw usage("--api-local-path is required with --api-source local");
      }
      Path local = path(apiLocalPath);
      if (!Files.isDirectory(local)) {
        throw usage(invalid(API_LOCAL_PATH, "directory " + local + " does not exist"));
      }
      localPath = local.toString();
      gitRepo = null;
    }
    if (!(demo && !explicit(API_RESOURCES)) && !Files.isDirectory(resources)) {
      throw usage(invalid(API_RESOURCES, "directory " + resources + " does not exist"));
    }
    String tokenFile = readableFile(API_GIT_TOKEN_FILE, apiGitTokenFile);
    String sshKeyFile = readableFile(API_GIT_SSH_KEY_FILE, apiGitSshKeyFile);
    requireText(API_GIT_AUTHOR_NAME, apiGitAuthorName);
    requireText(API_GIT_AUTHOR_EMAIL, apiGitAuthorEmail);
    verticlesDir = verticlesDirectory();
    ScmSettings scmSettings = scmSettings(scm, source, gitRepo);
    AccessSettings access = accessSettings();
    HttpSettings http = httpSettings(bookmarks);

    server =
        new ServerConfig(
            address.host(),
            address.port(),
            source,
            source.equals("git") ? gitRepo : null,
            scm,
            branch,
            pollInterval.toMillis(),
            localPath,
            resources.toString(),
            data.toString(),
            apiGitAuthorName,
            apiGitAuthorEmail,
            tokenFile,
            sshKeyFile,
            demo,
            maxBody,
            bookmarks.toMillis(),
            scmSettings,
            access,
            maxResource,
            http,
            retention,
            wasmMaxBody);
    return 0;
  }

  /**
   * The HTTP settings, checked: the idle timeout outlasts the bookmark interval (or watches would
   * be cut), the public URL is an http(s) URL without query, origins are {@code scheme://host}.
   */
  private HttpSettings httpSettings(Duration bookmarks) {
    Duration idle = parse(API_IDLE_TIMEOUT, apiIdleTimeout, GoDuration::parse);
    if (!explicit(API_IDLE_TIMEOUT) && idle.compareTo(bookmarks) <= 0) {
      // only the bookmark interval was raised: the default idle timeout follows it
      idle = bookmarks.multipliedBy(2);
    }
    if (idle.compareTo(bookmarks) <= 0) {
      throw usage(
          invalid(
              API_IDLE_TIMEOUT,
              "must be longer than --api-watch-bookmark-interval ("
                  + apiWatchBookmarkInterval
                  + "), or watch streams would be closed as idle"));
    }
    Duration request = parse(API_REQUEST_TIMEOUT, apiRequestTimeout, GoDuration::parse);
    if (request.toMillis() < 1) {
      throw usage(invalid(API_REQUEST_TIMEOUT, "must be at least 1ms"));
    }
    int max;
    try {
      max = Integer.parseInt(apiMaxConnections.strip());
    } catch (NumberFormatException e) {
      throw usage(invalid(API_MAX_CONNECTIONS, "\"" + apiMaxConnections + "\" is not a number"));
    }
    if (max < 0) {
      throw usage(invalid(API_MAX_CONNECTIONS, "must be 0 (derived) or more"));
    }
    long spool = parse(API_BODY_SPOOL_THRESHOLD, apiBodySpoolThreshold, ServeCommand::byteSize);
    String publicUrl =
        blank(apiPublicUrl) ? null : parse(API_PUBLIC_URL, apiPublicUrl, ServeCommand::publicUrl);
    List<String> hosts = list(apiAllowedHosts);
    List<String> origins = list(apiCorsAllowedOrigins);
    for (String origin : origins) {
      parse(API_CORS_ALLOWED_ORIGINS, origin, ServeCommand::origin);
    }
    return new HttpSettings(
        idle.toMillis(),
        request.toMillis(),
        max,
        spool,
        publicUrl,
        hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
        origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList());
  }

  private static List<String> list(String value) {
    if (blank(value)) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** {@code http(s)://host[:port][/prefix]}, without a trailing slash, query or fragment. */
  static String publicUrl(String value) {
    URI uri = uri(value.strip());
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "\""
              + value
              + "\" must be http(s)://host[:port][/prefix], without user, query or fragment");
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /** {@code scheme://host[:port]}, nothing else; {@code *} is refused. */
  static String origin(String value) {
    if (value.equals("*")) {
      throw new IllegalArgumentException(
          "* is not allowed: list the origins (any origin could then write with the browser's"
              + " client certificate)");
    }
    URI uri = uri(value);
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "\"" + value + "\" is not an origin: scheme://host[:port], no path");
    }
    return value;
  }

  private static URI uri(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + value + "\" is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || blank(uri.getHost())) {
      throw new IllegalArgumentException("\"" + value + "\" is not an http(s) URL with a host");
    }
    return uri;
  }

  private String scm() {
    return oneOf(API_GIT_SCM, apiGitScm, SCMS);
  }

  /**
   * The SCM settings, checked: a hosted SCM needs a Git source, a repository it can name and a
   * token; the token itself is only checked for presence, never printed.
   */
  private ScmSettings scmSettings(String scm, String source, String gitRepo) {
    String webhookSecretFile = readableFile(API_WEBHOOK_SECRET_FILE, apiWebhookSecretFile);
    if (scm.equals("local")) {
      return new ScmSettings(null, null, null, webhookSecretFile);
    }
    if (!source.equals("git")) {
      throw usage(
          "--api-git-scm "
              + scm
              + " needs --api-source git"
              + from(API_SOURCE)
              + from(API_GIT_SCM));
    }
    if (demo) {
      throw usage(
          "--demo proposes into its own local repository; it cannot be combined with"
              + " --api-git-scm "
              + scm
              + from(API_GIT_SCM));
    }
    ScmKind kind = ScmKind.of(scm);
    String url = apiGitScmUrl == null || apiGitScmUrl.isBlank() ? null : apiGitScmUrl.strip();
    if (url != null) {
      parse(API_GIT_SCM_URL, url, ScmKind::checkApiUrl);
    }
    String repo = apiGitScmRepo == null || apiGitScmRepo.isBlank() ? null : apiGitScmRepo.strip();
    // the repository on the SCM: from --api-git-scm-repo, else from the remote's path
    parse(
        repo == null ? API_GIT_REPO : API_GIT_SCM_REPO,
        gitRepo,
        remote -> ScmRepository.of(kind, remote, repo));
    String tokenFile = readableFile(API_GIT_SCM_TOKEN_FILE, apiGitScmTokenFile);
    ScmSettings settings = new ScmSettings(url, repo, tokenFile, webhookSecretFile);
    if (settings.token(sources::environment).isEmpty()) {
      throw usage(
          "--api-git-scm "
              + scm
              + " needs an API token: set "
              + ScmSettings.TOKEN_ENV
              + " or --api-git-scm-token-file");
    }
    return settings;
  }

  /**
   * The identity and access settings, checked: files exist, TLS has both halves, OIDC has an https
   * issuer and an audience, client certificates need TLS.
   */
  private AccessSettings accessSettings() {
    if (!given(API_ANONYMOUS_AUTH)) {
      sources
          .rawValue(API_ANONYMOUS_AUTH)
          .filter(raw -> OptionSources.normalizeBoolean(raw).isEmpty())
          .ifPresent(
              raw -> {
                throw usage(invalid(API_ANONYMOUS_AUTH, "\"" + raw + "\" is not true or false"));
              });
    }
    String cert = readableFile(API_TLS_CERT_FILE, apiTlsCertFile);
    String key = readableFile(API_TLS_PRIVATE_KEY_FILE, apiTlsPrivateKeyFile);
    if ((cert == null) != (key == null)) {
      throw usage("--api-tls-cert-file and --api-tls-private-key-file go together: give both");
    }
    String issuer = blank(apiOidcIssuerUrl) ? null : apiOidcIssuerUrl.strip();
    if (issuer != null) {
      if (!issuer.startsWith("https://")) {
        throw usage(invalid(API_OIDC_ISSUER_URL, "must be an https:// URL"));
      }
      if (blank(apiOidcClientId)) {
        throw usage("--api-oidc-issuer-url needs --api-oidc-client-id (the required audience)");
      }
    }
    String clientCa = readableFile(API_CLIENT_CA_FILE, apiClientCaFile);
    if (clientCa != null && cert == null) {
      throw usage(
          "--api-client-ca-file needs --api-tls-cert-file: client certificates come over TLS");
    }
    String mode = null;
    if (!blank(apiAuthorizationMode)) {
      mode =
          List.of(AccessSettings.ALWAYS_ALLOW, AccessSettings.RBAC).stream()
              .filter(m -> m.equalsIgnoreCase(apiAuthorizationMode.strip()))
              .findFirst()
              .orElseThrow(
                  () ->
                      usage(
                          invalid(
                              API_AUTHORIZATION_MODE,
                              "\"" + apiAuthorizationMode + "\" is not AlwaysAllow or RBAC")));
    }
    requireText(API_GIT_AUTHOR_EMAIL_DOMAIN, apiGitAuthorEmailDomain);
    String audit = blank(apiAuditLogPath) ? null : apiAuditLogPath.strip();
    if (audit != null && !audit.equals("-")) {
      audit = path(audit).toString();
    }
    return new AccessSettings(
        cert,
        key,
        readableFile(API_TOKEN_AUTH_FILE, apiTokenAuthFile),
        issuer,
        blank(apiOidcClientId) ? null : apiOidcClientId.strip(),
        apiOidcUsernameClaim,
        apiOidcGroupsClaim,
        readableFile(API_OIDC_CA_FILE, apiOidcCaFile),
        clientCa,
        apiAnonymousAuth,
        mode,
        audit,
        apiGitAuthorEmailDomain.strip());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private String branch() {
    if (apiGitBranch == null) {
      return null;
    }
    String branch =
        apiGitBranch.startsWith(Constants.R_HEADS)
            ? apiGitBranch.substring(Constants.R_HEADS.length())
            : apiGitBranch;
    if (branch.isEmpty() || !Repository.isValidRefName(Constants.R_HEADS + branch)) {
      throw usage(invalid(API_GIT_BRANCH, "\"" + apiGitBranch + "\" is not a valid branch name"));
    }
    return branch;
  }

  private void checkRemote(String url) {
    try {
      new URIish(url);
    } catch (URISyntaxException e) {
      throw usage(invalid(API_GIT_REPO, "\"" + url + "\" is not a Git URL: " + e.getMessage()));
    }
  }

  private Path verticlesDirectory() {
    if (verticles != null) {
      Path dir = path(verticles);
      if (!Files.isDirectory(dir)) {
        throw usage(invalid(VERTICLES, "directory " + dir + " does not exist"));
      }
      return dir;
    }
    Path local = workDir.resolve(ServerOptions.DEFAULT_VERTICLES_DIR).normalize();
    return Files.isDirectory(local) ? local : null;
  }

  private String readableFile(String option, String value) {
    if (value == null) {
      return null;
    }
    Path file = path(value);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw usage(invalid(option, "file " + file + " does not exist or cannot be read"));
    }
    return file.toString();
  }

  private void requireText(String option, String value) {
    if (value == null || value.isBlank()) {
      throw usage(invalid(option, "must not be empty"));
    }
  }

  private String oneOf(String option, String value, List<String> allowed) {
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(normalized)) {
      throw usage(invalid(option, "\"" + value + "\" is not one of " + String.join(", ", allowed)));
    }
    return normalized;
  }

  private <T> T parse(String option, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw usage(invalid(option, e.getMessage()));
    }
  }

  static long byteSize(String text) {
    return ByteSize.parse(text);
  }

  private Path path(String value) {
    return workDir.resolve(value).toAbsolutePath().normalize();
  }

  /** Whether the option was given on the command line. */
  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption("--" + option);
  }

  /** Whether the option was set anywhere: command line, environment or file. */
  private boolean explicit(String option) {
    return given(option) || sources.rawValue(option).isPresent();
  }

  /** {@code " (from environment variable CUPD_X)"} when the value did not come from a flag. */
  private String from(String option) {
    if (given(option)) {
      return "";
    }
    return " (from " + sources.origin(option) + ")";
  }

  private String invalid(String option, String problem) {
    return "invalid value for --" + option + from(option) + ": " + problem;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
