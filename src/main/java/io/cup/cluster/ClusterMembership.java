package io.cup.cluster;

/**
 * What a node knows of the cluster it belongs to, for readiness and metrics. A server that is not
 * clustered is {@link #NONE}: one member, itself, always joined.
 */
public interface ClusterMembership {
  /** Whether the server runs on a clustered Vert.x at all. */
  boolean clustered();

  /** Whether this node is a member of its cluster now (true when not clustered). */
  boolean joined();

  /** How many nodes the cluster has now, this one included (1 when not clustered). */
  int members();

  /** A server that is not clustered. */
  ClusterMembership NONE =
      new ClusterMembership() {
        @Override
        public boolean clustered() {
          return false;
        }

        @Override
        public boolean joined() {
          return true;
        }

        @Override
        public int members() {
          return 1;
        }
      };
}
