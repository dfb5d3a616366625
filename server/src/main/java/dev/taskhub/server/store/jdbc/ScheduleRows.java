package dev.taskhub.server.store.jdbc;

import dev.taskhub.server.store.OverlapPolicy;
import dev.taskhub.server.store.ScheduleDefinition;
import dev.taskhub.server.store.ScheduleRecord;
import dev.taskhub.server.store.ScheduleState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The {@code schedules} rows: one per schedule, its definition and firing state. */
final class ScheduleRows {
  private static final String COLUMNS =
      """
      hub, schedule_id, orchestration, version, input, cron, interval_ms, time_zone, start_at,
      end_at, overlap, catch_up_window_ms, paused, next_fire_at, buffered_fire_at, last_fire_at,
      last_instance_id, runs, skipped, missed, created_at, updated_at, revision""";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM schedules";
  private static final String INSERT =
      "INSERT INTO schedules ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE =
      """
      UPDATE schedules
      SET orchestration = ?, version = ?, input = ?, cron = ?, interval_ms = ?, time_zone = ?,
          start_at = ?, end_at = ?, overlap = ?, catch_up_window_ms = ?, paused = ?,
          next_fire_at = ?, buffered_fire_at = ?, last_fire_at = ?, last_instance_id = ?, runs = ?,
          skipped = ?, missed = ?, created_at = ?, updated_at = ?, revision = ?
      WHERE hub = ? AND schedule_id = ? AND revision = ?""";
  private static final String DUE =
      SELECT
          + """
           WHERE paused = 0 AND (next_fire_at <= ? OR buffered_fire_at IS NOT NULL)
          ORDER BY next_fire_at, hub, schedule_id LIMIT ?""";
  // Walks schedules_by_next_fire from its start: no sort, and it stops at the first unpaused row.
  private static final String NEXT_FIRE =
      """
      SELECT next_fire_at FROM schedules
       WHERE paused = 0 AND next_fire_at IS NOT NULL
      ORDER BY next_fire_at LIMIT 1""";

  private ScheduleRows() {}

  static List<ScheduleRecord> list(Connection connection, String hub) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(SELECT + " WHERE hub = ? ORDER BY schedule_id")) {
      select.setString(1, hub);
      return read(select);
    }
  }

  static Optional<ScheduleRecord> find(Connection connection, String hub, String scheduleId)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(SELECT + " WHERE hub = ? AND schedule_id = ?")) {
      select.setString(1, hub);
      select.setString(2, scheduleId);
      return read(select).stream().findFirst();
    }
  }

  static List<ScheduleRecord> due(Connection connection, long now, int limit) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(DUE)) {
      select.setLong(1, now);
      select.setInt(2, limit);
      return read(select);
    }
  }

  static OptionalLong nextFireAt(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(NEXT_FIRE);
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
    }
  }

  static void insert(Connection connection, ScheduleRecord schedule) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, schedule.hub());
      insert.setString(2, schedule.scheduleId());
      bindValues(insert, 3, schedule);
      insert.executeUpdate();
    }
  }

  /** Writes the schedule if its stored revision is {@code expectedRevision}. */
  static boolean update(Connection connection, ScheduleRecord schedule, long expectedRevision)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
      int next = bindValues(update, 1, schedule);
      update.setString(next, schedule.hub());
      update.setString(next + 1, schedule.scheduleId());
      update.setLong(next + 2, expectedRevision);
      return update.executeUpdate() == 1;
    }
  }

  static boolean delete(Connection connection, String hub, String scheduleId) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM schedules WHERE hub = ? AND schedule_id = ?")) {
      delete.setString(1, hub);
      delete.setString(2, scheduleId);
      return delete.executeUpdate() == 1;
    }
  }

  /** Binds every column after the key from {@code first}; returns the next parameter index. */
  private static int bindValues(PreparedStatement statement, int first, ScheduleRecord schedule)
      throws SQLException {
    ScheduleDefinition definition = schedule.definition();
    ScheduleState state = schedule.state();
    int i = first;
    statement.setString(i++, definition.orchestration());
    statement.setString(i++, definition.version());
    statement.setString(i++, definition.input());
    statement.setString(i++, definition.cron());
    setLong(statement, i++, definition.intervalMillis());
    statement.setString(i++, definition.timeZone());
    setLong(statement, i++, definition.startAt());
    setLong(statement, i++, definition.endAt());
    statement.setString(i++, definition.overlap().wireName());
    statement.setLong(i++, definition.catchUpWindowMillis());
    statement.setInt(i++, state.paused() ? 1 : 0);
    setLong(statement, i++, state.nextFireAt());
    setLong(statement, i++, state.bufferedFireAt());
    setLong(statement, i++, state.lastFireAt());
    statement.setString(i++, state.lastInstanceId());
    statement.setLong(i++, state.runs());
    statement.setLong(i++, state.skipped());
    statement.setLong(i++, state.missed());
    statement.setLong(i++, state.createdAt());
    statement.setLong(i++, state.updatedAt());
    statement.setLong(i++, state.revision());
    return i;
  }

  private static void setLong(PreparedStatement statement, int index, Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  private static List<ScheduleRecord> read(PreparedStatement select) throws SQLException {
    List<ScheduleRecord> schedules = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        ScheduleDefinition definition =
            new ScheduleDefinition(
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                rows.getString(6),
                nullableLong(rows, 7),
                rows.getString(8),
                nullableLong(rows, 9),
                nullableLong(rows, 10),
                OverlapPolicy.parse(rows.getString(11)),
                rows.getLong(12));
        ScheduleState state =
            new ScheduleState(
                rows.getInt(13) != 0,
                nullableLong(rows, 14),
                nullableLong(rows, 15),
                nullableLong(rows, 16),
                rows.getString(17),
                rows.getLong(18),
                rows.getLong(19),
                rows.getLong(20),
                rows.getLong(21),
                rows.getLong(22),
                rows.getLong(23));
        schedules.add(new ScheduleRecord(rows.getString(1), rows.getString(2), definition, state));
      }
    }
    return schedules;
  }

  private static Long nullableLong(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? null : value;
  }
}
