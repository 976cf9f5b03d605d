package io.cup.oci;

import io.cup.oci.RegistryException.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Cup reads from a manifest: the one WASM layer of a controller artifact, or, for an image
 * index, the entry to follow. Accepted: the CNCF Wasm OCI Artifact layout (config {@value
 * OciMediaTypes#WASM_CONFIG}, one {@value OciMediaTypes#WASM_LAYER} layer) and the older {@code
 * wasm-to-oci} layout (one {@value OciMediaTypes#WASM_TO_OCI_LAYER} layer); anything else is
 * refused with the media types found.
 *
 * @param layer the WASM layer's digest
 * @param size the layer's size as the manifest declares it
 * @param configMediaType the manifest's config media type (for messages and {@code inspect})
 */
public record WasmArtifact(Digest layer, long size, String configMediaType) {

  /**
   * The index entry to follow: the first whose platform is {@code os: wasip1} or {@code
   * architecture: wasm}; empty when {@code index} is not an index.
   *
   * @throws RegistryException ({@link Reason#UNSUPPORTED}) for an index with no such entry
   */
  public static Optional<Digest> indexEntry(String controller, RegistryClient.Manifest manifest) {
    JsonObject json = manifest.json();
    String type = mediaType(manifest, json);
    if (!OciMediaTypes.INDEXES.contains(type)) {
      return Optional.empty();
    }
    JsonArray entries = json.getJsonArray("manifests", new JsonArray());
    List<String> platforms = new ArrayList<>();
    for (Object item : entries) {
      if (!(item instanceof JsonObject entry)) {
        continue;
      }
      JsonObject platform = entry.getJsonObject("platform", new JsonObject());
      String os = platform.getString("os", "");
      String arch = platform.getString("architecture", "");
      platforms.add(os + "/" + arch);
      if (os.equals("wasip1") || arch.equals("wasm")) {
        try {
          return Optional.of(Digest.parse(entry.getString("digest")));
        } catch (IllegalArgumentException e) {
          throw new RegistryException(
              Reason.UNSUPPORTED,
              refusal(controller, manifest) + ": its wasm entry has a bad digest");
        }
      }
    }
    throw new RegistryException(
        Reason.UNSUPPORTED,
        refusal(controller, manifest)
            + ": the image index ("
            + type
            + ") has no wasip1 or wasm entry (platforms found: "
            + (platforms.isEmpty() ? "none" : String.join(", ", platforms))
            + ")");
  }

  /**
   * The WASM layer of {@code manifest}.
   *
   * @throws RegistryException ({@link Reason#UNSUPPORTED}) naming the controller, the reference and
   *     the media types found when it is not a WASM artifact of an accepted layout
   */
  public static WasmArtifact of(String controller, RegistryClient.Manifest manifest) {
    JsonObject json = manifest.json();
    String type = mediaType(manifest, json);
    JsonObject config = json.getValue("config") instanceof JsonObject c ? c : new JsonObject();
    String configType = config.getString("mediaType", "");
    JsonArray layers = json.getValue("layers") instanceof JsonArray l ? l : new JsonArray();
    List<String> layerTypes = new ArrayList<>();
    for (Object item : layers) {
      layerTypes.add(item instanceof JsonObject layer ? layer.getString("mediaType", "?") : "?");
    }
    String found =
        "manifest "
            + (type.isEmpty() ? "(no media type)" : type)
            + ", config "
            + (configType.isEmpty() ? "(none)" : configType)
            + ", layers "
            + (layerTypes.isEmpty() ? "(none)" : String.join(", ", layerTypes));
    boolean cncf =
        configType.equals(OciMediaTypes.WASM_CONFIG)
            && layerTypes.equals(List.of(OciMediaTypes.WASM_LAYER));
    boolean wasmToOci = layerTypes.equals(List.of(OciMediaTypes.WASM_TO_OCI_LAYER));
    if (!OciMediaTypes.MANIFESTS.contains(type) || !(cncf || wasmToOci)) {
      throw new RegistryException(
          Reason.UNSUPPORTED,
          refusal(controller, manifest)
              + ": not a WASM controller artifact ("
              + found
              + "); expected config "
              + OciMediaTypes.WASM_CONFIG
              + " with one "
              + OciMediaTypes.WASM_LAYER
              + " layer, or one "
              + OciMediaTypes.WASM_TO_OCI_LAYER
              + " layer");
    }
    JsonObject layer = layers.getJsonObject(0);
    Digest digest;
    try {
      digest = Digest.parse(layer.getString("digest"));
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          Reason.UNSUPPORTED,
          refusal(controller, manifest) + ": its layer's digest: " + e.getMessage());
    }
    Object size = layer.getValue("size");
    if (!(size instanceof Number n) || n.longValue() < 0) {
      throw new RegistryException(
          Reason.UNSUPPORTED, refusal(controller, manifest) + ": its layer has no valid size");
    }
    return new WasmArtifact(digest, n.longValue(), configType);
  }

  /** The manifest's own {@code mediaType}, else the one the registry served it as. */
  private static String mediaType(RegistryClient.Manifest manifest, JsonObject json) {
    String own = json.getString("mediaType");
    return own != null && !own.isBlank() ? own : manifest.mediaType();
  }

  private static String refusal(String controller, RegistryClient.Manifest manifest) {
    return "controller " + controller + ": " + manifest.reference() + " refused";
  }
}
