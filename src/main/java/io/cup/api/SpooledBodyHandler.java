package io.cup.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body for the handlers after it ({@code ctx.body()}), as Vert.x's {@code
 * BodyHandler} does, but holds at most {@code spoolBytes} of it in memory while it arrives: past
 * that, the body goes to a temporary file under {@code <data-dir>/tmp}, so a thousand slow uploads
 * hold a thousand small buffers, not a thousand bodies. Once the whole body is there the file is
 * read (by the file system's worker threads) and deleted; it is deleted too when the request fails,
 * times out or its connection closes.
 *
 * <p>A body over {@code maxBytes} is a 413: at once when {@code Content-Length} announces it, else
 * as soon as it passes the limit (what arrived is dropped).
 */
final class SpooledBodyHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(SpooledBodyHandler.class);

  private final Vertx vertx;
  private final Path spoolDir;
  private final long maxBytes;
  private final long spoolBytes;

  SpooledBodyHandler(Vertx vertx, Path spoolDir, long maxBytes, long spoolBytes) {
    this.vertx = vertx;
    this.spoolDir = spoolDir;
    this.maxBytes = maxBytes;
    this.spoolBytes = spoolBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    ((RoutingContextInternal) ctx).visitHandler(RoutingContextInternal.BODY_HANDLER);
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBytes) {
          ctx.fail(413);
          return;
        }
      } catch (NumberFormatException e) {
        ctx.fail(400);
        return;
      }
    }
    if (request.isEnded()) {
      ((RoutingContextInternal) ctx).setBody(Buffer.buffer());
      ctx.next();
      return;
    }
    new Reading(ctx).start();
  }

  /** One body being read. */
  private final class Reading {
    final RoutingContext ctx;
    final HttpServerRequest request;
    Buffer memory = Buffer.buffer();
    long size;
    boolean failed;
    Path file;
    Future<AsyncFile> opening;

    Reading(RoutingContext ctx) {
      this.ctx = ctx;
      this.request = ctx.request();
    }

    void start() {
      ctx.addEndHandler(ar -> delete());
      request.exceptionHandler(e -> fail(-1, e));
      request.handler(this::chunk);
      request.endHandler(v -> end());
      request.resume();
    }

    void chunk(Buffer chunk) {
      if (failed) {
        return;
      }
      size += chunk.length();
      if (size > maxBytes) {
        fail(413, null);
        return;
      }
      if (opening == null && size <= spoolBytes) {
        memory.appendBuffer(chunk);
        return;
      }
      if (opening == null) {
        Buffer first = memory.appendBuffer(chunk);
        memory = null;
        request.pause();
        opening = open();
        opening.onSuccess(
            out -> {
              out.write(first);
              request.resume();
            });
        opening.onFailure(e -> fail(500, e));
        return;
      }
      opening.onSuccess(
          out -> {
            out.write(chunk);
            if (out.writeQueueFull()) {
              request.pause();
              out.drainHandler(v -> request.resume());
            }
          });
    }

    Future<AsyncFile> open() {
      FileSystem fs = vertx.fileSystem();
      return fs.mkdirs(spoolDir.toString())
          .compose(v -> fs.createTempFile(spoolDir.toString(), "body-", ".tmp", (String) null))
          .compose(
              name -> {
                file = Path.of(name);
                return fs.open(name, new OpenOptions().setWrite(true).setTruncateExisting(true));
              });
    }

    void end() {
      if (failed) {
        return;
      }
      RoutingContextInternal internal = (RoutingContextInternal) ctx;
      if (opening == null) {
        internal.setBody(memory);
        memory = null;
        ctx.next();
        return;
      }
      Future<AsyncFile> open = opening;
      opening = null; // from here on, this chain owns the file
      open.compose(out -> out.close())
          .compose(v -> vertx.fileSystem().readFile(file.toString()))
          .compose(body -> vertx.fileSystem().delete(file.toString()).map(body))
          .onSuccess(
              body -> {
                internal.setBody(body);
                ctx.next();
              })
          .onFailure(
              e -> {
                vertx.fileSystem().delete(file.toString()).recover(x -> Future.succeededFuture());
                fail(500, e);
              });
    }

    void fail(int code, Throwable e) {
      if (failed) {
        return;
      }
      failed = true;
      memory = null;
      delete();
      if (code == 500 && e != null) {
        LOG.warn("cannot spool a request body under {}: {}", spoolDir, e.toString());
      }
      if (code < 0 || ctx.response().ended() || ctx.response().closed()) {
        return; // the client went away (or the request timed out): nothing to answer
      }
      if (code == 500 && e != null) {
        ctx.fail(500, e);
      } else {
        ctx.fail(code);
      }
    }

    /** Closes and deletes the file of a body that will not be used. */
    void delete() {
      if (opening == null) {
        return;
      }
      Future<AsyncFile> open = opening;
      opening = null;
      open.transform(ar -> ar.succeeded() ? ar.result().close() : Future.<Void>succeededFuture())
          .transform(
              ar ->
                  file == null
                      ? Future.<Void>succeededFuture()
                      : vertx.fileSystem().delete(file.toString()))
          .onFailure(e -> LOG.debug("cannot delete the spooled body {}: {}", file, e.toString()));
    }
  }
}
