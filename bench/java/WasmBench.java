// The Chicory side of bench/wasm, run as a single-file source program against Cup's jar:
//
//   java -cp target/cup.jar bench/java/WasmBench.java --wasm controllers/flipt/flipt.wasm \
//     --fixtures DIR --out FILE [--warmup 200] [--count 100] [--slow-warmup 30] [--slow-count 30]
//
// Everything goes through Cup's engine as the server uses it: io.cup.wasm.WasmModule.load (once
// per execution mode) and io.cup.wasm.WasmRunner.run, which instantiates the module afresh for
// every call, over an io.cup.git.GitRevisionView of a bare repository written by
// bench/gen-wasm-fixtures.py. See bench/README.md, "WASM benchmark".
//
// Timed per call: GitRevisionView.of(repository, commit) + WasmRunner.run (instantiation, the
// guest's run, the captured change set of a put). Not timed: the checks of every answer (a list
// must hold the fixture's Flags, all parsed, in order; a put must change exactly
// default/features.yml, into exactly the expected text; the trivial calls must print nothing).
// A wrong answer ends the program with exit 1 before any result is written.

import io.cup.bus.FileChange;
import io.cup.git.GitRevisionView;
import io.cup.wasm.GuestCall;
import io.cup.wasm.GuestResult;
import io.cup.wasm.WasmLimits;
import io.cup.wasm.WasmModule;
import io.cup.wasm.WasmRunner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

public class WasmBench {
  /** A measured operation: one call, timed, its answer checked; returns nanoseconds. */
  interface Op {
    long call() throws Exception;
  }

  static final class WrongAnswer extends RuntimeException {
    WrongAnswer(String message) {
      super(message);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  /**
   * The smallest WASI command module: {@code (module (memory (export "memory") 1) (func (export
   * "_start")))} — what instantiating costs with nothing to initialise and nothing to run.
   */
  private static final byte[] MINIMAL = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
    0x03, 0x02, 0x01, 0x00, // function 0 has type 0
    0x05, 0x03, 0x01, 0x00, 0x01, // memory: 1 page
    0x07, 0x13, 0x02, // exports: 2
    0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, // "memory" = memory 0
    0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x00, // "_start" = function 0
    0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b // code: function 0 = end
  };

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    if ("per-file".equals(o.get("mode"))) {
      perFile(o);
      return;
    }
    Path wasm = Path.of(o.get("wasm"));
    Path fixtures = Path.of(o.get("fixtures"));
    Path out = Path.of(o.get("out"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "200"));
    int count = Integer.parseInt(o.getOrDefault("count", "100"));
    int slowWarmup = Integer.parseInt(o.getOrDefault("slow-warmup", "30"));
    int slowCount = Integer.parseInt(o.getOrDefault("slow-count", "30"));
    int block = Integer.parseInt(o.getOrDefault("block", "10"));

    JsonObject fx = new JsonObject(Files.readString(fixtures.resolve("fixtures.json")));
    String ns = fx.getString("namespace");
    String features = fx.getString("features");
    int flags = fx.getInteger("flags");
    String putFlag = fx.getString("put_flag");
    byte[] putBody = Files.readAllBytes(fixtures.resolve("put-flag.json"));
    byte[] expected = Files.readAllBytes(fixtures.resolve("expected-put.yml"));
    Repository small = open(fixtures.resolve("repos/small.git"));
    Repository large = open(fixtures.resolve("repos/large.git"));
    ObjectId smallCommit = ObjectId.fromString(fx.getJsonObject("commits").getString("small"));
    ObjectId largeCommit = ObjectId.fromString(fx.getJsonObject("commits").getString("large"));
    Path minimalFile = Files.createTempFile("cup-bench-minimal-", ".wasm");
    Files.write(minimalFile, MINIMAL);

    JsonObject result = new JsonObject();
    result.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
    result.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);

    // load: parse + validate (+ compile to JVM bytecode), once per mode, as at configuration load
    long t0 = System.nanoTime();
    WasmModule compiled = WasmModule.load("flipt", wasm, WasmModule.Execution.COMPILED);
    long compiledLoad = System.nanoTime() - t0;
    t0 = System.nanoTime();
    WasmModule interpreted = WasmModule.load("flipt", wasm, WasmModule.Execution.INTERPRETED);
    long interpretedLoad = System.nanoTime() - t0;
    if (compiled.execution() != WasmModule.Execution.COMPILED) {
      throw new WrongAnswer("flipt.wasm did not compile to JVM bytecode: " + compiled.execution());
    }
    WasmModule minimalCompiled =
        WasmModule.load("minimal", minimalFile, WasmModule.Execution.COMPILED);
    WasmModule minimalInterpreted =
        WasmModule.load("minimal", minimalFile, WasmModule.Execution.INTERPRETED);
    Files.delete(minimalFile);
    result.put(
        "load_ms",
        new JsonObject()
            .put("compiled", compiledLoad / 1e6)
            .put("interpreted", interpretedLoad / 1e6));

    // the default memory and output limits; a wall time of 60 s instead of 5 s, as the
    // interpreter's first calls in a cold JVM on a busy machine may take more than 5 s
    WasmLimits limits =
        new WasmLimits(
            Duration.ofSeconds(60),
            WasmLimits.DEFAULT_MEMORY_BYTES,
            WasmLimits.DEFAULT_OUTPUT_BYTES);
    WasmRunner fc = new WasmRunner(compiled, "flipt", limits);
    WasmRunner fi = new WasmRunner(interpreted, "flipt", limits);
    WasmRunner mc = new WasmRunner(minimalCompiled, "minimal", limits);
    WasmRunner mi = new WasmRunner(minimalInterpreted, "minimal", limits);
    GitRevisionView smallView = GitRevisionView.of(small, smallCommit);

    GuestCall list = GuestCall.list("Flag", ns, Map.of());
    GuestCall put = GuestCall.put("Flag", ns, putFlag, putBody);
    GuestCall nowhere = GuestCall.list("Flag", "nowhere", Map.of());

    Map<String, Op> fast = new LinkedHashMap<>();
    fast.put(
        "compiled list",
        () -> timed(() -> checkList(fc.run(GitRevisionView.of(small, smallCommit), list), flags)));
    fast.put(
        "compiled put",
        () ->
            timed(
                () ->
                    checkPut(
                        fc.run(GitRevisionView.of(small, smallCommit), put), features, expected)));
    fast.put(
        "compiled put large",
        () ->
            timed(
                () ->
                    checkPut(
                        fc.run(GitRevisionView.of(large, largeCommit), put), features, expected)));
    fast.put("compiled trivial", () -> timed(() -> checkEmpty(fc.run(smallView, nowhere))));
    fast.put("compiled minimal", () -> timed(() -> checkEmpty(mc.run(smallView, nowhere))));
    fast.put("interpreted trivial", () -> timed(() -> checkEmpty(fi.run(smallView, nowhere))));
    fast.put("interpreted minimal", () -> timed(() -> checkEmpty(mi.run(smallView, nowhere))));

    Map<String, Op> slow = new LinkedHashMap<>();
    slow.put(
        "interpreted list",
        () -> timed(() -> checkList(fi.run(GitRevisionView.of(small, smallCommit), list), flags)));
    slow.put(
        "interpreted put",
        () ->
            timed(
                () ->
                    checkPut(
                        fi.run(GitRevisionView.of(small, smallCommit), put), features, expected)));

    JsonObject samples = new JsonObject();
    JsonObject warmups = new JsonObject();
    try {
      measure(fast, warmup, count, block, samples, warmups);
      measure(slow, slowWarmup, slowCount, block, samples, warmups);
    } catch (WrongAnswer e) {
      System.err.println("WasmBench: wrong answer: " + e.getMessage());
      System.exit(1);
    }
    result.put("warmup", warmup).put("count", count);
    result.put("slow_warmup", slowWarmup).put("slow_count", slowCount).put("block", block);
    result.put("warmup_seconds", warmups);
    result.put("samples_ms", samples);
    result.put("files", new JsonObject().put("small", fx.getInteger("small_files")));
    Files.writeString(out, result.encode());
    small.close();
    large.close();
  }

  /**
   * {@code --mode per-file}: controllers/per-file/per-file.wasm (--wasm) over the per-file
   * repository of the fixtures, the engine-level counterpart of wasm-node.mjs --mode per-file (same
   * calls, same checks): {@code get Widget default <one>}, {@code list Widget default} (1,000 files
   * in one directory), {@code list Widget big}. Per call, timed: a view of the commit + WasmRunner.run,
   * as the server's controller does for a read at a commit. The view is made as the server's clone
   * makes it (GitRevisions: GitRevisionView.of over the clone's shared, bounded ObjectCache, so a
   * directory's tree is parsed once, not per request — Node's file system has its kernel caches
   * warm too); those two are package-private, so they are reached by reflection, which works
   * against the jars before and after this mode was added. {@code get-own-cache} is the same get
   * over GitRevisionView.of(repository, commit), a view with its own cache (everything read afresh
   * per call but JGit's caches). Default limits (5 s, 64 MiB, 16 MiB).
   */
  private static void perFile(Map<String, String> o) throws Exception {
    Path wasm = Path.of(o.get("wasm"));
    Path fixtures = Path.of(o.get("fixtures"));
    Path out = Path.of(o.get("out"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "200"));
    int count = Integer.parseInt(o.getOrDefault("count", "100"));
    int block = Integer.parseInt(o.getOrDefault("block", "10"));
    String only = o.getOrDefault("ops", "get,get-own-cache,list,big");
    JsonObject pf =
        new JsonObject(Files.readString(fixtures.resolve("fixtures.json")))
            .getJsonObject("per_file");
    Repository repo = open(fixtures.resolve("per-file/repos/per-file.git"));
    ObjectId commit = ObjectId.fromString(pf.getString("commit"));
    String one = pf.getString("get");
    long t0 = System.nanoTime();
    WasmModule module = WasmModule.load("per-file", wasm, WasmModule.Execution.COMPILED);
    long load = System.nanoTime() - t0;
    if (module.execution() != WasmModule.Execution.COMPILED) {
      throw new WrongAnswer("per-file.wasm did not compile to JVM bytecode");
    }
    WasmRunner runner = new WasmRunner(module, "per-file", WasmLimits.DEFAULTS);
    java.util.function.Supplier<GitRevisionView> views = sharedViews(repo, commit);
    GuestCall get = GuestCall.get("Widget", "default", one);
    GuestCall list = GuestCall.list("Widget", "default", Map.of());
    GuestCall big = GuestCall.list("Widget", "big", Map.of());
    Map<String, Op> ops = new LinkedHashMap<>();
    Map<String, Op> all = new LinkedHashMap<>();
    all.put("get", () -> timed(() -> checkGet(runner.run(views.get(), get), one)));
    all.put(
        "get-own-cache",
        () -> timed(() -> checkGet(runner.run(GitRevisionView.of(repo, commit), get), one)));
    all.put(
        "list",
        () ->
            timed(() -> checkStream(runner.run(views.get(), list), pf.getInteger("widgets"))));
    all.put(
        "big",
        () ->
            timed(() -> checkStream(runner.run(views.get(), big), pf.getInteger("big_widgets"))));
    for (String name : only.split(",")) {
      ops.put(name, all.get(name));
    }
    JsonObject samples = new JsonObject();
    JsonObject warmups = new JsonObject();
    try {
      measure(ops, warmup, count, block, samples, warmups);
    } catch (WrongAnswer e) {
      System.err.println("WasmBench: wrong answer: " + e.getMessage());
      System.exit(1);
    }
    JsonObject result =
        new JsonObject()
            .put("java", System.getProperty("java.vm.name") + " " + Runtime.version())
            .put("mode", "per-file")
            .put("load_ms", load / 1e6)
            .put("warmup", warmup)
            .put("count", count)
            .put("block", block)
            .put("warmup_seconds", warmups)
            .put("samples_ms", samples);
    Files.writeString(out, result.encode());
    repo.close();
  }

  /** Views of {@code commit} sharing one clone-wide ObjectCache, as GitRevisions makes them. */
  private static java.util.function.Supplier<GitRevisionView> sharedViews(
      Repository repo, ObjectId commit) throws Exception {
    Class<?> cacheType = Class.forName("io.cup.git.ObjectCache");
    var shared = cacheType.getDeclaredMethod("shared", long.class);
    shared.setAccessible(true);
    var bytes = cacheType.getDeclaredField("DEFAULT_SHARED_BYTES");
    bytes.setAccessible(true);
    Object cache = shared.invoke(null, bytes.getLong(null));
    var of =
        GitRevisionView.class.getDeclaredMethod(
            "of", Repository.class, ObjectId.class, cacheType);
    of.setAccessible(true);
    return () -> {
      try {
        return (GitRevisionView) of.invoke(null, repo, commit, cache);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static Checked checkGet(GuestResult r, String name) {
    return () -> {
      String got = new JsonObject(r.stdoutText()).getJsonObject("metadata").getString("name");
      if (r.exitCode() != 0 || !name.equals(got)) {
        throw new WrongAnswer("get " + name + " answered " + got);
      }
    };
  }

  /** A per-file list: {@code expected} JSON objects one after another, names in order. */
  private static Checked checkStream(GuestResult r, int expected) {
    return () -> {
      List<String> names = new ArrayList<>();
      var parser = io.vertx.core.parsetools.JsonParser.newParser().objectValueMode();
      parser.handler(
          event -> names.add(event.objectValue().getJsonObject("metadata").getString("name")));
      parser.handle(io.vertx.core.buffer.Buffer.buffer(r.stdout()));
      parser.end();
      if (names.size() != expected) {
        throw new WrongAnswer("list printed " + names.size() + " resources, not " + expected);
      }
      for (int i = 1; i < names.size(); i++) {
        if (names.get(i - 1).compareTo(names.get(i)) >= 0) {
          throw new WrongAnswer("list: names not in order at " + names.get(i));
        }
      }
    };
  }

  private static Repository open(Path gitDir) throws Exception {
    return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
  }

  /**
   * Warms every operation up, then measures them in blocks of {@code block} calls, the operations
   * taking turns, so that a slow spell of the machine hits all of them alike.
   */
  private static void measure(
      Map<String, Op> ops, int warmup, int count, int block, JsonObject samples, JsonObject warm)
      throws Exception {
    for (var op : ops.entrySet()) {
      long started = System.nanoTime();
      for (int i = 0; i < warmup; i++) {
        op.getValue().call();
      }
      warm.put(op.getKey(), (System.nanoTime() - started) / 1e9);
    }
    Map<String, List<Double>> got = new LinkedHashMap<>();
    ops.keySet().forEach(k -> got.put(k, new ArrayList<>()));
    for (int done = 0; done < count; done += block) {
      for (var op : ops.entrySet()) {
        for (int i = 0; i < Math.min(block, count - done); i++) {
          got.get(op.getKey()).add(op.getValue().call() / 1e6);
        }
      }
    }
    got.forEach((k, v) -> samples.put(k, new JsonArray(new ArrayList<Object>(v))));
  }

  /** Times {@code call} (the run), then checks its answer untimed. */
  private static long timed(Call call) {
    long started = System.nanoTime();
    Checked checked = call.run();
    long nanos = System.nanoTime() - started;
    checked.check();
    return nanos;
  }

  interface Call {
    Checked run();
  }

  interface Checked {
    void check();
  }

  private static Checked checkList(GuestResult r, int flags) {
    return () -> {
      String[] lines = r.stdoutText().split("\n");
      if (lines.length != flags) {
        throw new WrongAnswer("list printed " + lines.length + " lines, not " + flags);
      }
      for (int i = 0; i < lines.length; i++) {
        JsonObject flag = new JsonObject(lines[i]);
        String name = flag.getJsonObject("metadata").getString("name");
        if (!"Flag".equals(flag.getString("kind"))
            || !name.equals(String.format("flag-%05d", i))) {
          throw new WrongAnswer("list line " + (i + 1) + " is " + lines[i]);
        }
      }
      if (!r.changes().isEmpty()) {
        throw new WrongAnswer("list changed files: " + r.changes());
      }
    };
  }

  private static Checked checkPut(GuestResult r, String path, byte[] expected) {
    return () -> {
      List<FileChange> changes = r.changes();
      if (changes.size() != 1
          || !changes.get(0).path().equals(path)
          || changes.get(0).isDelete()
          || !Arrays.equals(changes.get(0).content(), expected)) {
        throw new WrongAnswer(
            "put did not change exactly "
                + path
                + " into expected-put.yml: "
                + changes.stream().map(FileChange::path).toList());
      }
      if (r.stdout().length != 0) {
        throw new WrongAnswer("put printed " + r.stdoutText());
      }
    };
  }

  private static Checked checkEmpty(GuestResult r) {
    return () -> {
      if (r.exitCode() != 0 || r.stdout().length != 0 || !r.changes().isEmpty()) {
        throw new WrongAnswer(
            "expected no output, got exit "
                + r.exitCode()
                + ": "
                + new String(r.stdout(), StandardCharsets.UTF_8));
      }
    };
  }
}
