package io.cup.oci;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Registry credentials from a Docker-style {@code config.json}: its {@code auths} map, keyed by
 * registry host (a key written as a URL, {@code https://host/v1/}, counts for its host), each entry
 * holding {@code auth} (base64 of {@code user:password}) or {@code username} and {@code password}.
 * Credential helpers ({@code credsStore}, {@code credHelpers}) are not run. The secrets are never
 * printed: {@link #toString} and {@link Login#toString} name hosts and users only.
 */
public final class RegistryCredentials {
  /** No credentials: every registry is asked anonymously. */
  public static final RegistryCredentials NONE = new RegistryCredentials(Map.of());

  /** A user name and password (or token) for one registry. */
  public record Login(String username, String password) {
    /** The value of a basic {@code Authorization} header. */
    public String basic() {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Login[" + username + ", password hidden]";
    }
  }

  private final Map<String, Login> byHost;

  private RegistryCredentials(Map<String, Login> byHost) {
    this.byHost = Map.copyOf(byHost);
  }

  /** Credentials of {@code logins}, keyed by registry host (tests, the CLI). */
  public static RegistryCredentials of(Map<String, Login> logins) {
    Map<String, Login> byHost = new TreeMap<>();
    logins.forEach((host, login) -> byHost.put(host(host), login));
    return new RegistryCredentials(byHost);
  }

  /**
   * Reads {@code file} (blocking). A missing file is no credentials.
   *
   * @throws IllegalArgumentException naming the file when it is not a Docker config (never quoting
   *     its content)
   */
  public static RegistryCredentials load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return NONE;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the registry credentials " + file + ": " + e.getClass().getSimpleName(), e);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(
          "the registry credentials " + file + " are not a JSON object"); // no content quoted
    }
    Map<String, Login> byHost = new TreeMap<>();
    Object auths = json.getValue("auths");
    if (auths instanceof JsonObject entries) {
      for (String key : entries.fieldNames()) {
        if (!(entries.getValue(key) instanceof JsonObject entry)) {
          continue;
        }
        login(entry).ifPresent(login -> byHost.put(host(key), login));
      }
    }
    return new RegistryCredentials(byHost);
  }

  private static Optional<Login> login(JsonObject entry) {
    String username = entry.getString("username");
    String password = entry.getString("password");
    if (username != null && password != null && !username.isEmpty()) {
      return Optional.of(new Login(username, password));
    }
    String auth = entry.getString("auth");
    if (auth == null || auth.isEmpty()) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    return colon <= 0
        ? Optional.empty()
        : Optional.of(new Login(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  /** {@code https://host:port/v1/} and {@code host:port} are the same registry. */
  private static String host(String key) {
    String host = key.strip();
    int scheme = host.indexOf("://");
    if (scheme >= 0) {
      host = host.substring(scheme + 3);
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /** The login for {@code registry} (host or host:port), when configured. */
  public Optional<Login> forRegistry(String registry) {
    return Optional.ofNullable(byHost.get(host(registry)));
  }

  @Override
  public String toString() {
    return "RegistryCredentials" + byHost.keySet();
  }
}
