package io.cup.oci;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * A response body read into memory up to a limit: the read stops (and the call fails with {@link
 * RegistryException.Reason#TOO_LARGE}) as soon as more than {@code limit} bytes arrive, so a
 * registry cannot make Cup hold more than the limit whatever it announces.
 */
final class LimitedBody implements BodyCodec<Buffer> {
  private final long limit;
  private final String what;

  LimitedBody(long limit, String what) {
    this.limit = limit;
    this.what = what;
  }

  @Override
  public BodyStream<Buffer> stream() {
    return new Stream();
  }

  private final class Stream implements BodyStream<Buffer> {
    private final Buffer body = Buffer.buffer();
    private final Promise<Buffer> result = Promise.promise();

    @Override
    public Future<Buffer> result() {
      return result.future();
    }

    @Override
    public void handle(Throwable failure) {
      result.tryFail(failure);
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      if (result.future().isComplete()) {
        return Future.failedFuture("closed");
      }
      if (body.length() + (long) data.length() > limit) {
        RegistryException tooLarge =
            new RegistryException(
                RegistryException.Reason.TOO_LARGE,
                what + " is larger than the limit of " + limit + " bytes");
        result.tryFail(tooLarge);
        return Future.failedFuture(tooLarge);
      }
      body.appendBuffer(data);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      result.tryComplete(body);
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}
