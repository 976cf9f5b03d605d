package io.cup.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cup.testing.TestRepos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
          .containsExactly(
              "README.md",
              "default/flipt.io-v1alpha1-Flag-dark-mode.json",
              "default/flipt.io-v1alpha1-Flag-new-checkout.json",
              "default/flipt.io-v1alpha1-Flag-search-ranking-v2.json",
              "default/flipt.io-v1alpha1-Segment-beta-users.json",
              "default/flipt.io-v1alpha1-Segment-internal-staff.json",
              "production/flipt.io-v1alpha1-Flag-dark-mode.json",
              "production/flipt.io-v1alpha1-Flag-new-checkout.json",
              "production/flipt.io-v1alpha1-Segment-beta-users.json");
    }
    assertThat(TestRepos.fsck(Demo.origin(data)).ok()).isTrue();
    assertThat(Demo.originUrl(data))
        .isEqualTo("file://" + Demo.origin(data).toAbsolutePath().normalize());
  }

  @Test
  void seedResourcesSitWhereTheDefaultTemplatesPutThemAndPassTheirSchemas() throws IOException {
    Demo.prepare(data);
    ResourceConfiguration config = ResourceConfigurationLoader.load(Demo.resources(data));
    Map<String, String> files = TestRepos.files(Demo.origin(data), "main");

    List<String> kinds = new ArrayList<>();
    for (Map.Entry<String, String> file : files.entrySet()) {
      if (!file.getKey().endsWith(".json")) {
        continue;
      }
      String text = file.getValue();
      assertThat(text).as(file.getKey()).startsWith("{\n  \"apiVersion\": ").endsWith("}\n");
      JsonNode resource = JSON.readTree(text);
      String[] apiVersion = resource.path("apiVersion").asText().split("/");
      String kind = resource.path("kind").asText();
      JsonNode metadata = resource.path("metadata");
      String expectedPath =
          metadata.path("namespace").asText()
              + "/"
              + apiVersion[0]
              + "-"
              + apiVersion[1]
              + "-"
              + kind
              + "-"
              + metadata.path("name").asText()
              + ".json";
      assertThat(file.getKey()).isEqualTo(expectedPath);
      String plural = kind.equals("Flag") ? "flags" : "segments";
      ServedResource served = config.served(apiVersion[0], apiVersion[1], plural).orElseThrow();
      assertThat(served.definition().kind()).isEqualTo(kind);
      assertThat(served.schema().validate(resource)).as(file.getKey()).isEmpty();
      kinds.add(metadata.path("namespace").asText() + "/" + kind);
    }
    assertThat(kinds)
        .contains("default/Flag", "default/Segment", "production/Flag", "production/Segment");
  }

  @Test
  void demoSchemasRefuseResourcesThatBreakThem() throws IOException {
    Demo.prepare(data);
    ServedResource flags =
        ResourceConfigurationLoader.load(Demo.resources(data))
            .served("flipt.io", "v1alpha1", "flags")
            .orElseThrow();
    JsonNode flag =
        JSON.readTree(
            TestRepos.read(
                Demo.origin(data), "main", "default/flipt.io-v1alpha1-Flag-dark-mode.json"));

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
  void demoResourcesServeFlagsAndSegmentsThroughTheTemplateController() {
    Demo.prepare(data);

    ResourceConfiguration config = ResourceConfigurationLoader.load(Demo.resources(data));

    assertThat(config.served())
        .containsOnlyKeys("flipt.io/v1alpha1/flags", "flipt.io/v1alpha1/segments");
    assertThat(config.served().values())
        .allSatisfy(served -> assertThat(served.controller().type()).isEqualTo("template"));
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
        example.put(file.getFileName().toString(), Files.readString(file));
      }
    }

    Map<String, String> shipped = new TreeMap<>();
    packaged.forEach((name, bytes) -> shipped.put(name, new String(bytes, StandardCharsets.UTF_8)));
    assertThat(example).isEqualTo(shipped);
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
