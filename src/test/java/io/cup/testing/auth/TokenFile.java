package io.cup.testing.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A static token file as the server reads it ({@code --api-token-auth-file}, Kubernetes' {@code
 * --token-auth-file}): a header comment, then one {@code token,user,uid[,groups]} line per user
 * (several groups quoted: {@code "devs,testers"}).
 */
public final class TokenFile {
  private TokenFile() {}

  /** Writes {@code users} (one {@code token,user,uid[,groups]} line each) to {@code file}. */
  public static Path write(Path file, String... users) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# token,user,uid,groups");
    lines.addAll(List.of(users));
    lines.add("");
    return Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
  }
}
