package io.cup.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.cup.cluster.ClusterMembership;
import io.cup.config.ClusterSettings;
import io.cup.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a Cup cluster: a clustered Vert.x over Hazelcast, made from {@link ClusterSettings}
 * before any verticle is deployed ({@code buildClustered()} completes once the node has joined).
 * Cup writes no membership, election or messaging of its own: members, the clustered event bus,
 * locks and maps are Vert.x's and Hazelcast's.
 *
 * <p>Hazelcast starts from Vert.x's own configuration ({@link ConfigUtil#loadConfig()}, which keeps
 * the {@code __vertx.*} maps' settings) and is then made explicit: no multicast and no
 * auto-detection, members found over TCP/IP ({@code --cluster-members}) or Kubernetes DNS ({@code
 * --cluster-kubernetes-service-dns}); bound to {@code --cluster-host} only; no phone-home; no
 * five-second wait before joining; heartbeats every second and a member silent for {@value
 * #MAX_NO_HEARTBEAT_SECONDS} s dropped (a killed member's connection closes at once, so it goes
 * sooner); logging through SLF4J; no Hazelcast shutdown hook (the server's own closes Vert.x, which
 * leaves the cluster).
 */
final class ClusterNode implements ClusterMembership {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  static final int MAX_NO_HEARTBEAT_SECONDS = 10;

  private final Vertx vertx;
  private final HazelcastClusterManager members;
  private Gauge gauge;

  private ClusterNode(Vertx vertx, HazelcastClusterManager members) {
    this.vertx = vertx;
    this.members = members;
  }

  /** Starts a clustered Vert.x and joins the cluster {@code settings} describe. */
  static Future<ClusterNode> join(ClusterSettings settings) {
    Objects.requireNonNull(settings, "settings");
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(settings));
    VertxOptions options = new VertxOptions();
    EventBusOptions bus = options.getEventBusOptions();
    if (settings.host() != null) {
      bus.setHost(settings.host());
    }
    bus.setPort(settings.busPort());
    String publicHost =
        settings.busPublicHost() != null ? settings.busPublicHost() : settings.host();
    if (publicHost != null) {
      bus.setClusterPublicHost(publicHost);
    }
    return Vertx.builder()
        .with(options)
        .withClusterManager(manager)
        .buildClustered()
        .map(
            vertx -> {
              ClusterNode node = new ClusterNode(vertx, manager);
              node.gauge =
                  Gauge.builder("cup.cluster.members", node, ClusterNode::members)
                      .description("members of the cluster this node belongs to, itself included")
                      .strongReference(true)
                      .register(Metrics.registry());
              LOG.info(
                  "joined cluster {} as node {} ({} member(s))",
                  settings.name(),
                  manager.getNodeId(),
                  node.members());
              return node;
            });
  }

  /** The Hazelcast configuration of a node: Vert.x's, made explicit (see the class comment). */
  static Config hazelcast(ClusterSettings settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_NO_HEARTBEAT_SECONDS));
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    if (settings.host() != null) {
      // without bind.any=false Hazelcast listens on every interface even when it advertises one
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).addInterface(settings.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (settings.kubernetesServiceDns() != null) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", settings.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(settings.port()));
    } else {
      // no members listed: a cluster of one, which others may join
      join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    }
    return config;
  }

  Vertx vertx() {
    return vertx;
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public boolean joined() {
    return members.isActive() && members.getNodes().contains(members.getNodeId());
  }

  @Override
  public int members() {
    return members.isActive() ? members.getNodes().size() : 0;
  }

  /** Stops reporting the members; Vert.x's close leaves the cluster. */
  void close() {
    if (gauge != null) {
      Metrics.registry().remove(gauge);
      gauge = null;
    }
  }
}
