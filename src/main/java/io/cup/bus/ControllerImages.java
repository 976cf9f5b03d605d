package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reply of {@code cup.controller.images}: what each WASM controller named by an OCI reference runs
 * now, in name order.
 */
public record ControllerImages(List<Image> images) implements BusMessage {
  /**
   * One controller's image.
   *
   * @param controller the controller's name
   * @param reference the reference as configured ({@code registry/repository:tag} or with a digest)
   * @param digest the manifest digest it runs ({@code sha256:…})
   * @param module the digest of the WASM module (the artifact's layer)
   */
  public record Image(String controller, String reference, String digest, String module) {
    JsonObject toJson() {
      return new JsonObject()
          .put("controller", controller)
          .put("reference", reference)
          .put("digest", digest)
          .put("module", module);
    }

    static Image fromJson(JsonObject json) {
      return new Image(
          json.getString("controller"),
          json.getString("reference"),
          json.getString("digest"),
          json.getString("module"));
    }
  }

  public ControllerImages {
    images = List.copyOf(images);
  }

  @Override
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    images.forEach(image -> list.add(image.toJson()));
    return new JsonObject().put("images", list);
  }

  public static ControllerImages fromJson(JsonObject json) {
    List<Image> images = new ArrayList<>();
    JsonArray list = json.getJsonArray("images", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      images.add(Image.fromJson(list.getJsonObject(i)));
    }
    return new ControllerImages(images);
  }
}
