package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.config.ServerConfig;
import io.cup.status.StatusException;
import io.cup.testing.TestConfigs;
import io.cup.testing.TestRepos;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code ssh://} remote: a real SSH server on 127.0.0.1 (Apache MINA sshd, which JGit's ssh
 * transport already brings) that runs {@code git-upload-pack} for the client and admits only the
 * configured key.
 */
@Timeout(60)
class SshRemoteTest {
  @TempDir Path dir;
  private SshServer server;
  private Path remote;
  private Path keyFile;
  private Path home;

  @BeforeEach
  void startServer() throws Exception {
    remote = TestRepos.createBare(dir.resolve("flags.git"), Map.of("a.json", "{}\n"));
    KeyPair client = ecKeyPair();
    keyFile = dir.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(keyFile)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "cup-test", null, out);
    }
    home = Files.createDirectories(dir.resolve("home"));

    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.ser")));
    server.setPublickeyAuthenticator(
        (user, key, session) ->
            "cup".equals(user) && KeyUtils.compareKeys(key, client.getPublic()));
    server.setPasswordAuthenticator(null);
    server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
    server.start();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.stop(true);
  }

  private ServerConfig config(Path key) {
    return TestConfigs.git(
            "ssh://cup@127.0.0.1:" + server.getPort() + remote.toAbsolutePath(),
            dir.resolve("data"))
        .pollInterval(Duration.ofMinutes(1))
        .gitSshKeyFile(key)
        .build();
  }

  @Test
  void clonesWithTheKeyAndRemembersTheNewHostKey() {
    ServerConfig cfg = config(keyFile);
    GitClone git = GitClone.create(cfg, Credentials.of(cfg, home));
    try {
      git.cloneOrOpen();

      assertThat(git.head()).isEqualTo(TestRepos.ref(remote, "refs/heads/main"));
      assertThat(git.remoteUrl()).startsWith("ssh://cup@127.0.0.1:");
      Path knownHosts = dir.resolve("data/ssh/known_hosts");
      assertThat(knownHosts).content().contains("[127.0.0.1]:" + server.getPort());
    } finally {
      git.close();
    }
  }

  @Test
  void aHostKeyThatDoesNotMatchKnownHostsIsRefused() throws Exception {
    Files.createDirectories(home.resolve(".ssh"));
    String otherHostKey = PublicKeyEntry.toString(ecKeyPair().getPublic());
    Files.writeString(
        home.resolve(".ssh/known_hosts"),
        "[127.0.0.1]:" + server.getPort() + " " + otherHostKey + "\n");
    ServerConfig cfg = config(keyFile);
    GitClone git = GitClone.create(cfg, Credentials.of(cfg, home));

    assertThatThrownBy(git::cloneOrOpen)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              // the reason is for the log, not for the client
              assertThat(e.logDetail()).contains("Server key did not validate");
              assertThat(e.getMessage()).doesNotContain("127.0.0.1");
            });
    assertThat(git.isOpen()).isFalse();
  }

  @Test
  void anotherKeyIsRefused() throws Exception {
    Path wrongKey = dir.resolve("id_other");
    try (OutputStream out = Files.newOutputStream(wrongKey)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(ecKeyPair(), "other", null, out);
    }
    ServerConfig cfg = config(wrongKey);
    GitClone git = GitClone.create(cfg, Credentials.of(cfg, home));

    assertThatThrownBy(git::cloneOrOpen)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.logDetail()).contains("Cannot log in");
            });
  }

  private static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }
}
