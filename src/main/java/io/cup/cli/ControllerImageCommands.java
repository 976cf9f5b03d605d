package io.cup.cli;

import io.cup.oci.BlobCache;
import io.cup.oci.Digest;
import io.cup.oci.ImagePuller;
import io.cup.oci.ImagePusher;
import io.cup.oci.ImageReference;
import io.cup.oci.RegistryClient;
import io.cup.oci.RegistryCredentials;
import io.cup.oci.RegistryException;
import io.cup.oci.WasmArtifact;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cup controller push} and {@code cup controller inspect}: publish a module to an OCI
 * registry as a CNCF Wasm artifact, and show what a reference holds (docs/controllers.md,
 * "Controllers from an OCI registry"). Exit codes: 0 done, 1 the registry or the artifact failed, 2
 * usage.
 */
final class ControllerImageCommands {
  /** How long a whole command may talk to the registry. */
  static final long TIMEOUT_SECONDS = 300;

  /** How long one registry call may take. */
  static final long CALL_TIMEOUT_MILLIS = 60_000;

  private ControllerImageCommands() {}

  /** The registry options every image command takes. */
  static final class RegistryOptions {
    @Option(
        names = "--plain-http",
        description = "Talk to the reference's registry over plain HTTP (local registries only).")
    boolean plainHttp;

    @Option(
        names = "--registry-config",
        paramLabel = "FILE",
        description =
            "Registry logins: a Docker-style config.json (default: ~/.docker/config.json when it"
                + " exists). Never printed.")
    String registryConfig;

    /** Runs {@code work} with a client for {@code ref}'s registry, and waits for it. */
    <T> T run(Path workDir, ImageReference ref, BiFunction<Vertx, RegistryClient, Future<T>> work)
        throws Exception {
      Path config =
          registryConfig != null
              ? workDir.resolve(registryConfig)
              : Path.of(System.getProperty("user.home"), ".docker", "config.json");
      RegistryCredentials credentials = RegistryCredentials.load(config);
      Vertx vertx = Vertx.vertx();
      try {
        RegistryClient client =
            new RegistryClient(
                vertx,
                credentials,
                plainHttp ? Set.of(ref.registry()) : Set.of(),
                CALL_TIMEOUT_MILLIS);
        try {
          return work.apply(vertx, client).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
          client.close();
        }
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  static ImageReference reference(CommandSpec spec, String text) {
    try {
      return ImageReference.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Command(
      name = "push",
      description = {
        "Upload a WASM module to an OCI registry as a CNCF Wasm artifact (config"
            + " application/vnd.wasm.config.v0+json, one application/wasm layer) under the"
            + " reference's tag, and print the manifest digest on standard output.",
        "Exit status: 0 pushed, 1 the registry failed, 2 usage."
      },
      sortOptions = false)
  static final class PushCommand implements Callable<Integer> {
    private final Path workDir;

    @Spec CommandSpec spec;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "MODULE", description = "The controller's .wasm file.")
    String module;

    @Parameters(
        index = "1",
        paramLabel = "REFERENCE",
        description = "Where to push it: registry/repository:tag.")
    String reference;

    @Option(
        names = "--annotation",
        paramLabel = "KEY=VALUE",
        description = "An annotation of the manifest (repeatable).")
    List<String> annotations = new ArrayList<>();

    @Mixin RegistryOptions registry;

    PushCommand(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    @Override
    public Integer call() throws Exception {
      ImageReference ref = reference(spec, reference);
      if (ref.tag() == null || ref.digest() != null) {
        throw new ParameterException(
            spec.commandLine(), "push to a tag (registry/repository:tag), not to a digest");
      }
      Map<String, String> annotated = new LinkedHashMap<>();
      for (String annotation : annotations) {
        int eq = annotation.indexOf('=');
        if (eq <= 0) {
          throw new ParameterException(
              spec.commandLine(), "--annotation " + annotation + ": expected KEY=VALUE");
        }
        annotated.put(annotation.substring(0, eq), annotation.substring(eq + 1));
      }
      Path file = workDir.resolve(module).normalize();
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "cannot read " + file);
      }
      if (bytes.length < 8
          || bytes[0] != 0
          || bytes[1] != 'a'
          || bytes[2] != 's'
          || bytes[3] != 'm') {
        throw new ParameterException(spec.commandLine(), file + " is not a WebAssembly module");
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        ImagePusher.Pushed pushed =
            registry.run(
                workDir,
                ref,
                (vertx, client) ->
                    new ImagePusher(client).push(ref, bytes, annotated, Instant.now()));
        err.println(
            "pushed "
                + ref
                + "@"
                + pushed.digest()
                + " (module "
                + Digest.of(bytes)
                + ", "
                + bytes.length
                + " bytes)");
        out.println(pushed.digest());
        return 0;
      } catch (RegistryException e) {
        err.println("cup controller push: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "inspect",
      description = {
        "Show what a reference holds: its digest, manifest, config and module layer, as JSON.",
        "Exit status: 0 shown, 1 the registry failed or it is not a controller artifact, 2"
            + " usage."
      },
      sortOptions = false)
  static final class InspectCommand implements Callable<Integer> {
    private final Path workDir;

    @Spec CommandSpec spec;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;

    @Parameters(
        index = "0",
        paramLabel = "REFERENCE",
        description = "registry/repository:tag or registry/repository@sha256:….")
    String reference;

    @Mixin RegistryOptions registry;

    InspectCommand(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    @Override
    public Integer call() throws Exception {
      ImageReference ref = reference(spec, reference);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        JsonObject shown = registry.run(workDir, ref, (vertx, client) -> inspect(client, ref));
        out.println(shown.encodePrettily());
        return 0;
      } catch (RegistryException e) {
        err.println("cup controller inspect: " + e.getMessage());
        return 1;
      }
    }

    private static Future<JsonObject> inspect(RegistryClient client, ImageReference ref) {
      return client
          .manifest(ref)
          .compose(
              top ->
                  WasmArtifact.indexEntry("inspect", top)
                      .map(entry -> client.manifest(ref.at(entry)))
                      .orElse(Future.succeededFuture(top))
                      .compose(
                          manifest -> {
                            JsonObject json = manifest.json();
                            JsonObject shown =
                                new JsonObject()
                                    .put("reference", ref.at(top.digest()).toString())
                                    .put("digest", top.digest().toString())
                                    .put("mediaType", top.mediaType())
                                    .put("manifest", json);
                            WasmArtifact artifact;
                            try {
                              artifact = WasmArtifact.of("inspect", manifest);
                            } catch (RegistryException e) {
                              return Future.succeededFuture(
                                  shown.put("controller", false).put("problem", e.getMessage()));
                            }
                            shown
                                .put("controller", true)
                                .put(
                                    "module",
                                    new JsonObject()
                                        .put("digest", artifact.layer().toString())
                                        .put("size", artifact.size()));
                            Object config = json.getValue("config");
                            if (!(config instanceof JsonObject descriptor)
                                || descriptor.getString("digest") == null) {
                              return Future.succeededFuture(shown);
                            }
                            return client
                                .blob(
                                    ref,
                                    Digest.parse(descriptor.getString("digest")),
                                    RegistryClient.MAX_MANIFEST_BYTES)
                                .map(
                                    bytes -> {
                                      try {
                                        shown.put(
                                            "config",
                                            new JsonObject(
                                                new String(bytes, StandardCharsets.UTF_8)));
                                      } catch (DecodeException | ClassCastException e) {
                                        shown.put("config", bytes.length + " bytes, not JSON");
                                      }
                                      return shown;
                                    });
                          }));
    }
  }

  /**
   * Pulls {@code ref} into {@code cache} for {@code cup controller test}, verified as the server
   * would (media types, digests, size); the module's file.
   */
  static ImagePuller.PulledModule pull(
      RegistryOptions registry, Path workDir, ImageReference ref, String name, Path cache)
      throws Exception {
    return registry.run(
        workDir,
        ref,
        (vertx, client) ->
            new ImagePuller(
                    vertx,
                    client,
                    new BlobCache(cache),
                    ImagePuller.DEFAULT_MAX_MODULE_BYTES,
                    Set.of())
                .pull(name, ref, Optional.empty()));
  }
}
