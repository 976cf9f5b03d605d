package io.cup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cup.config.AccessSettings;
import io.cup.config.ServerConfig;
import io.cup.launcher.CupServer;
import io.cup.testing.Eventually;
import io.cup.testing.FliptFixtures;
import io.cup.testing.GitDaemon;
import io.cup.testing.Kubectl;
import io.cup.testing.Kubectl.Result;
import io.cup.testing.Kubectl.User;
import io.cup.testing.TestConfigs;
import io.cup.testing.TestHttpClient;
import io.cup.testing.TestRepos;
import io.cup.testing.auth.TestPki;
import io.cup.testing.auth.TokenFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13 with the real {@code kubectl}: every everyday command, run by the oldest (1.27) and the
 * newest (1.33) kubectl the package installs, against the whole server on a real {@code git daemon}
 * remote serving the demo resources ({@code conf/resources}: Flipt flags and segments in {@code
 * <namespace>/features.yml}). Each command is checked on what kubectl prints and on what lands on
 * the remote: a write is exactly one new branch {@code cup/proposal/<id>} whose commit changes only
 * the intended entry of one {@code features.yml}; a read-only command pushes nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubectlTest {
  private static final String GROUP_VERSION = "flipt.io/v1alpha1";
  private static final String FLAGS = "/apis/flipt.io/v1alpha1/namespaces/default/flags";
  private static final String PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals";
  private static final String PROPOSAL_BRANCHES = "refs/heads/cup/proposal/";
  private static final String FEATURES = "default/features.yml";
  private static final List<String> DEFAULT_FLAGS =
      List.of("dark-mode", "new-checkout", "search-ranking-v2");
  private static final ObjectMapper YAML = new YAMLMapper();

  private static final String WRITER = "writer-token-0123456789";
  private static final String READER = "reader-token-0123456789";
  private static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: flag-reader}
      rules:
      - apiGroups: ["flipt.io"]
        resources: ["flags", "segments"]
        verbs: ["get", "list", "watch"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: everyone-reads-flags}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: flag-reader}
      subjects:
      - {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: {name: flag-writer, namespace: default}
      rules:
      - apiGroups: ["flipt.io"]
        resources: ["flags"]
        verbs: ["create", "update", "patch", "delete"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: devs-write-flags, namespace: default}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: flag-writer}
      subjects:
      - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
      """;

  /** Runs the test once with each of the oldest and the newest versioned kubectl. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  @interface EveryKubectl {}

  @TempDir Path tmp;
  private Vertx vertx;
  private Path remote;
  private GitDaemon daemon;
  private Path resources;
  private CupServer server;
  private ServerConfig config;
  private WebClient client;
  private String url;
  private final AtomicInteger kubectls = new AtomicInteger();

  @BeforeEach
  void remote(Vertx vertx) throws IOException {
    this.vertx = vertx;
    Map<String, String> seed = FliptFixtures.files(FliptFixtures.REPOSITORY);
    seed.put("README.md", "# flags\n");
    remote = TestRepos.createBare(tmp.resolve("remote").resolve("flags.git"), seed);
    daemon = GitDaemon.serve(tmp.resolve("remote"));
    resources = Files.createDirectories(tmp.resolve("resources"));
    try (Stream<Path> demo = Files.list(Path.of("conf", "resources"))) {
      for (Path file : demo.toList()) {
        Files.copy(file, resources.resolve(file.getFileName()));
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close().await(2, TimeUnit.MINUTES);
    }
    daemon.close();
  }

  // -- discovery ---------------------------------------------------------------------------------

  @EveryKubectl
  void discoveryShowsTheFlagsResource(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);

    Result resources = ok(kubectl.run("api-resources"));
    assertThat(resources.lines().get(0))
        .matches("NAME\\s+SHORTNAMES\\s+APIVERSION\\s+NAMESPACED\\s+KIND\\s*");
    assertThat(resources.lines())
        .as(resources.toString())
        .anyMatch(line -> line.matches("flags\\s+(\\S+\\s+)?flipt\\.io/v1alpha1\\s+true\\s+Flag"))
        .anyMatch(
            line -> line.matches("segments\\s+(\\S+\\s+)?flipt\\.io/v1alpha1\\s+true\\s+Segment"));
    Result wide = ok(kubectl.run("api-resources", "--api-group=flipt.io", "-o", "wide"));
    String flagsRow =
        wide.lines().stream().filter(l -> l.startsWith("flags ")).findFirst().orElseThrow();
    assertThat(flagsRow)
        .as(wide.toString())
        .contains("create", "delete", "get", "list", "patch", "update", "watch");
    assertThat(ok(kubectl.run("api-resources", "--api-group=flipt.io", "-o", "name")).lines())
        .containsExactlyInAnyOrder("flags.flipt.io", "segments.flipt.io");

    assertThat(ok(kubectl.run("api-versions")).lines()).contains(GROUP_VERSION);

    JsonObject info = new JsonObject(ok(kubectl.run("get", "--raw", "/version")).stdout());
    assertThat(info.getString("major")).isEqualTo("1");
    assertThat(info.getString("minor")).isEqualTo("33");
    assertThat(info.getString("gitVersion")).startsWith("v1.33.");
    JsonObject both = new JsonObject(ok(kubectl.run("version", "-o", "json")).stdout());
    assertThat(both.getJsonObject("serverVersion").getString("gitVersion")).startsWith("v1.33.");

    JsonObject groups = new JsonObject(ok(kubectl.run("get", "--raw", "/apis")).stdout());
    assertThat(groups.getString("kind")).isEqualTo("APIGroupList");
    assertThat(groups.getJsonArray("groups"))
        .extracting(g -> ((JsonObject) g).getString("name"))
        .contains("flipt.io");
    JsonObject core = new JsonObject(ok(kubectl.run("get", "--raw", "/api")).stdout());
    assertThat(core.getString("kind")).isEqualTo("APIVersions");

    Result explain = ok(kubectl.run("explain", "flags"));
    assertThat(explain.stdout()).containsPattern("KIND:\\s+Flag").contains("A Flipt feature flag");
    Result field = ok(kubectl.run("explain", "flags.spec.enabled"));
    assertThat(field.stdout()).containsPattern("FIELD:\\s+enabled\\s+<boolean>");

    assertThat(TestRepos.refs(remote)).isEqualTo(refs);
  }

  // -- reads -------------------------------------------------------------------------------------

  @EveryKubectl
  void getPrintsTablesAndEveryOutputFormat(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    String head = TestRepos.ref(remote, "refs/heads/main").name();

    Result table = ok(kubectl.run("get", "flags"));
    assertThat(table.lines().get(0)).as(table.toString()).startsWith("NAME ").endsWith("AGE");
    assertThat(names(table)).containsExactlyElementsOf(DEFAULT_FLAGS);
    // AGE counts from the commit that last changed the resource: never "<unknown>"
    assertThat(table.lines().subList(1, table.lines().size()))
        .as(table.toString())
        .allSatisfy(row -> assertThat(row).matches(".*\\s\\d+(s|m|h|d)(\\d+(s|m))?"));
    assertThat(names(ok(kubectl.run("get", "flags.flipt.io", "-n", "default"))))
        .containsExactlyElementsOf(DEFAULT_FLAGS);
    assertThat(names(ok(kubectl.run("get", "flags", "-n", "production"))))
        .containsExactly("dark-mode", "new-checkout");
    assertThat(names(ok(kubectl.run("get", "flags", "-l", "team=web"))))
        .containsExactly("dark-mode");
    assertThat(names(ok(kubectl.run("get", "flags", "-l", "team in (payments,search)"))))
        .containsExactly("new-checkout", "search-ranking-v2");
    assertThat(names(ok(kubectl.run("get", "flags", "dark-mode")))).containsExactly("dark-mode");
    Result wide = ok(kubectl.run("get", "flags", "-o", "wide"));
    assertThat(wide.lines().get(0)).startsWith("NAME ");
    assertThat(names(wide)).containsExactlyElementsOf(DEFAULT_FLAGS);
    assertThat(names(ok(kubectl.run("get", "segments")))).contains("internal-staff");

    JsonObject flag = yaml(ok(kubectl.run("get", "flags", "dark-mode", "-o", "yaml")).stdout());
    assertThat(flag.getString("apiVersion")).isEqualTo(GROUP_VERSION);
    assertThat(flag.getString("kind")).isEqualTo("Flag");
    JsonObject metadata = flag.getJsonObject("metadata");
    assertThat(metadata.getString("name")).isEqualTo("dark-mode");
    assertThat(metadata.getString("namespace")).isEqualTo("default");
    assertThat(metadata.getString("resourceVersion")).isEqualTo(head);
    assertThat(metadata.getString("uid")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-.*");
    assertThat(metadata.getString("creationTimestamp")).isNotBlank();
    assertThat(metadata.getJsonObject("labels")).isEqualTo(new JsonObject().put("team", "web"));
    assertThat(flag.getJsonObject("spec").getBoolean("enabled")).isTrue();
    // the uid is stable: the same on every read
    assertThat(
            ok(kubectl.run("get", "flag", "dark-mode", "-o", "jsonpath={.metadata.uid}")).stdout())
        .isEqualTo(metadata.getString("uid"));

    JsonObject list = new JsonObject(ok(kubectl.run("get", "flags", "-o", "json")).stdout());
    assertThat(list.getString("kind")).isEqualTo("List");
    assertThat(list.getJsonArray("items"))
        .extracting(i -> ((JsonObject) i).getJsonObject("metadata").getString("name"))
        .containsExactlyElementsOf(DEFAULT_FLAGS);
    assertThat(ok(kubectl.run("get", "flags", "-o", "name")).lines())
        .containsExactly(
            "flag.flipt.io/dark-mode",
            "flag.flipt.io/new-checkout",
            "flag.flipt.io/search-ranking-v2");
    assertThat(ok(kubectl.run("get", "flags", "-o", "jsonpath={.items[*].metadata.name}")).stdout())
        .isEqualTo("dark-mode new-checkout search-ranking-v2");
    Result missing = kubectl.run("get", "flag", "nobody");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
    assertThat(missing.stderr()).contains("NotFound").contains("\"nobody\" not found");
    assertThat(TestRepos.refs(remote)).isEqualTo(refs);
  }

  @EveryKubectl
  void getAcrossAllNamespaces(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Result all = ok(kubectl.run("get", "flags", "--all-namespaces"));
    assertThat(all.lines().get(0)).as(all.toString()).matches("NAMESPACE\\s+NAME\\s.*AGE");
    List<String> rows = new ArrayList<>();
    for (String row : all.lines().subList(1, all.lines().size())) {
      String[] cells = row.split("\\s+");
      rows.add(cells[0] + "/" + cells[1]);
    }
    assertThat(rows)
        .containsExactlyInAnyOrder(
            "default/dark-mode",
            "default/new-checkout",
            "default/search-ranking-v2",
            "production/dark-mode",
            "production/new-checkout");
    assertThat(ok(kubectl.run("get", "flags", "-A", "-o", "name")).lines()).hasSize(5);
  }

  @EveryKubectl
  void getWatchPrintsAFlagOnceItsProposalMerges(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    try (Kubectl.Running watch = kubectl.start("get", "flags", "-w")) {
      watch.awaitLine("the initial dark-mode row", line -> line.startsWith("dark-mode "));
      Map<String, ObjectId> refs = TestRepos.refs(remote);
      ok(kubectl.run("create", "-f", file("watched.yaml", flag("watched", false, "growth"))));
      Change change = proposed(refs, "default", "watched");
      assertThat(watch.lines()).noneMatch(line -> line.startsWith("watched "));

      merge(change.id());
      watch.awaitLine("the merged flag's row", line -> line.startsWith("watched "));
      assertThat(watch.isAlive()).isTrue();
    }
  }

  // -- writes ------------------------------------------------------------------------------------

  @EveryKubectl
  void createProposesTheNewFlagAndAnswersTheObjectAsTheProposalLeavesIt(String version)
      throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    Result created =
        ok(kubectl.run("create", "-f", file("beta.yaml", flag("beta-banner", false, "growth"))));
    assertThat(created.stdout().strip()).isEqualTo("flag.flipt.io/beta-banner created");
    Change change = proposed(refs, "default", "beta-banner");
    assertThat(change.before()).isNull();
    assertThat(change.after())
        .isEqualTo(
            new JsonObject()
                .put("key", "beta-banner")
                .put("name", "Beta banner")
                .put("type", "BOOLEAN_FLAG_TYPE")
                .put("enabled", false)
                .put("labels", new JsonObject().put("team", "growth")));

    // -o json: the object as the proposal leaves it, naming the proposal; re-read at its version
    refs = TestRepos.refs(remote);
    Result answer =
        ok(
            kubectl.runWithInput(
                flag("gamma-banner", true, "growth"), "create", "-f", "-", "-o", "json"));
    Change gamma = proposed(refs, "default", "gamma-banner");
    JsonObject object = new JsonObject(answer.stdout());
    JsonObject metadata = object.getJsonObject("metadata");
    assertThat(metadata.getString("name")).isEqualTo("gamma-banner");
    assertThat(object.getJsonObject("spec").getBoolean("enabled")).isTrue();
    JsonObject proposal =
        new JsonObject(metadata.getJsonObject("annotations").getString("cup.flipt.io/proposal"));
    assertThat(proposal.getString("id")).isEqualTo(gamma.id());
    assertThat(proposal.getString("state")).isEqualTo("open");
    assertThat(metadata.getString("resourceVersion")).isEqualTo(gamma.commit().name());
    JsonObject reread =
        new JsonObject(
            ok(kubectl.run(
                    "get",
                    "--raw",
                    FLAGS + "/gamma-banner?resourceVersion=" + gamma.commit().name()))
                .stdout());
    assertThat(reread.getJsonObject("spec").getBoolean("enabled")).isTrue();
    // not on the tracked branch until the proposal merges
    Result absent = kubectl.run("get", "flag", "gamma-banner");
    assertThat(absent.exitCode()).as(absent.toString()).isEqualTo(1);
    assertThat(absent.stderr()).contains("NotFound");

    refs = TestRepos.refs(remote);
    Result exists = kubectl.run("create", "-f", file("dark.yaml", flag("dark-mode", false, "web")));
    assertThat(exists.exitCode()).as(exists.toString()).isEqualTo(1);
    assertThat(exists.stderr()).contains("AlreadyExists").contains("\"dark-mode\" already exists");
    Result unknownField =
        kubectl.runWithInput(
            flag("odd-flag", true, "growth")
                .replace("  enabled: true", "  enabled: true\n  colour: red"),
            "create",
            "-f",
            "-");
    assertThat(unknownField.exitCode()).as(unknownField.toString()).isEqualTo(1);
    assertThat(unknownField.stderr()).contains("colour");
    assertThat(TestRepos.refs(remote)).isEqualTo(refs);
  }

  @EveryKubectl
  void clientSideApplyCreatesThenPatchesWithTheLastAppliedConfiguration(String version)
      throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    Result created =
        ok(kubectl.run("apply", "-f", file("apply.yaml", flag("applied", false, "growth"))));
    assertThat(created.stdout().strip()).isEqualTo("flag.flipt.io/applied created");
    Change first = proposed(refs, "default", "applied");
    assertThat(first.after().getBoolean("enabled")).isFalse();
    assertThat(lastApplied(first.after()).getJsonObject("spec").getBoolean("enabled")).isFalse();
    merge(first.id());
    awaitServed("applied");

    refs = TestRepos.refs(remote);
    Result configured =
        ok(kubectl.run("apply", "-f", file("apply-2.yaml", flag("applied", true, "growth"))));
    assertThat(configured.stdout().strip()).isEqualTo("flag.flipt.io/applied configured");
    Change second = proposed(refs, "default", "applied");
    JsonObject expected = second.before().copy().put("enabled", true);
    expected
        .getJsonObject("annotations")
        .remove("kubectl.kubernetes.io/last-applied-configuration");
    JsonObject after = second.after().copy();
    JsonObject applied = lastApplied(after);
    after.getJsonObject("annotations").remove("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(after).isEqualTo(expected);
    assertThat(applied.getJsonObject("spec").getBoolean("enabled")).isTrue();
  }

  @EveryKubectl
  void serverSideApplyConflictsBetweenFieldManagersUnlessForced(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    Result applied =
        ok(
            kubectl.run(
                "apply",
                "--server-side",
                "-f",
                file("ssa.yaml", flag("ssa-flag", false, "growth"))));
    assertThat(applied.stdout().strip()).isEqualTo("flag.flipt.io/ssa-flag serverside-applied");
    Change first = proposed(refs, "default", "ssa-flag");
    assertThat(first.before()).isNull();
    assertThat(first.after().getBoolean("enabled")).isFalse();
    merge(first.id());
    awaitServed("ssa-flag");

    refs = TestRepos.refs(remote);
    String other = file("ssa-other.yaml", flag("ssa-flag", true, "growth"));
    Result conflict = kubectl.run("apply", "--server-side", "--field-manager=other", "-f", other);
    assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(1);
    // the Flipt controller's features.yml has no place for managedFields: once merged, the flag
    // is read without them, so its fields belong to "before-first-apply" as in Kubernetes for an
    // object nobody applied (docs/server-side-apply.md)
    assertThat(conflict.stderr())
        .contains("conflict")
        .contains("\"before-first-apply\"")
        .contains(".spec.enabled");
    assertThat(TestRepos.refs(remote)).isEqualTo(refs);

    Result forced =
        ok(
            kubectl.run(
                "apply",
                "--server-side",
                "--field-manager=other",
                "--force-conflicts",
                "-f",
                other));
    assertThat(forced.stdout().strip()).isEqualTo("flag.flipt.io/ssa-flag serverside-applied");
    Change second = proposed(refs, "default", "ssa-flag");
    assertThat(second.after().getBoolean("enabled")).isTrue();
    assertThat(second.after().getString("name")).isEqualTo(second.before().getString("name"));
  }

  @EveryKubectl
  void replaceProposesTheWholeObjectAsEdited(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    JsonObject flag = yaml(ok(kubectl.run("get", "flag", "dark-mode", "-o", "yaml")).stdout());
    flag.getJsonObject("spec").put("enabled", false).put("description", "Replaced.");
    Path file = tmp.resolve("replace.yaml");
    Files.writeString(file, YAML.writeValueAsString(flag.getMap()));
    Map<String, ObjectId> refs = TestRepos.refs(remote);

    Result replaced = ok(kubectl.run("replace", "-f", file.toString()));
    assertThat(replaced.stdout().strip()).isEqualTo("flag.flipt.io/dark-mode replaced");
    Change change = proposed(refs, "default", "dark-mode");
    assertThat(change.after())
        .isEqualTo(change.before().copy().put("enabled", false).put("description", "Replaced."));
  }

  @EveryKubectl
  void editProposesWhatTheEditorChanged(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Path editor = tmp.resolve("editor.sh");
    Files.writeString(
        editor, "#!/bin/sh\nexec sed -i -e 's/^  enabled: true$/  enabled: false/' \"$1\"\n");
    Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
    Map<String, ObjectId> refs = TestRepos.refs(remote);

    Result edited =
        ok(
            kubectl.run(
                Map.of("KUBE_EDITOR", editor.toString()), null, "edit", "flag", "dark-mode"));
    assertThat(edited.stdout().strip()).isEqualTo("flag.flipt.io/dark-mode edited");
    Change change = proposed(refs, "default", "dark-mode");
    assertThat(change.after()).isEqualTo(change.before().copy().put("enabled", false));
  }

  @EveryKubectl
  void patchWithAMergePatchAndAJsonPatch(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    Result merged =
        ok(
            kubectl.run(
                "patch",
                "flag",
                "dark-mode",
                "--type",
                "merge",
                "-p",
                "{\"spec\":{\"enabled\":false}}"));
    assertThat(merged.stdout().strip()).isEqualTo("flag.flipt.io/dark-mode patched");
    Change merge = proposed(refs, "default", "dark-mode");
    assertThat(merge.after()).isEqualTo(merge.before().copy().put("enabled", false));

    refs = TestRepos.refs(remote);
    Result patched =
        ok(
            kubectl.run(
                "patch",
                "flag",
                "new-checkout",
                "--type",
                "json",
                "-p",
                "[{\"op\":\"replace\",\"path\":\"/spec/description\",\"value\":\"Patched.\"}]",
                "-o",
                "json"));
    Change json = proposed(refs, "default", "new-checkout");
    assertThat(json.after()).isEqualTo(json.before().copy().put("description", "Patched."));
    JsonObject answer = new JsonObject(patched.stdout());
    assertThat(answer.getJsonObject("spec").getString("description")).isEqualTo("Patched.");
    JsonObject metadata = answer.getJsonObject("metadata");
    assertThat(metadata.getString("resourceVersion")).isEqualTo(json.commit().name());
    assertThat(
            new JsonObject(metadata.getJsonObject("annotations").getString("cup.flipt.io/proposal"))
                .getString("id"))
        .isEqualTo(json.id());
  }

  @EveryKubectl
  void labelAndAnnotateProposeTheMetadataChange(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    Result labeled = ok(kubectl.run("label", "flag", "dark-mode", "env=prod"));
    assertThat(labeled.stdout().strip()).isEqualTo("flag.flipt.io/dark-mode labeled");
    Change label = proposed(refs, "default", "dark-mode");
    JsonObject expected = label.before().copy();
    expected.getJsonObject("labels").put("env", "prod");
    assertThat(label.after()).isEqualTo(expected);

    refs = TestRepos.refs(remote);
    Result annotated = ok(kubectl.run("annotate", "flag", "new-checkout", "owner=alice"));
    // kubectl 1.27 prints "annotate", later versions "annotated"
    assertThat(annotated.stdout().strip()).matches("flag\\.flipt\\.io/new-checkout annotated?");
    Change annotate = proposed(refs, "default", "new-checkout");
    assertThat(annotate.after())
        .isEqualTo(
            annotate.before().copy().put("annotations", new JsonObject().put("owner", "alice")));
  }

  @EveryKubectl
  void deleteReturnsPromptlyAndProposesTheRemoval(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    // the default --wait: kubectl returns at once (Kubectl.run fails the test after 60 s)
    Result deleted = ok(kubectl.run("delete", "flag", "search-ranking-v2"));
    assertThat(deleted.stdout().strip()).isEqualTo("flag.flipt.io \"search-ranking-v2\" deleted");
    Change change = proposed(refs, "default", "search-ranking-v2");
    assertThat(change.before()).isNotNull();
    assertThat(change.after()).isNull();
    // the flag stays on the tracked branch until the proposal merges
    assertThat(names(ok(kubectl.run("get", "flags")))).containsExactlyElementsOf(DEFAULT_FLAGS);

    refs = TestRepos.refs(remote);
    Result byFile =
        ok(kubectl.run("delete", "-f", file("nc.yaml", flag("new-checkout", true, "payments"))));
    assertThat(byFile.stdout().strip()).isEqualTo("flag.flipt.io \"new-checkout\" deleted");
    assertThat(proposed(refs, "default", "new-checkout").after()).isNull();
  }

  @EveryKubectl
  void diffShowsTheChangeAndProposesNothing(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    JsonObject flag = yaml(ok(kubectl.run("get", "flag", "dark-mode", "-o", "yaml")).stdout());
    flag.getJsonObject("spec").put("enabled", false);
    flag.getJsonObject("metadata").remove("resourceVersion");
    Path file = tmp.resolve("diff.yaml");
    Files.writeString(file, YAML.writeValueAsString(flag.getMap()));
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    for (List<String> diff :
        List.of(
            List.of("diff", "-f", file.toString()),
            // dark-mode was never applied: Kubernetes gives its fields to "before-first-apply", so
            // an apply that changes one conflicts unless forced
            List.of("diff", "--server-side", "--force-conflicts", "-f", file.toString()))) {
      Result result = kubectl.run(diff.toArray(String[]::new));
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
      List<String> changed =
          result.lines().stream()
              .filter(l -> l.startsWith("+") || l.startsWith("-"))
              .filter(l -> !l.startsWith("+++") && !l.startsWith("---"))
              .toList();
      assertThat(changed)
          .as(result.toString())
          .contains("-  enabled: true", "+  enabled: false")
          .noneMatch(l -> l.contains("cup.flipt.io") || l.contains("resourceVersion"));
    }
    assertThat(TestRepos.refs(remote)).isEqualTo(refs);
  }

  // -- access ------------------------------------------------------------------------------------

  @EveryKubectl
  void canIAnswersYesWithAuthenticationOff(String version) throws Exception {
    serve();
    Kubectl kubectl = kubectl(version);
    Result create = ok(kubectl.run("auth", "can-i", "create", "flags"));
    assertThat(create.stdout().strip()).isEqualTo("yes");
    Result delete =
        ok(kubectl.run("auth", "can-i", "delete", "flags.flipt.io", "-n", "production"));
    assertThat(delete.stdout().strip()).isEqualTo("yes");
  }

  @EveryKubectl
  void aTokenUserAndACertificateUserAreWhoTheyAreAndMayWhatRbacSays(String version)
      throws Exception {
    Files.writeString(resources.resolve("rbac.yaml"), RBAC);
    TestPki pki = TestPki.create(tmp.resolve("pki"));
    TestPki.Issued serverCert = pki.serverCertificate(tmp.resolve("server-tls"));
    Path tokens =
        TokenFile.write(
            tmp.resolve("tokens.csv"), WRITER + ",writer,u-1,devs", READER + ",reader,u-2");
    serve(
        new AccessSettings(
            serverCert.certificate().toString(),
            serverCert.privateKey().toString(),
            tokens.toString(),
            null,
            null,
            null,
            null,
            null,
            pki.caFile().toString(),
            false,
            null,
            null,
            "example.test",
            null));
    Path binary = binary(version);

    Kubectl writer = kubectl(binary, pki.caFile(), User.token(WRITER));
    Result whoami = ok(writer.run("auth", "whoami"));
    assertThat(whoami.stdout()).containsPattern("Username\\s+writer").contains("devs");
    assertThat(ok(writer.run("auth", "can-i", "create", "flags")).stdout().strip())
        .isEqualTo("yes");
    Result elsewhere = writer.run("auth", "can-i", "create", "flags", "-n", "production");
    assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isEqualTo(1);
    assertThat(elsewhere.stdout().strip()).isEqualTo("no");
    assertThat(names(ok(writer.run("get", "flags")))).containsExactlyElementsOf(DEFAULT_FLAGS);
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    ok(writer.run("label", "flag", "dark-mode", "reviewed=yes"));
    Change labeled = proposed(refs, "default", "dark-mode");
    assertThat(labeled.after().getJsonObject("labels").getString("reviewed")).isEqualTo("yes");
    assertThat(
            TestRepos.parseCommit(remote, labeled.commit().name())
                .getAuthorIdent()
                .getEmailAddress())
        .isEqualTo("writer@example.test");

    Kubectl reader = kubectl(binary, pki.caFile(), User.token(READER));
    assertThat(names(ok(reader.run("get", "flags")))).containsExactlyElementsOf(DEFAULT_FLAGS);
    Result no = reader.run("auth", "can-i", "patch", "flags");
    assertThat(no.stdout().strip()).as(no.toString()).isEqualTo("no");
    refs = TestRepos.refs(remote);
    Result forbidden = reader.run("label", "flag", "dark-mode", "reviewed=no");
    assertThat(forbidden.exitCode()).as(forbidden.toString()).isEqualTo(1);
    assertThat(forbidden.stderr()).contains("Forbidden");
    assertThat(TestRepos.refs(remote)).isEqualTo(refs);

    TestPki.Issued carol = pki.clientCertificate(tmp.resolve("carol"), "carol", List.of("devs"));
    Kubectl withCertificate =
        kubectl(binary, pki.caFile(), User.certificate(carol.certificate(), carol.privateKey()));
    assertThat(ok(withCertificate.run("auth", "whoami")).stdout())
        .containsPattern("Username\\s+carol");
    ok(withCertificate.run("annotate", "flag", "new-checkout", "owner=carol"));
    Change annotated = proposed(refs, "default", "new-checkout");
    assertThat(annotated.after().getJsonObject("annotations").getString("owner"))
        .isEqualTo("carol");
    assertThat(
            TestRepos.parseCommit(remote, annotated.commit().name())
                .getAuthorIdent()
                .getEmailAddress())
        .isEqualTo("carol@example.test");
  }

  // -- the dispatcher and the original client ----------------------------------------------------

  @Test
  void theDispatcherPicksAKubectlForTheServersVersion() throws Exception {
    Path dispatcher = Kubectl.dispatcher().orElse(null);
    assumeTrue(
        dispatcher != null,
        "kubectl is not installed (no kubectl on PATH nor in /usr/lib/google-cloud-sdk/bin):"
            + " install the package kubectl to run the kubectl tests");
    serve();
    Kubectl kubectl = Kubectl.of(dispatcher, tmp.resolve("dispatcher"), url);
    JsonObject versions = new JsonObject(ok(kubectl.run("version", "-o", "json")).stdout());
    assertThat(versions.getJsonObject("serverVersion").getString("gitVersion"))
        .startsWith("v1.33.");
    assertThat(ok(kubectl.run("get", "flags", "-o", "name")).lines())
        .containsExactly(
            "flag.flipt.io/dark-mode",
            "flag.flipt.io/new-checkout",
            "flag.flipt.io/search-ranking-v2");
  }

  @Test
  void theOriginalClientStillGetsTheOriginalShapes() throws Exception {
    serve();
    // GET /apis without Accept: the map keyed <group>/<version>/<plural>
    HttpResponse<Buffer> apis = api().send(HttpMethod.GET, "/apis", null);
    assertThat(apis.statusCode()).isEqualTo(200);
    assertThat(apis.bodyAsJsonObject().fieldNames())
        .contains("flipt.io/v1alpha1/flags", "flipt.io/v1alpha1/segments");

    // curl's Accept: */* is no explicit JSON either
    HttpResponse<Buffer> curl =
        client
            .request(HttpMethod.GET, config.port(), "127.0.0.1", "/apis")
            .putHeader("Accept", "*/*")
            .send()
            .await(2, TimeUnit.MINUTES);
    assertThat(curl.bodyAsJsonObject().fieldNames()).contains("flipt.io/v1alpha1/flags");

    // a list without Accept: NDJSON, one resource per line
    HttpResponse<Buffer> list = api().send(HttpMethod.GET, FLAGS, null);
    assertThat(list.statusCode()).isEqualTo(200);
    List<String> lines = List.of(list.bodyAsString().strip().split("\n"));
    assertThat(lines)
        .extracting(l -> new JsonObject(l).getJsonObject("metadata").getString("name"))
        .containsExactlyElementsOf(DEFAULT_FLAGS);

    // a PUT without Accept or Content-Type: 202 {"id", "empty", "proposal"}
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    JsonObject flag = FliptFixtures.flag("default", "dark-mode", false);
    flag.getJsonObject("spec").put("name", "Dark mode");
    HttpResponse<Buffer> put = api().send(HttpMethod.PUT, FLAGS + "/dark-mode", flag.encode());
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    JsonObject accepted = put.bodyAsJsonObject();
    assertThat(accepted.fieldNames()).containsExactlyInAnyOrder("id", "empty", "proposal");
    assertThat(accepted.getBoolean("empty")).isFalse();
    Change change = proposed(refs, "default", "dark-mode");
    assertThat(accepted.getString("id")).isEqualTo(change.id());
    assertThat(change.after().getBoolean("enabled")).isFalse();
  }

  // -- helpers -----------------------------------------------------------------------------------

  /** Starts the server, open (no authentication, everything allowed). */
  private void serve() throws Exception {
    serve(null);
  }

  private void serve(AccessSettings access) throws Exception {
    ServerConfig base =
        TestConfigs.git(daemon.url("flags.git"), tmp.resolve("data"))
            .port(Fixture.freePort())
            .pollInterval(Duration.ofMillis(300))
            .resourcesDir(resources)
            .build();
    config = access == null ? base : base.withAccess(access);
    server = CupServer.start(vertx, config, Path.of("verticles")).await(2, TimeUnit.MINUTES);
    url = (access == null ? "http" : "https") + "://127.0.0.1:" + config.port();
    client = WebClient.create(vertx);
  }

  private Kubectl kubectl(String version) {
    return Kubectl.of(binary(version), tmp.resolve("kubectl-" + kubectls.incrementAndGet()), url);
  }

  private Kubectl kubectl(Path binary, Path ca, User user) {
    return Kubectl.of(binary, tmp.resolve("kubectl-" + kubectls.incrementAndGet()), url, ca, user);
  }

  private static Path binary(String version) {
    Path binary = Kubectl.version(version).orElse(null);
    assumeTrue(
        binary != null,
        "kubectl "
            + version
            + " is not installed (/usr/lib/google-cloud-sdk/bin/kubectl."
            + version
            + "): install the package kubectl to run the kubectl tests");
    return binary;
  }

  private static Result ok(Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  /** The NAME cells of a table kubectl printed (the first column, header skipped). */
  private static List<String> names(Result table) {
    List<String> lines = table.lines();
    if (lines.isEmpty() || table.exitCode() != 0) {
      return List.of();
    }
    return lines.subList(1, lines.size()).stream().map(l -> l.split("\\s+")[0]).toList();
  }

  /** A Flag manifest as a user writes it. */
  private static String flag(String name, boolean enabled, String team) {
    String title = Character.toUpperCase(name.charAt(0)) + name.substring(1).replace('-', ' ');
    return """
        apiVersion: flipt.io/v1alpha1
        kind: Flag
        metadata:
          name: %s
          namespace: default
          labels:
            team: %s
        spec:
          key: %s
          name: %s
          type: BOOLEAN_FLAG_TYPE
          enabled: %s
        """
        .formatted(name, team, name, title, enabled);
  }

  /** Writes {@code content} to a file of the test and returns its path, for {@code -f}. */
  private String file(String name, String content) {
    try {
      return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject yaml(String text) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = YAML.readValue(text, Map.class);
      return new JsonObject(map);
    } catch (IOException e) {
      throw new UncheckedIOException("not YAML:\n" + text, e);
    }
  }

  private static JsonObject lastApplied(JsonObject entry) {
    return new JsonObject(
        entry
            .getJsonObject("annotations")
            .getString("kubectl.kubernetes.io/last-applied-configuration"));
  }

  /**
   * One write's proposal: its id, its head commit, and the flag's entry in {@code features.yml}
   * before (at the commit's parent) and after (null where absent).
   */
  private record Change(String id, ObjectId commit, JsonObject before, JsonObject after) {}

  /**
   * The one proposal branch pushed since {@code refsBefore}, asserted to be one commit on the
   * tracked branch that changes only {@code <namespace>/features.yml}, and in it only flag {@code
   * name}.
   */
  private Change proposed(Map<String, ObjectId> refsBefore, String namespace, String name) {
    Map<String, ObjectId> refs = TestRepos.refs(remote);
    List<String> added =
        refs.keySet().stream()
            .filter(r -> r.startsWith(PROPOSAL_BRANCHES) && !refsBefore.containsKey(r))
            .toList();
    assertThat(added).as("new proposal branches on the remote").hasSize(1);
    String id = added.get(0).substring(PROPOSAL_BRANCHES.length());
    RevCommit commit = TestRepos.parseCommit(remote, added.get(0));
    assertThat(commit.getParentCount()).isEqualTo(1);
    Map<String, String> before = TestRepos.files(remote, commit.getParent(0).name());
    Map<String, String> after = TestRepos.files(remote, commit.name());
    Set<String> changed = new TreeSet<>(before.keySet());
    changed.addAll(after.keySet());
    changed.removeIf(p -> java.util.Objects.equals(before.get(p), after.get(p)));
    String path = namespace + "/features.yml";
    assertThat(changed).as("files the proposal changes").containsExactly(path);
    JsonObject beforeDoc = yaml(before.get(path));
    JsonObject afterDoc = yaml(after.get(path));
    JsonObject beforeFlag = take(beforeDoc, name);
    JsonObject afterFlag = take(afterDoc, name);
    assertThat(afterDoc).as("the rest of " + path).isEqualTo(beforeDoc);
    return new Change(id, commit.getId(), beforeFlag, afterFlag);
  }

  /** Removes flag {@code key}'s entry from a parsed {@code features.yml} and returns it. */
  private static JsonObject take(JsonObject features, String key) {
    JsonArray flags = features.getJsonArray("flags", new JsonArray());
    for (int i = 0; i < flags.size(); i++) {
      JsonObject entry = flags.getJsonObject(i);
      if (key.equals(entry.getString("key"))) {
        flags.remove(i);
        return entry;
      }
    }
    return null;
  }

  /** Merges a proposal through the proposals API. */
  private void merge(String id) throws Exception {
    HttpResponse<Buffer> merged =
        api().send(HttpMethod.POST, PROPOSALS + "/" + id + "/merge", null);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);
  }

  /** Waits until the server reads flag {@code name} at the remote's tracked head. */
  private void awaitServed(String name) {
    String head = TestRepos.ref(remote, "refs/heads/main").name();
    Eventually.until(
        "the server serves " + name + " at " + head,
        Duration.ofMinutes(1),
        () -> {
          HttpResponse<Buffer> read = api().send(HttpMethod.GET, FLAGS + "/" + name, null);
          return read.statusCode() == 200
              && head.equals(
                  read.bodyAsJsonObject().getJsonObject("metadata").getString("resourceVersion"));
        });
  }

  /** The HTTP API of the server under test. */
  private TestHttpClient api() {
    return TestHttpClient.loopback(client, config.port());
  }
}
