package dev.taskhub.server.store.jdbc;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.EntityFilter;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.EntityPage;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.Statuses;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads and writes entity rows: the {@code instances} rows whose id is {@code @name@key}, with
 * their state and lock in the {@code entity_*} and {@code lock*} columns.
 */
final class EntityRows {
  private static final String COLUMNS =
      """
      i.hub, i.instance_id, i.execution_id, i.entity_state, i.locked_by, i.lock_section,
      i.created_at, i.last_updated_at,
      (SELECT COUNT(*) FROM inbox x WHERE x.hub = i.hub AND x.instance_id = i.instance_id),
      i.history_length""";

  private static final String ENSURE =
      """
      INSERT INTO instances (hub, instance_id, execution_id, name, status, created_at,
                             last_updated_at, scheduled_start_at, history_length)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
      ON CONFLICT (hub, instance_id) DO NOTHING""";

  private static final String UPDATE_AFTER_STEP =
      """
      UPDATE instances
      SET entity_state = ?, locked_by = ?, lock_section = ?, last_updated_at = ?,
          history_length = history_length + 1
      WHERE hub = ? AND instance_id = ? AND history_length = ?""";

  private static final String RELEASE_LOCK =
      """
      UPDATE instances SET locked_by = NULL, lock_section = NULL,
          history_length = history_length + 1
      WHERE hub = ? AND instance_id = ? AND locked_by = ?""";

  private static final String DELETE_IF_EMPTY =
      """
      DELETE FROM instances
      WHERE hub = ? AND instance_id = ? AND entity_state IS NULL AND locked_by IS NULL
        AND NOT EXISTS (SELECT 1 FROM inbox x WHERE x.hub = ? AND x.instance_id = ?)""";

  private EntityRows() {}

  /** Creates the entity's row if it has none (no state, unlocked). */
  static void ensure(Connection connection, InstanceKey key, long now) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(ENSURE)) {
      insert.setString(1, key.hub());
      insert.setString(2, key.instanceId());
      insert.setString(3, UUID.randomUUID().toString());
      insert.setString(4, EntityId.parse(key.instanceId()).name());
      insert.setInt(5, OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING_VALUE);
      insert.setLong(6, now);
      insert.setLong(7, now);
      insert.setLong(8, now);
      insert.executeUpdate();
    }
  }

  static Optional<EntityRecord> select(Connection connection, InstanceKey key) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM instances i WHERE i.hub = ? AND i.instance_id = ?")) {
      select.setString(1, key.hub());
      select.setString(2, key.instanceId());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /**
   * Writes a step's state and lock and counts it.
   *
   * @return false if the entity is gone or another step was applied since {@code expectedVersion}
   */
  static boolean update(
      Connection connection,
      InstanceKey key,
      int expectedVersion,
      String state,
      String lockedBy,
      String lockSection,
      long now)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE_AFTER_STEP)) {
      update.setString(1, state);
      update.setString(2, lockedBy);
      update.setString(3, lockSection);
      update.setLong(4, now);
      update.setString(5, key.hub());
      update.setString(6, key.instanceId());
      update.setInt(7, expectedVersion);
      return update.executeUpdate() == 1;
    }
  }

  /** Of these orchestration ids, those that exist and have not ended. */
  static Set<String> running(Connection connection, String hub, Collection<String> instanceIds)
      throws SQLException {
    Set<String> running = new HashSet<>();
    if (instanceIds.isEmpty()) {
      return running;
    }
    String sql =
        "SELECT instance_id, status FROM instances WHERE hub = ? AND instance_id IN ("
            + String.join(", ", java.util.Collections.nCopies(instanceIds.size(), "?"))
            + ")";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, hub);
      int index = 2;
      for (String id : instanceIds) {
        select.setString(index++, id);
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          if (!Statuses.isTerminal(OrchestrationStatus.forNumber(rows.getInt(2)))) {
            running.add(rows.getString(1));
          }
        }
      }
    }
    return running;
  }

  /** One page of a query, in id order; the token is the last id of the page. */
  static EntityPage page(
      Connection connection, EntityFilter filter, String continuationToken, int pageSize)
      throws SQLException {
    String prefix = filter.idPrefix() == null ? "@" : filter.idPrefix();
    if (!prefix.startsWith("@")) {
      return new EntityPage(List.of(), null); // no entity id starts otherwise
    }
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(
                " FROM instances i WHERE i.hub = ? AND i.instance_id >= ? AND i.instance_id < ?");
    List<Object> parameters = new ArrayList<>(List.of(filter.hub(), prefix, prefix + '\uffff'));
    if (continuationToken != null) {
      sql.append(" AND i.instance_id > ?");
      parameters.add(after(continuationToken));
    }
    if (filter.lastModified().hasFrom()) {
      sql.append(" AND i.last_updated_at >= ?");
      parameters.add(filter.lastModified().from());
    }
    if (filter.lastModified().hasTo()) {
      sql.append(" AND i.last_updated_at <= ?");
      parameters.add(filter.lastModified().to());
    }
    if (!filter.includeTransient()) {
      sql.append(" AND i.entity_state IS NOT NULL");
    }
    sql.append(" ORDER BY i.instance_id LIMIT ").append(pageSize + 1);
    List<EntityRecord> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < parameters.size(); i++) {
        select.setObject(i + 1, parameters.get(i));
      }
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(read(result));
        }
      }
    }
    if (rows.size() <= pageSize) {
      return new EntityPage(List.copyOf(rows), null);
    }
    List<EntityRecord> page = List.copyOf(rows.subList(0, pageSize));
    return new EntityPage(page, page.getLast().key().instanceId());
  }

  /** The entity rows after the token, in id order, at most {@code limit}. */
  static List<EntityRecord> after(
      Connection connection, String hub, String continuationToken, int limit) throws SQLException {
    return page(
            connection,
            new EntityFilter(hub, null, dev.taskhub.server.store.TimeRange.ANY, true),
            continuationToken,
            limit)
        .entities();
  }

  /**
   * Releases the entity's lock if {@code holder} holds it.
   *
   * @return whether it did
   */
  static boolean releaseLock(Connection connection, InstanceKey key, String holder)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(RELEASE_LOCK)) {
      update.setString(1, key.hub());
      update.setString(2, key.instanceId());
      update.setString(3, holder);
      return update.executeUpdate() == 1;
    }
  }

  /** Deletes the entity's row if it has no state, no lock and nothing queued. */
  static boolean deleteIfEmpty(Connection connection, InstanceKey key) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(DELETE_IF_EMPTY)) {
      delete.setString(1, key.hub());
      delete.setString(2, key.instanceId());
      delete.setString(3, key.hub());
      delete.setString(4, key.instanceId());
      return delete.executeUpdate() == 1;
    }
  }

  private static String after(String continuationToken) {
    if (!EntityId.isEntityId(continuationToken)) {
      throw new TaskhubException.InvalidArgument(
          "'" + continuationToken + "' is not a continuation token of an entity query");
    }
    return continuationToken;
  }

  private static EntityRecord read(ResultSet row) throws SQLException {
    return new EntityRecord(
        new InstanceKey(row.getString(1), row.getString(2)),
        row.getString(3),
        row.getString(4),
        row.getString(5),
        row.getString(6),
        row.getLong(7),
        row.getLong(8),
        row.getInt(9),
        row.getInt(10));
  }
}
