package dev.taskhub.server.store.jdbc;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Writes and deletes {@code inbox} rows: events waiting for an instance's next episode. */
final class InboxRows {
  /** Binds with {@link #bind}. */
  static final String INSERT =
      "INSERT INTO inbox (hub, instance_id, execution_id, visible_at, event) VALUES (?, ?, ?, ?, ?)";

  private static final String INSERT_IF_INSTANCE_EXISTS =
      """
      INSERT INTO inbox (hub, instance_id, execution_id, visible_at, event)
      SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM instances WHERE hub = ? AND instance_id = ?)""";

  /** Deletes one consumed row; {@link #delete} runs it for each. */
  static final String DELETE_CONSUMED =
      "DELETE FROM inbox WHERE id = ? AND hub = ? AND instance_id = ?";

  private static final String SELECT_VISIBLE =
      """
      SELECT id, execution_id, visible_at, event FROM inbox
      WHERE hub = ? AND instance_id = ? AND visible_at <= ? ORDER BY id""";

  /** The instance's inbox rows visible at {@code now}, in arrival order. */
  static List<InboxEvent> selectVisible(Connection connection, InstanceKey key, long now)
      throws SQLException {
    List<InboxEvent> events = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_VISIBLE)) {
      select.setString(1, key.hub());
      select.setString(2, key.instanceId());
      select.setLong(3, now);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(
              new InboxEvent(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getLong(3),
                  HistoryRows.parse(rows.getBytes(4))));
        }
      }
    }
    return List.copyOf(events);
  }

  /** Adds one event for the instance; false (nothing written) if there is no such instance. */
  static boolean insertIfInstanceExists(
      Connection connection,
      InstanceKey key,
      String executionId,
      long visibleAt,
      HistoryEvent event)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_IF_INSTANCE_EXISTS)) {
      bind(insert, key, executionId, visibleAt, event);
      insert.setString(6, key.hub());
      insert.setString(7, key.instanceId());
      return insert.executeUpdate() == 1;
    }
  }

  /**
   * Messages to orchestrations that do not exist are dropped rather than left as orphan rows; an
   * entity comes into being with its first message.
   */
  static void insertMessages(Connection connection, List<InboxMessage> messages, long now)
      throws SQLException {
    if (messages.isEmpty()) {
      return;
    }
    for (InboxMessage message : messages) {
      if (EntityId.isEntityId(message.target().instanceId())) {
        EntityRows.ensure(connection, message.target(), now);
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_IF_INSTANCE_EXISTS)) {
      for (InboxMessage message : messages) {
        bind(insert, message.target(), message.executionId(), message.visibleAt(), message.event());
        insert.setString(6, message.target().hub());
        insert.setString(7, message.target().instanceId());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Deletes inbox rows by id, only ever the given instance's. */
  static void delete(Connection connection, InstanceKey key, List<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement delete = connection.prepareStatement(DELETE_CONSUMED)) {
      for (long id : ids) {
        delete.setLong(1, id);
        delete.setString(2, key.hub());
        delete.setString(3, key.instanceId());
        delete.addBatch();
      }
      delete.executeBatch();
    }
  }

  static void bind(
      PreparedStatement insert,
      InstanceKey key,
      String executionId,
      long visibleAt,
      HistoryEvent event)
      throws SQLException {
    insert.setString(1, key.hub());
    insert.setString(2, key.instanceId());
    insert.setString(3, executionId);
    insert.setLong(4, visibleAt);
    insert.setBytes(5, event.toByteArray());
  }

  private InboxRows() {}
}
