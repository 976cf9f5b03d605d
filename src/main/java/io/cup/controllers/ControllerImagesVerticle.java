package io.cup.controllers;

import io.cup.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Objects;

/**
 * Re-resolves the tags of controllers named by an OCI reference every {@code
 * --controller-refresh-interval} ({@link ControllerImages#refresh}), on an event loop of its own: a
 * controller worker busy with a long call never delays a refresh, and a refresh (pulling, compiling
 * on Vert.x's worker pool) never takes a controller worker. One instance per server; with no
 * interval it does nothing. Its timer ends when it is undeployed.
 */
public final class ControllerImagesVerticle extends VerticleBase {
  private final ControllerImages images;

  /**
   * @param images the server's controller images, shared with the controller workers
   */
  public ControllerImagesVerticle(ControllerImages images) {
    this.images = Objects.requireNonNull(images, "images");
  }

  @Override
  public Future<?> start() {
    long every = ServerConfig.of(config()).registries().refreshMillis();
    if (every > 0) {
      vertx.setPeriodic(every, id -> images.refresh());
    }
    return Future.succeededFuture();
  }
}
