package io.cup.git;

import io.cup.config.ServerConfig;
import io.cup.status.StatusException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshConfigStore;
import org.eclipse.jgit.transport.SshConstants;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How Cup authenticates to its Git remote, from the server configuration:
 *
 * <ul>
 *   <li>{@code http(s)://}: a token from the file {@link ServerConfig#gitTokenFile()} or else the
 *       environment variable {@value #TOKEN_ENV}, sent as the password of the URL's user (default
 *       {@value #TOKEN_USER}); without a token, a {@code user:password} in the URL is used.
 *   <li>{@code ssh://} (and scp-like {@code user@host:path}): the private key {@link
 *       ServerConfig#gitSshKeyFile()} through JGit's Apache MINA sshd transport. Host keys are
 *       checked against {@code ~/.ssh/known_hosts} when it exists; otherwise new hosts are accepted
 *       and remembered in {@code <data dir>/ssh/known_hosts} (logged once at WARN).
 *   <li>{@code file://}, plain paths and {@code git://}: nothing.
 * </ul>
 *
 * <p>Secrets never appear in {@link #url()}, in log lines or in exception messages; {@link
 * #redact(String)} scrubs any text that could hold one. The token is read on every {@link
 * #configure} so a rotated token file is picked up without a restart.
 */
public final class Credentials {
  /** Environment variable holding an HTTP(S) token. */
  public static final String TOKEN_ENV = "CUPD_API_GIT_TOKEN";

  /** User name sent with a token when the URL names none (GitHub's convention). */
  public static final String TOKEN_USER = "x-access-token";

  /** Network timeout for fetch and push, in seconds. */
  public static final int TIMEOUT_SECONDS = 60;

  private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

  private final URIish uri;
  private final String url;
  private final String urlUser;
  private final String urlPassword;
  private final Path tokenFile;
  private final Supplier<String> environmentToken;
  private final Path sshKeyFile;
  private final Path dataDir;
  private final Path home;
  private volatile SshSessionFactory sshSessionFactory;

  private Credentials(
      String remote,
      Path tokenFile,
      Supplier<String> environmentToken,
      Path sshKeyFile,
      Path dataDir,
      Path home) {
    if (blank(remote)) {
      throw new IllegalArgumentException("no Git remote configured (--api-git-repo)");
    }
    URIish parsed;
    try {
      parsed = new URIish(remote);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the Git remote is not a valid URL", e);
    }
    this.urlUser = parsed.getUser();
    this.urlPassword = parsed.getPass();
    // http(s) credentials travel through the CredentialsProvider, never in the URL; ssh keeps its
    // user (it is part of the address) but never a password.
    this.uri = isHttp(parsed) ? parsed.setUser(null).setPass(null) : parsed.setPass(null);
    this.url = uri.toString();
    this.tokenFile = tokenFile;
    this.environmentToken = environmentToken;
    this.sshKeyFile = sshKeyFile;
    this.dataDir = dataDir;
    this.home = home;
  }

  /** Credentials for {@link ServerConfig#gitRepo()}. */
  public static Credentials of(ServerConfig cfg) {
    return of(cfg, Paths.get(System.getProperty("user.home")));
  }

  /** As {@link #of(ServerConfig)}, with {@code home} as the user's home (its .ssh directory). */
  static Credentials of(ServerConfig cfg, Path home) {
    return new Credentials(
        cfg.gitRepo(),
        blank(cfg.gitTokenFile()) ? null : Paths.get(cfg.gitTokenFile()),
        () -> System.getenv(TOKEN_ENV),
        blank(cfg.gitSshKeyFile()) ? null : Paths.get(cfg.gitSshKeyFile()),
        Paths.get(cfg.dataDir() == null ? "data" : cfg.dataDir()),
        home);
  }

  /** For tests: credentials for {@code remote} with an explicit token source and no ssh key. */
  static Credentials forRemote(String remote, Path tokenFile, Supplier<String> environmentToken) {
    return new Credentials(
        remote, tokenFile, environmentToken, null, Paths.get("data"), Paths.get("/nonexistent"));
  }

  /** The URL to connect to, without password or token (safe to log and show). */
  public String url() {
    return url;
  }

  /** Whether the remote is reached over HTTP(S). */
  public boolean isHttp() {
    return isHttp(uri);
  }

  /** Whether the remote is reached over SSH. */
  public boolean isSsh() {
    return isSsh(uri);
  }

  /** Sets credentials, the SSH session factory and a network timeout on a fetch or push. */
  public void configure(TransportCommand<?, ?> command) {
    command.setTimeout(TIMEOUT_SECONDS);
    CredentialsProvider provider = credentialsProvider();
    if (provider != null) {
      command.setCredentialsProvider(provider);
    }
    if (isSsh()) {
      SshSessionFactory factory = sshSessionFactory();
      command.setTransportConfigCallback(
          transport -> {
            if (transport instanceof SshTransport ssh) {
              ssh.setSshSessionFactory(factory);
            }
          });
    }
  }

  /**
   * The same settings on a transport opened directly (a push built ref by ref rather than through a
   * command).
   */
  public void configure(Transport transport) {
    transport.setTimeout(TIMEOUT_SECONDS);
    CredentialsProvider provider = credentialsProvider();
    if (provider != null) {
      transport.setCredentialsProvider(provider);
    }
    if (isSsh() && transport instanceof SshTransport ssh) {
      ssh.setSshSessionFactory(sshSessionFactory());
    }
  }

  /** {@code text} with every secret Cup knows (token, URL password) replaced by "***". */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets()) {
      if (secret != null && secret.length() >= 4) {
        result = result.replace(secret, "***");
      }
    }
    return result;
  }

  // -- http(s) ---------------------------------------------------------------------------------

  CredentialsProvider credentialsProvider() {
    if (!isHttp()) {
      return null;
    }
    String token = token();
    if (token != null) {
      String user = blank(urlUser) ? TOKEN_USER : urlUser;
      return new UsernamePasswordCredentialsProvider(user, token);
    }
    if (!blank(urlUser) && urlPassword != null) {
      return new UsernamePasswordCredentialsProvider(urlUser, urlPassword);
    }
    return null;
  }

  private String token() {
    if (tokenFile != null) {
      try {
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (!token.isEmpty()) {
          return token;
        }
        LOG.warn("the Git token file {} is empty", tokenFile);
      } catch (IOException e) {
        throw StatusException.unavailable(
            "cannot read the Git token file "
                + tokenFile
                + " ("
                + e.getClass().getSimpleName()
                + ")",
            null);
      }
    }
    String token = environmentToken.get();
    return blank(token) ? null : token.strip();
  }

  private List<String> secrets() {
    List<String> secrets = new ArrayList<>(2);
    if (urlPassword != null) {
      secrets.add(urlPassword);
    }
    try {
      if (isHttp()) {
        secrets.add(token());
      }
    } catch (StatusException e) {
      // no readable token: nothing of it to redact
    }
    return secrets;
  }

  // -- ssh -------------------------------------------------------------------------------------

  private SshSessionFactory sshSessionFactory() {
    SshSessionFactory factory = sshSessionFactory;
    if (factory == null) {
      synchronized (this) {
        factory = sshSessionFactory;
        if (factory == null) {
          factory = buildSshSessionFactory();
          sshSessionFactory = factory;
        }
      }
    }
    return factory;
  }

  private SshSessionFactory buildSshSessionFactory() {
    File homeDir = home.toFile();
    File sshDir = new File(homeDir, ".ssh");
    Path userKnownHosts = sshDir.toPath().resolve("known_hosts");
    boolean strict = Files.isRegularFile(userKnownHosts);
    Path knownHosts = strict ? userKnownHosts : dataDir.resolve("ssh").resolve("known_hosts");
    if (!strict) {
      try {
        Files.createDirectories(knownHosts.getParent());
        if (!Files.exists(knownHosts)) {
          Files.createFile(knownHosts);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + knownHosts, e);
      }
      LOG.warn(
          "no {}: accepting the host key of {} on first use and remembering it in {}",
          userKnownHosts,
          uri.getHost(),
          knownHosts);
    }
    Map<String, String> options =
        Map.of(
            SshConstants.STRICT_HOST_KEY_CHECKING,
            strict ? "yes" : "accept-new",
            SshConstants.USER_KNOWN_HOSTS_FILE,
            knownHosts.toString(),
            SshConstants.BATCH_MODE,
            "yes");
    List<Path> identities = sshKeyFile == null ? List.of() : List.of(sshKeyFile);
    if (sshKeyFile == null) {
      LOG.warn(
          "ssh remote {} but no --api-git-ssh-key-file: using default keys of {}", url, sshDir);
    }
    SshdSessionFactoryBuilder builder =
        new SshdSessionFactoryBuilder()
            .setHomeDirectory(homeDir)
            .setSshDirectory(sshDir)
            .setPreferredAuthentications("publickey")
            .setDefaultKnownHostsFiles(dir -> List.of(knownHosts))
            .setConfigStoreFactory((h, configFile, localUser) -> new FixedSshConfig(options));
    if (!identities.isEmpty()) {
      builder.setDefaultIdentities(dir -> identities);
    }
    return builder.build(new JGitKeyCache());
  }

  /** The same SSH options for every host: Cup talks to exactly one remote. */
  private record FixedSshConfig(Map<String, String> options) implements SshConfigStore {
    @Override
    public HostConfig lookup(String hostName, int port, String userName) {
      return config();
    }

    @Override
    public HostConfig lookupDefault(String hostName, int port, String userName) {
      return config();
    }

    private HostConfig config() {
      return new HostConfig() {
        @Override
        public String getValue(String key) {
          return find(key);
        }

        @Override
        public List<String> getValues(String key) {
          String value = find(key);
          return value == null ? List.of() : List.of(value);
        }

        @Override
        public Map<String, String> getOptions() {
          return options;
        }

        @Override
        public Map<String, List<String>> getMultiValuedOptions() {
          return Map.of();
        }

        private String find(String key) {
          for (Map.Entry<String, String> option : options.entrySet()) {
            if (option.getKey().equalsIgnoreCase(key)) {
              return option.getValue();
            }
          }
          return null;
        }
      };
    }
  }

  // -- url kinds -------------------------------------------------------------------------------

  private static boolean isHttp(URIish uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https");
  }

  private static boolean isSsh(URIish uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("ssh") || scheme.equals("git+ssh") || scheme.equals("ssh+git")) {
      return true;
    }
    // scp-like user@host:path
    return scheme.isEmpty() && uri.getHost() != null && !uri.getHost().isEmpty();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
