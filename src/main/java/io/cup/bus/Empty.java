package io.cup.bus;

import io.vertx.core.json.JsonObject;

/**
 * The body of a request that carries nothing ({@code {}}): {@code cup.repository.status}, {@code
 * cup.repository.fetch}, {@code cup.proposal.list}.
 */
public record Empty() implements BusMessage {
  /** The one empty body. */
  public static final Empty INSTANCE = new Empty();

  @Override
  public JsonObject toJson() {
    return new JsonObject();
  }

  /** Any body reads as empty: what it carries is ignored. */
  public static Empty fromJson(JsonObject json) {
    return INSTANCE;
  }
}
