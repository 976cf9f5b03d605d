package io.cup.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cup.bus.FileChange;
import io.cup.git.DirectorySource;
import io.cup.status.StatusException;
import io.cup.wasm.GuestCall;
import io.cup.wasm.GuestResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code cup controller test} prints about one call, as text for people or as one JSON
 * document ({@code -o json}) for scripts. The guest's stdout is shown as indented JSON when it is
 * JSON (one value, or a stream of values such as {@code list} prints), else as it is.
 */
final class CallReport {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** Two-space indent, {@code "key": value}, one array element per line: as JSON.stringify. */
  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withObjectEmptySeparator("")
                      .withArrayEmptySeparator(""))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  /** Who ran what: the lines every report starts with. */
  record Call(
      String module, String execution, List<String> argv, String repository, String revision) {}

  private CallReport() {}

  /** A call whose guest exited 0; {@code diff} is null for get and list. */
  static void succeeded(
      PrintWriter out,
      boolean json,
      Call call,
      GuestCall.Operation operation,
      GuestResult result,
      String diff) {
    Optional<List<JsonNode>> values = jsonValues(result.stdout());
    String unusable = unusableOutput(operation, result.stdout());
    if (json) {
      ObjectNode report = header(call);
      report.put("exitCode", result.exitCode());
      report.put("durationMillis", millis(result.duration()));
      report.put("stdout", result.stdoutText());
      values.ifPresent(v -> report.putArray("stdoutJson").addAll(v));
      report.put("stderr", result.stderrText());
      if (unusable != null) {
        report.put("unusableOutput", unusable);
      }
      if (diff != null) {
        ArrayNode changes = report.putArray("changes");
        for (FileChange change : result.changes()) {
          changes
              .addObject()
              .put("path", change.path())
              .put("operation", change.isDelete() ? "delete" : "upsert");
        }
        report.put("diff", diff);
      }
      out.println(pretty(report));
      return;
    }
    printHeader(out, call);
    out.println("exit:      " + result.exitCode() + " after " + format(result.duration()));
    section(out, "stdout", values.map(CallReport::pretty).orElse(result.stdoutText()));
    section(out, "stderr", result.stderrText());
    if (unusable != null) {
      out.println("note:      the server cannot use this output and would answer 502: " + unusable);
    }
    if (diff != null) {
      if (result.changes().isEmpty()) {
        out.println("changes:   none (the repository already holds this)");
      } else {
        out.println("changes:   proposed, not written:");
        for (FileChange change : result.changes()) {
          out.println("  " + (change.isDelete() ? "delete " : "write  ") + change.path());
        }
        out.println("diff:");
        out.print(diff.endsWith("\n") || diff.isEmpty() ? diff : diff + "\n");
      }
    }
  }

  /** A call that failed: the Status the API would answer with. */
  static void failed(
      PrintWriter out, PrintWriter err, boolean json, Call call, StatusException e, Duration took) {
    if (json) {
      ObjectNode report = header(call);
      report.put("durationMillis", millis(took));
      report.set("status", parse(e.toStatus().encode()));
      out.println(pretty(report));
    } else {
      printHeader(out, call);
      out.println("status:    " + e.code() + " " + e.reason() + " after " + format(took));
    }
    out.flush();
    err.println("cup controller test: " + e.getMessage());
  }

  private static ObjectNode header(Call call) {
    ObjectNode report = MAPPER.createObjectNode();
    report.put("module", call.module());
    report.put("execution", call.execution());
    call.argv().forEach(report.putArray("argv")::add);
    report.put("repository", call.repository());
    report.put("revision", call.revision());
    return report;
  }

  private static void printHeader(PrintWriter out, Call call) {
    out.println("module:    " + call.module() + " (" + call.execution() + ")");
    out.println("argv:      " + String.join(" ", call.argv()));
    out.println(
        "repo:      "
            + call.repository()
            + (call.revision().equals(DirectorySource.COMMIT)
                ? " (a directory, as it is now)"
                : " at commit " + call.revision()));
  }

  private static void section(PrintWriter out, String name, String text) {
    if (text.isEmpty()) {
      out.println(name + ":    (empty)");
      return;
    }
    out.println(name + ":");
    out.print(text.endsWith("\n") ? text : text + "\n");
  }

  /**
   * Why the server could not use what a get or list printed (null when it can): it reads a stream
   * of JSON objects, exactly one for get. Whatever put and delete print is not read.
   */
  static String unusableOutput(GuestCall.Operation operation, byte[] stdout) {
    if (operation.writes()) {
      return null;
    }
    int objects = 0;
    try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(stdout)) {
      while (it.hasNextValue()) {
        JsonNode value = it.nextValue();
        if (!value.isObject()) {
          return "expected JSON objects, got " + value.getNodeType();
        }
        objects++;
      }
    } catch (IOException | RuntimeException e) {
      return "its output is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")";
    }
    if (operation == GuestCall.Operation.GET && objects != 1) {
      return "expected one JSON object, got " + objects;
    }
    return null;
  }

  /**
   * The JSON values {@code bytes} holds, one or more separated by whitespace; empty when it is
   * empty or not JSON.
   */
  static Optional<List<JsonNode>> jsonValues(byte[] bytes) {
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return Optional.empty();
    }
    List<JsonNode> values = new ArrayList<>();
    try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(bytes)) {
      while (it.hasNextValue()) {
        values.add(it.nextValue());
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(values);
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Status does not encode as JSON", e);
    }
  }

  private static String pretty(List<JsonNode> values) {
    StringBuilder text = new StringBuilder();
    for (JsonNode value : values) {
      text.append(pretty(value)).append('\n');
    }
    return text.toString();
  }

  private static String pretty(JsonNode value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON value cannot be written", e);
    }
  }

  private static double millis(Duration duration) {
    return Math.round(duration.toNanos() / 1e4) / 100.0;
  }

  /** "12 ms", "0.84 ms", "1.25 s". */
  static String format(Duration duration) {
    double ms = duration.toNanos() / 1e6;
    if (ms >= 1000) {
      return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }
    return ms >= 10
        ? String.format(Locale.ROOT, "%.0f ms", ms)
        : String.format(Locale.ROOT, "%.2f ms", ms);
  }
}
