package io.cup.config;

import io.cup.bus.ForeignAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Vert.x's event-bus bridges, through which other services hear Cup's events ({@code cup.events.*})
 * under the same identities and RBAC as the HTTP API (docs/event-bus.md, "Consuming Cup's events
 * from another service").
 *
 * @param tcpHost the TCP bridge's listen host ("" or null: all interfaces), from {@code
 *     --bridge-tcp-address}
 * @param tcpPort the TCP bridge's port; {@link #OFF} (the default): no TCP bridge; 0: any free port
 * @param sockJs whether the SockJS bridge is served at {@value #SOCKJS_PATH} on the API's port
 *     ({@code --bridge-sockjs}, on by default)
 * @param inbound addresses clients may send or publish to ({@code --bridge-inbound}); none by
 *     default, and never one of Cup's own ({@code cup.*}) or Vert.x's ({@code __vertx.*})
 */
public record BridgeSettings(String tcpHost, int tcpPort, boolean sockJs, List<String> inbound) {
  /** {@link #tcpPort} when there is no TCP bridge. */
  public static final int OFF = -1;

  /** Where the SockJS bridge is served on the API's port. */
  public static final String SOCKJS_PATH = "/eventbus";

  /** Cup's defaults: no TCP bridge, the SockJS bridge on, outbound only. */
  public static final BridgeSettings DEFAULT = new BridgeSettings(null, OFF, true, List.of());

  public BridgeSettings {
    inbound = inbound == null ? List.of() : List.copyOf(inbound);
  }

  /** Whether the TCP bridge is on. */
  public boolean tcp() {
    return tcpPort != OFF;
  }

  /** Whether {@code address} is Cup's or Vert.x's own, which no bridge client may send to. */
  public static boolean internal(String address) {
    return ForeignAddress.internal(address);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("tcpHost", tcpHost)
        .put("tcpPort", tcpPort)
        .put("sockJs", sockJs)
        .put("inbound", new JsonArray(inbound));
  }

  /** Reads what {@link #toJson} writes; null or missing fields are the defaults. */
  public static BridgeSettings fromJson(JsonObject json) {
    if (json == null) {
      return DEFAULT;
    }
    JsonArray inbound = json.getJsonArray("inbound");
    return new BridgeSettings(
        json.getString("tcpHost"),
        json.getInteger("tcpPort", OFF),
        json.getBoolean("sockJs", true),
        inbound == null ? List.of() : inbound.stream().map(String::valueOf).toList());
  }
}
