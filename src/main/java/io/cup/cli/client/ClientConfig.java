package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's configuration file: named contexts (server address, namespace, token, TLS files) and
 * the current one. The format is the original cup CLI's {@code config.json}, which is YAML too:
 *
 * <pre>
 * current_context: default
 * contexts:
 *   default:
 *     address: http://localhost:8181
 *     namespace: default
 *     token: …            # optional, sent as Authorization: Bearer
 *     certificate-authority: /abs/ca.pem      # optional, as kubectl's cluster settings
 *     client-certificate: /abs/client.pem     # optional, as kubectl's user settings
 *     client-key: /abs/client-key.pem
 *     insecure-skip-tls-verify: false
 * </pre>
 *
 * The file paths are stored absolute by {@code cup config}; a relative one written by hand is
 * relative to the file's directory, as in a kubeconfig.
 *
 * <p>Found at {@code -c FILE}, else {@code $CUP_CONFIG}, else {@code
 * $XDG_CONFIG_HOME/cup/config.yaml} ({@code ~/.config/cup/config.yaml}); when only the original's
 * {@code config.json} sits in that directory it is read (and rewritten in place, still JSON). A
 * missing file is the original's default: one context {@code default} at {@code
 * http://localhost:8181}.
 */
final class ClientConfig {
  static final String DEFAULT_CONTEXT = "default";
  static final String DEFAULT_ADDRESS = "http://localhost:8181";
  static final String DEFAULT_NAMESPACE = "default";
  static final String ENV_CONFIG = "CUP_CONFIG";

  static final String CERTIFICATE_AUTHORITY = "certificate-authority";
  static final String CLIENT_CERTIFICATE = "client-certificate";
  static final String CLIENT_KEY = "client-key";
  static final String INSECURE_SKIP_TLS_VERIFY = "insecure-skip-tls-verify";

  /** The keys of a context, in the order they are written. */
  static final List<String> CONTEXT_KEYS =
      List.of(
          "address",
          "namespace",
          "token",
          CERTIFICATE_AUTHORITY,
          CLIENT_CERTIFICATE,
          CLIENT_KEY,
          INSECURE_SKIP_TLS_VERIFY);

  /** One named context; null fields are unset. */
  record Context(
      String address,
      String namespace,
      String token,
      String certificateAuthority,
      String clientCertificate,
      String clientKey,
      Boolean insecureSkipTlsVerify) {
    static final Context EMPTY = new Context(null, null, null);

    Context(String address, String namespace, String token) {
      this(address, namespace, token, null, null, null, null);
    }

    /** These fields changed where not null, the others kept. */
    Context with(String newAddress, String newNamespace, String newToken) {
      return new Context(
          newAddress != null ? newAddress : address,
          newNamespace != null ? newNamespace : namespace,
          newToken != null ? newToken : token,
          certificateAuthority,
          clientCertificate,
          clientKey,
          insecureSkipTlsVerify);
    }

    /** The TLS fields changed where not null, removed where empty, the others kept. */
    Context withTls(String ca, String certificate, String key, Boolean insecure) {
      return new Context(
          address,
          namespace,
          token,
          change(certificateAuthority, ca),
          change(clientCertificate, certificate),
          change(clientKey, key),
          insecure != null ? insecure : insecureSkipTlsVerify);
    }

    private static String change(String before, String after) {
      return after == null ? before : after.isEmpty() ? null : after;
    }

    /** How it authenticates: {@code token}, {@code client-certificate}, both, or empty. */
    String authentication() {
      List<String> ways = new ArrayList<>();
      if (token != null) {
        ways.add("token");
      }
      if (clientCertificate != null) {
        ways.add(CLIENT_CERTIFICATE);
      }
      return String.join(",", ways);
    }
  }

  private final Path file;
  private String currentContext;
  private final Map<String, Context> contexts;

  private ClientConfig(Path file, String currentContext, Map<String, Context> contexts) {
    this.file = file;
    this.currentContext = currentContext;
    this.contexts = contexts;
  }

  /** Where the configuration is: see the class comment. */
  static Path locate(String flag, Map<String, String> env, Path workDir) {
    String named = flag != null && !flag.isEmpty() ? flag : env.get(ENV_CONFIG);
    if (named != null && !named.isEmpty()) {
      return workDir.resolve(expandHome(named, env)).normalize();
    }
    Path dir = directory(env);
    Path yaml = dir.resolve("config.yaml");
    Path original = dir.resolve("config.json");
    return !Files.exists(yaml) && Files.isRegularFile(original) ? original : yaml;
  }

  /** {@code $XDG_CONFIG_HOME/cup}, else {@code $HOME/.config/cup}, as Go's UserConfigDir. */
  static Path directory(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isEmpty()) {
      return Path.of(xdg, "cup");
    }
    String home = env.get("HOME");
    if (home == null || home.isEmpty()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".config", "cup");
  }

  private static String expandHome(String path, Map<String, String> env) {
    String home = env.get("HOME");
    if (home != null && (path.equals("~") || path.startsWith("~/"))) {
      return home + path.substring(1);
    }
    return path;
  }

  static ClientConfig load(Path file) throws ClientException {
    if (!Files.exists(file)) {
      Map<String, Context> contexts = new LinkedHashMap<>();
      contexts.put(DEFAULT_CONTEXT, new Context(DEFAULT_ADDRESS, DEFAULT_NAMESPACE, null));
      return new ClientConfig(file, DEFAULT_CONTEXT, contexts);
    }
    JsonNode root;
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      root = text.isBlank() ? Documents.JSON.createObjectNode() : Documents.YAML.readTree(text);
    } catch (IOException e) {
      throw new ClientException("error: " + file + ": " + Documents.firstLine(e));
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      root = Documents.JSON.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ClientException("error: " + file + ": expected a mapping with contexts");
    }
    String current = Documents.text(root, "current_context");
    if (current == null) {
      current = Documents.text(root, "current-context");
    }
    Map<String, Context> contexts = new LinkedHashMap<>();
    JsonNode entries = root.path("contexts");
    if (!entries.isMissingNode() && !entries.isNull() && !entries.isObject()) {
      throw new ClientException("error: " + file + ": contexts: expected a mapping of names");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = entries.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      JsonNode value = entry.getValue();
      if (value == null || value.isNull()) {
        contexts.put(entry.getKey(), Context.EMPTY);
        continue;
      }
      if (!value.isObject()) {
        throw new ClientException(
            "error: " + file + ": contexts." + entry.getKey() + ": expected a mapping");
      }
      Iterator<String> keys = value.fieldNames();
      while (keys.hasNext()) {
        String key = keys.next();
        if (!CONTEXT_KEYS.contains(key)) {
          throw new ClientException(
              "error: "
                  + file
                  + ": contexts."
                  + entry.getKey()
                  + "."
                  + key
                  + ": unknown key (known: "
                  + String.join(", ", CONTEXT_KEYS)
                  + ")");
        }
      }
      contexts.put(
          entry.getKey(),
          new Context(
              Documents.text(value, "address"),
              Documents.text(value, "namespace"),
              Documents.text(value, "token"),
              Documents.text(value, CERTIFICATE_AUTHORITY),
              Documents.text(value, CLIENT_CERTIFICATE),
              Documents.text(value, CLIENT_KEY),
              bool(value.get(INSECURE_SKIP_TLS_VERIFY), file, entry.getKey())));
    }
    return new ClientConfig(file, current, contexts);
  }

  private static Boolean bool(JsonNode value, Path file, String context) throws ClientException {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
      return Boolean.valueOf(value.asText());
    }
    throw new ClientException(
        "error: "
            + file
            + ": contexts."
            + context
            + "."
            + INSECURE_SKIP_TLS_VERIFY
            + ": expected true or false");
  }

  Path file() {
    return file;
  }

  /**
   * A file path of a context, resolved against the configuration file's directory as kubectl
   * resolves a kubeconfig's; null stays null.
   */
  Path resolve(String path) {
    if (path == null) {
      return null;
    }
    Path dir = file.toAbsolutePath().getParent();
    return dir == null ? Path.of(path) : dir.resolve(path).normalize();
  }

  /** The current context's name, or null when the file names none. */
  String currentContext() {
    return currentContext;
  }

  void currentContext(String name) {
    this.currentContext = name;
  }

  Map<String, Context> contexts() {
    return contexts;
  }

  /** The file's content; tokens replaced unless {@code raw}. */
  ObjectNode toJson(boolean raw) {
    ObjectNode root = Documents.JSON.createObjectNode();
    if (currentContext != null) {
      root.put("current_context", currentContext);
    }
    ObjectNode entries = root.putObject("contexts");
    contexts.forEach(
        (name, context) -> {
          ObjectNode entry = entries.putObject(name);
          if (context.address() != null) {
            entry.put("address", context.address());
          }
          if (context.namespace() != null) {
            entry.put("namespace", context.namespace());
          }
          if (context.token() != null) {
            entry.put("token", raw ? context.token() : "REDACTED");
          }
          if (context.certificateAuthority() != null) {
            entry.put(CERTIFICATE_AUTHORITY, context.certificateAuthority());
          }
          if (context.clientCertificate() != null) {
            entry.put(CLIENT_CERTIFICATE, context.clientCertificate());
          }
          if (context.clientKey() != null) {
            entry.put(CLIENT_KEY, context.clientKey());
          }
          if (context.insecureSkipTlsVerify() != null) {
            entry.put(INSECURE_SKIP_TLS_VERIFY, context.insecureSkipTlsVerify().booleanValue());
          }
        });
    return root;
  }

  /**
   * Writes the file (JSON when its name ends in {@code .json}, as the original's, else YAML),
   * readable by its owner only since it may hold tokens.
   */
  void save() throws ClientException {
    ObjectNode content = toJson(true);
    String text =
        file.getFileName().toString().endsWith(".json")
            ? Documents.prettyJson(content)
            : Documents.yaml(content);
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path temporary = Files.createTempFile(dir, ".config-", ".tmp");
      try {
        if (Files.getFileStore(temporary).supportsFileAttributeView("posix")) {
          Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(
            temporary,
            file,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new ClientException("error: writing " + file + ": " + e.getMessage());
    }
  }
}
