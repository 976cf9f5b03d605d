package io.cup.oci;

import java.util.Set;

/** The media types of OCI and Docker manifests and of the WASM artifact layouts Cup accepts. */
public final class OciMediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** The CNCF TAG Runtime "Wasm OCI Artifact" layout: its config and its one layer. */
  public static final String WASM_CONFIG = "application/vnd.wasm.config.v0+json";

  public static final String WASM_LAYER = "application/wasm";

  /** The older {@code wasm-to-oci} layout (ORAS): its config and its one layer. */
  public static final String WASM_TO_OCI_CONFIG = "application/vnd.wasm.config.v1+json";

  public static final String WASM_TO_OCI_LAYER = "application/vnd.wasm.content.layer.v1+wasm";

  /** A cosign simple-signing payload, one per signature layer of a {@code .sig} manifest. */
  public static final String COSIGN_SIMPLE_SIGNING =
      "application/vnd.dev.cosign.simplesigning.v1+json";

  /** The annotation of a cosign signature layer holding the base64 signature. */
  public static final String COSIGN_SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

  private OciMediaTypes() {}
}
