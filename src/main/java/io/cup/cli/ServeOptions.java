package io.cup.cli;

import io.cup.config.AccessSettings;
import io.cup.config.ScmSettings;
import io.cup.config.ServerOptions;
import picocli.CommandLine.Option;

/**
 * The options of {@code cup serve}, as text (picocli fills them from the command line, and through
 * {@link OptionSources} from {@code CUPD_*} environment variables and the YAML file). Nothing here
 * is checked: {@link ServerConfigFromOptions} turns them into a {@link io.cup.config.ServerConfig}.
 */
final class ServeOptions {

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
      names = "--api-oidc-ui-client-id",
      paramLabel = "ID",
      description =
          "The OAuth client the web UI signs users in with (authorization code with PKCE) at"
              + " --api-oidc-issuer-url; its tokens are accepted too.")
  String apiOidcUiClientId;

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

  @Option(
      names = "--bridge-tcp-address",
      paramLabel = "ADDRESS",
      description =
          "Serve Vert.x's TCP event-bus bridge here (host:port or :port): other services hear"
              + " cup.events.* under the API's authentication and RBAC, over TLS when the API has"
              + " a certificate (default: off).")
  String bridgeTcpAddress;

  @Option(
      names = "--bridge-sockjs",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "true",
      paramLabel = "true|false",
      description =
          "Serve the SockJS event-bus bridge at /eventbus on the API's port, for browsers and"
              + " Node (default ${DEFAULT-VALUE}).")
  boolean bridgeSockjs;

  @Option(
      names = "--bridge-inbound",
      paramLabel = "ADDRESS,…",
      description =
          "Addresses bridge clients may send or publish to (default: none, the bridges are"
              + " outbound only); never cup.* or __vertx.*.")
  String bridgeInbound;

  @Option(
      names = "--cluster",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Run as one node of several on Vert.x's clustered event bus (Hazelcast): each node keeps"
              + " its own clone and serves the API; one node at a time opens pull requests and"
              + " replays proposals. Off: one JVM, as always.")
  boolean cluster;

  @Option(
      names = "--cluster-host",
      paramLabel = "HOST",
      description =
          "The address this node binds and advertises to the other members (Hazelcast and the"
              + " clustered event bus).")
  String clusterHost;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      defaultValue = "5701",
      description = "The Hazelcast member port (default ${DEFAULT-VALUE}).")
  String clusterPort;

  @Option(
      names = "--cluster-members",
      paramLabel = "HOST:PORT,…",
      description = "Members to join over TCP/IP (Hazelcast member addresses).")
  String clusterMembers;

  @Option(
      names = "--cluster-kubernetes-service-dns",
      paramLabel = "NAME",
      description =
          "On Kubernetes: the DNS name of a headless Service whose pods are the members (such as"
              + " cup-cluster.default.svc.cluster.local).")
  String clusterKubernetesServiceDns;

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      defaultValue = "cup",
      description =
          "The cluster's name; nodes of another name never join it (default ${DEFAULT-VALUE}).")
  String clusterName;

  @Option(
      names = "--cluster-bus-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "The clustered event bus's own TCP port (default 0: a free port).")
  String clusterBusPort;

  @Option(
      names = "--cluster-bus-public-host",
      paramLabel = "HOST",
      description =
          "The host other nodes reach this node's event bus at (default: --cluster-host).")
  String clusterBusPublicHost;

  @Option(
      names = "--controller-registry-config",
      paramLabel = "FILE",
      description =
          "Registry logins for controllers named by an OCI reference: a Docker-style config.json"
              + " (default: ~/.docker/config.json when it exists). Never logged.")
  String controllerRegistryConfig;

  @Option(
      names = "--controller-registry-insecure",
      paramLabel = "HOST[,HOST]",
      description =
          "Registries (host or host:port) reached over plain HTTP rather than HTTPS: local"
              + " registries and tests only.")
  String controllerRegistryInsecure;

  @Option(
      names = "--controller-allowed-registries",
      paramLabel = "HOST[,HOST]",
      description = "The only registries controllers may come from (default: any).")
  String controllerAllowedRegistries;

  @Option(
      names = "--controller-refresh-interval",
      paramLabel = "DURATION",
      description =
          "Resolve controllers' tags again this often and switch to a new digest (default: off,"
              + " a tag's digest is resolved once at start).")
  String controllerRefreshInterval;

  @Option(
      names = "--controller-max-module-bytes",
      paramLabel = "BYTES",
      description = "The largest controller module pulled from a registry (default 64MiB).")
  String controllerMaxModuleBytes;
}
