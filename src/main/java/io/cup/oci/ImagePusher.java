package io.cup.oci;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Publishes a module as a CNCF Wasm OCI Artifact: a config blob of media type {@value
 * OciMediaTypes#WASM_CONFIG} ({@code created}, {@code architecture: wasm}, {@code os: wasip1},
 * {@code layerDigests}), one {@value OciMediaTypes#WASM_LAYER} layer holding the module, and an OCI
 * image manifest (with {@code artifactType} {@value #ARTIFACT_TYPE} and the given annotations) put
 * under the reference's tag.
 */
public final class ImagePusher {
  /** The artifact type of a WASI preview 1 module, as the layout names it. */
  public static final String ARTIFACT_TYPE = "application/vnd.wasm.module.v1+wasm";

  private final RegistryClient client;

  public ImagePusher(RegistryClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** What a push made: the manifest's digest and bytes. */
  public record Pushed(ImageReference reference, Digest digest, byte[] manifest) {}

  /** Pushes {@code module} to {@code ref} (its tag; by digest alone when it has none). */
  public Future<Pushed> push(
      ImageReference ref, byte[] module, Map<String, String> annotations, Instant created) {
    Digest layer = Digest.of(module);
    byte[] config =
        new JsonObject()
            .put("created", created.truncatedTo(ChronoUnit.SECONDS).toString())
            .put("architecture", "wasm")
            .put("os", "wasip1")
            .put("layerDigests", new JsonArray().add(layer.toString()))
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.of(config);
    JsonObject manifest =
        new JsonObject()
            .put("schemaVersion", 2)
            .put("mediaType", OciMediaTypes.OCI_MANIFEST)
            .put("artifactType", ARTIFACT_TYPE)
            .put("config", descriptor(OciMediaTypes.WASM_CONFIG, configDigest, config.length))
            .put(
                "layers",
                new JsonArray().add(descriptor(OciMediaTypes.WASM_LAYER, layer, module.length)));
    if (!annotations.isEmpty()) {
      manifest.put("annotations", new JsonObject(new TreeMap<String, Object>(annotations)));
    }
    byte[] bytes = manifest.encode().getBytes(StandardCharsets.UTF_8);
    return client
        .pushBlob(ref, module)
        .compose(v -> client.pushBlob(ref, config))
        .compose(v -> client.pushManifest(ref, OciMediaTypes.OCI_MANIFEST, bytes))
        .map(digest -> new Pushed(ref.at(digest), digest, bytes));
  }

  static JsonObject descriptor(String mediaType, Digest digest, long size) {
    return new JsonObject()
        .put("mediaType", mediaType)
        .put("digest", digest.toString())
        .put("size", size);
  }
}
