package io.cup.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Several nodes on Vert.x's clustered event bus over Hazelcast ({@code --cluster} and the {@code
 * --cluster-*} options). Off ({@link #NONE}): the server runs in one JVM as it always did.
 *
 * @param enabled whether the node joins a cluster ({@code --cluster})
 * @param host the address this node binds and advertises for Hazelcast and, by default, the
 *     clustered event bus ({@code --cluster-host}); null: Hazelcast picks an interface
 * @param port the Hazelcast member port ({@code --cluster-port}, default {@value #DEFAULT_PORT})
 * @param members {@code host:port} of members to join over TCP/IP ({@code --cluster-members})
 * @param kubernetesServiceDns a headless Service's DNS name to find members by on Kubernetes
 *     ({@code --cluster-kubernetes-service-dns}); null: not on Kubernetes
 * @param name the cluster's name: nodes of other names never join this one ({@code --cluster-name},
 *     default {@value #DEFAULT_NAME})
 * @param busPort the clustered event bus's own TCP port ({@code --cluster-bus-port}); 0: a free
 *     port
 * @param busPublicHost the host other nodes reach this node's event bus at ({@code
 *     --cluster-bus-public-host}); null: {@code host}
 */
public record ClusterSettings(
    boolean enabled,
    String host,
    int port,
    List<String> members,
    String kubernetesServiceDns,
    String name,
    int busPort,
    String busPublicHost) {
  public static final int DEFAULT_PORT = 5701;
  public static final String DEFAULT_NAME = "cup";

  /** Not clustered. */
  public static final ClusterSettings NONE =
      new ClusterSettings(false, null, DEFAULT_PORT, List.of(), null, DEFAULT_NAME, 0, null);

  public ClusterSettings {
    members = members == null ? List.of() : List.copyOf(members);
    name = name == null || name.isBlank() ? DEFAULT_NAME : name;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster port must be 1 to 65535, not " + port);
    }
    if (busPort < 0 || busPort > 65535) {
      throw new IllegalArgumentException("cluster bus port must be 0 to 65535, not " + busPort);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("host", host)
        .put("port", port)
        .put("members", new JsonArray(members))
        .put("kubernetesServiceDns", kubernetesServiceDns)
        .put("name", name)
        .put("busPort", busPort)
        .put("busPublicHost", busPublicHost);
  }

  public static ClusterSettings fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    JsonArray members = json.getJsonArray("members", new JsonArray());
    return new ClusterSettings(
        json.getBoolean("enabled", false),
        json.getString("host"),
        json.getInteger("port", DEFAULT_PORT),
        members.stream().map(String::valueOf).toList(),
        json.getString("kubernetesServiceDns"),
        json.getString("name", DEFAULT_NAME),
        json.getInteger("busPort", 0),
        json.getString("busPublicHost"));
  }
}
