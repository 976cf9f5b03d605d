package io.cup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.cup.bus.BusMessage;
import io.cup.config.ServerConfig;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls of the house (issue 14), kept by a test rather than by memory: what the HTTP layer may
 * not reach, that verticles talk over the bus and not to each other, that packages form no cycle,
 * and that no state hides in a static field. Each rule names the wall it keeps in its failure
 * message.
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
        .hasMessageContaining("Future.get");
  }

  /**
   * A handler that blocks, for the test above (imported, never run): the rule must name both of its
   * calls, waiting on a future and reading a file.
   */
  static final class BlockingHandler {
    String handle(java.util.concurrent.Future<Path> file) throws Exception {
      return Files.readString(file.get());
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

  /**
   * State that verticles share has one owner, handed in at deployment (the launcher's {@code
   * ServerState}), never a static field that every server in the JVM sees. Outside {@code
   * io.cup.launcher} (and test code, which is not imported), a static field is refused when it is
   *
   * <ul>
   *   <li>not final;
   *   <li>an atomic ({@code java.util.concurrent.atomic}) or a cache (Caffeine, Guava): mutable by
   *       nature;
   *   <li>a {@code Map} or {@code Collection} that its static initializer builds mutable: a
   *       constructor of a map or collection class, or {@code Collections.synchronized…} / {@code
   *       newSetFromMap}, called while initializing that field.
   * </ul>
   *
   * <p>Allowed: final fields of immutable values ({@code List.of}, {@code Map.copyOf}, records,
   * patterns, loggers, Jackson mappers), maps and collections a static method builds (they are
   * expected to return them immutable), and the process's metrics, which {@code /metrics} renders
   * for the whole process: the Micrometer registry, meters, and the atomics that hold a gauge's
   * value in a {@code …Metrics} class. {@link #MEMOS} names the few memos of values computed from
   * constants only, which carry nothing from one verticle to another.
   */
  @Test
  void noStateHidesInAStaticField() {
    fields()
        .that()
        .areStatic()
        .and()
        .areDeclaredInClassesThat()
        .resideOutsideOfPackage("io.cup.launcher..")
        .and(
            DescribedPredicate.describe(
                "are not a memo of constant-derived values",
                (JavaField field) -> !MEMOS.contains(field.getFullName())))
        .should(notHoldMutableState())
        .because(
            "state shared by verticles has one owner, made by the launcher and passed in at"
                + " deployment (issue 14)")
        .check(cup);
  }

  /**
   * Memos of JSON Schema factories and meta-schemas: each value is computed from constants alone,
   * whichever verticle asks first, so sharing them carries no state between verticles.
   */
  private static final Set<String> MEMOS =
      Set.of("io.cup.config.SchemaCompiler.FACTORIES", "io.cup.config.SchemaCompiler.META_SCHEMAS");

  private static ArchCondition<JavaField> notHoldMutableState() {
    return new ArchCondition<>("hold no mutable state") {
      @Override
      public void check(JavaField field, ConditionEvents events) {
        String why = mutableState(field);
        if (why != null) {
          events.add(
              SimpleConditionEvent.violated(field, field.getFullName() + " is static and " + why));
        }
      }
    };
  }

  /** Why {@code field} (static) holds mutable state, or null when it does not. */
  private static String mutableState(JavaField field) {
    if (field.getName().startsWith("$") || field.getModifiers().contains(JavaModifier.SYNTHETIC)) {
      return null; // compiler-made: enum $VALUES, switch maps, assertion flags
    }
    if (!field.getModifiers().contains(JavaModifier.FINAL)) {
      return "not final";
    }
    JavaClass type = field.getRawType();
    if (type.getPackageName().equals("java.util.concurrent.atomic")
        && !field.getOwner().getSimpleName().endsWith("Metrics")) {
      return "an atomic";
    }
    if (type.isAssignableTo("com.github.benmanes.caffeine.cache.Cache")
        || type.isAssignableTo("com.google.common.cache.Cache")) {
      return "a cache";
    }
    if ((type.isAssignableTo(Map.class) || type.isAssignableTo(Collection.class))
        && buildsAMutableContainer(field)) {
      return "a map or collection its static initializer builds mutable";
    }
    return null;
  }

  /**
   * Whether the static initializer builds a mutable map or collection for {@code field}: among the
   * calls after the previous static field's assignment and up to {@code field}'s (by line, in
   * source order), a constructor of a map or collection class, or {@code Collections.synchronized…}
   * or {@code newSetFromMap}.
   */
  private static boolean buildsAMutableContainer(JavaField field) {
    JavaCodeUnit init = field.getOwner().getStaticInitializer().orElse(null);
    if (init == null) {
      return false;
    }
    List<JavaFieldAccess> sets =
        init.getFieldAccesses().stream()
            .filter(a -> a.getAccessType() == JavaFieldAccess.AccessType.SET)
            .filter(a -> a.getTargetOwner().equals(field.getOwner()))
            .toList();
    int to =
        sets.stream()
            .filter(a -> a.getTarget().getName().equals(field.getName()))
            .mapToInt(JavaFieldAccess::getLineNumber)
            .max()
            .orElse(-1);
    if (to < 0) {
      return false; // set in a static method, or a constant: nothing built here
    }
    int from =
        sets.stream()
            .mapToInt(JavaFieldAccess::getLineNumber)
            .filter(line -> line < to)
            .max()
            .orElse(0);
    boolean constructs =
        init.getConstructorCallsFromSelf().stream()
            .filter(call -> call.getLineNumber() > from && call.getLineNumber() <= to)
            .map(JavaConstructorCall::getTargetOwner)
            .anyMatch(
                target ->
                    target.isAssignableTo(Map.class) || target.isAssignableTo(Collection.class));
    boolean wraps =
        init.getMethodCallsFromSelf().stream()
            .filter(call -> call.getLineNumber() > from && call.getLineNumber() <= to)
            .anyMatch(
                call ->
                    call.getTargetOwner().isEquivalentTo(Collections.class)
                        && (call.getName().startsWith("synchronized")
                            || call.getName().equals("newSetFromMap")));
    return constructs || wraps;
  }

  @Test
  void busMessagesLiveInTheBusPackage() {
    classes()
        .that()
        .implement(BusMessage.class)
        .should()
        .resideInAPackage("io.cup.bus")
        .because(
            "every message on the event bus is a record of io.cup.bus, documented in"
                + " docs/event-bus.md (a message type elsewhere is a contract nobody wrote down)")
        .check(cup);
  }

  @Test
  void onlyTheBusPackageTouchesTheEventBusDirectly() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.cup.bus")
        .should()
        .callMethodWhere(
            DescribedPredicate.describe(
                "EventBus.request, send, publish or consumer",
                call ->
                    call.getTarget().getOwner().isAssignableTo(EventBus.class)
                        && java.util.Set.of(
                                "request", "send", "publish", "consumer", "localConsumer")
                            .contains(call.getTarget().getName())))
        .because(
            "messages go through the typed addresses of io.cup.bus.Addresses (BusAddress,"
                + " EventAddress), the one path between the records and the JSON on the wire")
        .check(cup);
  }
}
