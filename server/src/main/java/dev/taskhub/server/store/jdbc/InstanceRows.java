package dev.taskhub.server.store.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.WorkName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Reads {@code instances} rows selected with {@link #COLUMNS}. */
final class InstanceRows {
  static final String COLUMNS =
      """
      hub, instance_id, execution_id, name, version, status, input, output, custom_status, failure,
      parent_instance_id, tags, created_at, last_updated_at, completed_at, scheduled_start_at,
      history_length, trace_context""";

  private InstanceRows() {}

  static InstanceRecord read(ResultSet row) throws SQLException {
    byte[] failure = row.getBytes(10);
    return new InstanceRecord(
        new InstanceKey(row.getString(1), row.getString(2)),
        row.getString(3),
        row.getString(4),
        row.getString(5),
        OrchestrationStatus.forNumber(row.getInt(6)),
        row.getString(7),
        row.getString(8),
        row.getString(9),
        failure == null ? null : parseFailure(failure),
        row.getString(11),
        Tags.fromJson(row.getString(12)),
        row.getLong(13),
        row.getLong(14),
        row.getLong(15),
        row.getLong(16),
        row.getInt(17),
        traceContext(row.getBytes(18)));
  }

  /** The names and versions of these instances of {@code hub} (those that exist). */
  static Map<InstanceKey, WorkName> workNames(
      Connection connection, String hub, Collection<String> instanceIds) throws SQLException {
    String sql =
        "SELECT instance_id, name, version FROM instances WHERE hub = ? AND instance_id IN ("
            + String.join(", ", Collections.nCopies(instanceIds.size(), "?"))
            + ")";
    Map<InstanceKey, WorkName> names = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, hub);
      int index = 2;
      for (String instanceId : instanceIds) {
        select.setString(index++, instanceId);
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          names.put(
              new InstanceKey(hub, rows.getString(1)),
              WorkName.ofRow(rows.getString(1), rows.getString(2), rows.getString(3)));
        }
      }
    }
    return names;
  }

  private static OrchestrationTraceContext traceContext(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return OrchestrationTraceContext.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TaskhubException("A stored trace context is corrupt", e);
    }
  }

  private static TaskFailureDetails parseFailure(byte[] bytes) {
    try {
      return TaskFailureDetails.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TaskhubException("A stored failure is corrupt", e);
    }
  }
}
