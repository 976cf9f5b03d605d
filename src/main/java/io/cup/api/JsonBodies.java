package io.cup.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Large JSON bodies (lists) written straight into the response buffer: one Jackson generator per
 * body, UTF-8 bytes with no {@code String} in between, each value written as Vert.x's own JSON
 * codec writes it ({@link JacksonCodec#encodeJson}) without databind's serializer lookup per value
 * ({@code JsonObject.encode()} goes through an {@code ObjectMapper}). The bytes are those {@code
 * encode()} gives ({@link #FACTORY}: the same escapes and number forms). For values of JSON's own
 * types only (what a resource holds: objects, arrays, strings, numbers, booleans, null).
 */
final class JsonBodies {
  /**
   * Vert.x's factory, writing a character outside the BMP as its UTF-8 bytes, as {@code encode()}
   * does, not as an escaped surrogate pair (what a UTF-8 generator does by default).
   */
  private static final JsonFactory FACTORY =
      ((JsonFactoryBuilder) DatabindCodec.mapper().getFactory().rebuild())
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private JsonBodies() {}

  /** {@code value} (a JsonObject, a JsonArray…) encoded. */
  static Buffer json(Object value) {
    Buffer body = Buffer.buffer(16 * 1024);
    try (JsonGenerator generator = generator(body)) {
      JacksonCodec.encodeJson(value, generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body;
  }

  /** {@code values} as NDJSON: each encoded on a line of its own, each line ended by "\n". */
  static Buffer ndjson(Iterable<?> values) {
    Buffer body = Buffer.buffer(16 * 1024);
    try (JsonGenerator generator = generator(body)) {
      for (Object value : values) {
        JacksonCodec.encodeJson(value, generator);
        generator.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body;
  }

  private static JsonGenerator generator(Buffer body) {
    try {
      JsonGenerator generator = FACTORY.createGenerator(new Appending(body));
      // NDJSON ends each value with its own newline: no separator between root values
      generator.setRootValueSeparator(null);
      return generator;
    } catch (IOException e) {
      throw new EncodeException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** The generator's output: its flushed chunks appended to the body. */
  private static final class Appending extends OutputStream {
    private final Buffer body;

    Appending(Buffer body) {
      this.body = body;
    }

    @Override
    public void write(int b) {
      body.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      body.appendBytes(bytes, offset, length);
    }
  }
}
