package io.cup.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cup.status.StatusException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  @TempDir Path dir;

  @Test
  void aTokenFromTheEnvironmentIsThePasswordOfXAccessToken() throws Exception {
    Credentials credentials =
        Credentials.forRemote("https://git.example.test/org/flags.git", null, () -> "env-token-1");

    assertThat(credentials.url()).isEqualTo("https://git.example.test/org/flags.git");
    assertThat(credentials.isHttp()).isTrue();
    assertThat(userAndPassword(credentials.credentialsProvider()))
        .containsExactly("x-access-token", "env-token-1");
  }

  @Test
  void aTokenFileWinsAndIsReadAgainEachTime() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "file-token-1\n");
    Credentials credentials =
        Credentials.forRemote(
            "https://bot@git.example.test/flags.git", tokenFile, () -> "env-token");

    assertThat(credentials.url()).isEqualTo("https://git.example.test/flags.git");
    assertThat(userAndPassword(credentials.credentialsProvider()))
        .containsExactly("bot", "file-token-1");
    Files.writeString(tokenFile, "file-token-2");
    assertThat(userAndPassword(credentials.credentialsProvider()))
        .containsExactly("bot", "file-token-2");
    assertThat(credentials.redact("denied for file-token-2 at x")).isEqualTo("denied for *** at x");
  }

  @Test
  void anUnreadableTokenFileSaysWhichFileButNoSecret() {
    Credentials credentials =
        Credentials.forRemote(
            "https://git.example.test/flags.git", dir.resolve("missing"), () -> null);
    assertThatThrownBy(credentials::credentialsProvider)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.getMessage()).contains(dir.resolve("missing").toString());
            });
  }

  @Test
  void userInfoInTheUrlIsUsedWithoutAToken() throws Exception {
    Credentials credentials =
        Credentials.forRemote("http://alice:pa55word@127.0.0.1:3000/flags.git", null, () -> "");

    assertThat(credentials.url()).isEqualTo("http://127.0.0.1:3000/flags.git");
    assertThat(userAndPassword(credentials.credentialsProvider()))
        .containsExactly("alice", "pa55word");
    assertThat(credentials.redact("auth failed: pa55word")).isEqualTo("auth failed: ***");
  }

  @Test
  void fileGitAndSshRemotesNeedNoPassword() {
    assertThat(
            Credentials.forRemote("file:///srv/flags.git", null, () -> "t").credentialsProvider())
        .isNull();
    assertThat(Credentials.forRemote("/srv/flags.git", null, () -> "t").credentialsProvider())
        .isNull();
    assertThat(
            Credentials.forRemote("git://127.0.0.1:9418/flags.git", null, () -> "t")
                .credentialsProvider())
        .isNull();
    Credentials ssh =
        Credentials.forRemote("ssh://git@git.example.test/flags.git", null, () -> "t");
    assertThat(ssh.isSsh()).isTrue();
    assertThat(ssh.credentialsProvider()).isNull();
    assertThat(ssh.url()).isEqualTo("ssh://git@git.example.test/flags.git");
    assertThat(Credentials.forRemote("git@git.example.test:org/flags.git", null, () -> "t").isSsh())
        .isTrue();
    assertThat(Credentials.forRemote("/srv/flags.git", null, () -> "t").isSsh()).isFalse();
  }

  private static String[] userAndPassword(CredentialsProvider provider) throws Exception {
    assertThat(provider).isNotNull();
    CredentialItem.Username user = new CredentialItem.Username();
    CredentialItem.Password password = new CredentialItem.Password();
    assertThat(provider.get(new URIish("https://git.example.test/x.git"), user, password)).isTrue();
    return new String[] {user.getValue(), new String(password.getValue())};
  }
}
