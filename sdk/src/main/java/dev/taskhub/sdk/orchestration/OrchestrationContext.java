package dev.taskhub.sdk.orchestration;

import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * What an {@link Orchestration} uses to do durable work. Every method that starts work returns at
 * once with a {@link Task}; nothing happens until the episode ends, when the worker sends the
 * actions to the scheduler. All methods must be called on the orchestration's own thread.
 *
 * <p>Action ids are assigned in call order; on replay the same calls must come in the same order,
 * or the instance fails with a {@link NonDeterministicOrchestrationException}.
 */
public interface OrchestrationContext {

  /** The instance id. */
  String instanceId();

  /** The orchestration name the instance was started with. */
  String name();

  /**
   * The input the instance was started with.
   *
   * @return the input, or null if it has none
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it cannot be read as {@code type}
   */
  <T> T getInput(Class<T> type);

  /** The time of the current episode, replayed from history: use it instead of the clock. */
  Instant currentInstant();

  /**
   * True while the orchestration is re-running code for events it has already processed. Side
   * effects that must happen once (logging, metrics) check this; {@link #logger()} does it for you.
   */
  boolean isReplaying();

  /** A UUID that is the same on every replay of this point of the orchestration. */
  UUID newUuid();

  /**
   * A logger that writes only when the orchestration is not replaying, so each line appears once.
   */
  Logger logger();

  /**
   * Schedules an activity.
   *
   * @param name the activity's registered name
   * @param input its input, or null
   * @param resultType the type its result is read as ({@code Void.class} to ignore it)
   * @return the activity's task; fails with {@link TaskFailedException} if the activity fails
   */
  <T> Task<T> callActivity(String name, Object input, Class<T> resultType);

  /** Schedules an activity with options (retries, version, tags); see {@link #callActivity}. */
  <T> Task<T> callActivity(String name, Object input, TaskOptions options, Class<T> resultType);

  /** Schedules an activity whose result is not needed; see {@link #callActivity}. */
  default Task<Void> callActivity(String name, Object input) {
    return callActivity(name, input, Void.class);
  }

  /**
   * A task that completes when all the given tasks have, with their results in the same order. If
   * any failed, it fails with the failure of the first failed task in list order (the others are
   * attached as suppressed exceptions), but only once all are done.
   */
  <T> Task<List<T>> allOf(List<? extends Task<T>> tasks);

  /** A task that completes when the first of the given tasks completes, with that task. */
  Task<Task<?>> anyOf(List<? extends Task<?>> tasks);

  /** {@link #anyOf(List)} for a few tasks. */
  default Task<Task<?>> anyOf(Task<?>... tasks) {
    return anyOf(List.of(tasks));
  }

  /** A durable timer that fires after {@code delay} (measured from {@link #currentInstant()}). */
  Task<Void> createTimer(Duration delay);

  /** A durable timer that fires at {@code fireAt}. */
  Task<Void> createTimer(Instant fireAt);

  /**
   * Waits for an event raised on this instance (by a client or another orchestration). Event names
   * match case-insensitively; events that arrive before anyone waits are kept, in order, for the
   * next wait on their name.
   */
  <T> Task<T> waitForExternalEvent(String name, Class<T> type);

  /**
   * Like {@link #waitForExternalEvent(String, Class)}, but the task fails with {@link
   * dev.taskhub.sdk.TaskhubException.Timeout} if no event arrives within {@code timeout} (a durable
   * timer). A zero timeout only takes an event that has already arrived.
   */
  <T> Task<T> waitForExternalEvent(String name, Duration timeout, Class<T> type);

  /**
   * Starts a sub-orchestration with an id derived from this instance's id and the action id.
   *
   * @return its task, completing with its output; fails with {@link TaskFailedException} if it
   *     fails
   */
  <T> Task<T> callSubOrchestrator(String name, Object input, Class<T> resultType);

  /**
   * Starts a sub-orchestration.
   *
   * @param instanceId the child's instance id, or null to derive one
   * @param options retries, version and tags, or null for none
   */
  <T> Task<T> callSubOrchestrator(
      String name, Object input, String instanceId, TaskOptions options, Class<T> resultType);

  /**
   * Calls an entity operation: the entity runs it (after the operations queued before it) and its
   * result comes back to this orchestration. Outside a critical section any entity may be called;
   * inside one, only a locked entity, one call at a time.
   *
   * @param input the operation's input, or null
   * @param resultType the type its result is read as ({@code Void.class} to ignore it)
   * @return the call's task; fails with {@link EntityOperationFailedException} carrying the
   *     operation's failure if it threw (or the entity is not hosted: {@code EntityTaskNotFound})
   * @throws IllegalStateException if the critical-section rules forbid the call (see {@link
   *     EntityLock})
   */
  <T> Task<T> callEntity(EntityInstanceId id, String operation, Object input, Class<T> resultType);

  /**
   * Sends a one-way operation to an entity (fire and forget).
   *
   * @throws IllegalStateException if the entity is locked by this orchestration's critical section
   */
  void signalEntity(EntityInstanceId id, String operation, Object input);

  /**
   * Sends a one-way operation that the entity runs no earlier than {@code at} (a delayed signal).
   *
   * @throws IllegalStateException if the entity is locked by this orchestration's critical section
   */
  void signalEntity(EntityInstanceId id, String operation, Object input, Instant at);

  /**
   * Opens a critical section: locks the entities (sorted and deduplicated, so that every
   * orchestration locks in the same order and none deadlock) and completes when all are locked.
   * Close the {@link EntityLock} to release them; use try-with-resources.
   *
   * @throws IllegalArgumentException if no entity is given
   * @throws IllegalStateException if this orchestration is in a critical section already
   */
  Task<EntityLock> lockEntities(List<EntityInstanceId> ids);

  /** {@link #lockEntities(List)} for a few entities. */
  default Task<EntityLock> lockEntities(EntityInstanceId... ids) {
    return lockEntities(List.of(ids));
  }

  /** The entities this orchestration's critical section holds (empty outside one). */
  List<EntityInstanceId> lockedEntities();

  /** Raises an event on another instance (fire and forget). */
  void sendEvent(String instanceId, String eventName, Object data);

  /**
   * Ends this execution now and starts the instance afresh with a new input and an empty history.
   * Events that arrived but were not consumed are carried over. This method does not return.
   */
  default void continueAsNew(Object newInput) {
    continueAsNew(newInput, true);
  }

  /**
   * Like {@link #continueAsNew(Object)}; {@code preserveUnprocessedEvents=false} drops the events
   * that arrived but were not consumed. This method does not return.
   */
  void continueAsNew(Object newInput, boolean preserveUnprocessedEvents);

  /** Sets the status clients see while the instance runs (null clears it). */
  void setCustomStatus(Object status);
}
