package dev.taskhub.sdk.orchestration;

import dev.taskhub.sdk.entity.EntityInstanceId;
import java.util.List;

/**
 * A critical section: the entities an orchestration locked with {@link
 * OrchestrationContext#lockEntities}. While it is open, the orchestration may call only these
 * entities (one call per entity at a time), must not signal them, and nobody else's operations run
 * on them. {@link #close()} releases them; use it in try-with-resources.
 *
 * <pre>{@code
 * try (EntityLock lock = ctx.lockEntities(from, to).await()) {
 *   int balance = ctx.callEntity(from, "get", null, Integer.class).await();
 *   ...
 * }
 * }</pre>
 */
public interface EntityLock extends AutoCloseable {

  /** The locked entities, in lock order. */
  List<EntityInstanceId> entities();

  /**
   * Ends the critical section: sends each entity its unlock. Idempotent. Must be called on the
   * orchestration's thread; while the orchestration is being unwound (it ended, or its run is
   * discarded) it does nothing, and the scheduler releases the locks of an ended orchestration.
   *
   * @throws IllegalStateException if called outside the orchestration's thread
   */
  @Override
  void close();
}
