package io.cup.oci;

import static org.assertj.core.api.Assertions.assertThat;

import io.cup.oci.ImagePuller.PulledModule;
import io.cup.oci.RegistryException.Reason;
import io.cup.testing.OciRegistry;
import io.cup.testing.OciTokenService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing and pulling controller modules against a real registry process ({@code docker-registry}
 * on 127.0.0.1): the pushed artifact is a standard one ({@code skopeo} reads it), tags resolve to
 * digests, blobs are verified, media types checked, signatures required when a key is configured,
 * the cache serves when the registry is down.
 */
@ExtendWith(VertxExtension.class)
class ImagePullTest {
  static final Path FLIPT = Path.of("controllers", "flipt", "flipt.wasm");
  static final Path ORIGINAL =
      Path.of("controllers", "original-protocol", "original-protocol.wasm");

  @TempDir Path temp;
  OciRegistry registry;
  RegistryClient client;

  @BeforeEach
  void start(Vertx vertx) {
    registry = OciRegistry.anonymous(temp.resolve("registry"));
    client = new RegistryClient(vertx, RegistryCredentials.NONE, Set.of(registry.host()), 10_000);
  }

  @AfterEach
  void stop() {
    client.close();
    registry.stop();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static Throwable failure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  ImageReference ref(String text) {
    return ImageReference.parse(registry.host() + "/" + text);
  }

  ImagePuller puller(Vertx vertx, Path cache) {
    return new ImagePuller(
        vertx, client, new BlobCache(cache), ImagePuller.DEFAULT_MAX_MODULE_BYTES, Set.of());
  }

  ImagePusher.Pushed push(Path module, String ref) throws Exception {
    return await(
        new ImagePusher(client)
            .push(
                ref(ref),
                Files.readAllBytes(module),
                Map.of("org.example.team", "web"),
                Instant.now()));
  }

  @Test
  void aPushedModuleIsAStandardArtifactAndPullsByTagAndDigest(Vertx vertx) throws Exception {
    ImagePusher.Pushed pushed = push(FLIPT, "controllers/flipt:1.0");

    Process skopeo =
        new ProcessBuilder(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + registry.host() + "/controllers/flipt:1.0")
            .redirectErrorStream(true)
            .start();
    assertThat(skopeo.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String raw = new String(skopeo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(skopeo.exitValue()).as(raw).isZero();
    JsonObject manifest = new JsonObject(raw);
    assertThat(Digest.of(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(pushed.digest());
    assertThat(manifest.getJsonObject("config").getString("mediaType"))
        .isEqualTo(OciMediaTypes.WASM_CONFIG);
    assertThat(manifest.getJsonArray("layers").getJsonObject(0).getString("mediaType"))
        .isEqualTo(OciMediaTypes.WASM_LAYER);
    assertThat(manifest.getJsonObject("annotations").getString("org.example.team"))
        .isEqualTo("web");

    PulledModule byTag =
        await(
            puller(vertx, temp.resolve("cache"))
                .pull("flipt", ref("controllers/flipt:1.0"), Optional.empty()));
    assertThat(byTag.digest()).isEqualTo(pushed.digest());
    assertThat(Files.readAllBytes(byTag.file())).isEqualTo(Files.readAllBytes(FLIPT));

    PulledModule byDigest =
        await(
            puller(vertx, temp.resolve("cache2"))
                .pull("flipt", ref("controllers/flipt@" + pushed.digest()), Optional.empty()));
    assertThat(byDigest.layer()).isEqualTo(Digest.of(Files.readAllBytes(FLIPT)));
  }

  @Test
  void aWrongDigestIsNotFoundAndATamperedBlobIsRefused(Vertx vertx) throws Exception {
    ImagePusher.Pushed pushed = push(FLIPT, "controllers/flipt:1.0");
    Digest wrong = Digest.of("nothing".getBytes(StandardCharsets.UTF_8));
    Throwable missing =
        failure(
            puller(vertx, temp.resolve("c1"))
                .pull("flipt", ref("controllers/flipt@" + wrong), Optional.empty()));
    assertThat(((RegistryException) missing).reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(missing)
        .hasMessageContaining("controller flipt")
        .hasMessageContaining(registry.host());

    // tamper with the module's blob in the registry's storage: the registry serves other bytes
    Digest layer = Digest.of(Files.readAllBytes(FLIPT));
    Path data =
        registry
            .storage()
            .resolve("docker/registry/v2/blobs/sha256")
            .resolve(layer.hex().substring(0, 2))
            .resolve(layer.hex())
            .resolve("data");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 1;
    Files.write(data, bytes);
    Throwable tampered =
        failure(
            puller(vertx, temp.resolve("c2"))
                .pull("flipt", ref("controllers/flipt@" + pushed.digest()), Optional.empty()));
    assertThat(((RegistryException) tampered).reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(Files.exists(temp.resolve("c2/blobs/sha256").resolve(layer.hex()))).isFalse();
  }

  @Test
  void anArtifactOfAnotherKindIsRefusedNamingItsMediaTypes(Vertx vertx) throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = "not wasm".getBytes(StandardCharsets.UTF_8);
    await(client.pushBlob(ref("other:1"), config));
    await(client.pushBlob(ref("other:1"), layer));
    JsonObject manifest =
        new JsonObject()
            .put("schemaVersion", 2)
            .put("mediaType", OciMediaTypes.OCI_MANIFEST)
            .put(
                "config",
                ImagePusher.descriptor(
                    "application/vnd.oci.image.config.v1+json", Digest.of(config), config.length))
            .put(
                "layers",
                new io.vertx.core.json.JsonArray()
                    .add(
                        ImagePusher.descriptor(
                            "application/vnd.oci.image.layer.v1.tar+gzip",
                            Digest.of(layer),
                            layer.length)));
    await(
        client.pushManifest(
            ref("other:1"),
            OciMediaTypes.OCI_MANIFEST,
            manifest.encode().getBytes(StandardCharsets.UTF_8)));
    Throwable refused =
        failure(puller(vertx, temp.resolve("c")).pull("flipt", ref("other:1"), Optional.empty()));
    assertThat(((RegistryException) refused).reason()).isEqualTo(Reason.UNSUPPORTED);
    assertThat(refused)
        .hasMessageContaining("controller flipt")
        .hasMessageContaining(registry.host() + "/other:1")
        .hasMessageContaining("application/vnd.oci.image.config.v1+json")
        .hasMessageContaining("application/vnd.oci.image.layer.v1.tar+gzip");
  }

  @Test
  void anImageIndexResolvesToItsWasip1EntryAndTheWasmToOciLayoutIsAccepted(Vertx vertx)
      throws Exception {
    ImagePusher.Pushed pushed = push(FLIPT, "controllers/flipt:1.0");
    byte[] other = "{}".getBytes(StandardCharsets.UTF_8);
    await(client.pushBlob(ref("controllers/flipt:index"), other));
    JsonObject index =
        new JsonObject()
            .put("schemaVersion", 2)
            .put("mediaType", OciMediaTypes.OCI_INDEX)
            .put(
                "manifests",
                new io.vertx.core.json.JsonArray()
                    .add(
                        ImagePusher.descriptor(OciMediaTypes.OCI_MANIFEST, Digest.of(other), 2)
                            .put(
                                "platform",
                                new JsonObject().put("os", "linux").put("architecture", "amd64")))
                    .add(
                        ImagePusher.descriptor(
                                OciMediaTypes.OCI_MANIFEST,
                                pushed.digest(),
                                pushed.manifest().length)
                            .put(
                                "platform",
                                new JsonObject().put("os", "wasip1").put("architecture", "wasm"))));
    Digest indexDigest =
        await(
            client.pushManifest(
                ref("controllers/flipt:index"),
                OciMediaTypes.OCI_INDEX,
                index.encode().getBytes(StandardCharsets.UTF_8)));
    PulledModule viaIndex =
        await(
            puller(vertx, temp.resolve("c1"))
                .pull("flipt", ref("controllers/flipt:index"), Optional.empty()));
    assertThat(viaIndex.digest()).isEqualTo(indexDigest);
    assertThat(Files.readAllBytes(viaIndex.file())).isEqualTo(Files.readAllBytes(FLIPT));

    // an index without a wasip1 or wasm entry is refused, naming the platforms it has
    JsonObject linuxOnly = index.copy();
    linuxOnly.getJsonArray("manifests").remove(1);
    await(
        client.pushManifest(
            ref("controllers/flipt:linux"),
            OciMediaTypes.OCI_INDEX,
            linuxOnly.encode().getBytes(StandardCharsets.UTF_8)));
    Throwable refused =
        failure(
            puller(vertx, temp.resolve("c2"))
                .pull("flipt", ref("controllers/flipt:linux"), Optional.empty()));
    assertThat(refused)
        .hasMessageContaining("no wasip1 or wasm entry")
        .hasMessageContaining("linux/amd64");

    // wasm-to-oci: one application/vnd.wasm.content.layer.v1+wasm layer, its own config type
    byte[] module = Files.readAllBytes(ORIGINAL);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    await(client.pushBlob(ref("legacy:v1"), module));
    await(client.pushBlob(ref("legacy:v1"), config));
    JsonObject legacy =
        new JsonObject()
            .put("schemaVersion", 2)
            .put("mediaType", OciMediaTypes.OCI_MANIFEST)
            .put(
                "config",
                ImagePusher.descriptor(
                    OciMediaTypes.WASM_TO_OCI_CONFIG, Digest.of(config), config.length))
            .put(
                "layers",
                new io.vertx.core.json.JsonArray()
                    .add(
                        ImagePusher.descriptor(
                            OciMediaTypes.WASM_TO_OCI_LAYER, Digest.of(module), module.length)));
    await(
        client.pushManifest(
            ref("legacy:v1"),
            OciMediaTypes.OCI_MANIFEST,
            legacy.encode().getBytes(StandardCharsets.UTF_8)));
    PulledModule old =
        await(
            puller(vertx, temp.resolve("c3")).pull("original", ref("legacy:v1"), Optional.empty()));
    assertThat(Files.readAllBytes(old.file())).isEqualTo(module);
  }

  @Test
  void aRegistryWithTokenAuthIsReachedThroughTheBearerChallengeWithTheLogin(Vertx vertx)
      throws Exception {
    try (OciTokenService tokens =
            OciTokenService.start(vertx, temp.resolve("tokens"), "ci", "t0ken-pa55");
        OciRegistry secured = OciRegistry.withTokens(temp.resolve("secured"), tokens)) {
      ImageReference ref = ImageReference.parse(secured.host() + "/controllers/flipt:1.0");
      RegistryClient withLogin =
          new RegistryClient(
              vertx,
              RegistryCredentials.of(
                  Map.of(secured.host(), new RegistryCredentials.Login("ci", "t0ken-pa55"))),
              Set.of(secured.host()),
              10_000);
      RegistryClient anonymous =
          new RegistryClient(vertx, RegistryCredentials.NONE, Set.of(secured.host()), 10_000);
      try {
        ImagePusher.Pushed pushed =
            await(
                new ImagePusher(withLogin)
                    .push(ref, Files.readAllBytes(FLIPT), Map.of(), Instant.now()));
        assertThat(tokens.scopes()).contains("repository:controllers/flipt:pull,push");

        PulledModule pulled =
            await(
                new ImagePuller(
                        vertx,
                        withLogin,
                        new BlobCache(temp.resolve("c")),
                        ImagePuller.DEFAULT_MAX_MODULE_BYTES,
                        Set.of())
                    .pull("flipt", ref, Optional.empty()));
        assertThat(pulled.digest()).isEqualTo(pushed.digest());
        assertThat(tokens.scopes()).contains("repository:controllers/flipt:pull");

        Throwable refused =
            failure(
                new ImagePuller(
                        vertx,
                        anonymous,
                        new BlobCache(temp.resolve("c2")),
                        ImagePuller.DEFAULT_MAX_MODULE_BYTES,
                        Set.of())
                    .pull("flipt", ref, Optional.empty()));
        assertThat(((RegistryException) refused).reason()).isEqualTo(Reason.UNAUTHORIZED);
        assertThat(refused)
            .hasMessageContaining("no login configured")
            .hasMessageNotContaining("t0ken");
      } finally {
        withLogin.close();
        anonymous.close();
      }
    }
  }

  @Test
  void aBlobRedirectedToAnotherHostIsFetchedThereWithoutTheRegistryLogin(Vertx vertx)
      throws Exception {
    Path storage = temp.resolve("redirecting").resolve("storage");
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    // the "CDN": serves the registry's storage directory as it is, on its own loopback port
    io.vertx.core.http.HttpServer cdn =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  seen.add(request.path() + " " + request.getHeader("Authorization"));
                  Path file = storage.resolve(request.path().substring(1)).normalize();
                  if (!file.startsWith(storage)) {
                    request.response().setStatusCode(404).end();
                    return;
                  }
                  request
                      .response()
                      .sendFile(file.toString())
                      .onFailure(e -> request.response().setStatusCode(404).end());
                })
            .listen(0, "127.0.0.1")
            .await(30, TimeUnit.SECONDS);
    try (OciRegistry redirecting =
        OciRegistry.withLoginRedirectingBlobsTo(
            temp.resolve("redirecting"),
            "ci",
            "pa55",
            "http://127.0.0.1:" + cdn.actualPort() + "/")) {
      RegistryClient login =
          new RegistryClient(
              vertx,
              RegistryCredentials.of(
                  Map.of(redirecting.host(), new RegistryCredentials.Login("ci", "pa55"))),
              Set.of(redirecting.host()),
              10_000);
      try {
        ImageReference ref = ImageReference.parse(redirecting.host() + "/controllers/flipt:1.0");
        await(new ImagePusher(login).push(ref, Files.readAllBytes(FLIPT), Map.of(), Instant.now()));
        PulledModule pulled =
            await(
                new ImagePuller(
                        vertx,
                        login,
                        new BlobCache(temp.resolve("c")),
                        ImagePuller.DEFAULT_MAX_MODULE_BYTES,
                        Set.of())
                    .pull("flipt", ref, Optional.empty()));
        assertThat(Files.readAllBytes(pulled.file())).isEqualTo(Files.readAllBytes(FLIPT));
        String layer = Digest.of(Files.readAllBytes(FLIPT)).hex();
        assertThat(seen).anyMatch(line -> line.contains(layer + "/data"));
        assertThat(seen).allMatch(line -> line.endsWith(" null"));
      } finally {
        login.close();
      }
    } finally {
      cdn.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBlobLongerThanItsLimitIsCutOffWhileItIsRead() throws Exception {
    push(FLIPT, "controllers/flipt:1.0");
    Throwable tooLarge =
        failure(
            client.blob(ref("controllers/flipt:1.0"), Digest.of(Files.readAllBytes(FLIPT)), 4096));
    assertThat(((RegistryException) tooLarge).reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(tooLarge).hasMessageContaining("larger than the limit of 4096 bytes");
  }

  @Test
  void theCacheServesWhenTheRegistryIsDownAndANewCacheFailsNamingTheRegistry(Vertx vertx)
      throws Exception {
    ImagePusher.Pushed pushed = push(FLIPT, "controllers/flipt:1.0");
    await(
        puller(vertx, temp.resolve("cache"))
            .pull("flipt", ref("controllers/flipt:1.0"), Optional.empty()));
    registry.stop();

    PulledModule cached =
        await(
            puller(vertx, temp.resolve("cache"))
                .pull("flipt", ref("controllers/flipt:1.0"), Optional.empty()));
    assertThat(cached.digest()).isEqualTo(pushed.digest());
    assertThat(Files.readAllBytes(cached.file())).isEqualTo(Files.readAllBytes(FLIPT));

    Throwable down =
        failure(
            puller(vertx, temp.resolve("empty"))
                .pull("flipt", ref("controllers/flipt:1.0"), Optional.empty()));
    assertThat(((RegistryException) down).reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(down)
        .hasMessageStartingWith("controller flipt: ")
        .hasMessageContaining("registry " + registry.host());
  }

  @Test
  void aRegistryOutsideTheAllowedOnesIsRefused(Vertx vertx) throws Exception {
    ImagePuller strict =
        new ImagePuller(
            vertx,
            client,
            new BlobCache(temp.resolve("c")),
            1 << 20,
            Set.of("registry.example.com"));
    Throwable refused =
        failure(strict.pull("flipt", ref("controllers/flipt:1.0"), Optional.empty()));
    assertThat(((RegistryException) refused).reason()).isEqualTo(Reason.REFUSED);
    assertThat(refused).hasMessageContaining("--controller-allowed-registries");
  }

  @Test
  void aModuleLargerThanTheLimitIsRefusedBeforeItIsPulled(Vertx vertx) throws Exception {
    push(FLIPT, "controllers/flipt:1.0");
    ImagePuller small =
        new ImagePuller(vertx, client, new BlobCache(temp.resolve("c")), 1024, Set.of());
    Throwable refused =
        failure(small.pull("flipt", ref("controllers/flipt:1.0"), Optional.empty()));
    assertThat(((RegistryException) refused).reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(
            Files.exists(
                temp.resolve("c/blobs/sha256").resolve(Digest.of(Files.readAllBytes(FLIPT)).hex())))
        .isFalse();
  }

  @Test
  void aSignatureByTheKeyVerifiesAnotherKeysDoesNotAndNoneIsRefused(Vertx vertx) throws Exception {
    ImagePusher.Pushed pushed = push(FLIPT, "controllers/flipt:1.0");
    KeyPair signer = ecKey();
    KeyPair other = ecKey();
    ImageReference pinned = ref("controllers/flipt@" + pushed.digest());

    Throwable none =
        failure(
            puller(vertx, temp.resolve("c0"))
                .pull("flipt", pinned, Optional.of(signer.getPublic())));
    assertThat(((RegistryException) none).reason()).isEqualTo(Reason.REFUSED);
    assertThat(none).hasMessageContaining("no cosign signature");

    sign(pinned, pushed.digest(), other, "SHA256withECDSA");
    Throwable wrongKey =
        failure(
            puller(vertx, temp.resolve("c1"))
                .pull("flipt", pinned, Optional.of(signer.getPublic())));
    assertThat(((RegistryException) wrongKey).reason()).isEqualTo(Reason.REFUSED);
    assertThat(wrongKey).hasMessageContaining("no valid signature");

    sign(pinned, pushed.digest(), signer, "SHA256withECDSA");
    PulledModule verified =
        await(
            puller(vertx, temp.resolve("c2"))
                .pull("flipt", ref("controllers/flipt:1.0"), Optional.of(signer.getPublic())));
    assertThat(verified.digest()).isEqualTo(pushed.digest());

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaKey = rsa.generateKeyPair();
    sign(pinned, pushed.digest(), rsaKey, "SHA256withRSA");
    PublicKey parsed = CosignSignatures.publicKey(pem(rsaKey.getPublic()));
    assertThat(
            await(puller(vertx, temp.resolve("c3")).pull("flipt", pinned, Optional.of(parsed)))
                .digest())
        .isEqualTo(pushed.digest());
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    return ec.generateKeyPair();
  }

  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /**
   * Signs {@code digest} as cosign does: a simple-signing payload under the .sig tag (replaced).
   */
  void sign(ImageReference ref, Digest digest, KeyPair key, String algorithm) throws Exception {
    byte[] payload =
        new JsonObject()
            .put(
                "critical",
                new JsonObject()
                    .put("identity", new JsonObject().put("docker-reference", ref.name()))
                    .put("image", new JsonObject().put("docker-manifest-digest", digest.toString()))
                    .put("type", CosignSignatures.PAYLOAD_TYPE))
            .put("optional", null)
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    Signature signature = Signature.getInstance(algorithm);
    signature.initSign(key.getPrivate());
    signature.update(payload);
    String sig = Base64.getEncoder().encodeToString(signature.sign());
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    ImageReference sigRef = ref.withTag(digest.signatureTag());
    await(client.pushBlob(sigRef, payload));
    await(client.pushBlob(sigRef, config));
    JsonObject manifest =
        new JsonObject()
            .put("schemaVersion", 2)
            .put("mediaType", OciMediaTypes.OCI_MANIFEST)
            .put(
                "config",
                ImagePusher.descriptor(
                    "application/vnd.oci.image.config.v1+json", Digest.of(config), config.length))
            .put(
                "layers",
                new io.vertx.core.json.JsonArray(
                    List.of(
                        ImagePusher.descriptor(
                                OciMediaTypes.COSIGN_SIMPLE_SIGNING,
                                Digest.of(payload),
                                payload.length)
                            .put(
                                "annotations",
                                new JsonObject()
                                    .put(OciMediaTypes.COSIGN_SIGNATURE_ANNOTATION, sig)))));
    await(
        client.pushManifest(
            sigRef,
            OciMediaTypes.OCI_MANIFEST,
            manifest.encode().getBytes(StandardCharsets.UTF_8)));
  }
}
