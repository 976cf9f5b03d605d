package io.cup.bus;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Objects;

/**
 * One file a write changes: {@code content} is the new bytes, or {@code null} when the file is
 * removed. {@code path} is relative to the repository root, '/'-separated, never absolute, never
 * with '..'.
 */
public record FileChange(String path, byte[] content) implements BusMessage {
  public FileChange {
    Objects.requireNonNull(path, "path");
  }

  public static FileChange upsert(String path, byte[] content) {
    return new FileChange(path, Objects.requireNonNull(content, "content"));
  }

  public static FileChange delete(String path) {
    return new FileChange(path, null);
  }

  public boolean isDelete() {
    return content == null;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("path", path);
    if (content == null) {
      json.put("op", "delete");
    } else {
      json.put("op", "upsert").put("content", Base64.getEncoder().encodeToString(content));
    }
    return json;
  }

  public static FileChange fromJson(JsonObject json) {
    String path = json.getString("path");
    return "delete".equals(json.getString("op"))
        ? delete(path)
        : upsert(path, Base64.getDecoder().decode(json.getString("content", "")));
  }
}
