package io.cup.e2e;

import static io.cup.e2e.FlagsServer.MAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cup.testing.Eventually;
import io.cup.testing.TestRepos;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fabric8 Kubernetes client (Java), unchanged, against the whole server (issue 13): Flags of
 * the demo ({@code flipt.io/v1alpha1}) as {@link GenericKubernetesResource}s through a {@link
 * ResourceDefinitionContext}, each operation checked on what the client returns and on the remote:
 * every write is exactly one proposal branch with exactly the intended change of {@code
 * default/features.yml}; watches and informers see what merging a proposal changes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class Fabric8ClientTest {
  private static final Duration WITHIN = Duration.ofMinutes(1);
  private static final String PROPOSAL_ANNOTATION = "cup.flipt.io/proposal";
  private static final ResourceDefinitionContext FLAGS =
      new ResourceDefinitionContext.Builder()
          .withGroup(FlagsServer.GROUP)
          .withVersion(FlagsServer.VERSION)
          .withKind("Flag")
          .withPlural("flags")
          .withNamespaced(true)
          .build();

  @TempDir Path tmp;
  private FlagsServer cup;
  private KubernetesClient kube;
  private final List<AutoCloseable> closeLast = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    cup = FlagsServer.start(vertx, tmp);
    // nothing from ~/.kube/config or the environment: only what the test names
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(cup.url())
            .withNamespace("default")
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout(60_000)
            .build();
    kube =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeLast) {
      closeable.close();
    }
    if (kube != null) {
      kube.close();
    }
    if (cup != null) {
      cup.close();
    }
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      flags() {
    return kube.genericKubernetesResources(FLAGS).inNamespace("default");
  }

  // -- reads -------------------------------------------------------------------------------------

  @Test
  void getAndListWithALabelSelectorReadTheTrackedBranch() {
    String head = TestRepos.ref(cup.remote, MAIN).name();

    GenericKubernetesResource dark = flags().withName("dark-mode").get();
    assertThat(dark).isNotNull();
    assertThat(dark.getApiVersion()).isEqualTo("flipt.io/v1alpha1");
    assertThat(dark.getKind()).isEqualTo("Flag");
    assertThat(dark.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(dark.getMetadata().getLabels()).containsEntry("team", "web");
    assertThat(dark.getMetadata().getResourceVersion()).isEqualTo(head);
    assertThat(dark.getMetadata().getUid()).as("a stable uid").isNotBlank();
    assertThat(spec(dark).get("enabled")).isEqualTo(true);
    assertThat(flags().withName("dark-mode").get().getMetadata().getUid())
        .isEqualTo(dark.getMetadata().getUid());
    assertThat(flags().withName("no-such-flag").get()).isNull();

    GenericKubernetesResourceList all = flags().list();
    assertThat(all.getMetadata().getResourceVersion()).isEqualTo(head);
    assertThat(names(all.getItems()))
        .containsExactly("dark-mode", "new-checkout", "search-ranking-v2");
    assertThat(names(flags().withLabel("team", "web").list().getItems()))
        .containsExactly("dark-mode");
    assertThat(names(flags().withLabel("team", "payments").list().getItems()))
        .containsExactly("new-checkout");
    assertThat(flags().withLabel("team", "nobody").list().getItems()).isEmpty();
    assertThat(names(kube.genericKubernetesResources(FLAGS).inAnyNamespace().list().getItems()))
        .contains("dark-mode", "new-checkout", "search-ranking-v2");
  }

  // -- writes ------------------------------------------------------------------------------------

  @Test
  void createAnswersTheObjectAndProposesExactlyTheNewFlag() {
    Set<String> before = cup.proposalBranches();

    GenericKubernetesResource created = flags().resource(flag("beta-banner", true)).create();

    String id = cup.newProposal(before);
    assertThat(created.getMetadata().getName()).isEqualTo("beta-banner");
    assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(spec(created)).containsEntry("enabled", true).containsEntry("name", "Beta banner");
    assertProposalAnnotation(created, id);
    assertThat(created.getMetadata().getResourceVersion())
        .as("the proposal's head commit")
        .isEqualTo(TestRepos.ref(cup.remote, FlagsServer.BRANCHES + id).name());
    assertThat(created.getMetadata().getUid()).isNotBlank();
    cup.assertProposalChangesFlags(
        id,
        flags ->
            flags.put("beta-banner", FlagsServer.booleanFlag("beta-banner", "Beta banner", true)));

    // the writer reads its own write at the version the answer gave (the typed DSL has no
    // get-at-a-version, so through the client's raw GET)
    String own =
        kube.raw(
            cup.url()
                + FlagsServer.FLAGS
                + "/beta-banner?resourceVersion="
                + created.getMetadata().getResourceVersion());
    assertThat(own).as("the flag at the proposal's commit").isNotNull();
    assertThat(new JsonObject(own).getJsonObject("spec").getBoolean("enabled")).isTrue();
    // not on the tracked branch until the proposal merges
    assertThat(flags().withName("beta-banner").get()).isNull();

    // an existing flag: 409 AlreadyExists, nothing proposed
    Set<String> beforeConflict = cup.proposalBranches();
    assertThatThrownBy(() -> flags().resource(flag("dark-mode", false)).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
            });
    assertThat(cup.proposalBranches()).isEqualTo(beforeConflict);
  }

  @Test
  void aJsonMergePatchIsOneProposalAndAnswersThePatchedObject() {
    Set<String> before = cup.proposalBranches();

    GenericKubernetesResource patched =
        flags()
            .withName("dark-mode")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"enabled\":false},\"metadata\":{\"labels\":{\"owner\":\"ux\"}}}");

    String id = cup.newProposal(before);
    assertThat(spec(patched)).containsEntry("enabled", false);
    assertThat(spec(patched).get("rollouts")).as("untouched fields stay").isNotNull();
    assertThat(patched.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(Map.of("team", "web", "owner", "ux"));
    assertProposalAnnotation(patched, id);
    cup.assertProposalChangesFlags(
        id,
        flags -> {
          flags.get("dark-mode").put("enabled", false);
          ((ObjectNode) flags.get("dark-mode").get("labels")).put("owner", "ux");
        });
  }

  @Test
  void anUpdateOfAReadObjectIsOneProposalAndAnswersTheReplacedObject() {
    GenericKubernetesResource read = flags().withName("search-ranking-v2").get();
    spec(read).put("enabled", true);
    spec(read).put("description", "Evaluated: on for everyone.");
    Set<String> before = cup.proposalBranches();

    GenericKubernetesResource updated = flags().resource(read).update();

    String id = cup.newProposal(before);
    assertThat(spec(updated))
        .containsEntry("enabled", true)
        .containsEntry("description", "Evaluated: on for everyone.");
    assertProposalAnnotation(updated, id);
    cup.assertProposalChangesFlags(
        id,
        flags ->
            flags
                .get("search-ranking-v2")
                .put("enabled", true)
                .put("description", "Evaluated: on for everyone."));

    // the answer as the next write's base: its version is the proposal's, not the tracked
    // branch's, so a replace with it is refused until the proposal merges
    spec(updated).put("enabled", false);
    Set<String> beforeStale = cup.proposalBranches();
    assertThatThrownBy(() -> flags().resource(updated).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(cup.proposalBranches()).isEqualTo(beforeStale);
  }

  @Test
  void aDeleteIsOneProposalThatRemovesTheFlagAndAnswersTheProposalsUid() {
    String liveUid = flags().withName("new-checkout").get().getMetadata().getUid();
    Set<String> before = cup.proposalBranches();

    List<StatusDetails> deleted = flags().withName("new-checkout").delete();

    String id = cup.newProposal(before);
    assertThat(deleted).hasSize(1);
    StatusDetails details = deleted.get(0);
    assertThat(details.getName()).isEqualTo("new-checkout");
    assertThat(details.getKind()).isEqualTo("flags");
    assertThat(details.getUid())
        .as("the deletion proposal's uid")
        .isNotBlank()
        .isNotEqualTo(liveUid);
    cup.assertProposalChangesFlags(id, flags -> flags.remove("new-checkout"));
    // still served until the proposal merges
    assertThat(flags().withName("new-checkout").get()).isNotNull();
    assertThat(flags().withName("no-such-flag").delete()).isEmpty();
  }

  // -- watch and informer ------------------------------------------------------------------------

  @Test
  void aWatchSeesAMergedProposalAsAModifiedEvent() throws Exception {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    Watch watch = bounded("opening the watch", () -> flags().watch(recorder(events)));
    closeLast.add(watch::close);

    Set<String> before = cup.proposalBranches();
    flags()
        .withName("dark-mode")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"enabled\":false}}");
    String id = cup.newProposal(before);
    cup.merge(id);

    // the watch starts with an ADDED event per flag; the change comes after them
    Event modified =
        next(
            events,
            e ->
                e.name().equals("dark-mode")
                    && Boolean.FALSE.equals(spec(e.resource()).get("enabled")));
    assertThat(modified.action()).isEqualTo(Watcher.Action.MODIFIED);
    assertThat(spec(modified.resource())).containsEntry("enabled", false);
    assertThat(modified.resource().getMetadata().getResourceVersion())
        .isEqualTo(TestRepos.ref(cup.remote, MAIN).name());
  }

  @Test
  void anInformerSeesAddUpdateAndDeleteAsProposalsMerge() throws Exception {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    SharedIndexInformer<GenericKubernetesResource> informer = flags().runnableInformer(0);
    closeLast.add(informer::close);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource obj) {
            events.add(new Event(Watcher.Action.ADDED, obj));
          }

          @Override
          public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            events.add(new Event(Watcher.Action.MODIFIED, newObj));
          }

          @Override
          public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
            events.add(new Event(Watcher.Action.DELETED, obj));
          }
        });
    bounded("starting the informer", () -> informer.start().toCompletableFuture().get());
    Eventually.until("the informer has synced", WITHIN, informer::hasSynced);
    assertThat(informer.getStore().listKeys())
        .containsExactlyInAnyOrder(
            "default/dark-mode", "default/new-checkout", "default/search-ranking-v2");
    for (int i = 0; i < 3; i++) {
      assertThat(next(events, e -> true).action()).isEqualTo(Watcher.Action.ADDED);
    }

    Set<String> before = cup.proposalBranches();
    flags().resource(flag("informed", true)).create();
    cup.merge(cup.newProposal(before));
    Event added = next(events, e -> e.name().equals("informed"));
    assertThat(added.action()).isEqualTo(Watcher.Action.ADDED);
    assertThat(spec(added.resource())).containsEntry("enabled", true);

    before = cup.proposalBranches();
    flags()
        .withName("informed")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"enabled\":false}}");
    cup.merge(cup.newProposal(before));
    Event updated =
        next(events, e -> e.name().equals("informed") && e.action() != Watcher.Action.ADDED);
    assertThat(updated.action()).isEqualTo(Watcher.Action.MODIFIED);
    assertThat(spec(updated.resource())).containsEntry("enabled", false);
    assertThat(spec(informer.getStore().getByKey("default/informed")))
        .containsEntry("enabled", false);

    before = cup.proposalBranches();
    flags().withName("informed").delete();
    cup.merge(cup.newProposal(before));
    Event deleted = next(events, e -> e.name().equals("informed"));
    assertThat(deleted.action()).isEqualTo(Watcher.Action.DELETED);
    assertThat(informer.getStore().getByKey("default/informed")).isNull();
  }

  // -- helpers -----------------------------------------------------------------------------------

  private record Event(Watcher.Action action, GenericKubernetesResource resource) {
    String name() {
      return resource.getMetadata().getName();
    }
  }

  private static Watcher<GenericKubernetesResource> recorder(BlockingQueue<Event> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource resource) {
        events.add(new Event(action, resource));
      }

      @Override
      public void onClose(WatcherException cause) {
        events.add(new Event(Action.ERROR, null));
      }
    };
  }

  /** The next event that {@code wanted} accepts (others skipped); fails after a minute. */
  private static Event next(BlockingQueue<Event> events, Predicate<Event> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (true) {
      Event event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(event).as("an event within " + WITHIN).isNotNull();
      assertThat(event.action()).as("the watch was not closed").isNotEqualTo(Watcher.Action.ERROR);
      if (wanted.test(event)) {
        return event;
      }
    }
  }

  /**
   * {@code call}'s outcome within a minute: a client call that blocks until the server answers in a
   * way it accepts (opening a watch) fails the test instead of hanging it.
   */
  private static <T> T bounded(String what, Callable<T> call) throws Exception {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                outcome.complete(call.call());
              } catch (Throwable e) {
                outcome.completeExceptionally(e);
              }
            },
            what);
    thread.setDaemon(true);
    thread.start();
    try {
      return outcome.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new AssertionError("timed out after " + WITHIN + " " + what, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static GenericKubernetesResource flag(String name, boolean enabled) {
    GenericKubernetesResource flag = new GenericKubernetesResource();
    flag.setApiVersion("flipt.io/v1alpha1");
    flag.setKind("Flag");
    flag.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("key", name);
    spec.put("name", Character.toUpperCase(name.charAt(0)) + name.substring(1).replace('-', ' '));
    spec.put("type", "BOOLEAN_FLAG_TYPE");
    spec.put("enabled", enabled);
    flag.setAdditionalProperty("spec", spec);
    return flag;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    Object spec = resource.getAdditionalProperties().get("spec");
    assertThat(spec).as("spec of " + resource).isInstanceOf(Map.class);
    return (Map<String, Object>) spec;
  }

  private static List<String> names(List<GenericKubernetesResource> items) {
    return items.stream().map(r -> r.getMetadata().getName()).toList();
  }

  private static void assertProposalAnnotation(GenericKubernetesResource answer, String id) {
    Map<String, String> annotations =
        answer.getMetadata().getAnnotations() == null
            ? Collections.emptyMap()
            : answer.getMetadata().getAnnotations();
    assertThat(annotations).containsKey(PROPOSAL_ANNOTATION);
    JsonObject proposal = new JsonObject(annotations.get(PROPOSAL_ANNOTATION));
    assertThat(proposal.getString("id")).isEqualTo(id);
    assertThat(proposal.getString("state")).isEqualTo("open");
  }
}
