import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM service that joins Cup's cluster and hears its events on the clustered event bus: no
 * bridge, no token, no RBAC. Being in the cluster is the credential, so only services you trust
 * with every event (and with Cup's own addresses) belong there.
 *
 * <pre>
 * java -cp target/cup.jar examples/jvm-consumer/JvmConsumer.java MEMBERS [options]
 *
 *   MEMBERS               host:port[,host:port…] of Cup nodes' Hazelcast members (--cluster-members)
 *   --cluster-name NAME   Cup's --cluster-name (default cup)
 *   --host HOST           the address this service binds and advertises (default 127.0.0.1)
 *   --port PORT           its Hazelcast member port (default 5801, the next free one after it)
 *   --address ADDRESS     hear this address only (repeatable; default the three cup.events.*)
 * </pre>
 *
 * <p>It joins as a Hazelcast <em>lite member</em>: a member that holds no partition of the
 * cluster's maps (Cup's locks, leases and once-per-move claims stay on Cup's nodes), so it can come
 * and go without data migrating. It prints {@code {"type":"ready","members":N}} once its consumers
 * are registered, then one JSON line per event: {@code {"type":"message","address":…,"body":…}},
 * the same shape as the TCP bridge's frames. Each {@code cup.events.*} event is published once per
 * cluster, so the service hears it once, whichever node saw the change.
 */
public final class JvmConsumer {
  private static final List<String> EVENTS =
      List.of("cup.events.resource", "cup.events.proposal", "cup.events.head");

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println(
          "usage: JvmConsumer MEMBERS [--cluster-name NAME] [--host HOST] [--port PORT]"
              + " [--address ADDRESS]...");
      System.exit(2);
    }
    List<String> members = Arrays.asList(args[0].split(","));
    String clusterName = "cup";
    String host = "127.0.0.1";
    int port = 5801;
    boolean autoIncrement = true;
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--cluster-name" -> clusterName = args[i + 1];
        case "--host" -> host = args[i + 1];
        case "--port" -> {
          port = Integer.parseInt(args[i + 1]);
          autoIncrement = false;
        }
        case "--address" -> addresses.add(args[i + 1]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    if (addresses.isEmpty()) {
      addresses = EVENTS;
    }

    HazelcastClusterManager cluster =
        new HazelcastClusterManager(hazelcast(clusterName, host, port, autoIncrement, members));
    VertxOptions options = new VertxOptions();
    // the clustered event bus: Cup's nodes connect here to deliver what they publish
    options.getEventBusOptions().setHost(host).setClusterPublicHost(host);
    Vertx vertx =
        Vertx.builder()
            .with(options)
            .withClusterManager(cluster)
            .buildClustered()
            .await(2, TimeUnit.MINUTES);
    // on SIGTERM or Ctrl-C, leave the cluster at once rather than be dropped when heartbeats stop
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join()));

    List<Future<Void>> registered = new ArrayList<>();
    for (String address : addresses) {
      MessageConsumer<Object> consumer =
          vertx
              .eventBus()
              .consumer(
                  address,
                  message ->
                      print(
                          new JsonObject()
                              .put("type", "message")
                              .put("address", message.address())
                              .put("body", message.body())));
      registered.add(consumer.completion());
    }
    Future.all(registered).await(1, TimeUnit.MINUTES);
    print(new JsonObject().put("type", "ready").put("members", cluster.getNodes().size()));
  }

  /**
   * The facts Cup's nodes are configured with (see Cup's README, "Running several nodes"): Vert.x's
   * own Hazelcast configuration (it keeps the {@code __vertx.*} maps' settings), Cup's cluster
   * name, members over TCP/IP only, bound to one interface, no phone-home, no wait before joining,
   * heartbeats as Cup's — plus lite membership.
   */
  static Config hazelcast(
      String clusterName, String host, int port, boolean autoIncrement, List<String> members) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(clusterName);
    config.setLiteMember(true);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    // the shutdown hook above closes Vert.x, which leaves the cluster
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // without bind.any=false Hazelcast listens on every interface even when it advertises one
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(autoIncrement);
    network.getInterfaces().setEnabled(true).addInterface(host);
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(members);
    return config;
  }

  private static void print(JsonObject line) {
    System.out.println(line.encode());
  }
}
