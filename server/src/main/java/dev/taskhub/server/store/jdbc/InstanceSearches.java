package dev.taskhub.server.store.jdbc;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceSearch;
import dev.taskhub.server.store.InstanceSort;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Management-view reads over {@code instances}: searches with a name prefix and a sort order, and
 * counts by status. Pages use keyset pagination on (sort column, instance_id); the continuation
 * token encodes the sort and that key of the last row, so it is rejected under another sort.
 */
final class InstanceSearches {
  private InstanceSearches() {}

  static InstancePage page(Connection connection, InstanceSearch search) throws SQLException {
    Filter filter = filter(search, true);
    InstanceSort sort = search.sort();
    if (search.continuationToken() != null) {
      Cursor after = Cursor.decode(search.continuationToken(), sort);
      String op = sort.ascending ? ">" : "<";
      if (sort.column == null) {
        filter.add("instance_id " + op + " ?", after.instanceId());
      } else {
        filter.add(
            "("
                + sort.column
                + " "
                + op
                + " ? OR ("
                + sort.column
                + " = ? AND instance_id "
                + op
                + " ?))",
            after.value(),
            after.value(),
            after.instanceId());
      }
    }
    String direction = sort.ascending ? " ASC" : " DESC";
    String order =
        (sort.column == null ? "" : sort.column + direction + ", ") + "instance_id" + direction;
    String sql =
        "SELECT "
            + InstanceRows.COLUMNS
            + " FROM instances WHERE "
            + filter.where()
            + " ORDER BY "
            + order
            + " LIMIT "
            + (search.pageSize() + 1);
    List<InstanceRecord> rows = new ArrayList<>();
    try (PreparedStatement select = filter.prepare(connection, sql);
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        rows.add(InstanceRows.read(result));
      }
    }
    if (rows.size() <= search.pageSize()) {
      return new InstancePage(List.copyOf(rows), null);
    }
    List<InstanceRecord> page = rows.subList(0, search.pageSize());
    InstanceRecord last = page.get(page.size() - 1);
    long value =
        switch (sort) {
          case CREATED_ASC, CREATED_DESC -> last.createdAt();
          case UPDATED_ASC, UPDATED_DESC -> last.lastUpdatedAt();
          case ID_ASC, ID_DESC -> 0;
        };
    return new InstancePage(
        List.copyOf(page), new Cursor(sort, value, last.key().instanceId()).encode());
  }

  static Map<OrchestrationStatus, Long> countByStatus(Connection connection, InstanceSearch search)
      throws SQLException {
    Filter filter = filter(search, false);
    String sql =
        "SELECT status, COUNT(*) FROM instances WHERE " + filter.where() + " GROUP BY status";
    Map<OrchestrationStatus, Long> counts = new EnumMap<>(OrchestrationStatus.class);
    try (PreparedStatement select = filter.prepare(connection, sql);
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        OrchestrationStatus status = OrchestrationStatus.forNumber(result.getInt(1));
        if (status != null) {
          counts.merge(status, result.getLong(2), Long::sum);
        }
      }
    }
    return counts;
  }

  private static Filter filter(InstanceSearch search, boolean withStatuses) {
    Filter filter = new Filter();
    filter.add("hub = ?", search.hub());
    if (search.createdFrom() > 0) {
      filter.add("created_at >= ?", search.createdFrom());
    }
    if (search.createdTo() < Long.MAX_VALUE) {
      filter.add("created_at <= ?", search.createdTo());
    }
    if (withStatuses && !search.statuses().isEmpty()) {
      filter.add(
          "status IN (" + "?, ".repeat(search.statuses().size() - 1) + "?)",
          search.statuses().stream().map(OrchestrationStatus::getNumber).toArray());
    }
    if (!search.instanceIdPrefix().isEmpty()) {
      // A range rather than LIKE: it uses the primary key, and '%' or '_' in a prefix stay literal.
      filter.add("instance_id >= ?", search.instanceIdPrefix());
      filter.add("instance_id < ?", search.instanceIdPrefix() + Character.MAX_VALUE);
    }
    if (!search.namePrefix().isEmpty()) {
      filter.add("name >= ?", search.namePrefix());
      filter.add("name < ?", search.namePrefix() + Character.MAX_VALUE);
    }
    return filter;
  }

  /** A WHERE clause and its parameters, in order. */
  private static final class Filter {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

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

  /** The sort and the (sort value, instance_id) key a page ended at. */
  private record Cursor(InstanceSort sort, long value, String instanceId) {
    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              (sort.name() + ":" + value + ":" + instanceId).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token, InstanceSort expected) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        String[] parts = text.split(":", 3);
        InstanceSort sort = InstanceSort.valueOf(parts[0]);
        if (sort != expected) {
          throw new TaskhubException.InvalidArgument(
              "continuationToken '" + token + "' belongs to another sort order (" + sort + ")");
        }
        return new Cursor(sort, Long.parseLong(parts[1]), parts[2]);
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new TaskhubException.InvalidArgument(
            "continuationToken '" + token + "' is not one this server issued");
      }
    }
  }
}
