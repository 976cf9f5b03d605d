package io.cup.controllers;

import io.vertx.core.json.JsonObject;

/** Reading the standard fields of a resource held as JSON, whatever else it holds. */
public final class Resources {
  private Resources() {}

  /** {@code metadata.<field>} when it is a string, else null. */
  public static String metadata(JsonObject resource, String field) {
    Object metadata = resource == null ? null : resource.getValue("metadata");
    Object value = metadata instanceof JsonObject m ? m.getValue(field) : null;
    return value instanceof String s ? s : null;
  }
}
