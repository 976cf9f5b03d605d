package io.cup.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handed-over reply that does leave its node: two clustered Vert.x instances in this JVM
 * (Hazelcast over TCP/IP on 127.0.0.1), a cluster-wide address answered on one and asked from the
 * other, so the reply crosses the wire through the codec's own encoding.
 */
class HandedOverJsonClusterTest {
  private static final BusAddress<ResourceRequest, ListReply> LIST =
      BusAddress.clusterWide(
              "test.handed-over.cluster",
              ResourceRequest.class,
              ResourceRequest::fromJson,
              ListReply.class,
              ListReply::fromJson)
          .handingOverReplies();

  private final List<Vertx> nodes = new ArrayList<>();

  @AfterEach
  void leave() throws Exception {
    for (Vertx node : nodes) {
      node.close().await(1, TimeUnit.MINUTES);
    }
  }

  @Test
  void aReplyFromAnotherNodeArrivesWhole() throws Exception {
    int first = freePort();
    int second = freePort();
    List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
    Vertx answering = join(first, members);
    Vertx asking = join(second, members);
    JsonArray items =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("metadata", new JsonObject().put("name", "a"))
                    .put("spec", new JsonObject().put("replicas", 2).put("ratio", 0.5))
                    .put("tags", new JsonArray().add("é").add("日本").addNull()));
    // answered on one node only; every node that runs Cup's handlers has the codec registered
    LIST.consume(
            answering.eventBus(), request -> Future.succeededFuture(new ListReply("c1", items)))
        .completion()
        .await(1, TimeUnit.MINUTES);
    HandedOverJson.registerOn(asking.eventBus());

    ListReply reply =
        LIST.request(
                asking.eventBus(),
                new ResourceRequest(
                    "test.cup.io", "v1", "widgets", "default", null, null, null, null),
                60_000)
            .await(1, TimeUnit.MINUTES);

    assertThat(reply.commit()).isEqualTo("c1");
    assertThat(reply.items()).isEqualTo(items).isNotSameAs(items);
  }

  private Vertx join(int port, List<String> members) throws Exception {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("handed-over-" + members.get(0).replace(':', '-'));
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    Vertx node =
        Vertx.builder()
            .with(options)
            .withClusterManager(new HazelcastClusterManager(config))
            .buildClustered()
            .await(2, TimeUnit.MINUTES);
    nodes.add(node);
    return node;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
