package dev.taskhub.server.engine;

import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.server.store.InstanceKey;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a scheduler process takes part in its store: {@link #alone()}, owning all of its work, or as
 * one node among several ({@code cluster.ClusterNode}). It makes each task hub's {@link
 * WorkSource}.
 */
public interface Membership extends AutoCloseable {
  /** The source of one task hub's work, feeding {@code queues}. */
  WorkSource join(HubQueues queues);

  /** Takes up the stored work once the engine is ready to run it. */
  void start(EngineLink engine);

  /** The id of this node among several, or empty when alone. */
  Optional<String> nodeId();

  /** Hands this node's work back (so others take it at once) and stops. */
  @Override
  void close();

  /** A scheduler that is the only one on its store: every committed item is dispatched here. */
  static Membership alone() {
    return new Alone();
  }

  /** What a membership may ask of the engine. */
  interface EngineLink {
    /** Rebuilds the queues from everything pending in the store (a node alone, at start-up). */
    void recoverStoredWork();

    /** Applies a completion another node relayed here. */
    void completeOrchestration(String hub, OrchestratorResponse response);

    /** Applies a result another node relayed here. */
    void completeActivity(String hub, ActivityResponse response);

    /** Applies an entity batch's answer another node relayed here. */
    void completeEntity(String hub, EntityBatchResult result);

    /** Calls {@code publisher} with every instance changed here (to tell other nodes). */
    void publishChangesTo(Consumer<InstanceKey> publisher);

    /** Another node changed the instance: wake its waiters here. */
    void changedElsewhere(InstanceKey key);

    /** Wakes every waiter to re-read (messages from other nodes may have been missed). */
    void wakeAllWaiters();
  }
}
