package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.controllers.Controller;
import io.cup.controllers.Controllers;
import io.cup.git.GitRevisionView;
import io.cup.git.RevisionView;
import io.cup.testing.TestRepos;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  @Test
  void createsABareRepositoryWhoseHeadIsMainWithOneSeedCommit() throws IOException {
    assertThat(Demo.prepare(data)).isTrue();

    try (Repository repo = open(Demo.origin(data));
        RevWalk walk = new RevWalk(repo)) {
      assertThat(repo.isBare()).isTrue();
      Ref head = repo.exactRef(Constants.HEAD);
      assertThat(head.isSymbolic()).isTrue();
      assertThat(head.getTarget().getName()).isEqualTo("refs/heads/main");
      RevCommit seed = walk.parseCommit(head.getObjectId());
      assertThat(seed.getParentCount()).isZero();
      assertThat(seed.getAuthorIdent().getName()).isEqualTo("Cup");
      assertThat(seed.getShortMessage()).isEqualTo("Seed the Cup demo");
      assertThat(repo.getRefDatabase().getRefs())
          .extracting(Ref::getName)
          .containsExactly("HEAD", "refs/heads/main");
      assertThat(readTree(repo, seed).keySet())
          .containsExactly("README.md", "default/features.yml", "production/features.yml");
    }
    assertThat(TestRepos.fsck(Demo.origin(data)).ok()).isTrue();
    assertThat(Demo.originUrl(data))
        .isEqualTo("file://" + Demo.origin(data).toAbsolutePath().normalize());
  }

  @Test
  void theFliptControllerServesEverySeedResourceAndEachPassesItsSchema() throws IOException {
    Demo.prepare(data);
    ResourceConfiguration config = ResourceConfigurationLoader.load(Demo.resources(data));
    Controllers controllers = Controllers.of(config);
    List<String> seen = new ArrayList<>();
    try (Repository repo = open(Demo.origin(data))) {
      RevisionView main = GitRevisionView.of(repo, repo.resolve("refs/heads/main"));
      for (String plural : List.of("flags", "segments")) {
        ServedResource served = config.served("flipt.io", "v1alpha1", plural).orElseThrow();
        Controller controller = controllers.named(served.controller().name()).orElseThrow();
        for (String namespace : List.of("default", "production")) {
          Controller.Target target =
              new Controller.Target(
                  "flipt.io", "v1alpha1", served.definition().kind(), plural, namespace, null);
          for (JsonObject resource : controller.list(target, main)) {
            JsonNode node = JSON.readTree(resource.encode());
            assertThat(served.schema().validate(node)).as(resource.encode()).isEmpty();
            seen.add(namespace + "/" + resource.getString("kind"));
          }
        }
      }
    }
    assertThat(seen)
        .contains("default/Flag", "default/Segment", "production/Flag", "production/Segment")
        .hasSize(8);
  }

  @Test
  void demoSchemasRefuseResourcesThatBreakThem() throws IOException {
    Demo.prepare(data);
    ResourceConfiguration config = ResourceConfigurationLoader.load(Demo.resources(data));
    ServedResource flags = config.served("flipt.io", "v1alpha1", "flags").orElseThrow();
    JsonObject read;
    try (Repository repo = open(Demo.origin(data))) {
      read =
          Controllers.of(config)
              .named("flipt")
              .orElseThrow()
              .get(
                  new Controller.Target(
                      "flipt.io", "v1alpha1", "Flag", "flags", "default", "dark-mode"),
                  GitRevisionView.of(repo, repo.resolve("refs/heads/main")))
              .orElseThrow();
    }
    JsonNode flag = JSON.readTree(read.encode());

    String enabledAsText = flag.toString().replace("\"enabled\":true", "\"enabled\":\"yes\"");
    String withoutKey = flag.toString().replace("\"key\":\"dark-mode\",", "");
    String unknownSpecField =
        flag.toString().replace("\"enabled\":true", "\"enabled\":true,\"x\":1");

    assertThat(flags.schema().validate(JSON.readTree(enabledAsText)))
        .extracting(m -> m.getInstanceLocation().toString())
        .containsExactly("$.spec.enabled");
    assertThat(flags.schema().validate(JSON.readTree(withoutKey))).isNotEmpty();
    assertThat(flags.schema().validate(JSON.readTree(unknownSpecField))).isNotEmpty();
  }

  @Test
  void demoResourcesServeFlagsAndSegmentsThroughTheFliptWasmController() {
    Demo.prepare(data);

    ResourceConfiguration config = ResourceConfigurationLoader.load(Demo.resources(data));

    assertThat(config.served())
        .containsOnlyKeys("flipt.io/v1alpha1/flags", "flipt.io/v1alpha1/segments");
    assertThat(config.served().values())
        .allSatisfy(served -> assertThat(served.controller().type()).isEqualTo("wasm"));
    assertThat(Demo.resources(data).resolve("flipt.wasm")).isRegularFile();
  }

  @Test
  void anExistingDemoIsReusedUntouched() throws IOException {
    assertThat(Demo.prepare(data)).isTrue();
    ObjectId someoneElsesCommit =
        TestRepos.commit(Demo.origin(data), "main", Map.of("default/extra.txt", "mine\n"));
    Path flags = Demo.resources(data).resolve("flags.json");
    String shippedFlags = Files.readString(flags);
    Files.writeString(flags, shippedFlags.replace("A Flipt feature flag", "Our feature flag"));
    String editedFlags = Files.readString(flags);
    assertThat(editedFlags).isNotEqualTo(shippedFlags);

    assertThat(Demo.prepare(data)).isFalse();

    assertThat(TestRepos.ref(Demo.origin(data), "refs/heads/main")).isEqualTo(someoneElsesCommit);
    assertThat(Files.readString(flags)).isEqualTo(editedFlags);
    try (Stream<Path> entries = Files.list(Demo.directory(data))) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("origin.git", "resources");
    }
  }

  @Test
  void missingResourcesAreRecreatedNextToAnExistingRepository() throws IOException {
    Demo.prepare(data);
    ObjectId seed = TestRepos.ref(Demo.origin(data), "refs/heads/main");
    deleteTree(Demo.resources(data));

    assertThat(Demo.prepare(data)).isFalse();

    assertThat(Demo.resources(data).resolve("binding.json")).exists();
    assertThat(TestRepos.ref(Demo.origin(data), "refs/heads/main")).isEqualTo(seed);
  }

  @Test
  void theExampleConfigurationInConfIsTheDemos() throws IOException {
    Map<String, byte[]> packaged = PackagedFiles.read("demo/resources");
    Map<String, String> example = new TreeMap<>();
    try (Stream<Path> files = Files.list(Path.of("conf/resources"))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        example.put(file.getFileName().toString(), digest(Files.readAllBytes(file)));
      }
    }

    Map<String, String> shipped = new TreeMap<>();
    packaged.forEach((name, bytes) -> shipped.put(name, digest(bytes)));
    assertThat(example).isEqualTo(shipped);
  }

  /** A fingerprint of a file: its hash and length (the module is binary). */
  private static String digest(byte[] bytes) {
    return java.util.Arrays.hashCode(bytes) + ":" + bytes.length;
  }

  private static Repository open(Path gitDir) throws IOException {
    return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
  }

  private static Map<String, byte[]> readTree(Repository repo, RevCommit commit)
      throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        files.put(walk.getPathString(), repo.open(walk.getObjectId(0)).getBytes());
      }
    }
    return files;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(path);
      }
    }
  }
}
