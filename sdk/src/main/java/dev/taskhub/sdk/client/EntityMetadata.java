package dev.taskhub.sdk.client;

import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Instant;
import java.util.Optional;

/**
 * What the scheduler knows about one entity.
 *
 * @param id the entity
 * @param lastModified when its state last changed
 * @param backlogQueueSize operations queued for it, not yet run
 * @param lockedBy the orchestration instance whose critical section holds it, or null
 * @param state its state read as the requested type, or null (no state, or not requested)
 * @param serializedState its state as stored, or null
 * @param <S> the state type ({@code Void} when the state was not requested)
 */
public record EntityMetadata<S>(
    EntityInstanceId id,
    Instant lastModified,
    int backlogQueueSize,
    String lockedBy,
    S state,
    String serializedState) {

  /** The orchestration whose critical section holds the entity, if one does. */
  public Optional<String> lockOwner() {
    return Optional.ofNullable(lockedBy);
  }

  /** Whether the entity has state (only known when the state was requested). */
  public boolean hasState() {
    return serializedState != null;
  }
}
