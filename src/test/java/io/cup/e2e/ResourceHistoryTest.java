package io.cup.e2e;

import static io.cup.e2e.FlagsServer.FLAGS;
import static io.cup.e2e.FlagsServer.MAIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.cup.Main;
import io.cup.config.AccessSettings;
import io.cup.testing.Eventually;
import io.cup.testing.TestRepos;
import io.cup.testing.auth.TokenFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET …/flags/{name}/history} over the demo: the real Flipt WASM controller, which keeps
 * every flag of a namespace in one {@code default/features.yml}, a real {@code git daemon} remote
 * and proposals merged through Cup. One history is arranged once, and every test reads it:
 *
 * <ol>
 *   <li>the seed commit (every flag created);
 *   <li>a push that changes only {@code search-ranking-v2} in the same file;
 *   <li>a push that turns {@code dark-mode} off;
 *   <li>a Cup proposal that changes {@code dark-mode}'s description, merged;
 *   <li>a push that changes only {@code README.md}.
 * </ol>
 *
 * RBAC with a token file: anonymous requests may do anything (the proposal above), {@code viewer}
 * may get flags and their history, {@code getter} may only get flags.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ResourceHistoryTest {
  private static final String DARK_MODE = FLAGS + "/dark-mode";
  private static final String HISTORY = DARK_MODE + "/history";
  private static final String VIEWER = "viewer-token-0123456789";
  private static final String GETTER = "getter-token-0123456789";
  private static final String RBAC =
      """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: everything}
      rules:
      - apiGroups: ["*"]
        resources: ["*"]
        verbs: ["*"]
      - nonResourceURLs: ["*"]
        verbs: ["*"]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: anonymous-does-everything}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
      subjects:
      - {kind: Group, name: "system:unauthenticated", apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: flag-viewer}
      rules:
      - apiGroups: [flipt.io]
        resources: [flags, flags/history]
        verbs: [get, list]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: viewer}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: flag-viewer}
      subjects:
      - {kind: User, name: viewer, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: flag-getter}
      rules:
      - apiGroups: [flipt.io]
        resources: [flags]
        verbs: [get]
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: getter}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: flag-getter}
      subjects:
      - {kind: User, name: getter, apiGroup: rbac.authorization.k8s.io}
      """;

  @TempDir static Path tmp;

  private static Vertx vertx;
  private static FlagsServer server;
  private static WebClient client;
  private static String seed;
  private static String otherFlag;
  private static String darkModeOff;
  private static String proposal;
  private static String merged;
  private static String readme;

  @BeforeAll
  static void arrange() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    Path tokens =
        TokenFile.write(
            Files.createDirectories(tmp.resolve("auth")).resolve("tokens.csv"),
            VIEWER + ",viewer,u-1",
            GETTER + ",getter,u-2");
    AccessSettings access =
        new AccessSettings(
            null,
            null,
            tokens.toString(),
            null,
            null,
            null,
            null,
            null,
            null,
            true,
            AccessSettings.RBAC,
            null,
            null,
            null);
    server = FlagsServer.start(vertx, tmp, RBAC, access);
    seed = TestRepos.ref(server.remote, MAIN).name();

    String features = TestRepos.read(server.remote, MAIN, "default/features.yml");
    String searchChanged =
        features.replace(
            "Off until the evaluation is done.", "Off until the evaluation is done (week 3).");
    assertThat(searchChanged).isNotEqualTo(features);
    otherFlag = push("default/features.yml", searchChanged, "Note the evaluation week");

    String darkOff = darkMode(searchChanged, "enabled: true", "enabled: false");
    darkModeOff = push("default/features.yml", darkOff, "Turn dark mode off\n\nToo many bugs.");
    awaitHead(darkModeOff);

    JsonObject flag = get(DARK_MODE).bodyAsJsonObject();
    flag.getJsonObject("spec").put("description", "Offer the dark colour scheme (paused).");
    Set<String> before = server.proposalBranches();
    HttpResponse<Buffer> put =
        client
            .put(server.config.port(), "127.0.0.1", DARK_MODE)
            .sendJsonObject(flag)
            .await(1, TimeUnit.MINUTES);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    proposal = server.newProposal(before);
    server.merge(proposal);
    merged = TestRepos.ref(server.remote, MAIN).name();

    readme = push("README.md", "# flags, documented\n", "Document the flags");
    awaitHead(readme);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    client.close();
    vertx.close().await(1, TimeUnit.MINUTES);
  }

  @Test
  void theCommitsThatChangedTheFlagNewestFirstWithAuthorMessageAndDiff() throws Exception {
    HttpResponse<Buffer> answer = get(HISTORY);

    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    assertThat(answer.getHeader("Content-Type")).startsWith("application/json");
    JsonObject history = answer.bodyAsJsonObject();
    assertThat(history.getString("apiVersion")).isEqualTo("cup.flipt.io/v1alpha1");
    assertThat(history.getString("kind")).isEqualTo("ResourceHistory");
    assertThat(history.getJsonObject("metadata").getString("resourceVersion")).isEqualTo(readme);
    assertThat(history.getJsonObject("metadata").containsKey("continue")).isFalse();
    List<JsonObject> items = items(history);
    // neither the push that changed only another flag of the file nor the README's
    assertThat(items)
        .extracting(i -> i.getString("commit"))
        .containsExactly(merged, darkModeOff, seed)
        .doesNotContain(otherFlag, readme);

    JsonObject off = items.get(1);
    assertThat(off.getString("change")).isEqualTo("modified");
    assertThat(off.getString("path")).isEqualTo("default/features.yml");
    assertThat(off.getString("message")).isEqualTo("Turn dark mode off\n\nToo many bugs.\n");
    assertThat(off.getJsonObject("author"))
        .isEqualTo(
            new JsonObject().put("name", "Someone Else").put("email", "someone@example.test"));
    assertThat(off.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(off.containsKey("proposal")).isFalse();
    assertThat(off.getString("diff"))
        .startsWith("diff --git a/default/features.yml b/default/features.yml\n")
        .contains("--- a/default/features.yml\n+++ b/default/features.yml\n")
        .contains("\n-  enabled: true\n")
        .contains("\n+  enabled: false\n")
        .doesNotContain("search-ranking-v2");

    JsonObject viaProposal = items.get(0);
    assertThat(viaProposal.getJsonObject("proposal").getString("id")).isEqualTo(proposal);
    assertThat(viaProposal.getJsonObject("proposal").getString("url"))
        .endsWith("/apis/cup.flipt.io/v1alpha1/proposals/" + proposal);
    assertThat(viaProposal.getString("diff")).contains("(paused)");

    assertThat(items.get(2).getString("change")).isEqualTo("created");
    assertThat(items.get(2).getString("diff"))
        .contains("--- /dev/null\n+++ b/default/features.yml");
  }

  @Test
  void pagesFollowTheContinueTokenToTheSameHistory() throws Exception {
    List<String> commits = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> page =
          get(HISTORY + "?limit=1" + (token == null ? "" : "&continue=" + token));
      assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
      JsonObject history = page.bodyAsJsonObject();
      assertThat(history.getJsonObject("metadata").getString("resourceVersion")).isEqualTo(readme);
      List<JsonObject> items = items(history);
      assertThat(items).hasSizeLessThanOrEqualTo(1);
      items.forEach(i -> commits.add(i.getString("commit")));
      token = history.getJsonObject("metadata").getString("continue");
      pages++;
    } while (token != null && pages < 10);

    assertThat(commits).containsExactly(merged, darkModeOff, seed);
  }

  @Test
  void aBadLimitOrContinueIs400Status() throws Exception {
    for (String query :
        List.of("limit=abc", "limit=-1", "limit=501", "continue=not-a-token", "continue=e30")) {
      HttpResponse<Buffer> answer = get(HISTORY + "?" + query);
      assertThat(answer.statusCode()).as(query + ": " + answer.bodyAsString()).isEqualTo(400);
      assertThat(answer.bodyAsJsonObject().getString("kind")).isEqualTo("Status");
      assertThat(answer.bodyAsJsonObject().getString("reason")).isEqualTo("BadRequest");
    }
    // a token of another resource's history
    String token =
        get(FLAGS + "/search-ranking-v2/history?limit=1")
            .bodyAsJsonObject()
            .getJsonObject("metadata")
            .getString("continue");
    assertThat(token).isNotNull();
    HttpResponse<Buffer> other = get(HISTORY + "?continue=" + token);
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(400);
  }

  @Test
  void aFlagThatNeverExistedIs404Status() throws Exception {
    HttpResponse<Buffer> answer = get(FLAGS + "/never-was/history");

    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(404);
    assertThat(answer.bodyAsJsonObject().getString("kind")).isEqualTo("Status");
    assertThat(answer.bodyAsJsonObject().getString("message")).contains("never-was");
  }

  @Test
  void historyIsTheSubresourceHistoryOfGet() throws Exception {
    assertThat(get(HISTORY, VIEWER).statusCode()).isEqualTo(200);
    assertThat(get(DARK_MODE, GETTER).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> denied = get(HISTORY, GETTER);
    assertThat(denied.statusCode()).as(denied.bodyAsString()).isEqualTo(403);
    assertThat(denied.bodyAsJsonObject().getString("kind")).isEqualTo("Status");
    assertThat(denied.bodyAsJsonObject().getString("message"))
        .contains("User \"getter\" cannot get resource \"flags/history\"");
  }

  @Test
  void cupHistoryPrintsATableOfEveryPage() throws Exception {
    String out = cup("history", "flags", "dark-mode", "-n", "default");

    List<String> lines = out.lines().toList();
    assertThat(lines.get(0)).matches("COMMIT +TIME +AUTHOR +PROPOSAL +MESSAGE");
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).startsWith(merged.substring(0, 12)).contains(proposal);
    assertThat(lines.get(2))
        .startsWith(darkModeOff.substring(0, 12))
        .contains("Someone Else")
        .contains("<none>")
        .endsWith("Turn dark mode off");
    assertThat(lines.get(3)).startsWith(seed.substring(0, 12));

    String limited = cup("history", "flags", "dark-mode", "--limit", "2", "-o", "json");
    JsonObject history = new JsonObject(limited);
    assertThat(history.getString("kind")).isEqualTo("ResourceHistory");
    assertThat(items(history))
        .extracting(i -> i.getString("commit"))
        .containsExactly(merged, darkModeOff);
  }

  // -- helpers ----------------------------------------------------------------------------------

  /** Pushes one file to the remote's main branch as someone else would. */
  private static String push(String path, String content, String message) {
    return TestRepos.commit(server.remote, "main", Map.of(path, content), Set.of(), message).name();
  }

  /** {@code features} with {@code from} replaced by {@code to} in the dark-mode entry only. */
  private static String darkMode(String features, String from, String to) {
    int start = features.indexOf("- key: dark-mode");
    int end = features.indexOf("- key: new-checkout");
    String entry = features.substring(start, end);
    assertThat(entry).contains(from);
    return features.substring(0, start) + entry.replace(from, to) + features.substring(end);
  }

  /** Waits until the server reads the tracked branch at {@code commit}. */
  private static void awaitHead(String commit) {
    Eventually.until(
        "the server reads " + commit,
        Duration.ofMinutes(1),
        () ->
            commit.equals(
                get(FLAGS + "?limit=1", null)
                    .bodyAsJsonObject()
                    .getJsonObject("metadata")
                    .getString("resourceVersion")));
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return get(path, null);
  }

  private static HttpResponse<Buffer> get(String path, String token) throws Exception {
    HttpRequest<Buffer> request =
        client.get(server.config.port(), "127.0.0.1", path).putHeader("Accept", "application/json");
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send().await(1, TimeUnit.MINUTES);
  }

  private static List<JsonObject> items(JsonObject history) {
    JsonArray items = history.getJsonArray("items");
    List<JsonObject> list = new ArrayList<>();
    items.forEach(i -> list.add((JsonObject) i));
    return list;
  }

  /** Runs {@code cup ARGS} against the server in-process; its standard output (exit 0). */
  private static String cup(String... args) {
    List<String> all = new ArrayList<>(List.of("-a", server.url()));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            all.toArray(String[]::new),
            Map.of("HOME", tmp.toString()),
            tmp,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String stdout = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(stdout + err.toString(StandardCharsets.UTF_8)).isZero();
    return stdout;
  }
}
