package io.cup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.cup.bus.BusMessage;
import io.vertx.core.eventbus.EventBus;
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
