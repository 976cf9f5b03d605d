package io.cup.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's options: their names (the flag names without dashes, shared by flags, environment
 * variables and the YAML file), their defaults, and how the environment and the YAML file spell
 * them. {@code io.cup.cli} resolves them with the precedence flag > environment > file > default.
 */
public final class ServerOptions {
  public static final String API_ADDRESS = "api-address";
  public static final String API_SOURCE = "api-source";
  public static final String API_GIT_REPO = "api-git-repo";
  public static final String API_GIT_SCM = "api-git-scm";
  public static final String API_GIT_SCM_URL = "api-git-scm-url";
  public static final String API_GIT_SCM_REPO = "api-git-scm-repo";
  public static final String API_GIT_SCM_TOKEN_FILE = "api-git-scm-token-file";
  public static final String API_WEBHOOK_SECRET_FILE = "api-webhook-secret-file";
  public static final String API_GIT_BRANCH = "api-git-branch";
  public static final String API_GIT_POLL_INTERVAL = "api-git-poll-interval";
  public static final String API_GIT_AUTHOR_NAME = "api-git-author-name";
  public static final String API_GIT_AUTHOR_EMAIL = "api-git-author-email";
  public static final String API_GIT_TOKEN_FILE = "api-git-token-file";
  public static final String API_GIT_SSH_KEY_FILE = "api-git-ssh-key-file";
  public static final String API_LOCAL_PATH = "api-local-path";
  public static final String API_RESOURCES = "api-resources";
  public static final String DATA_DIR = "data-dir";
  public static final String DEMO = "demo";
  public static final String CONFIG = "config";
  public static final String VERTICLES = "verticles";
  public static final String MAX_BODY_BYTES = "max-body-bytes";
  public static final String API_WASM_MAX_BODY_BYTES = "api-wasm-max-body-bytes";
  public static final String API_MAX_RESOURCE_BYTES = "api-max-resource-bytes";
  public static final String API_WATCH_BOOKMARK_INTERVAL = "api-watch-bookmark-interval";
  public static final String API_TLS_CERT_FILE = "api-tls-cert-file";
  public static final String API_TLS_PRIVATE_KEY_FILE = "api-tls-private-key-file";
  public static final String API_TOKEN_AUTH_FILE = "api-token-auth-file";
  public static final String API_OIDC_ISSUER_URL = "api-oidc-issuer-url";
  public static final String API_OIDC_CLIENT_ID = "api-oidc-client-id";
  public static final String API_OIDC_UI_CLIENT_ID = "api-oidc-ui-client-id";
  public static final String API_OIDC_USERNAME_CLAIM = "api-oidc-username-claim";
  public static final String API_OIDC_GROUPS_CLAIM = "api-oidc-groups-claim";
  public static final String API_OIDC_CA_FILE = "api-oidc-ca-file";
  public static final String API_CLIENT_CA_FILE = "api-client-ca-file";
  public static final String API_ANONYMOUS_AUTH = "api-anonymous-auth";
  public static final String API_AUTHORIZATION_MODE = "api-authorization-mode";
  public static final String API_AUDIT_LOG_PATH = "api-audit-log-path";
  public static final String API_GIT_AUTHOR_EMAIL_DOMAIN = "api-git-author-email-domain";
  public static final String API_IDLE_TIMEOUT = "api-idle-timeout";
  public static final String API_REQUEST_TIMEOUT = "api-request-timeout";
  public static final String API_MAX_CONNECTIONS = "api-max-connections";
  public static final String API_BODY_SPOOL_THRESHOLD = "api-body-spool-threshold";
  public static final String API_PUBLIC_URL = "api-public-url";
  public static final String API_ALLOWED_HOSTS = "api-allowed-hosts";
  public static final String API_CORS_ALLOWED_ORIGINS = "api-cors-allowed-origins";
  public static final String API_PROPOSAL_RETENTION = "api-proposal-retention";
  public static final String BRIDGE_TCP_ADDRESS = "bridge-tcp-address";
  public static final String BRIDGE_SOCKJS = "bridge-sockjs";
  public static final String BRIDGE_INBOUND = "bridge-inbound";
  public static final String CLUSTER = "cluster";
  public static final String CLUSTER_HOST = "cluster-host";
  public static final String CLUSTER_PORT = "cluster-port";
  public static final String CLUSTER_MEMBERS = "cluster-members";
  public static final String CLUSTER_KUBERNETES_SERVICE_DNS = "cluster-kubernetes-service-dns";
  public static final String CLUSTER_NAME = "cluster-name";
  public static final String CLUSTER_BUS_PORT = "cluster-bus-port";
  public static final String CLUSTER_BUS_PUBLIC_HOST = "cluster-bus-public-host";
  public static final String CONTROLLER_REGISTRY_CONFIG = "controller-registry-config";
  public static final String CONTROLLER_REGISTRY_INSECURE = "controller-registry-insecure";
  public static final String CONTROLLER_ALLOWED_REGISTRIES = "controller-allowed-registries";
  public static final String CONTROLLER_REFRESH_INTERVAL = "controller-refresh-interval";
  public static final String CONTROLLER_MAX_MODULE_BYTES = "controller-max-module-bytes";

  /** Every option that the YAML file may set ({@link #CONFIG} names the file itself). */
  public static final List<String> FILE_KEYS =
      List.of(
          API_ADDRESS,
          API_SOURCE,
          API_GIT_REPO,
          API_GIT_SCM,
          API_GIT_SCM_URL,
          API_GIT_SCM_REPO,
          API_GIT_SCM_TOKEN_FILE,
          API_WEBHOOK_SECRET_FILE,
          API_GIT_BRANCH,
          API_GIT_POLL_INTERVAL,
          API_GIT_AUTHOR_NAME,
          API_GIT_AUTHOR_EMAIL,
          API_GIT_TOKEN_FILE,
          API_GIT_SSH_KEY_FILE,
          API_LOCAL_PATH,
          API_RESOURCES,
          DATA_DIR,
          DEMO,
          VERTICLES,
          MAX_BODY_BYTES,
          API_WASM_MAX_BODY_BYTES,
          API_MAX_RESOURCE_BYTES,
          API_WATCH_BOOKMARK_INTERVAL,
          API_TLS_CERT_FILE,
          API_TLS_PRIVATE_KEY_FILE,
          API_TOKEN_AUTH_FILE,
          API_OIDC_ISSUER_URL,
          API_OIDC_CLIENT_ID,
          API_OIDC_UI_CLIENT_ID,
          API_OIDC_USERNAME_CLAIM,
          API_OIDC_GROUPS_CLAIM,
          API_OIDC_CA_FILE,
          API_CLIENT_CA_FILE,
          API_ANONYMOUS_AUTH,
          API_AUTHORIZATION_MODE,
          API_AUDIT_LOG_PATH,
          API_GIT_AUTHOR_EMAIL_DOMAIN,
          API_IDLE_TIMEOUT,
          API_REQUEST_TIMEOUT,
          API_MAX_CONNECTIONS,
          API_BODY_SPOOL_THRESHOLD,
          API_PUBLIC_URL,
          API_ALLOWED_HOSTS,
          API_CORS_ALLOWED_ORIGINS,
          API_PROPOSAL_RETENTION,
          BRIDGE_TCP_ADDRESS,
          BRIDGE_SOCKJS,
          BRIDGE_INBOUND,
          CLUSTER,
          CLUSTER_HOST,
          CLUSTER_PORT,
          CLUSTER_MEMBERS,
          CLUSTER_KUBERNETES_SERVICE_DNS,
          CLUSTER_NAME,
          CLUSTER_BUS_PORT,
          CLUSTER_BUS_PUBLIC_HOST,
          CONTROLLER_REGISTRY_CONFIG,
          CONTROLLER_REGISTRY_INSECURE,
          CONTROLLER_ALLOWED_REGISTRIES,
          CONTROLLER_REFRESH_INTERVAL,
          CONTROLLER_MAX_MODULE_BYTES);

  public static final String DEFAULT_ADDRESS = ":8181";
  public static final String DEFAULT_SOURCE = ServerConfig.DEFAULT_SOURCE;
  public static final String DEFAULT_SCM = ServerConfig.DEFAULT_SCM;
  public static final String DEFAULT_POLL_INTERVAL = "10s";
  public static final String DEFAULT_WATCH_BOOKMARK_INTERVAL = "30s";
  public static final String DEFAULT_IDLE_TIMEOUT = "2m";
  public static final String DEFAULT_REQUEST_TIMEOUT = "60s";
  public static final String DEFAULT_BODY_SPOOL_THRESHOLD = "256KiB";
  public static final String DEFAULT_AUTHOR_NAME = ServerConfig.DEFAULT_AUTHOR_NAME;
  public static final String DEFAULT_AUTHOR_EMAIL = ServerConfig.DEFAULT_AUTHOR_EMAIL;
  public static final String DEFAULT_RESOURCES = ".";
  public static final String DEFAULT_DATA_DIR = ServerConfig.DEFAULT_DATA_DIR;
  public static final String DEFAULT_CONFIG_FILE = "conf/cupd.yaml";
  public static final String DEFAULT_VERTICLES_DIR = "verticles";

  /** The prefix of every environment variable, as the original server's {@code CUPD_}. */
  public static final String ENV_PREFIX = "CUPD_";

  /**
   * Made when a file is first read, not with this class: the command line uses the names above at
   * every start, and making a mapper loads a few hundred of Jackson's classes, which most starts
   * (no file) do not need before the resource configuration is read, beside other work.
   */
  private static final class Yaml {
    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
  }

  private ServerOptions() {}

  /** {@code api-git-repo} → {@code CUPD_API_GIT_REPO}. */
  public static String envName(String option) {
    return ENV_PREFIX + option.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Reads a server configuration file: a YAML mapping whose keys are the option names, for example
   * {@code api-address: ":8181"}. Nested mappings are joined with {@code -}, as the original
   * server's YAML parser did, so {@code api: {git: {repo: …}}} sets {@code api-git-repo}. An empty
   * file sets nothing.
   *
   * @return option name → value as text, in file order
   * @throws ConfigurationException naming the file and the key: unreadable or malformed YAML, an
   *     unknown key, or a value that is a list
   */
  public static Map<String, String> readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(file + ": file not found");
    } catch (IOException e) {
      throw new ConfigurationException(file + ": cannot read: " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = Yaml.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(file + ": " + ParseErrors.describe(e), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values;
    }
    if (!root.isObject()) {
      throw new ConfigurationException(
          file + ": expected a mapping of option names to values, found " + ParseErrors.kind(root));
    }
    flatten(file, "", root, values);
    return values;
  }

  private static void flatten(Path file, String prefix, JsonNode node, Map<String, String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(file, key + "-", value, out);
        continue;
      }
      if (key.equals(CONFIG)) {
        throw new ConfigurationException(
            file + ": " + key + ": the configuration file cannot name another one");
      }
      if (!FILE_KEYS.contains(key)) {
        throw new ConfigurationException(
            file + ": " + key + ": unknown option (known: " + String.join(", ", FILE_KEYS) + ")");
      }
      if (value.isArray()) {
        throw new ConfigurationException(
            file + ": " + key + ": expected a single value, found a list");
      }
      if (!value.isNull()) {
        out.put(key, value.asText());
      }
    }
  }
}
