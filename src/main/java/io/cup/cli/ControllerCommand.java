package io.cup.cli;

import io.cup.bus.ChangeSet;
import io.cup.config.ByteSize;
import io.cup.config.ConfigurationException;
import io.cup.config.GoDuration;
import io.cup.git.ChangeSetDiff;
import io.cup.git.RevisionView;
import io.cup.git.UnifiedDiff;
import io.cup.oci.ImagePuller;
import io.cup.oci.ImageReference;
import io.cup.oci.RegistryException;
import io.cup.status.StatusException;
import io.cup.wasm.GuestCall;
import io.cup.wasm.GuestResult;
import io.cup.wasm.WasmLimits;
import io.cup.wasm.WasmModule;
import io.cup.wasm.WasmRunner;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cup controller test}: runs one call of a WASM controller module locally, under the same
 * engine, sandbox and limits as the server, over a local repository, and prints what the guest
 * answered and the files a put or delete would change. Nothing is written anywhere; no server is
 * started. See docs/controllers.md.
 */
@Command(
    name = "controller",
    description = "Work with controller modules locally.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n")
final class ControllerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  private ControllerCommand() {}

  /** The {@code controller} command with its subcommands; relative paths resolve in workDir. */
  static CommandLine create(Path workDir) {
    CommandLine line = new CommandLine(new ControllerCommand());
    line.addSubcommand(new TestCommand(workDir));
    line.addSubcommand(new ControllerImageCommands.PushCommand(workDir));
    line.addSubcommand(new ControllerImageCommands.InspectCommand(workDir));
    return line;
  }

  /** {@code cup controller} alone: say what to run, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println("cup controller: missing command (try: cup controller test, push or inspect)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.USAGE;
  }

  /** Exit codes: 0 the guest exited 0; 1 the module did not load or the call failed; 2 usage. */
  @Command(
      name = "test",
      description = {
        "Run one call of a WASM controller module over a local repository, as the server would,"
            + " and print the exit code, duration, stdout, stderr and (put, delete) the diff of"
            + " the files it would change. Nothing is written.",
        "Exit status: 0 the guest exited 0, 1 it failed (or the module does not load), 2 usage."
      },
      sortOptions = false)
  static final class TestCommand implements Callable<Integer> {
    private final Path workDir;

    @Spec CommandSpec spec;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;

    @Parameters(
        index = "0",
        paramLabel = "MODULE",
        description =
            "The controller's .wasm file, or an OCI reference (registry/repository:tag or"
                + " @sha256:…) to pull it from.")
    String module;

    @Mixin ControllerImageCommands.RegistryOptions registry;

    @Parameters(index = "1", paramLabel = "OPERATION", description = "get, list, put or delete.")
    String operation;

    @Parameters(index = "2", paramLabel = "KIND", description = "The resource kind, e.g. Flag.")
    String kind;

    @Parameters(index = "3", paramLabel = "NAMESPACE", description = "The namespace.")
    String namespace;

    @Parameters(
        index = "4..*",
        arity = "0..*",
        paramLabel = "NAME|K=V",
        description =
            "get, delete: the name; put: the name (default: the resource's metadata.name);"
                + " list: label selectors k=v.")
    List<String> arguments = new ArrayList<>();

    @Option(
        names = "--repo",
        required = true,
        paramLabel = "DIR",
        description =
            "The repository: a Git repository (bare, or with .git/), read at --revision; or a"
                + " plain directory, read as it is.")
    Path repo;

    @Option(
        names = "--revision",
        paramLabel = "REV",
        description = "Commit, branch or tag of a Git --repo (default: HEAD).")
    String revision;

    @Option(
        names = {"-f", "--filename"},
        paramLabel = "FILE",
        description = "put: the resource as JSON, or - for standard input.")
    String resourceFile;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description =
            "The controller's name (metadata.name of its Controller): the guest's argv[0] and the"
                + " name in messages, as under the server (default: the module's file name"
                + " without .wasm).")
    String name;

    @Option(
        names = "--interpreter",
        description = "Run the module in Chicory's interpreter instead of compiling it.")
    boolean interpreter;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "5s",
        description = "Wall-time limit of the call (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(
        names = "--memory",
        paramLabel = "SIZE",
        defaultValue = "64MiB",
        description = "Linear-memory limit (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(
        names = "--output",
        paramLabel = "SIZE",
        defaultValue = "16MiB",
        description = "Limit on stdout and stderr together (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(
        names = {"-o", "--format"},
        paramLabel = "FORMAT",
        defaultValue = "text",
        description = "text (default) or json.")
    String format;

    TestCommand(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    @Override
    public Integer call() {
      GuestCall.Operation op = operation();
      WasmLimits limits = limits();
      boolean json = format();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      byte[] resource = op == GuestCall.Operation.PUT ? resource() : null;
      GuestCall guestCall = guestCall(op, resource);
      Path modulePath = workDir.resolve(module).normalize();
      String shown = modulePath.toString();
      String defaultName = WasmModule.defaultName(modulePath);
      Path pulledInto = null;
      if (!Files.exists(modulePath) && module.contains("/") && looksLikeReference(module)) {
        ImageReference ref = ControllerImageCommands.reference(spec, module);
        defaultName = ref.repository().substring(ref.repository().lastIndexOf('/') + 1);
        try {
          pulledInto = Files.createTempDirectory("cup-controller-");
          ImagePuller.PulledModule pulled =
              ControllerImageCommands.pull(
                  registry, workDir, ref, name != null ? name : defaultName, pulledInto);
          modulePath = pulled.file();
          shown = pulled.reference().toString();
        } catch (RegistryException e) {
          err.println("cup controller test: " + e.getMessage());
          deleteTree(pulledInto);
          return 1;
        } catch (Exception e) {
          err.println("cup controller test: cannot pull " + ref + ": " + e.getMessage());
          deleteTree(pulledInto);
          return 1;
        }
      }
      try {
        return run(op, limits, json, out, err, guestCall, modulePath, shown, defaultName);
      } finally {
        deleteTree(pulledInto);
      }
    }

    /** Whether {@code text} parses as an OCI reference (a module path that is not a file). */
    private static boolean looksLikeReference(String text) {
      try {
        ImageReference.parse(text);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private static void deleteTree(Path dir) {
      if (dir == null) {
        return;
      }
      try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind is harmless
      }
    }

    private int run(
        GuestCall.Operation op,
        WasmLimits limits,
        boolean json,
        PrintWriter out,
        PrintWriter err,
        GuestCall guestCall,
        Path modulePath,
        String shown,
        String defaultName) {
      try (LocalRepository repository = open()) {
        WasmModule loaded;
        try {
          String controller = name != null ? name : defaultName;
          loaded =
              WasmModule.load(
                  controller,
                  modulePath,
                  interpreter ? WasmModule.Execution.INTERPRETED : WasmModule.Execution.COMPILED);
        } catch (ConfigurationException e) {
          err.println("cup controller test: " + e.getMessage());
          return 1;
        }
        RevisionView view = repository.view();
        CallReport.Call call =
            new CallReport.Call(
                shown,
                loaded.execution().name().toLowerCase(Locale.ROOT),
                guestCall.argv(loaded.name()),
                repository.dir().toString(),
                view.commit());
        WasmRunner runner = new WasmRunner(loaded, loaded.name(), limits);
        long started = System.nanoTime();
        GuestResult result;
        try {
          result = runner.run(view, guestCall);
        } catch (StatusException e) {
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          CallReport.failed(out, err, json, call, e, took);
          return 1;
        }
        String diff =
            op.writes()
                ? ChangeSetDiff.of(
                    view, new ChangeSet(view.commit(), result.changes()), UnifiedDiff.DEFAULT_LIMIT)
                : null;
        CallReport.succeeded(out, json, call, op, result, diff);
        return 0;
      }
    }

    private GuestCall.Operation operation() {
      if (name != null && name.isBlank()) {
        throw usage("--name must not be empty");
      }
      for (GuestCall.Operation op : GuestCall.Operation.values()) {
        if (op.word().equals(operation)) {
          return op;
        }
      }
      throw usage("unknown operation \"" + operation + "\" (get, list, put or delete)");
    }

    private GuestCall guestCall(GuestCall.Operation op, byte[] resource) {
      if (op != GuestCall.Operation.PUT && resourceFile != null) {
        throw usage("-f is for put only");
      }
      switch (op) {
        case GET, DELETE -> {
          if (arguments.size() != 1) {
            throw usage(op.word() + " takes one NAME after the namespace");
          }
          return new GuestCall(op, kind, namespace, arguments, null);
        }
        case LIST -> {
          for (String selector : arguments) {
            if (selector.indexOf('=') < 1) {
              throw usage("list takes label selectors k=v after the namespace, not " + selector);
            }
          }
          return new GuestCall(op, kind, namespace, arguments, null);
        }
        default -> {
          if (arguments.size() > 1) {
            throw usage("put takes at most one NAME after the namespace");
          }
          String name = arguments.isEmpty() ? null : arguments.get(0);
          JsonObject body = resourceObject(resource, name);
          return GuestCall.put(
              kind,
              namespace,
              body.getJsonObject("metadata").getString("name"),
              body.encode().getBytes(StandardCharsets.UTF_8));
        }
      }
    }

    /**
     * The resource as the server hands it to a controller: a JSON object whose kind, name and
     * namespace match the call (a missing namespace is the call's), without the server's {@code
     * metadata.resourceVersion}.
     */
    private JsonObject resourceObject(byte[] bytes, String name) {
      JsonObject body;
      try {
        body = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      } catch (DecodeException | ClassCastException e) {
        throw usage(source() + " is not a JSON object: " + e.getMessage());
      }
      Object givenKind = body.getValue("kind");
      if (givenKind != null && !kind.equals(givenKind)) {
        throw usage(source() + ": kind " + givenKind + " does not match " + kind);
      }
      if (!(body.getValue("metadata") instanceof JsonObject metadata)) {
        throw usage(source() + ": metadata must be an object with a name");
      }
      Object givenName = metadata.getValue("name");
      if (name == null && !(givenName instanceof String s && !s.isEmpty())) {
        throw usage(source() + " has no metadata.name: give the NAME after the namespace");
      }
      if (name != null && givenName != null && !name.equals(givenName)) {
        throw usage(source() + ": metadata.name " + givenName + " does not match " + name);
      }
      Object givenNamespace = metadata.getValue("namespace");
      if (givenNamespace != null
          && !"".equals(givenNamespace)
          && !namespace.equals(givenNamespace)) {
        throw usage(
            source() + ": metadata.namespace " + givenNamespace + " does not match " + namespace);
      }
      metadata.put("name", name != null ? name : givenName);
      metadata.put("namespace", namespace);
      metadata.remove("resourceVersion");
      return body;
    }

    private byte[] resource() {
      if (resourceFile == null) {
        throw usage("put needs the resource: -f FILE, or -f - for standard input");
      }
      try {
        return resourceFile.equals("-")
            ? System.in.readAllBytes()
            : Files.readAllBytes(workDir.resolve(resourceFile));
      } catch (IOException e) {
        throw usage("cannot read " + source() + ": " + e);
      }
    }

    private String source() {
      return resourceFile.equals("-") ? "standard input" : resourceFile;
    }

    private LocalRepository open() {
      try {
        return LocalRepository.open(workDir.resolve(repo).normalize(), revision);
      } catch (LocalRepository.Unusable e) {
        throw usage(e.getMessage());
      }
    }

    private WasmLimits limits() {
      Duration wallTime;
      long memoryBytes;
      long outputBytes;
      try {
        wallTime = GoDuration.parse(timeout);
      } catch (IllegalArgumentException e) {
        throw usage("--timeout: " + e.getMessage());
      }
      try {
        memoryBytes = ByteSize.parse(memory);
      } catch (IllegalArgumentException e) {
        throw usage("--memory: " + e.getMessage());
      }
      try {
        outputBytes = ByteSize.parse(output);
      } catch (IllegalArgumentException e) {
        throw usage("--output: " + e.getMessage());
      }
      try {
        return new WasmLimits(wallTime, memoryBytes, outputBytes);
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }

    private boolean format() {
      return switch (format) {
        case "text" -> false;
        case "json" -> true;
        default -> throw usage("-o: unknown format \"" + format + "\" (text or json)");
      };
    }

    private ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }
  }
}
