package io.cup.cli.client;

import io.cup.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the {@code cup} command line in-process, as {@code java -jar cup.jar ARGS} would. */
final class Cup {
  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private final Map<String, String> env;
  private final Path workDir;
  private final List<String> before;

  /**
   * @param before arguments put before every command (such as {@code -a URL})
   */
  Cup(Map<String, String> env, Path workDir, String... before) {
    this.env = env;
    this.workDir = workDir;
    this.before = List.of(before);
  }

  Result run(String... args) {
    return runWithStdin(null, args);
  }

  /** Runs with {@code stdin} as standard input ({@code System.in} is restored after). */
  Result runWithStdin(String stdin, String... args) {
    List<String> all = new ArrayList<>(before);
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    InputStream original = System.in;
    synchronized (Cup.class) {
      if (stdin != null) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      }
      try {
        int code =
            Main.run(
                all.toArray(String[]::new),
                env,
                workDir,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
            code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
      } finally {
        System.setIn(original);
      }
    }
  }
}
