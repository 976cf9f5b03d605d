package io.cup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
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
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
      Set.of(
          "io.cup.config.ResourceConfigurationLoader.FACTORIES",
          "io.cup.config.ResourceConfigurationLoader.META_SCHEMAS");

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
}
