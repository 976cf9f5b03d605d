package io.cup.controllers;

import io.cup.config.ConfigurationException;
import io.cup.config.ControllerConfig;
import io.cup.config.ControllerRegistrySettings;
import io.cup.config.ResourceConfiguration;
import io.cup.config.ResourceConfigurationLoader;
import io.cup.config.ServerConfig;
import io.cup.metrics.Metrics;
import io.cup.oci.BlobCache;
import io.cup.oci.CosignSignatures;
import io.cup.oci.ImagePuller;
import io.cup.oci.ImagePuller.PulledModule;
import io.cup.oci.ImageReference;
import io.cup.oci.RegistryClient;
import io.cup.oci.RegistryCredentials;
import io.cup.wasm.WasmModule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WASM controllers of one server that name an OCI reference ({@code spec.spec.image}): pulls
 * each when the configuration loads (once for every controller worker instance), pins a tag to the
 * digest it resolved to, and runs that digest until the tag is resolved again — every {@code
 * --controller-refresh-interval}, when set. A new digest is loaded and compiled off the event loop
 * and then swapped in atomically: calls in flight finish on the old module, new calls get the new
 * one. A module that fails to pull, load or compile keeps the old one running, with a WARN and
 * {@code cup.controller.image.refresh.failures}. What runs is logged, and is the {@code
 * cup.controller.image} gauge (1, tags {@code controller}, {@code reference}, {@code digest}).
 *
 * <p>Owned by {@link WasmModules} (one per server); safe for concurrent use. The controller workers
 * pull; {@link ControllerImagesVerticle} refreshes, on an event loop of its own.
 */
public final class ControllerImages {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerImages.class);

  /** What a controller named by a reference runs now. */
  public record Running(
      ImageReference configured,
      ImageReference reference,
      PulledModule pulled,
      WasmModule module) {}

  private record Wanted(
      ControllerConfig config, ImageReference reference, Optional<PublicKey> key) {}

  private final WasmModules modules;
  private final Map<String, AtomicReference<Running>> running = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
  private final Map<String, Wanted> wanted = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> starts = new ConcurrentHashMap<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();

  /** Per controller, the digest a refresh could not load: not tried again until the tag moves. */
  private final Map<String, io.cup.oci.Digest> refused = new ConcurrentHashMap<>();

  /** Per controller, the last refresh failure warned about: the same one is not logged again. */
  private final Map<String, String> warned = new ConcurrentHashMap<>();

  private ImagePuller puller;
  private RegistryClient client;
  private Vertx vertx;

  ControllerImages(WasmModules modules) {
    this.modules = modules;
  }

  /** What {@code controller} runs now, when it is named by a reference and was pulled. */
  public Optional<AtomicReference<Running>> running(String controller) {
    return Optional.ofNullable(running.get(controller));
  }

  /** What every controller named by a reference runs now, by name. */
  public Map<String, Running> snapshot() {
    Map<String, Running> now = new java.util.TreeMap<>();
    running.forEach((name, ref) -> now.put(name, ref.get()));
    return now;
  }

  /**
   * Pulls and loads the module of every controller of {@code resources} named by a reference (each
   * once per server, whichever worker asks first). Fails with a {@link ConfigurationException}
   * naming the controller and the registry when a module cannot be had.
   */
  public Future<Void> pull(Vertx vertx, ResourceConfiguration resources, ServerConfig cfg) {
    List<Future<Void>> pulls = new ArrayList<>();
    for (ControllerConfig config : resources.controllers().values()) {
      Object image = config.spec().getValue("image");
      if (!ResourceConfigurationLoader.WASM_CONTROLLER.equals(config.type()) || image == null) {
        continue;
      }
      String key = config.name() + "\n" + config.spec().encode();
      pulls.add(starts.computeIfAbsent(key, k -> start(vertx, cfg, config)));
    }
    return Future.all(pulls).mapEmpty();
  }

  private Future<Void> start(Vertx vertx, ServerConfig cfg, ControllerConfig config) {
    Wanted want;
    try {
      want = wanted(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(
          new ConfigurationException(
              "controller " + config.name() + " (" + config.file() + "): " + e.getMessage()));
    }
    return puller(vertx, cfg)
        .compose(p -> p.pull(config.name(), want.reference(), want.key()))
        .compose(pulled -> load(vertx, config, pulled))
        .map(
            now -> {
              wanted.put(config.name(), want);
              running.put(config.name(), new AtomicReference<>(now));
              show(config.name(), null, now);
              return (Void) null;
            })
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof ConfigurationException
                        ? e
                        : new ConfigurationException(
                            e.getMessage() + " (" + config.file() + ")", e)));
  }

  private static Wanted wanted(ControllerConfig config) {
    JsonObject spec = config.spec();
    ImageReference ref = ImageReference.parse(spec.getString("image"));
    JsonObject verify = spec.getJsonObject("verify");
    Optional<PublicKey> key =
        verify == null || verify.getString("publicKey") == null
            ? Optional.empty()
            : Optional.of(CosignSignatures.publicKey(verify.getString("publicKey")));
    return new Wanted(config, ref, key);
  }

  private synchronized Future<ImagePuller> puller(Vertx vertx, ServerConfig cfg) {
    if (puller != null) {
      return Future.succeededFuture(puller);
    }
    ControllerRegistrySettings settings = cfg.registries();
    return vertx
        .executeBlocking(
            () ->
                settings.registryConfig() != null
                    ? RegistryCredentials.load(Path.of(settings.registryConfig()))
                    : RegistryCredentials.load(
                        Path.of(System.getProperty("user.home"), ".docker", "config.json")),
            false)
        .map(
            credentials -> {
              synchronized (this) {
                if (puller == null) {
                  this.vertx = vertx;
                  client =
                      new RegistryClient(
                          vertx,
                          credentials,
                          new HashSet<>(settings.insecure()),
                          settings.timeoutMillis());
                  puller =
                      new ImagePuller(
                          vertx,
                          client,
                          new BlobCache(Path.of(cfg.dataDir(), "oci")),
                          settings.maxModuleBytes(),
                          new HashSet<>(settings.allowed()));
                }
                return puller;
              }
            });
  }

  /** Loads and compiles the pulled module, off the event loop. */
  private Future<Running> load(Vertx vertx, ControllerConfig config, PulledModule pulled) {
    WasmModule.Execution execution =
        WasmController.execution(config, config.spec().getValue("execution"));
    return vertx.executeBlocking(
        () -> {
          WasmModule module = modules.load(config.name(), pulled.file(), execution);
          // a module swapped in while the server runs compiles now, not at its first call
          module.startCompiling();
          return new Running(
              ImageReference.parse(config.spec().getString("image")),
              pulled.reference(),
              pulled,
              module);
        },
        false);
  }

  /**
   * Resolves every tag again and swaps in the controllers whose tag moved; completes with the names
   * of the controllers swapped. A refresh still running makes this one a no-op.
   */
  public Future<List<String>> refresh() {
    if (!refreshing.compareAndSet(false, true)) {
      return Future.succeededFuture(List.of());
    }
    List<Future<String>> each = new ArrayList<>();
    for (Wanted want : wanted.values()) {
      if (want.reference().digest() == null) {
        each.add(refresh(want));
      }
    }
    return Future.join(each)
        .transform(
            done -> {
              refreshing.set(false);
              List<String> swapped = new ArrayList<>();
              each.stream()
                  .filter(f -> f.succeeded() && f.result() != null)
                  .forEach(f -> swapped.add(f.result()));
              return Future.succeededFuture(swapped);
            });
  }

  /** The controller's name when it was swapped, null when its tag did not move. */
  private Future<String> refresh(Wanted want) {
    String name = want.config().name();
    AtomicReference<Running> current = running.get(name);
    return puller
        .pull(name, want.reference(), want.key())
        .compose(
            pulled -> {
              if (pulled.digest().equals(current.get().pulled().digest())
                  || pulled.digest().equals(refused.get(name))) {
                warned.remove(name);
                return Future.succeededFuture((String) null);
              }
              return load(vertx, want.config(), pulled)
                  .onFailure(e -> refused.put(name, pulled.digest()))
                  .map(
                      now -> {
                        Running before = current.getAndSet(now);
                        show(name, before, now);
                        warned.remove(name);
                        return name;
                      });
            })
        .onFailure(
            e -> {
              Counter.builder("cup.controller.image.refresh.failures")
                  .description("Refreshes of a controller's tag that kept the old module")
                  .tag("controller", name)
                  .register(Metrics.registry())
                  .increment();
              String problem = String.valueOf(e.getMessage());
              if (!problem.equals(warned.put(name, problem))) {
                LOG.warn(
                    "controller {}: keeps running {}: refreshing {} failed: {}",
                    name,
                    current.get().reference(),
                    want.reference(),
                    problem);
              }
            });
  }

  /** Logs what {@code name} runs now and moves its gauge from {@code before} to {@code now}. */
  private void show(String name, Running before, Running now) {
    if (before == null) {
      LOG.info("controller {} runs {} (module {})", name, now.reference(), now.pulled().layer());
    } else {
      LOG.info(
          "controller {} switched from {} to {} (module {})",
          name,
          before.reference(),
          now.reference(),
          now.pulled().layer());
    }
    Gauge gauge =
        Gauge.builder("cup.controller.image", () -> 1)
            .description("The digest a controller named by an OCI reference runs")
            .tag("controller", name)
            .tag("reference", wanted.get(name).reference().toString())
            .tag("digest", now.pulled().digest().toString())
            .register(Metrics.registry());
    Gauge old = gauges.put(name, gauge);
    if (old != null && !old.getId().equals(gauge.getId())) {
      Metrics.registry().remove(old);
    }
  }

  /** Closes the registry client and drops the gauges. */
  public synchronized void close() {
    if (client != null) {
      client.close();
    }
    gauges.values().forEach(Metrics.registry()::remove);
    gauges.clear();
  }
}
