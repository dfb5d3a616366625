package dev.taskhub.server.store.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.InstanceKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and appends an instance's {@code history} rows: events in order of their sequence number.
 */
final class HistoryRows {
  private static final String SELECT =
      "SELECT event FROM history WHERE hub = ? AND instance_id = ? ORDER BY seq";

  private static final String INSERT =
      "INSERT INTO history (hub, instance_id, seq, event) VALUES (?, ?, ?, ?)";

  static List<HistoryEvent> select(Connection connection, InstanceKey key) throws SQLException {
    List<HistoryEvent> history = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setString(1, key.hub());
      select.setString(2, key.instanceId());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          history.add(parse(rows.getBytes(1)));
        }
      }
    }
    return history;
  }

  static void insert(
      Connection connection, InstanceKey key, int firstSeq, List<HistoryEvent> events)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      int seq = firstSeq;
      for (HistoryEvent event : events) {
        insert.setString(1, key.hub());
        insert.setString(2, key.instanceId());
        insert.setInt(3, seq++);
        insert.setBytes(4, event.toByteArray());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  static HistoryEvent parse(byte[] bytes) {
    try {
      return HistoryEvent.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TaskhubException("A stored history event is corrupt", e);
    }
  }

  private HistoryRows() {}
}
