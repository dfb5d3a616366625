package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Durable state of every task hub, in work-item lifecycle terms: instances are created with an
 * {@code ExecutionStarted} in their inbox, an orchestrator episode reads a {@link
 * OrchestrationWorkItem} and writes back one {@link OrchestrationStep}, activities are scheduled by
 * steps and completed into their owner's inbox.
 *
 * <p>Every method is blocking and thread-safe. Each write is all-or-nothing and durable when it
 * returns; implementations may commit many callers' writes in one transaction. Failures to reach
 * the store surface as {@link TaskhubException.StoreUnavailable}.
 */
public interface Store extends AutoCloseable {

  /**
   * Creates an instance and puts its {@code ExecutionStarted} into its inbox.
   *
   * @param replaceable statuses in which an existing instance with the same id is replaced (its
   *     history, inbox and activities deleted); any other existing instance is an error
   * @throws TaskhubException.AlreadyExists if the id is taken by an instance not in {@code
   *     replaceable}
   */
  void createInstance(NewInstance instance, Set<OrchestrationStatus> replaceable);

  /**
   * Adds an event to an existing instance's inbox.
   *
   * @param executionId the generation it is for, or null for whichever is current
   * @throws TaskhubException.NotFound if the instance does not exist
   */
  void enqueueEvent(InstanceKey key, String executionId, HistoryEvent event, long visibleAt);

  /**
   * Returns the orchestration instance's summary row, or empty if there is none (or it names an
   * entity).
   */
  Optional<InstanceRecord> findInstance(InstanceKey key);

  /**
   * The orchestration names and versions of these instances of one hub; instances that do not exist
   * are left out.
   */
  Map<InstanceKey, WorkName> findWorkNames(String hub, Collection<String> instanceIds);

  /**
   * Reads what the next episode of an instance needs: its row, history and the inbox events visible
   * at {@code now}. Empty if the instance does not exist.
   */
  default Optional<OrchestrationWorkItem> loadWorkItem(InstanceKey key, long now) {
    return loadWorkItem(key, now, null);
  }

  /**
   * Like {@link #loadWorkItem(InstanceKey, long)}, but when {@code known} is still the instance's
   * history (same generation, same length) it is used instead of reading the history again.
   *
   * @param known a history the caller holds, or null
   */
  Optional<OrchestrationWorkItem> loadWorkItem(InstanceKey key, long now, KnownHistory known);

  /** Returns the instance's history in order (empty for an unknown instance). */
  List<HistoryEvent> loadHistory(InstanceKey key);

  /**
   * Applies one episode's effects atomically.
   *
   * @throws TaskhubException.LeaseLost if the stored history length is not {@code
   *     step.expectedHistoryLength()} or the instance is gone; nothing is written
   */
  void applyStep(OrchestrationStep step);

  /**
   * Records an activity's result: marks the task done and puts {@code resultEvent} into the owner's
   * inbox, once. A result that can no longer matter changes nothing: a repeated completion, one for
   * an instance that has ended, or one for an older generation than the instance's current one.
   *
   * @param executionId the generation the task was scheduled in, or null if the caller cannot tell
   * @return the completed task (with its {@code scheduledAt}) when the result was recorded, empty
   *     when it was ignored
   * @throws TaskhubException.NotFound if the instance does not exist, or the task never did
   */
  Optional<ActivityTask> completeActivity(
      InstanceKey key, int taskId, String executionId, HistoryEvent resultEvent, long now);

  /** {@link #completeActivity(InstanceKey, int, String, HistoryEvent, long)} for any generation. */
  default Optional<ActivityTask> completeActivity(
      InstanceKey key, int taskId, HistoryEvent resultEvent, long now) {
    return completeActivity(key, taskId, null, resultEvent, now);
  }

  /**
   * Reads one page of the instances matching {@code filter}, in {@code page.sort()} order with ties
   * broken by instance id in the same direction; ids and names compare in byte order. The page
   * holds at most {@code page.pageSize()} rows, and its continuation token (null on the last page)
   * leads to the rows after its last one. Pages are keyed by that row rather than counted, so
   * following the tokens reads each instance that matches throughout, and whose sort key does not
   * change meanwhile, exactly once.
   *
   * @throws TaskhubException.InvalidArgument if the continuation token is not one this store (or an
   *     earlier version of it) issued, or was issued for another sort order
   */
  InstancePage queryInstances(InstanceFilter filter, InstancePageRequest page);

  /**
   * The ids of the page {@link #queryInstances} would read, without the rest of the rows; its
   * tokens are interchangeable with those of {@code queryInstances}.
   *
   * @throws TaskhubException.InvalidArgument as {@link #queryInstances} does
   */
  InstanceIdPage queryInstanceIds(InstanceFilter filter, InstancePageRequest page);

  /**
   * Counts the instances matching {@code filter} by status. Statuses with no instance are absent.
   */
  Map<OrchestrationStatus, Long> countInstancesByStatus(InstanceFilter filter);

  /**
   * Deletes a terminal instance and everything stored for it; with {@code recursive}, also its
   * ended sub-orchestrations, their sub-orchestrations, and so on (running ones are left alone).
   *
   * @return how many instances were deleted (0 if there was no such instance)
   * @throws TaskhubException.FailedPrecondition if the instance has not ended
   */
  int purgeInstance(InstanceKey key, boolean recursive);

  /**
   * Deletes every terminal instance of a hub created in {@code created} whose status is in {@code
   * statuses} (all terminal statuses when empty), with {@code recursive} its ended
   * sub-orchestrations too. Non-terminal instances are never deleted. It deletes in bounded
   * batches, each its own transaction, and asks {@code mayContinue} before each one: when that
   * answers false, it stops and reports the purge incomplete.
   */
  PurgeResult purgeInstances(
      String hub,
      TimeRange created,
      Set<OrchestrationStatus> statuses,
      boolean recursive,
      BooleanSupplier mayContinue);

  /** Deletes the given inbox rows of an instance (events that can no longer be delivered). */
  void discardInbox(InstanceKey key, List<Long> inboxIds);

  /** Reads all outstanding work, to rebuild in-memory queues at start-up. */
  PendingWork scanPendingWork();

  /** The task hubs created at run time ({@link #createHub}), by name. */
  List<String> createdHubs();

  /**
   * Records a task hub created at run time.
   *
   * @return false if it was recorded already
   */
  boolean createHub(String hub, long now);

  /**
   * Deletes a task hub's record and all of its data (instances, histories, inboxes, activities) in
   * one transaction.
   *
   * @return how many instances it had
   */
  int deleteHub(String hub);

  /**
   * One batch of a retention purge, in one transaction: deletes up to {@code limit} ended instances
   * matching {@code filter} (statuses other than final ones match nothing), each with its ended
   * descendants. Sub-orchestrations match only once their parent is gone: they are kept as long as
   * their parent's history, and go with it. It is background work: it yields to the hot path's
   * writes (waiting for them, or pausing after itself), so it may take longer than the deletes.
   *
   * @return how many instances were deleted, complete when fewer than {@code limit} matched
   */
  PurgeResult purgeEnded(InstanceFilter filter, int limit);

  /** The retention policies set at run time, by hub, in {@code RetentionPolicy}'s text form. */
  Map<String, String> retentionPolicies();

  /** Sets a hub's retention policy (its text form), or removes it with null. */
  void setRetentionPolicy(String hub, String policy, long now);

  // ---------------------------------------------------------------- recurring schedules

  /** The hub's schedules, by id. */
  List<ScheduleRecord> schedules(String hub);

  /** The schedule, or empty if the hub has none of that id. */
  Optional<ScheduleRecord> findSchedule(String hub, String scheduleId);

  /**
   * Stores a new schedule.
   *
   * @throws TaskhubException.AlreadyExists if the hub has a schedule of that id
   */
  void createSchedule(ScheduleRecord schedule);

  /**
   * Replaces a schedule's definition and state if its stored revision is {@code expectedRevision}.
   *
   * @return false if the schedule is gone or its revision moved; nothing is written then
   */
  boolean updateSchedule(ScheduleRecord schedule, long expectedRevision);

  /** Deletes a schedule (its runs are left alone); false if there was none. */
  boolean deleteSchedule(String hub, String scheduleId);

  /**
   * Schedules of every hub with work at {@code now}: not paused, and a fire time due or a buffered
   * one waiting; earliest fire time first, at most {@code limit}.
   */
  List<ScheduleRecord> dueSchedules(long now, int limit);

  /**
   * The earliest fire time of any schedule of any hub that is not paused (due or not), so a node
   * can wake when it comes; empty if no schedule has one.
   */
  OptionalLong nextScheduleFireAt();

  /**
   * Starts one run of a schedule in one transaction: writes {@code advanced} if the stored revision
   * is {@code expectedRevision}, and creates {@code run} unless an instance of its id exists. So a
   * fire time whose run was created is never fired again, and a fire taken by two nodes at once
   * starts one run.
   *
   * @return {@link ScheduleFire#LOST} (nothing written) if the revision moved or the schedule is
   *     gone
   */
  ScheduleFire fireSchedule(ScheduleRecord advanced, long expectedRevision, NewInstance run);

  // ---------------------------------------------------------------- durable entities

  /**
   * Puts a message (an operation, a lock request or an unlock) into an entity's inbox, creating the
   * entity's row if it has none; visible from {@code visibleAt}.
   */
  void sendToEntity(InstanceKey key, HistoryEvent message, long visibleAt, long now);

  /**
   * Reads what planning the entity's next batch needs; empty if the entity has no row.
   *
   * @param now inbox messages visible at this instant are included
   */
  Optional<EntityWorkItem> loadEntityWorkItem(InstanceKey key, long now);

  /**
   * Applies one entity step atomically.
   *
   * @throws TaskhubException.LeaseLost if the entity's version is not {@code
   *     step.expectedVersion()}, the entity is gone, or a consumed inbox row is gone; nothing is
   *     written
   */
  void applyEntityStep(EntityStep step);

  /** The entity's row, or empty if it has none. */
  Optional<EntityRecord> findEntity(InstanceKey key);

  /**
   * Reads one page of entities in id order, at most {@code pageSize}.
   *
   * @throws TaskhubException.InvalidArgument if the continuation token is not one this store issued
   */
  EntityPage queryEntities(EntityFilter filter, String continuationToken, int pageSize);

  /**
   * One pass of entity housekeeping over up to {@code batch} entities of the hub, in id order,
   * starting after {@code continuationToken}: removes those with no state, no lock and nothing
   * queued ({@code removeEmpty}), and releases locks held by orchestrations that no longer run
   * ({@code releaseOrphanedLocks}).
   *
   * @throws TaskhubException.InvalidArgument if the continuation token is not one this store issued
   */
  EntityCleanup cleanEntities(
      String hub,
      String continuationToken,
      boolean removeEmpty,
      boolean releaseOrphanedLocks,
      int batch,
      long now);

  /** Reports every commit from now on to {@code listener} (replacing the one before). */
  default void reportCommitsTo(CommitListener listener) {}

  /** Closes connections; pending writes finish first. */
  @Override
  void close();
}
