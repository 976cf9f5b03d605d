package io.cup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.cup.config.ServerConfig;
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
