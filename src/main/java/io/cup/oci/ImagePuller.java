package io.cup.oci;

import io.cup.oci.RegistryException.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a controller's module: resolves a tag to a digest (the digest of a reference wins), reads
 * the manifest (following an image index to its {@code wasip1}/{@code wasm} entry), checks it is a
 * WASM artifact, checks the signature when a key is configured, and brings the WASM layer into the
 * {@link BlobCache}, verified against its digest. Whatever is cached is not pulled again; when the
 * registry cannot be reached, a tag's last recorded digest and its cached blobs serve (with a
 * warning), and without them the pull fails naming the controller and the registry.
 */
public final class ImagePuller {
  private static final Logger LOG = LoggerFactory.getLogger(ImagePuller.class);

  /** The default limit of a pulled module: 64 MiB. */
  public static final long DEFAULT_MAX_MODULE_BYTES = 64L * 1024 * 1024;

  /**
   * A module ready to load.
   *
   * @param reference the reference as configured, with the digest it resolved to
   * @param digest the manifest digest the server runs (a tag's resolution, or the reference's own)
   * @param layer the WASM layer's digest
   * @param file the verified module, in the cache
   */
  public record PulledModule(ImageReference reference, Digest digest, Digest layer, Path file) {}

  private final Vertx vertx;
  private final RegistryClient client;
  private final BlobCache cache;
  private final long maxModuleBytes;
  private final Set<String> allowedRegistries;

  /**
   * @param allowedRegistries the registries (host or host:port) controllers may come from; empty:
   *     any
   */
  public ImagePuller(
      Vertx vertx,
      RegistryClient client,
      BlobCache cache,
      long maxModuleBytes,
      Set<String> allowedRegistries) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.maxModuleBytes = maxModuleBytes;
    this.allowedRegistries = Set.copyOf(allowedRegistries);
  }

  /**
   * Pulls {@code ref} for the controller {@code controller}, checking a signature by {@code key}
   * when given.
   */
  public Future<PulledModule> pull(String controller, ImageReference ref, Optional<PublicKey> key) {
    if (!allowed(ref.registry())) {
      return Future.failedFuture(
          new RegistryException(
              Reason.REFUSED,
              "controller "
                  + controller
                  + ": registry "
                  + ref.registry()
                  + " is not one of --controller-allowed-registries ("
                  + String.join(",", allowedRegistries)
                  + ")"));
    }
    return resolve(controller, ref)
        .compose(digest -> pullDigest(controller, ref.at(digest), key))
        .recover(e -> Future.failedFuture(named(controller, ref, e)));
  }

  /** Whether controllers may come from {@code registry}. */
  public boolean allowed(String registry) {
    return allowedRegistries.isEmpty()
        || allowedRegistries.contains(registry)
        || allowedRegistries.contains(registry.replaceFirst(":\\d+$", ""));
  }

  /** The digest {@code ref} names, asking the registry for a tag's (and recording it). */
  private Future<Digest> resolve(String controller, ImageReference ref) {
    if (ref.digest() != null) {
      return Future.succeededFuture(ref.digest());
    }
    return client
        .manifest(ref)
        .compose(
            manifest ->
                blocking(
                    () -> {
                      cache.put(manifest.digest(), manifest.bytes());
                      cache.pin(ref, manifest.digest());
                      return manifest.digest();
                    }))
        .recover(
            e -> {
              if (!(e instanceof RegistryException r) || r.reason() != Reason.UNAVAILABLE) {
                return Future.failedFuture(e);
              }
              return blocking(() -> cache.pinned(ref))
                  .compose(
                      pinned -> {
                        if (pinned.isEmpty()) {
                          return Future.failedFuture(e);
                        }
                        LOG.warn(
                            "controller {}: registry {} is unavailable ({}); running {}, the digest"
                                + " {} last resolved to",
                            controller,
                            ref.registry(),
                            e.getMessage(),
                            pinned.get(),
                            ref);
                        return Future.succeededFuture(pinned.get());
                      });
            });
  }

  private Future<PulledModule> pullDigest(
      String controller, ImageReference pinned, Optional<PublicKey> key) {
    return manifest(pinned)
        .compose(
            manifest ->
                WasmArtifact.indexEntry(controller, manifest)
                    .map(entry -> manifest(pinned.at(entry)))
                    .orElse(Future.succeededFuture(manifest)))
        .compose(
            manifest -> {
              WasmArtifact artifact = WasmArtifact.of(controller, manifest);
              if (artifact.size() > maxModuleBytes) {
                throw new RegistryException(
                    Reason.TOO_LARGE,
                    "controller "
                        + controller
                        + ": "
                        + pinned
                        + " refused: its module is "
                        + artifact.size()
                        + " bytes, more than the limit of "
                        + maxModuleBytes);
              }
              Future<Void> signed =
                  key.map(k -> verify(controller, pinned, k)).orElse(Future.succeededFuture());
              return signed
                  .compose(v -> layer(pinned, artifact.layer()))
                  .map(file -> new PulledModule(pinned, pinned.digest(), artifact.layer(), file));
            });
  }

  private Future<Void> verify(String controller, ImageReference pinned, PublicKey key) {
    Digest keyId = CosignSignatures.keyId(key);
    return CosignSignatures.verify(controller, client, pinned, pinned.digest(), key)
        .compose(
            v ->
                blocking(
                    () -> {
                      cache.verified(pinned.digest(), keyId);
                      return null;
                    }))
        .<Void>mapEmpty()
        .recover(
            e -> {
              if (!(e instanceof RegistryException r) || r.reason() != Reason.UNAVAILABLE) {
                return Future.failedFuture(e);
              }
              return blocking(() -> cache.wasVerified(pinned.digest(), keyId))
                  .compose(
                      before ->
                          before ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(e));
            });
  }

  /** The manifest {@code ref} pins, from the cache or the registry (then cached). */
  private Future<RegistryClient.Manifest> manifest(ImageReference ref) {
    return blocking(() -> cache.bytes(ref.digest()))
        .compose(
            cached -> {
              if (cached.isPresent()) {
                return Future.succeededFuture(
                    new RegistryClient.Manifest(ref, ref.digest(), "", cached.get()));
              }
              return client
                  .manifest(ref)
                  .compose(
                      manifest ->
                          blocking(
                              () -> {
                                cache.put(manifest.digest(), manifest.bytes());
                                return manifest;
                              }));
            });
  }

  /** The verified module file of {@code layer}, from the cache or the registry (then cached). */
  private Future<Path> layer(ImageReference ref, Digest layer) {
    return blocking(() -> cache.file(layer))
        .compose(
            cached ->
                cached.isPresent()
                    ? Future.succeededFuture(cached.get())
                    : client
                        .blob(ref, layer, maxModuleBytes)
                        .compose(bytes -> blocking(() -> cache.put(layer, bytes))));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** {@code e}, its message starting with the controller and naming the registry. */
  private static Throwable named(String controller, ImageReference ref, Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.startsWith("controller " + controller + ":")) {
      return e;
    }
    Reason reason = e instanceof RegistryException r ? r.reason() : Reason.PROTOCOL;
    return new RegistryException(
        reason,
        "controller "
            + controller
            + ": cannot pull "
            + ref
            + " from registry "
            + ref.registry()
            + ": "
            + message,
        e);
  }
}
