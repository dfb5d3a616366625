package dev.taskhub.server.store.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.ActivityTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Writes {@code activities} rows and reads back the requests they hold. */
final class ActivityRows {
  private static final String INSERT =
      """
      INSERT INTO activities
          (hub, instance_id, task_id, execution_id, request, scheduled_at, name, version)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

  static void insert(Connection connection, List<ActivityTask> tasks, long now)
      throws SQLException {
    if (tasks.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (ActivityTask task : tasks) {
        insert.setString(1, task.key().hub());
        insert.setString(2, task.key().instanceId());
        insert.setInt(3, task.taskId());
        insert.setString(4, task.executionId());
        insert.setBytes(5, task.request().toByteArray());
        insert.setLong(6, now);
        insert.setString(7, task.request().getName());
        insert.setString(8, task.request().getVersion().getValue());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  static ActivityRequest parseRequest(byte[] bytes) {
    try {
      return ActivityRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new TaskhubException("A stored activity request is corrupt", e);
    }
  }

  private ActivityRows() {}
}
