package dev.taskhub.server.store.jdbc;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstanceQuery;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.Statuses;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Filtered reads over {@code instances}, built from the filter's parts. Pages use keyset pagination
 * on (created_at, instance_id), so a page costs the same however deep it is; the continuation token
 * is that key of the last row, encoded.
 */
final class InstanceQueries {
  private InstanceQueries() {}

  static InstancePage page(Connection connection, InstanceQuery query) throws SQLException {
    Filter filter =
        new Filter(query.hub(), query.createdFrom(), query.createdTo(), query.statuses());
    if (!query.instanceIdPrefix().isEmpty()) {
      // A range on the primary key, so prefix searches use the index (LIKE would not).
      filter.add("instance_id >= ?", query.instanceIdPrefix());
      filter.add("instance_id < ?", query.instanceIdPrefix() + Character.MAX_VALUE);
    }
    if (query.continuationToken() != null) {
      Cursor after = Cursor.decode(query.continuationToken());
      filter.add(
          "(created_at > ? OR (created_at = ? AND instance_id > ?))",
          after.createdAt(),
          after.createdAt(),
          after.instanceId());
    }
    String sql =
        "SELECT "
            + InstanceRows.COLUMNS
            + " FROM instances WHERE "
            + filter.where()
            + " ORDER BY created_at, instance_id LIMIT "
            + (query.pageSize() + 1);
    List<InstanceRecord> rows = new ArrayList<>();
    try (PreparedStatement select = filter.prepare(connection, sql);
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        rows.add(InstanceRows.read(result));
      }
    }
    if (rows.size() <= query.pageSize()) {
      return new InstancePage(rows, null);
    }
    List<InstanceRecord> page = rows.subList(0, query.pageSize());
    InstanceRecord last = page.get(page.size() - 1);
    return new InstancePage(
        List.copyOf(page), new Cursor(last.createdAt(), last.key().instanceId()).encode());
  }

  static List<String> purgeableIds(
      Connection connection,
      String hub,
      long createdFrom,
      long createdTo,
      Set<OrchestrationStatus> statuses,
      int limit)
      throws SQLException {
    Filter filter = new Filter(hub, createdFrom, createdTo, statuses);
    String sql = "SELECT instance_id FROM instances WHERE " + filter.where() + " LIMIT " + limit;
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select = filter.prepare(connection, sql);
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        ids.add(result.getString(1));
      }
    }
    return ids;
  }

  /** The ended sub-orchestrations of an instance. */
  static List<InstanceKey> endedChildren(Connection connection, InstanceKey parent)
      throws SQLException {
    List<InstanceKey> children = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT instance_id, status FROM instances WHERE hub = ? AND parent_instance_id = ?")) {
      select.setString(1, parent.hub());
      select.setString(2, parent.instanceId());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          if (Statuses.isTerminal(OrchestrationStatus.forNumber(rows.getInt(2)))) {
            children.add(new InstanceKey(parent.hub(), rows.getString(1)));
          }
        }
      }
    }
    return children;
  }

  /** A WHERE clause and its parameters, in order. */
  private static final class Filter {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    Filter(String hub, long createdFrom, long createdTo, Set<OrchestrationStatus> statuses) {
      add("hub = ?", hub);
      if (createdFrom > 0) {
        add("created_at >= ?", createdFrom);
      }
      if (createdTo < Long.MAX_VALUE) {
        add("created_at <= ?", createdTo);
      }
      if (!statuses.isEmpty()) {
        conditions.add("status IN (" + "?, ".repeat(statuses.size() - 1) + "?)");
        statuses.forEach(status -> parameters.add(status.getNumber()));
      }
    }

    void add(String condition, Object... values) {
      conditions.add(condition);
      parameters.addAll(List.of(values));
    }

    String where() {
      return String.join(" AND ", conditions);
    }

    PreparedStatement prepare(Connection connection, String sql) throws SQLException {
      PreparedStatement statement = connection.prepareStatement(sql);
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      return statement;
    }
  }

  /** The (created_at, instance_id) key a page ended at. */
  private record Cursor(long createdAt, String instanceId) {
    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((createdAt + ":" + instanceId).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return new Cursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new TaskhubException.InvalidArgument(
            "continuationToken '" + token + "' is not one this server issued");
      }
    }
  }
}
