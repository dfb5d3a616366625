package dev.taskhub.server.cluster;

import java.util.function.Consumer;

/**
 * Best-effort broadcast between the scheduler nodes of one database. Publishing never blocks on the
 * network and never fails the caller: a message that cannot be sent is dropped (the nodes' periodic
 * scan covers it).
 */
public interface ClusterBus extends AutoCloseable {

  /**
   * Starts listening. {@code handler} runs on the bus's own thread for every message another node
   * published (a node never receives its own), and with {@link ClusterMessage#resync()} after the
   * bus reconnected; it must return quickly.
   */
  void start(String nodeId, Consumer<ClusterMessage> handler);

  /**
   * Queues a message for every other node. Messages queued close together may be merged (the
   * instance ids of one kind and hub are joined, repeated hints sent once).
   */
  void publish(ClusterMessage message);

  /** Stops listening; queued messages are sent first if the database is reachable. */
  @Override
  void close();
}
