package dev.taskhub.server.store.jdbc;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.ChildInstance;
import dev.taskhub.server.store.CommitListener;
import dev.taskhub.server.store.EntityCleanup;
import dev.taskhub.server.store.EntityFilter;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.EntityPage;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.EntityStep;
import dev.taskhub.server.store.EntityWorkItem;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstanceIdPage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.KnownHistory;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import dev.taskhub.server.store.PendingWork;
import dev.taskhub.server.store.PurgeResult;
import dev.taskhub.server.store.ScheduleFire;
import dev.taskhub.server.store.ScheduleRecord;
import dev.taskhub.server.store.Statuses;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.TimeRange;
import dev.taskhub.server.store.WorkName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The {@link Store} in plain SQL shared by every database. Each public method is one unit of work
 * run through {@link Transactions}; the SQL sits next to the code that binds it.
 *
 * <p>Over 500 lines: one method per {@link Store} operation, each a transaction that reads as one
 * piece; the row-level SQL lives in {@code InstanceRows}, {@code HistoryRows}, {@code InboxRows},
 * {@code ActivityRows}, {@code EntityRows} and the filtered reads in {@code InstanceQueries}.
 */
public final class JdbcStore implements Store {
  private static final String SELECT_INSTANCE =
      "SELECT " + InstanceRows.COLUMNS + " FROM instances WHERE hub = ? AND instance_id = ?";
  private static final String INSERT_INSTANCE =
      """
      INSERT INTO instances (hub, instance_id, execution_id, name, version, status, input,
                             parent_instance_id, tags, created_at, last_updated_at,
                             scheduled_start_at, history_length)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""";
  private static final String UPDATE_INSTANCE_AFTER_STEP =
      """
      UPDATE instances
      SET execution_id = ?, status = ?, input = COALESCE(?, input), output = ?, custom_status = ?,
          failure = ?, last_updated_at = ?, completed_at = ?, history_length = ?,
          trace_context = COALESCE(?, trace_context), version = COALESCE(?, version)
      WHERE hub = ? AND instance_id = ? AND execution_id = ? AND history_length = ?""";
  private static final String SELECT_ACTIVITY =
      "SELECT 1 FROM activities WHERE hub = ? AND instance_id = ? AND task_id = ?";
  static final String COMPLETE_OPEN_ACTIVITY =
      """
      UPDATE activities SET completed_at = ?
      WHERE hub = ? AND instance_id = ? AND task_id = ? AND completed_at IS NULL
        AND (CAST(? AS TEXT) IS NULL OR execution_id = ?)
      RETURNING execution_id, request, scheduled_at""";
  private static final String SELECT_PENDING_INSTANCES =
      """
      SELECT x.hub, x.instance_id, MIN(x.visible_at), i.name, i.version
      FROM inbox x LEFT JOIN instances i ON i.hub = x.hub AND i.instance_id = x.instance_id
      GROUP BY x.hub, x.instance_id, i.name, i.version""";
  private static final String SELECT_OPEN_ACTIVITIES =
      """
      SELECT hub, instance_id, task_id, execution_id, request FROM activities
      WHERE completed_at IS NULL ORDER BY scheduled_at, hub, instance_id, task_id""";

  private static final int PURGE_BATCH = 500;

  /** One batch of a filter purge: the instances it matched, and all it deleted with them. */
  private record PurgeBatch(int matched, int deleted) {}

  private final Transactions transactions;

  public JdbcStore(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public void createInstance(NewInstance instance, Set<OrchestrationStatus> replaceable) {
    transactions.write(
        connection -> {
          InstanceKey key = instance.key();
          Optional<InstanceRecord> existing = selectInstance(connection, key);
          if (existing.isPresent()) {
            OrchestrationStatus status = existing.get().status();
            if (!replaceable.contains(status)) {
              throw new TaskhubException.AlreadyExists(
                  "An instance with ID '"
                      + key.instanceId()
                      + "' already exists with status "
                      + Names.status(status));
            }
            deleteInstanceRows(connection, key);
          }
          insertInstance(connection, instance);
          return null;
        });
  }

  /** Creates a sub-orchestration, replacing an ended instance of that id, or reports a conflict. */
  private static void createChild(Connection connection, ChildInstance child) throws SQLException {
    InstanceKey key = child.instance().key();
    Optional<InstanceRecord> existing = selectInstance(connection, key);
    if (existing.isPresent() && !existing.get().isTerminal()) {
      try (PreparedStatement insert = connection.prepareStatement(InboxRows.INSERT)) {
        HistoryEvent conflict = child.conflictEvent();
        InboxRows.bind(insert, child.parent(), null, child.instance().createdAt(), conflict);
        insert.executeUpdate();
      }
      return;
    }
    if (existing.isPresent()) {
      deleteInstanceRows(connection, key);
    }
    insertInstance(connection, child.instance());
  }

  private static void insertInstance(Connection connection, NewInstance instance)
      throws SQLException {
    InstanceKey key = instance.key();
    try (PreparedStatement insert = connection.prepareStatement(INSERT_INSTANCE)) {
      insert.setString(1, key.hub());
      insert.setString(2, key.instanceId());
      insert.setString(3, instance.executionId());
      insert.setString(4, instance.name());
      insert.setString(5, instance.version());
      insert.setInt(6, OrchestrationStatus.ORCHESTRATION_STATUS_PENDING_VALUE);
      insert.setString(7, instance.input());
      insert.setString(8, instance.parentInstanceId());
      insert.setString(9, Tags.toJson(instance.tags()));
      insert.setLong(10, instance.createdAt());
      insert.setLong(11, instance.createdAt());
      insert.setLong(12, instance.startAt());
      insert.executeUpdate();
    }
    try (PreparedStatement insert = connection.prepareStatement(InboxRows.INSERT)) {
      InboxRows.bind(
          insert, key, instance.executionId(), instance.startAt(), instance.executionStarted());
      insert.executeUpdate();
    }
  }

  @Override
  public void enqueueEvent(
      InstanceKey key, String executionId, HistoryEvent event, long visibleAt) {
    transactions.write(
        connection -> {
          if (!InboxRows.insertIfInstanceExists(connection, key, executionId, visibleAt, event)) {
            throw notFound(key);
          }
          return null;
        });
  }

  @Override
  public Optional<InstanceRecord> findInstance(InstanceKey key) {
    if (EntityId.isEntityId(key.instanceId())) {
      return Optional.empty(); // an entity's row is no orchestration: findEntity reads it
    }
    return transactions.read(connection -> selectInstance(connection, key));
  }

  @Override
  public Map<InstanceKey, WorkName> findWorkNames(String hub, Collection<String> instanceIds) {
    if (instanceIds.isEmpty()) {
      return Map.of();
    }
    return transactions.read(connection -> InstanceRows.workNames(connection, hub, instanceIds));
  }

  @Override
  public Optional<OrchestrationWorkItem> loadWorkItem(
      InstanceKey key, long now, KnownHistory known) {
    return transactions.read(
        connection -> {
          Optional<InstanceRecord> instance = selectInstance(connection, key);
          if (instance.isEmpty()) {
            return Optional.empty();
          }
          String currentExecution = instance.get().executionId();
          List<InboxEvent> deliverable = new ArrayList<>();
          List<Long> stale = new ArrayList<>();
          for (InboxEvent event : InboxRows.selectVisible(connection, key, now)) {
            if (event.executionId() == null || event.executionId().equals(currentExecution)) {
              deliverable.add(event);
            } else {
              stale.add(event.id());
            }
          }
          List<HistoryEvent> history =
              known != null && known.matches(currentExecution, instance.get().historyLength())
                  ? known.events()
                  : HistoryRows.select(connection, key);
          return Optional.of(
              new OrchestrationWorkItem(instance.get(), history, deliverable, stale));
        });
  }

  @Override
  public List<HistoryEvent> loadHistory(InstanceKey key) {
    return transactions.read(connection -> HistoryRows.select(connection, key));
  }

  @Override
  public void applyStep(OrchestrationStep step) {
    transactions.write(
        connection -> {
          InstanceKey key = step.key();
          int base = step.resetHistory() ? 0 : step.expectedHistoryLength();
          try (PreparedStatement update = connection.prepareStatement(UPDATE_INSTANCE_AFTER_STEP)) {
            var values = step.update();
            update.setString(1, values.executionId());
            update.setInt(2, values.status().getNumber());
            update.setString(3, values.input());
            update.setString(4, values.output());
            update.setString(5, values.customStatus());
            setBytes(update, 6, values.failure() == null ? null : values.failure().toByteArray());
            update.setLong(7, values.lastUpdatedAt());
            setNullableLong(update, 8, values.completedAt());
            update.setInt(9, base + step.history().size());
            setBytes(
                update,
                10,
                values.traceContext() == null ? null : values.traceContext().toByteArray());
            update.setString(11, values.version());
            update.setString(12, key.hub());
            update.setString(13, key.instanceId());
            update.setString(14, step.expectedExecutionId());
            update.setInt(15, step.expectedHistoryLength());
            if (update.executeUpdate() == 0) {
              throw new TaskhubException.LeaseLost(
                  "Instance "
                      + key
                      + " changed since its work item was dispatched; the step was not applied");
            }
          }
          if (step.resetHistory()) {
            execute(connection, "DELETE FROM history WHERE hub = ? AND instance_id = ?", key);
            execute(connection, "DELETE FROM activities WHERE hub = ? AND instance_id = ?", key);
            execute(
                connection,
                "DELETE FROM inbox WHERE hub = ? AND instance_id = ? AND execution_id IS NOT NULL",
                key);
          }
          HistoryRows.insert(connection, key, base, step.history());
          InboxRows.delete(connection, key, step.consumedInboxIds());
          if (step.terminal()) {
            execute(connection, "DELETE FROM inbox WHERE hub = ? AND instance_id = ?", key);
            execute(
                connection,
                "DELETE FROM activities WHERE hub = ? AND instance_id = ? AND completed_at IS NULL",
                key);
          }
          ActivityRows.insert(connection, step.activities(), step.update().lastUpdatedAt());
          InboxRows.insertMessages(connection, step.messages(), step.update().lastUpdatedAt());
          for (ChildInstance child : step.children()) {
            createChild(connection, child);
          }
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One conditional update decides (only an open task of the given generation is completed), so
   * the unit is correct under READ COMMITTED too: a concurrent second completion waits for the
   * first's row lock and then finds the task done.
   */
  @Override
  public Optional<ActivityTask> completeActivity(
      InstanceKey key, int taskId, String executionId, HistoryEvent resultEvent, long now) {
    return transactions.writeReadCommitted(
        connection -> {
          ActivityTask task;
          try (PreparedStatement complete = connection.prepareStatement(COMPLETE_OPEN_ACTIVITY)) {
            complete.setLong(1, now);
            complete.setString(2, key.hub());
            complete.setString(3, key.instanceId());
            complete.setInt(4, taskId);
            complete.setString(5, executionId);
            complete.setString(6, executionId);
            try (ResultSet rows = complete.executeQuery()) {
              if (!rows.next()) {
                return doneOrMissingActivity(connection, key, taskId, executionId);
              }
              task =
                  new ActivityTask(
                      key,
                      rows.getString(1),
                      taskId,
                      ActivityRows.parseRequest(rows.getBytes(2)),
                      rows.getLong(3));
            }
          }
          try (PreparedStatement insert = connection.prepareStatement(InboxRows.INSERT)) {
            InboxRows.bind(insert, key, task.executionId(), now, resultEvent);
            insert.executeUpdate();
          }
          return Optional.of(task);
        });
  }

  /** A result that completed nothing: ignored if the task exists (done, or another generation). */
  private static Optional<ActivityTask> doneOrMissingActivity(
      Connection connection, InstanceKey key, int taskId, String executionId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_ACTIVITY)) {
      select.setString(1, key.hub());
      select.setString(2, key.instanceId());
      select.setInt(3, taskId);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          return Optional.empty();
        }
      }
    }
    return missingActivity(connection, key, taskId, executionId);
  }

  /**
   * A result for a task without a row: late (the instance ended, or moved to a new generation,
   * which dropped its open tasks) and ignored, or for a task that never existed.
   */
  private static Optional<ActivityTask> missingActivity(
      Connection connection, InstanceKey key, int taskId, String executionId) throws SQLException {
    InstanceRecord instance = selectInstance(connection, key).orElseThrow(() -> notFound(key));
    boolean olderGeneration = executionId != null && !executionId.equals(instance.executionId());
    if (instance.isTerminal() || olderGeneration) {
      return Optional.empty();
    }
    throw new TaskhubException.NotFound(
        "Instance '" + key.instanceId() + "' has no activity task with ID " + taskId);
  }

  @Override
  public InstancePage queryInstances(InstanceFilter filter, InstancePageRequest page) {
    return transactions.read(connection -> InstanceQueries.page(connection, filter, page));
  }

  @Override
  public InstanceIdPage queryInstanceIds(InstanceFilter filter, InstancePageRequest page) {
    return transactions.read(connection -> InstanceQueries.idPage(connection, filter, page));
  }

  @Override
  public Map<OrchestrationStatus, Long> countInstancesByStatus(InstanceFilter filter) {
    return transactions.read(connection -> InstanceQueries.countByStatus(connection, filter));
  }

  @Override
  public int purgeInstance(InstanceKey key, boolean recursive) {
    return transactions.write(
        connection -> {
          Optional<InstanceRecord> instance = selectInstance(connection, key);
          if (instance.isEmpty()) {
            return 0;
          }
          if (!instance.get().isTerminal()) {
            throw new TaskhubException.FailedPrecondition(
                "Instance '"
                    + key.instanceId()
                    + "' is "
                    + Names.status(instance.get().status())
                    + "; only completed, failed or terminated instances can be purged");
          }
          return delete(connection, key, recursive);
        });
  }

  /** Deletes an instance, with {@code recursive} its ended sub-orchestrations too; the count. */
  private static int delete(Connection connection, InstanceKey key, boolean recursive)
      throws SQLException {
    int deleted = 0;
    ArrayDeque<InstanceKey> pending = new ArrayDeque<>(List.of(key));
    while (!pending.isEmpty()) {
      InstanceKey next = pending.poll();
      if (recursive) {
        pending.addAll(InstanceQueries.endedChildren(connection, next));
      }
      deleteInstanceRows(connection, next);
      deleted++;
    }
    return deleted;
  }

  @Override
  public PurgeResult purgeInstances(
      String hub,
      TimeRange created,
      Set<OrchestrationStatus> statuses,
      boolean recursive,
      BooleanSupplier mayContinue) {
    Set<OrchestrationStatus> purgeable = EnumSet.copyOf(Statuses.TERMINAL);
    if (!statuses.isEmpty()) {
      purgeable.retainAll(statuses);
    }
    if (purgeable.isEmpty()) {
      return new PurgeResult(0, true);
    }
    InstanceFilter ended = new InstanceFilter(hub, purgeable, created, TimeRange.ANY, "", "");
    int total = 0;
    while (mayContinue.getAsBoolean()) {
      // Bounded batches keep each transaction (and the writer's other callers' latency) short.
      PurgeBatch batch =
          transactions.write(
              connection -> {
                List<String> ids = InstanceQueries.ids(connection, ended, PURGE_BATCH);
                int deleted = 0;
                for (String id : ids) {
                  deleted += delete(connection, new InstanceKey(hub, id), recursive);
                }
                return new PurgeBatch(ids.size(), deleted);
              });
      total += batch.deleted();
      if (batch.matched() < PURGE_BATCH) {
        return new PurgeResult(total, true);
      }
    }
    return new PurgeResult(total, false);
  }

  @Override
  public PurgeResult purgeEnded(InstanceFilter filter, int limit) {
    Set<OrchestrationStatus> purgeable = EnumSet.copyOf(Statuses.TERMINAL);
    purgeable.retainAll(filter.statuses());
    if (purgeable.isEmpty()) {
      return new PurgeResult(0, true);
    }
    InstanceFilter ended =
        new InstanceFilter(
            filter.hub(),
            purgeable,
            filter.created(),
            filter.completed(),
            filter.instanceIdPrefix(),
            filter.namePrefix(),
            filter.tags(),
            filter.versions());
    PurgeBatch batch =
        transactions.writeInBackground(
            connection -> {
              List<String> ids = InstanceQueries.ids(connection, ended, limit, true);
              int deleted = 0;
              for (String id : ids) {
                deleted += delete(connection, new InstanceKey(filter.hub(), id), true);
              }
              return new PurgeBatch(ids.size(), deleted);
            });
    return new PurgeResult(batch.deleted(), batch.matched() < limit);
  }

  @Override
  public Map<String, String> retentionPolicies() {
    return transactions.read(HubRows::retentionPolicies);
  }

  @Override
  public void setRetentionPolicy(String hub, String policy, long now) {
    transactions.write(
        connection -> {
          HubRows.setRetentionPolicy(connection, hub, policy, now);
          return null;
        });
  }

  @Override
  public List<ScheduleRecord> schedules(String hub) {
    return transactions.read(connection -> ScheduleRows.list(connection, hub));
  }

  @Override
  public Optional<ScheduleRecord> findSchedule(String hub, String scheduleId) {
    return transactions.read(connection -> ScheduleRows.find(connection, hub, scheduleId));
  }

  @Override
  public void createSchedule(ScheduleRecord schedule) {
    transactions.write(
        connection -> {
          if (ScheduleRows.find(connection, schedule.hub(), schedule.scheduleId()).isPresent()) {
            throw new TaskhubException.AlreadyExists(
                "Task hub '"
                    + schedule.hub()
                    + "' already has a schedule with ID '"
                    + schedule.scheduleId()
                    + "'");
          }
          ScheduleRows.insert(connection, schedule);
          return null;
        });
  }

  @Override
  public boolean updateSchedule(ScheduleRecord schedule, long expectedRevision) {
    return transactions.write(
        connection -> ScheduleRows.update(connection, schedule, expectedRevision));
  }

  @Override
  public boolean deleteSchedule(String hub, String scheduleId) {
    return transactions.write(connection -> ScheduleRows.delete(connection, hub, scheduleId));
  }

  @Override
  public List<ScheduleRecord> dueSchedules(long now, int limit) {
    return transactions.read(connection -> ScheduleRows.due(connection, now, limit));
  }

  @Override
  public OptionalLong nextScheduleFireAt() {
    return transactions.read(ScheduleRows::nextFireAt);
  }

  @Override
  public ScheduleFire fireSchedule(
      ScheduleRecord advanced, long expectedRevision, NewInstance run) {
    return transactions.write(
        connection -> {
          if (!ScheduleRows.update(connection, advanced, expectedRevision)) {
            return ScheduleFire.LOST;
          }
          if (selectInstance(connection, run.key()).isPresent()) {
            return ScheduleFire.EXISTED;
          }
          insertInstance(connection, run);
          return ScheduleFire.STARTED;
        });
  }

  @Override
  public void discardInbox(InstanceKey key, List<Long> inboxIds) {
    if (inboxIds.isEmpty()) {
      return;
    }
    transactions.write(
        connection -> {
          InboxRows.delete(connection, key, inboxIds);
          return null;
        });
  }

  @Override
  public PendingWork scanPendingWork() {
    return transactions.read(
        connection -> {
          List<PendingWork.PendingInstance> instances = new ArrayList<>();
          try (PreparedStatement select = connection.prepareStatement(SELECT_PENDING_INSTANCES);
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              String name = rows.getString(4);
              instances.add(
                  new PendingWork.PendingInstance(
                      new InstanceKey(rows.getString(1), rows.getString(2)),
                      rows.getLong(3),
                      name == null
                          ? null
                          : WorkName.ofRow(rows.getString(2), name, rows.getString(5))));
            }
          }
          List<ActivityTask> activities = new ArrayList<>();
          try (PreparedStatement select = connection.prepareStatement(SELECT_OPEN_ACTIVITIES);
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              activities.add(
                  new ActivityTask(
                      new InstanceKey(rows.getString(1), rows.getString(2)),
                      rows.getString(4),
                      rows.getInt(3),
                      ActivityRows.parseRequest(rows.getBytes(5))));
            }
          }
          return new PendingWork(instances, activities);
        });
  }

  // ---------------------------------------------------------------- durable entities

  @Override
  public void sendToEntity(InstanceKey key, HistoryEvent message, long visibleAt, long now) {
    transactions.write(
        connection -> {
          EntityRows.ensure(connection, key, now);
          try (PreparedStatement insert = connection.prepareStatement(InboxRows.INSERT)) {
            InboxRows.bind(insert, key, null, visibleAt, message);
            insert.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<EntityWorkItem> loadEntityWorkItem(InstanceKey key, long now) {
    return transactions.read(
        connection -> {
          Optional<EntityRecord> entity = EntityRows.select(connection, key);
          if (entity.isEmpty()) {
            return Optional.empty();
          }
          List<InboxEvent> inbox = InboxRows.selectVisible(connection, key, now);
          Set<String> named = new HashSet<>();
          if (entity.get().lockedBy() != null) {
            named.add(entity.get().lockedBy());
          }
          for (InboxEvent event : inbox) {
            if (event.event().hasEntityLockRequested()) {
              named.add(event.event().getEntityLockRequested().getParentInstanceId().getValue());
            }
          }
          return Optional.of(
              new EntityWorkItem(
                  entity.get(),
                  List.copyOf(inbox),
                  EntityRows.running(connection, key.hub(), named)));
        });
  }

  @Override
  public void applyEntityStep(EntityStep step) {
    transactions.write(
        connection -> {
          InstanceKey key = step.key();
          if (!EntityRows.update(
              connection,
              key,
              step.expectedVersion(),
              step.state(),
              step.lockedBy(),
              step.lockSection(),
              step.now())) {
            throw new TaskhubException.LeaseLost(
                "Entity "
                    + key
                    + " changed since its work item was dispatched; the batch was not applied");
          }
          InboxRows.delete(connection, key, step.consumedInboxIds());
          InboxRows.insertMessages(connection, step.messages(), step.now());
          for (NewInstance instance : step.orchestrations()) {
            Optional<InstanceRecord> existing = selectInstance(connection, instance.key());
            if (existing.isPresent() && !existing.get().isTerminal()) {
              continue; // an entity starting a running id again changes nothing
            }
            if (existing.isPresent()) {
              deleteInstanceRows(connection, instance.key());
            }
            insertInstance(connection, instance);
          }
          return null;
        });
  }

  @Override
  public Optional<EntityRecord> findEntity(InstanceKey key) {
    return transactions.read(connection -> EntityRows.select(connection, key));
  }

  @Override
  public EntityPage queryEntities(EntityFilter filter, String continuationToken, int pageSize) {
    return transactions.read(
        connection -> EntityRows.page(connection, filter, continuationToken, pageSize));
  }

  @Override
  public EntityCleanup cleanEntities(
      String hub,
      String continuationToken,
      boolean removeEmpty,
      boolean releaseOrphanedLocks,
      int batch,
      long now) {
    return transactions.write(
        connection -> {
          List<EntityRecord> entities = EntityRows.after(connection, hub, continuationToken, batch);
          Set<String> running =
              EntityRows.running(
                  connection,
                  hub,
                  entities.stream()
                      .map(EntityRecord::lockedBy)
                      .filter(java.util.Objects::nonNull)
                      .collect(java.util.stream.Collectors.toSet()));
          List<InstanceKey> released = new ArrayList<>();
          int removed = 0;
          for (EntityRecord entity : entities) {
            boolean locked = entity.isLocked();
            if (releaseOrphanedLocks && locked && !running.contains(entity.lockedBy())) {
              EntityRows.releaseLock(connection, entity.key(), entity.lockedBy());
              released.add(entity.key());
              locked = false;
            }
            if (removeEmpty
                && !locked
                && !entity.hasState()
                && EntityRows.deleteIfEmpty(connection, entity.key())) {
              removed++;
            }
          }
          String next = entities.size() < batch ? null : entities.getLast().key().instanceId();
          return new EntityCleanup(removed, List.copyOf(released), next);
        });
  }

  @Override
  public void reportCommitsTo(CommitListener listener) {
    transactions.reportCommitsTo(listener);
  }

  @Override
  public void close() {
    transactions.close();
  }

  @Override
  public List<String> createdHubs() {
    return transactions.read(HubRows::names);
  }

  @Override
  public boolean createHub(String hub, long now) {
    return transactions.write(connection -> HubRows.insert(connection, hub, now));
  }

  @Override
  public int deleteHub(String hub) {
    return transactions.write(connection -> HubRows.delete(connection, hub));
  }

  private static Optional<InstanceRecord> selectInstance(Connection connection, InstanceKey key)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_INSTANCE)) {
      select.setString(1, key.hub());
      select.setString(2, key.instanceId());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(InstanceRows.read(rows)) : Optional.empty();
      }
    }
  }

  private static void deleteInstanceRows(Connection connection, InstanceKey key)
      throws SQLException {
    for (String table : List.of("history", "inbox", "activities", "instances")) {
      execute(connection, "DELETE FROM " + table + " WHERE hub = ? AND instance_id = ?", key);
    }
  }

  private static void execute(Connection connection, String sql, InstanceKey key)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, key.hub());
      statement.setString(2, key.instanceId());
      statement.executeUpdate();
    }
  }

  private static void setBytes(PreparedStatement statement, int index, byte[] value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARBINARY);
    } else {
      statement.setBytes(index, value);
    }
  }

  private static void setNullableLong(PreparedStatement statement, int index, long value)
      throws SQLException {
    if (value == 0) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  private static TaskhubException.NotFound notFound(InstanceKey key) {
    return new TaskhubException.NotFound(
        "No instance with ID '" + key.instanceId() + "' was found");
  }
}
