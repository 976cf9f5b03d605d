package io.cup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.cup.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls of the house (issue 14), kept by a test rather than by memory: what the HTTP layer may
 * not reach, that verticles talk over the bus and not to each other, and that packages form no
 * cycle. Each rule names the wall it keeps in its failure message.
 */
class ArchitectureTest {
  private static JavaClasses cup;

  @BeforeAll
  static void importCup() {
    cup =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.cup");
  }

  @Test
  void theApiReachesNeitherGitNorWasmNorTheProposalWorkers() {
    noClasses()
        .that()
        .resideInAPackage("io.cup.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.eclipse.jgit..",
            "com.dylibso..",
            "io.cup.git..",
            "io.cup.proposals..",
            "io.cup.wasm..")
        .because(
            "the API verticle answers HTTP on event loops and reaches Git, WASM and the"
                + " proposal workers over the event bus only")
        .check(cup);
  }

  @Test
  void noVerticleReferencesAnother() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Verticle")
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "are other verticles",
                (JavaClass target) ->
                    target.getSimpleName().endsWith("Verticle")
                        && target.getPackageName().startsWith("io.cup")))
        .because("verticles talk over the event bus, each owning its state")
        .check(cup);
  }

  @Test
  void packagesFormNoCycle() {
    slices()
        .matching("io.cup.(*)..")
        .should()
        .beFreeOfCycles()
        .because("a package cycle blurs which layer owns what")
        .check(cup);
  }

  /**
   * Blocking APIs an event-loop class must not call itself: file I/O, JGit, Chicory, sleeping and
   * waiting on a future or a latch. Work like that belongs in a class of its own that the
   * event-loop class hands to {@code executeBlocking} or to a worker verticle over the bus.
   */
  private static final List<String> BLOCKING_OWNERS =
      List.of(
          "java.nio.file.Files",
          "java.nio.channels.FileChannel",
          "java.io.FileInputStream",
          "java.io.FileOutputStream",
          "java.io.FileReader",
          "java.io.FileWriter",
          "java.io.RandomAccessFile",
          "java.util.concurrent.CountDownLatch",
          "java.util.concurrent.CompletableFuture");

  /** JGit's object ids are plain values (parsing and printing hex): no I/O, fine anywhere. */
  private static final Set<String> JGIT_VALUES =
      Set.of(
          "org.eclipse.jgit.lib.ObjectId",
          "org.eclipse.jgit.lib.AnyObjectId",
          "org.eclipse.jgit.lib.MutableObjectId");

  private static final DescribedPredicate<JavaCall<?>> BLOCKING_CALL =
      DescribedPredicate.describe(
          "a blocking API (file I/O, JGit, Chicory, Thread.sleep, waiting on a future or latch)",
          (JavaCall<?> call) -> {
            String owner = call.getTargetOwner().getFullName();
            String name = call.getName();
            return BLOCKING_OWNERS.stream()
                    .anyMatch(
                        blocking ->
                            owner.equals(blocking)
                                && (!blocking.startsWith("java.util.concurrent.")
                                    || name.equals("await")
                                    || name.equals("get")
                                    || name.equals("join")))
                || (owner.startsWith("org.eclipse.jgit.") && !JGIT_VALUES.contains(owner))
                || owner.startsWith("com.dylibso.")
                || (owner.equals("java.lang.Thread") && name.equals("sleep"))
                || (owner.equals("java.lang.Object") && name.equals("wait"))
                || (owner.equals("io.vertx.core.Future") && name.equals("await"))
                || (owner.equals("java.util.concurrent.Future") && name.equals("get"));
          });

  /**
   * The classes that run on event loops: the verticles whose deployment descriptor says {@code
   * "worker": false} and everything in the packages of the API verticle (its handlers). Read from
   * {@code verticles/*.json}, so a verticle moved onto an event loop is covered at once.
   */
  static DescribedPredicate<JavaClass> runOnEventLoops() throws IOException {
    Set<String> verticles = new TreeSet<>();
    Set<String> packages = new TreeSet<>(Set.of("io.cup.api"));
    try (Stream<Path> descriptors = Files.list(Path.of("verticles"))) {
      for (Path descriptor : descriptors.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonObject json = new JsonObject(Files.readString(descriptor, StandardCharsets.UTF_8));
        if (!json.getBoolean("worker", false)) {
          verticles.add(json.getString("class"));
        }
      }
    }
    assertThat(verticles).as("event-loop verticles in verticles/*.json").isNotEmpty();
    return DescribedPredicate.describe(
        "run on event loops (" + String.join(", ", verticles) + ", package io.cup.api)",
        (JavaClass c) ->
            verticles.contains(c.getName())
                || verticles.stream().anyMatch(v -> c.getName().startsWith(v + "$"))
                || packages.stream()
                    .anyMatch(
                        p ->
                            c.getPackageName().equals(p)
                                || c.getPackageName().startsWith(p + ".")));
  }

  static ArchRule noBlockingCallsFrom(DescribedPredicate<JavaClass> eventLoopClasses) {
    return noClasses()
        .that(eventLoopClasses)
        .should()
        .callCodeUnitWhere(BLOCKING_CALL)
        .because(
            "an event loop that blocks stalls every request on it; blocking work runs in"
                + " executeBlocking (in a class of its own) or in a worker verticle");
  }

  @Test
  void eventLoopClassesCallNoBlockingApi() throws IOException {
    noBlockingCallsFrom(runOnEventLoops()).check(cup);
  }

  @Test
  void theEventLoopRuleCatchesABlockingCall() {
    JavaClasses offender = new ClassFileImporter().importClasses(BlockingHandler.class);
    DescribedPredicate<JavaClass> it =
        DescribedPredicate.describe(
            "the offender", (JavaClass c) -> c.isEquivalentTo(BlockingHandler.class));
    assertThatThrownBy(() -> noBlockingCallsFrom(it).check(offender))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Files.readString")
        .hasMessageContaining("Thread.sleep");
  }

  /** A handler that blocks, for the test above: the rule must name both of its calls. */
  static final class BlockingHandler {
    String handle(Path file) throws IOException, InterruptedException {
      Thread.sleep(1);
      return Files.readString(file);
    }
  }

  @Test
  void onlyTheBuilderAndTheJsonReaderConstructAServerConfig() {
    noClasses()
        .that()
        .doNotBelongToAnyOf(ServerConfig.class)
        .should()
        .callConstructorWhere(
            DescribedPredicate.describe(
                "a constructor of ServerConfig",
                (JavaConstructorCall call) ->
                    call.getTarget().getOwner().isEquivalentTo(ServerConfig.class)))
        .because(
            "ServerConfig.builder() checks that the settings hold together; fromJson reads what"
                + " a built configuration wrote")
        .check(cup);
  }
}
