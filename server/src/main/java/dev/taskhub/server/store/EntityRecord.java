package dev.taskhub.server.store;

/**
 * The stored row of a durable entity. An entity exists for its callers while it has a state; a row
 * without one is <em>transient</em>: it holds queued operations or a lock, and {@code
 * CleanEntityStorage} removes it once it holds neither.
 *
 * @param state the serialized state, or null if it has none
 * @param lockedBy the orchestration whose critical section holds the entity, or null
 * @param lockSection the id of that critical section, or null
 * @param queued how many operations and lock messages wait in its inbox (visible or not)
 * @param version how many batches and server steps were applied: what guards the next one
 */
public record EntityRecord(
    InstanceKey key,
    String executionId,
    String state,
    String lockedBy,
    String lockSection,
    long createdAt,
    long lastModifiedAt,
    int queued,
    int version) {

  public EntityId id() {
    return EntityId.parse(key.instanceId());
  }

  public boolean hasState() {
    return state != null;
  }

  public boolean isLocked() {
    return lockedBy != null;
  }
}
