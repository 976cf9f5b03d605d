package io.cup.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manifests and blobs pulled from registries, on disk and content-addressed ({@code
 * blobs/sha256/<hex>} under its directory), so restarts and controllers sharing a module pull it
 * once; with the digest each tag last resolved to ({@code tags/…}), so a server whose registry is
 * down at start still runs what it ran before; and the digests a key's signature was verified for
 * ({@code verified/…}). Every read checks the content against its digest again: a cached file that
 * does not match (changed on disk) is deleted and reported missing, never used. Writes go to a
 * temporary file moved into place, so a reader never sees half a blob. All methods block.
 */
public final class BlobCache {
  private static final Logger LOG = LoggerFactory.getLogger(BlobCache.class);

  private final Path root;

  /** A cache under {@code root} (created as needed). */
  public BlobCache(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Where the blob {@code digest} is kept. */
  Path path(Digest digest) {
    return root.resolve("blobs").resolve("sha256").resolve(digest.hex());
  }

  /** The verified file of {@code digest}, when cached and intact. */
  public Optional<Path> file(Digest digest) {
    Path file = path(digest);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      if (Digest.of(file).equals(digest)) {
        return Optional.of(file);
      }
      LOG.warn(
          "cached blob {} does not match its digest: deleted, it will be pulled again", digest);
      Files.deleteIfExists(file);
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cached blob " + file, e);
    }
  }

  /** The verified bytes of {@code digest}, when cached and intact. */
  public Optional<byte[]> bytes(Digest digest) {
    return file(digest)
        .map(
            file -> {
              try {
                byte[] bytes = Files.readAllBytes(file);
                return digest.matches(bytes) ? bytes : null;
              } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cached blob " + file, e);
              }
            });
  }

  /**
   * Keeps {@code bytes} as {@code digest} and returns its file.
   *
   * @throws RegistryException ({@link RegistryException.Reason#DIGEST_MISMATCH}) when they differ
   */
  public Path put(Digest digest, byte[] bytes) {
    if (!digest.matches(bytes)) {
      throw new RegistryException(
          RegistryException.Reason.DIGEST_MISMATCH,
          "content does not match its digest " + digest + " (got " + Digest.of(bytes) + ")");
    }
    Path file = path(digest);
    write(file, bytes);
    return file;
  }

  /** Records that {@code ref}'s tag resolved to {@code digest}. */
  public void pin(ImageReference ref, Digest digest) {
    write(tagFile(ref), digest.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The digest {@code ref}'s tag last resolved to, when recorded. */
  public Optional<Digest> pinned(ImageReference ref) {
    Path file = tagFile(ref);
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Digest.parse(Files.readString(file, StandardCharsets.UTF_8).strip()))
          : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("cannot read the recorded digest of {}: {}", ref, e.getMessage());
      return Optional.empty();
    }
  }

  /** Records that a signature by the key {@code keyId} was verified for {@code digest}. */
  public void verified(Digest digest, Digest keyId) {
    write(verifiedFile(digest, keyId), new byte[0]);
  }

  /** Whether a signature by {@code keyId} was verified for {@code digest} before. */
  public boolean wasVerified(Digest digest, Digest keyId) {
    return Files.isRegularFile(verifiedFile(digest, keyId));
  }

  private Path verifiedFile(Digest digest, Digest keyId) {
    return root.resolve("verified").resolve(digest.hex() + "." + keyId.hex());
  }

  private Path tagFile(ImageReference ref) {
    // registry host[:port], the repository's segments (a-z0-9._-), the tag: no segment is ".."
    return root.resolve("tags")
        .resolve(ref.registry().replace(':', '_'))
        .resolve(ref.repository())
        .resolve("_tag_" + ref.tag());
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), ".part-", "");
      try {
        Files.write(temporary, bytes);
        try {
          Files.move(
              temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
