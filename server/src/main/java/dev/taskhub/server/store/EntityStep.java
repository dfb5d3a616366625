package dev.taskhub.server.store;

import java.util.List;

/**
 * The effects of one entity batch (or one server step of an entity: a lock granted, released or
 * forwarded), applied in one transaction: the entity's new state and lock, the inbox rows it
 * consumed, the messages it sends (results to callers, signals, lock messages) and the
 * orchestrations it starts.
 *
 * <p>Guarded by {@code expectedVersion}: if another step was applied since the batch was planned,
 * or a consumed row is gone, nothing is written ({@code LeaseLost}) — so a batch answered twice
 * takes effect once.
 *
 * @param state the new state, null to delete it
 * @param lockedBy the orchestration holding the lock afterwards, or null
 */
public record EntityStep(
    InstanceKey key,
    int expectedVersion,
    String state,
    String lockedBy,
    String lockSection,
    List<Long> consumedInboxIds,
    List<InboxMessage> messages,
    List<NewInstance> orchestrations,
    long now) {

  public EntityStep {
    consumedInboxIds = List.copyOf(consumedInboxIds);
    messages = List.copyOf(messages);
    orchestrations = List.copyOf(orchestrations);
  }
}
