package io.cup.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's HTTP/1.x request decoder, but a request that carries both {@code Content-Length} and
 * {@code Transfer-Encoding} is a decoding failure, which Vert.x answers with {@code 400} and a
 * closed connection. Netty's decoder drops the {@code Content-Length} and reads the body as chunked
 * (RFC 9112 section 6.3 allows it), but a proxy in front that honours the length would see another
 * request boundary than Cup: request smuggling. RFC 9112 section 6.1 lets a server reject such a
 * message, and that is the only safe answer behind a proxy.
 *
 * <p>Vert.x offers no option for this; the decoder is swapped in the connection's Netty pipeline
 * when the connection opens, before any request was decoded (Vert.x internals: {@link
 * ConnectionBase#channel()}, the pipeline name {@code httpDecoder}; checked by a raw-socket test).
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(StrictRequestDecoder.class);
  static final String NAME = "httpDecoder";

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // read the body as chunked (so the decoder stays in step), but mark the request as failed:
    // Vert.x answers a failed request 400 and closes the connection
    super.handleTransferEncodingChunkedWithContentLength(message);
    message.setDecoderResult(
        DecoderResult.failure(
            new IllegalArgumentException(
                "both "
                    + HttpHeaderNames.CONTENT_LENGTH
                    + " and "
                    + HttpHeaderNames.TRANSFER_ENCODING
                    + " (request smuggling)")));
  }

  /** Puts the strict decoder in place of Vert.x's in an HTTP/1.x connection's pipeline. */
  static void install(HttpConnection connection, HttpServerOptions options) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    ChannelHandler decoder = pipeline.get(NAME);
    if (decoder instanceof VertxHttpRequestDecoder && !(decoder instanceof StrictRequestDecoder)) {
      pipeline.replace(NAME, NAME, new StrictRequestDecoder(options));
    } else if (decoder == null) {
      LOG.trace("no HTTP/1.x decoder in the pipeline of {}", connection);
    }
  }
}
