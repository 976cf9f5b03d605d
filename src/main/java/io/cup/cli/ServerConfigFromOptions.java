package io.cup.cli;

import static io.cup.config.ServerOptions.API_ADDRESS;
import static io.cup.config.ServerOptions.API_ANONYMOUS_AUTH;
import static io.cup.config.ServerOptions.API_BODY_SPOOL_THRESHOLD;
import static io.cup.config.ServerOptions.API_CLIENT_CA_FILE;
import static io.cup.config.ServerOptions.API_GIT_AUTHOR_EMAIL_DOMAIN;
import static io.cup.config.ServerOptions.API_GIT_POLL_INTERVAL;
import static io.cup.config.ServerOptions.API_GIT_REPO;
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
import static io.cup.config.ServerOptions.API_PROPOSAL_RETENTION;
import static io.cup.config.ServerOptions.API_REQUEST_TIMEOUT;
import static io.cup.config.ServerOptions.API_RESOURCES;
import static io.cup.config.ServerOptions.API_TLS_CERT_FILE;
import static io.cup.config.ServerOptions.API_TLS_PRIVATE_KEY_FILE;
import static io.cup.config.ServerOptions.API_TOKEN_AUTH_FILE;
import static io.cup.config.ServerOptions.API_WASM_MAX_BODY_BYTES;
import static io.cup.config.ServerOptions.API_WATCH_BOOKMARK_INTERVAL;
import static io.cup.config.ServerOptions.API_WEBHOOK_SECRET_FILE;
import static io.cup.config.ServerOptions.BRIDGE_SOCKJS;
import static io.cup.config.ServerOptions.BRIDGE_TCP_ADDRESS;
import static io.cup.config.ServerOptions.CLUSTER;
import static io.cup.config.ServerOptions.CLUSTER_BUS_PORT;
import static io.cup.config.ServerOptions.CLUSTER_MEMBERS;
import static io.cup.config.ServerOptions.CLUSTER_PORT;
import static io.cup.config.ServerOptions.CONTROLLER_MAX_MODULE_BYTES;
import static io.cup.config.ServerOptions.CONTROLLER_REFRESH_INTERVAL;
import static io.cup.config.ServerOptions.CONTROLLER_REGISTRY_CONFIG;
import static io.cup.config.ServerOptions.DEMO;
import static io.cup.config.ServerOptions.MAX_BODY_BYTES;
import static io.cup.config.ServerOptions.VERTICLES;

import io.cup.bus.SourceKind;
import io.cup.config.AccessSettings;
import io.cup.config.BridgeSettings;
import io.cup.config.ByteSize;
import io.cup.config.ClusterSettings;
import io.cup.config.ControllerRegistrySettings;
import io.cup.config.GoDuration;
import io.cup.config.HttpSettings;
import io.cup.config.InvalidServerConfigException;
import io.cup.config.ScmSettings;
import io.cup.config.ServerConfig;
import io.cup.config.ServerOptions;
import io.cup.scm.ScmKind;
import io.cup.scm.ScmRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns the options of {@code cup serve} into a checked {@link ServerConfig}: parses their text
 * (addresses, durations, sizes, booleans), resolves paths against the working directory and checks
 * that the files and directories they name exist, fills in what only the command line knows (an
 * explicit {@code --api-resources} with {@code --demo}, an idle timeout that follows a raised
 * bookmark interval, the SCM token in the invocation's environment), and leaves what must hold
 * together to {@link ServerConfig.Builder#build()}. Every problem is a usage error naming the
 * option and where its value came from ({@link UsageErrors}).
 */
final class ServerConfigFromOptions {
  private final ServeOptions options;
  private final OptionSources sources;
  private final UsageErrors errors;
  private final Path workDir;

  ServerConfigFromOptions(
      ServeOptions options, OptionSources sources, UsageErrors errors, Path workDir) {
    this.options = options;
    this.sources = sources;
    this.errors = errors;
    this.workDir = workDir;
  }

  /**
   * The checked configuration.
   *
   * @throws picocli.CommandLine.ParameterException naming the option that is wrong
   */
  ServerConfig serverConfig() {
    checkBooleanFromSources(DEMO);
    ListenAddress address = parse(API_ADDRESS, options.apiAddress, ListenAddress::parse);
    String source = lowerCase(options.apiSource);
    String scm = lowerCase(options.apiGitScm);
    Duration bookmarks =
        parse(API_WATCH_BOOKMARK_INTERVAL, options.apiWatchBookmarkInterval, GoDuration::parse);
    Path data = path(options.dataDir);
    ServerConfig.Builder config =
        ServerConfig.builder()
            .host(address.host())
            .port(address.port())
            .source(source)
            .gitScm(scm)
            .gitBranch(options.apiGitBranch)
            .pollInterval(
                parse(API_GIT_POLL_INTERVAL, options.apiGitPollInterval, GoDuration::parse))
            .watchBookmarkInterval(bookmarks)
            .maxBodyBytes(parse(MAX_BODY_BYTES, options.maxBodyBytes, ByteSize::parse))
            .wasmMaxBodyBytes(
                parse(API_WASM_MAX_BODY_BYTES, options.apiWasmMaxBodyBytes, ByteSize::parse))
            .maxResourceBytes(
                parse(API_MAX_RESOURCE_BYTES, options.apiMaxResourceBytes, ByteSize::parse))
            .proposalRetention(
                blank(options.apiProposalRetention)
                    ? Duration.ZERO
                    : parse(
                        API_PROPOSAL_RETENTION, options.apiProposalRetention, GoDuration::parse))
            .dataDir(data)
            .demo(options.demo)
            .author(options.apiGitAuthorName, options.apiGitAuthorEmail);
    if (SourceKind.GIT.wire().equals(source)) {
      config.gitRepo(options.apiGitRepo);
    } else if (!options.demo && !blank(options.apiLocalPath)) {
      Path local = path(options.apiLocalPath);
      if (!Files.isDirectory(local)) {
        throw errors.invalid(API_LOCAL_PATH, "directory " + local + " does not exist");
      }
      config.localPath(local);
    }
    if (!options.demo || errors.explicit(API_RESOURCES)) {
      Path resources = path(options.apiResources);
      if (!Files.isDirectory(resources)) {
        throw errors.invalid(API_RESOURCES, "directory " + resources + " does not exist");
      }
      config.resourcesDir(resources);
    }
    config
        .gitTokenFile(readableFile(API_GIT_TOKEN_FILE, options.apiGitTokenFile))
        .gitSshKeyFile(readableFile(API_GIT_SSH_KEY_FILE, options.apiGitSshKeyFile))
        .scm(scmSettings(scm))
        .access(accessSettings())
        .http(httpSettings(bookmarks))
        .bridges(bridgeSettings())
        .cluster(clusterSettings())
        .registries(registrySettings());
    ServerConfig server;
    try {
      server = config.build();
    } catch (InvalidServerConfigException e) {
      throw errors.refused(e);
    }
    checkHostedScm(server);
    return server;
  }

  /**
   * The verticle descriptor directory: {@code --verticles}, else {@code verticles/} in the working
   * directory when it exists, else null for the descriptors packaged in the jar.
   */
  Path verticlesDir() {
    if (options.verticles != null) {
      Path dir = path(options.verticles);
      if (!Files.isDirectory(dir)) {
        throw errors.invalid(VERTICLES, "directory " + dir + " does not exist");
      }
      return dir;
    }
    Path local = workDir.resolve(ServerOptions.DEFAULT_VERTICLES_DIR).normalize();
    return Files.isDirectory(local) ? local : null;
  }

  /** Where the SCM is reached and its secrets are read from; files must be readable. */
  private ScmSettings scmSettings(String scm) {
    String webhookSecretFile =
        text(readableFile(API_WEBHOOK_SECRET_FILE, options.apiWebhookSecretFile));
    if (scm.equals("local")) {
      return new ScmSettings(null, null, null, webhookSecretFile);
    }
    return new ScmSettings(
        blank(options.apiGitScmUrl) ? null : options.apiGitScmUrl.strip(),
        blank(options.apiGitScmRepo) ? null : options.apiGitScmRepo.strip(),
        text(readableFile(API_GIT_SCM_TOKEN_FILE, options.apiGitScmTokenFile)),
        webhookSecretFile);
  }

  /**
   * A hosted SCM: its API URL is one it can serve, the repository on it is known (from {@code
   * --api-git-scm-repo}, else from the remote's path), and a token is set, in the environment of
   * this invocation or in the token file (checked for presence only, never printed).
   */
  private void checkHostedScm(ServerConfig server) {
    if (server.gitScm().equals("local")) {
      return;
    }
    ScmKind kind = ScmKind.of(server.gitScm());
    ScmSettings settings = server.scm();
    if (settings.url() != null) {
      parse(API_GIT_SCM_URL, settings.url(), ScmKind::checkApiUrl);
    }
    parse(
        settings.repo() == null ? API_GIT_REPO : API_GIT_SCM_REPO,
        server.gitRepo(),
        remote -> ScmRepository.of(kind, remote, settings.repo()));
    if (settings.token(sources::environment).isEmpty()) {
      throw errors.usage(
          "--api-git-scm "
              + server.gitScm()
              + " needs an API token: set "
              + ScmSettings.TOKEN_ENV
              + " or --api-git-scm-token-file");
    }
  }

  /**
   * The cluster options: ports are numbers in range, members are {@code host:port}; that they go
   * with {@code --cluster} is the builder's check.
   */
  private ClusterSettings clusterSettings() {
    checkBooleanFromSources(CLUSTER);
    int port = port(CLUSTER_PORT, options.clusterPort, 1);
    int busPort = port(CLUSTER_BUS_PORT, options.clusterBusPort, 0);
    List<String> members =
        blank(options.clusterMembers)
            ? List.of()
            : Arrays.stream(options.clusterMembers.split(","))
                .map(String::strip)
                .filter(m -> !m.isEmpty())
                .toList();
    for (String member : members) {
      int colon = member.lastIndexOf(':');
      if (colon <= 0 || colon == member.length() - 1) {
        throw errors.invalid(CLUSTER_MEMBERS, "\"" + member + "\" is not host:port");
      }
      port(CLUSTER_MEMBERS, member.substring(colon + 1), 1);
    }
    return new ClusterSettings(
        options.cluster,
        blank(options.clusterHost) ? null : options.clusterHost.strip(),
        port,
        members,
        blank(options.clusterKubernetesServiceDns)
            ? null
            : options.clusterKubernetesServiceDns.strip(),
        blank(options.clusterName) ? null : options.clusterName.strip(),
        busPort,
        blank(options.clusterBusPublicHost) ? null : options.clusterBusPublicHost.strip());
  }

  private int port(String option, String value, int lowest) {
    int port;
    try {
      port = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw errors.invalid(option, "\"" + value + "\" is not a port number");
    }
    if (port < lowest || port > 65_535) {
      throw errors.invalid(option, "port " + port + " is not between " + lowest + " and 65535");
    }
    return port;
  }

  /** Identity and access: the files named exist; how they go together is the builder's check. */
  private AccessSettings accessSettings() {
    checkBooleanFromSources(API_ANONYMOUS_AUTH);
    String cert = text(readableFile(API_TLS_CERT_FILE, options.apiTlsCertFile));
    String key = text(readableFile(API_TLS_PRIVATE_KEY_FILE, options.apiTlsPrivateKeyFile));
    String clientCa = text(readableFile(API_CLIENT_CA_FILE, options.apiClientCaFile));
    if (blank(options.apiGitAuthorEmailDomain)) {
      throw errors.invalid(API_GIT_AUTHOR_EMAIL_DOMAIN, "must not be empty");
    }
    String audit = blank(options.apiAuditLogPath) ? null : options.apiAuditLogPath.strip();
    if (audit != null && !audit.equals("-")) {
      audit = path(audit).toString();
    }
    return new AccessSettings(
        cert,
        key,
        text(readableFile(API_TOKEN_AUTH_FILE, options.apiTokenAuthFile)),
        blank(options.apiOidcIssuerUrl) ? null : options.apiOidcIssuerUrl.strip(),
        blank(options.apiOidcClientId) ? null : options.apiOidcClientId.strip(),
        options.apiOidcUsernameClaim,
        options.apiOidcGroupsClaim,
        text(readableFile(API_OIDC_CA_FILE, options.apiOidcCaFile)),
        clientCa,
        options.apiAnonymousAuth,
        authorizationMode(),
        audit,
        options.apiGitAuthorEmailDomain.strip(),
        blank(options.apiOidcUiClientId) ? null : options.apiOidcUiClientId.strip());
  }

  /** {@code rbac} is {@code RBAC}: the mode in its canonical spelling, or as given if unknown. */
  private String authorizationMode() {
    if (blank(options.apiAuthorizationMode)) {
      return null;
    }
    String mode = options.apiAuthorizationMode.strip();
    return List.of(AccessSettings.ALWAYS_ALLOW, AccessSettings.RBAC).stream()
        .filter(known -> known.equalsIgnoreCase(mode))
        .findFirst()
        .orElse(options.apiAuthorizationMode);
  }

  /**
   * Connection bounds and browser checks. An idle timeout left at its default follows a bookmark
   * interval raised past it (twice the interval), so raising one flag is enough.
   */
  private HttpSettings httpSettings(Duration bookmarks) {
    Duration idle = parse(API_IDLE_TIMEOUT, options.apiIdleTimeout, GoDuration::parse);
    if (!errors.explicit(API_IDLE_TIMEOUT) && idle.compareTo(bookmarks) <= 0) {
      idle = bookmarks.multipliedBy(2);
    }
    Duration request = parse(API_REQUEST_TIMEOUT, options.apiRequestTimeout, GoDuration::parse);
    int maxConnections;
    try {
      maxConnections = Integer.parseInt(options.apiMaxConnections.strip());
    } catch (NumberFormatException e) {
      throw errors.invalid(
          API_MAX_CONNECTIONS, "\"" + options.apiMaxConnections + "\" is not a number");
    }
    return new HttpSettings(
        idle.toMillis(),
        request.toMillis(),
        maxConnections,
        parse(API_BODY_SPOOL_THRESHOLD, options.apiBodySpoolThreshold, ByteSize::parse),
        blank(options.apiPublicUrl) ? null : options.apiPublicUrl,
        lowerCaseList(options.apiAllowedHosts),
        lowerCaseList(options.apiCorsAllowedOrigins));
  }

  /** Where controllers named by an OCI reference come from, and how often tags are re-checked. */
  private ControllerRegistrySettings registrySettings() {
    String config = null;
    if (!blank(options.controllerRegistryConfig)) {
      Path file = path(options.controllerRegistryConfig);
      if (!Files.isRegularFile(file)) {
        throw errors.invalid(CONTROLLER_REGISTRY_CONFIG, "file " + file + " does not exist");
      }
      config = file.toString();
    }
    Duration refresh =
        blank(options.controllerRefreshInterval)
            ? Duration.ZERO
            : parse(
                CONTROLLER_REFRESH_INTERVAL, options.controllerRefreshInterval, GoDuration::parse);
    long maxModule =
        blank(options.controllerMaxModuleBytes)
            ? ControllerRegistrySettings.DEFAULT_MAX_MODULE_BYTES
            : parse(CONTROLLER_MAX_MODULE_BYTES, options.controllerMaxModuleBytes, ByteSize::parse);
    return new ControllerRegistrySettings(
        config,
        hosts(options.controllerRegistryInsecure),
        hosts(options.controllerAllowedRegistries),
        refresh.toMillis(),
        maxModule,
        ControllerRegistrySettings.DEFAULT_TIMEOUT_MILLIS);
  }

  private static List<String> hosts(String list) {
    return blank(list)
        ? List.of()
        : Arrays.stream(list.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
  }

  /**
   * The event-bus bridges: the TCP bridge's address parsed as {@code --api-address} is; whether an
   * inbound address is allowed is the builder's check.
   */
  private BridgeSettings bridgeSettings() {
    checkBooleanFromSources(BRIDGE_SOCKJS);
    ListenAddress tcp =
        blank(options.bridgeTcpAddress)
            ? null
            : parse(BRIDGE_TCP_ADDRESS, options.bridgeTcpAddress.strip(), ListenAddress::parse);
    List<String> inbound =
        blank(options.bridgeInbound)
            ? List.of()
            : Arrays.stream(options.bridgeInbound.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    return new BridgeSettings(
        tcp == null ? null : tcp.host(),
        tcp == null ? BridgeSettings.OFF : tcp.port(),
        options.bridgeSockjs,
        inbound);
  }

  /** A boolean from the environment or the file that is not true or false is a usage error. */
  private void checkBooleanFromSources(String option) {
    if (errors.given(option)) {
      return;
    }
    sources
        .rawValue(option)
        .filter(raw -> OptionSources.normalizeBoolean(raw).isEmpty())
        .ifPresent(
            raw -> {
              throw errors.invalid(option, "\"" + raw + "\" is not true or false");
            });
  }

  private Path readableFile(String option, String value) {
    if (value == null) {
      return null;
    }
    Path file = path(value);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw errors.invalid(option, "file " + file + " does not exist or cannot be read");
    }
    return file;
  }

  private <T> T parse(String option, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw errors.invalid(option, e.getMessage());
    }
  }

  private Path path(String value) {
    return workDir.resolve(value).toAbsolutePath().normalize();
  }

  private static String text(Path path) {
    return path == null ? null : path.toString();
  }

  private static String lowerCase(String value) {
    return value.trim().toLowerCase(Locale.ROOT);
  }

  private static List<String> lowerCaseList(String value) {
    if (blank(value)) {
      return List.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(s -> s.toLowerCase(Locale.ROOT))
        .toList();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
