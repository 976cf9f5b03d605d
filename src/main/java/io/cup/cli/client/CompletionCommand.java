package io.cup.cli.client;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cup completion bash|zsh}: the shell completion script picocli generates from the command
 * tree; the same script serves zsh through bashcompinit. Use: {@code source <(cup completion
 * bash)}.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script: source <(cup completion bash).",
      "zsh: autoload -U +X bashcompinit && bashcompinit first."
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SHELL",
      defaultValue = "bash",
      description = "bash (default) or zsh.")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      spec.commandLine()
          .getErr()
          .println("error: unsupported shell \"" + shell + "\" (use bash or zsh)");
      return ClientException.USAGE;
    }
    String script = AutoComplete.bash("cup", spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
