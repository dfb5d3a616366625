package dev.taskhub.server.store.jdbc;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstanceIdPage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceSort;
import dev.taskhub.server.store.Statuses;
import dev.taskhub.server.store.TimeRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Filtered reads over {@code instances}: a page of an {@link InstanceFilter} in any {@link
 * InstanceSort}, its counts by status, the ids a filtered purge deletes, and the ended children a
 * recursive purge follows. A filter becomes SQL in one place ({@link Where}), so the gRPC, Durable
 * Functions and {@code /api/v1} lists, the counts and the purge select the same rows for it.
 *
 * <p>Pages use keyset pagination on (sort column, instance_id), so a page costs the same however
 * deep it is; the continuation token is the {@link PageCursor} of the last row.
 */
final class InstanceQueries {
  private InstanceQueries() {}

  static InstancePage page(
      Connection connection, InstanceFilter filter, InstancePageRequest request)
      throws SQLException {
    List<InstanceRecord> rows = new ArrayList<>();
    try (PreparedStatement select = pageQuery(connection, filter, request, InstanceRows.COLUMNS);
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        rows.add(InstanceRows.read(result));
      }
    }
    if (rows.size() <= request.pageSize()) {
      return new InstancePage(List.copyOf(rows), null);
    }
    List<InstanceRecord> page = rows.subList(0, request.pageSize());
    PageCursor end = PageCursor.after(page.getLast(), request.sort());
    return new InstancePage(List.copyOf(page), end.encode());
  }

  /** The ids of the rows {@link #page} reads, with the same continuation token. */
  static InstanceIdPage idPage(
      Connection connection, InstanceFilter filter, InstancePageRequest request)
      throws SQLException {
    InstanceSort sort = request.sort();
    String columns = "instance_id, " + (sort.column == null ? "0" : sort.column);
    List<PageCursor> rows = new ArrayList<>();
    try (PreparedStatement select = pageQuery(connection, filter, request, columns);
        ResultSet result = select.executeQuery()) {
      while (result.next()) {
        rows.add(new PageCursor(sort, result.getLong(2), result.getString(1)));
      }
    }
    boolean more = rows.size() > request.pageSize();
    List<PageCursor> page = more ? rows.subList(0, request.pageSize()) : rows;
    return new InstanceIdPage(
        page.stream().map(PageCursor::instanceId).toList(), more ? page.getLast().encode() : null);
  }

  /** One row more than the page holds, so that a full page knows whether another follows. */
  private static PreparedStatement pageQuery(
      Connection connection, InstanceFilter filter, InstancePageRequest request, String columns)
      throws SQLException {
    Where where = Where.matching(filter);
    InstanceSort sort = request.sort();
    if (sort == InstanceSort.COMPLETED_ASC) {
      where.add("completed_at IS NOT NULL");
    }
    if (request.continuationToken() != null) {
      where.after(PageCursor.decode(request.continuationToken(), sort));
    }
    String sql =
        "SELECT "
            + columns
            + " FROM instances WHERE "
            + where.sql()
            + " ORDER BY "
            + orderBy(sort)
            + " LIMIT "
            + (request.pageSize() + 1);
    return where.prepare(connection, sql);
  }

  /** The matching instances by status; statuses with none are absent. */
  static Map<OrchestrationStatus, Long> countByStatus(Connection connection, InstanceFilter filter)
      throws SQLException {
    Where where = Where.matching(filter);
    String sql = "SELECT status, COUNT(*) FROM instances WHERE " + where.sql() + " GROUP BY status";
    Map<OrchestrationStatus, Long> counts = new EnumMap<>(OrchestrationStatus.class);
    try (PreparedStatement select = where.prepare(connection, sql);
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

  /** The ids of up to {@code limit} matching instances, in no particular order. */
  static List<String> ids(Connection connection, InstanceFilter filter, int limit)
      throws SQLException {
    return ids(connection, filter, limit, false);
  }

  /**
   * As {@link #ids(Connection, InstanceFilter, int)}; with {@code rootsOnly} only instances that
   * are no sub-orchestration, or whose parent is gone.
   */
  static List<String> ids(
      Connection connection, InstanceFilter filter, int limit, boolean rootsOnly)
      throws SQLException {
    Where where = Where.matching(filter);
    if (rootsOnly) {
      where.add(
          "(parent_instance_id IS NULL OR NOT EXISTS (SELECT 1 FROM instances p"
              + " WHERE p.hub = instances.hub AND p.instance_id = instances.parent_instance_id))");
    }
    String sql = "SELECT instance_id FROM instances WHERE " + where.sql() + " LIMIT " + limit;
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select = where.prepare(connection, sql);
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

  /** {@code sort}'s ORDER BY list, ending in {@code instance_id} to break ties. */
  private static String orderBy(InstanceSort sort) {
    String direction = sort.ascending ? " ASC" : " DESC";
    return (sort.column == null ? "" : sort.column + direction + ", ") + "instance_id" + direction;
  }

  /** A WHERE clause and its parameters, in order. */
  private static final class Where {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    static Where matching(InstanceFilter filter) {
      Where where = new Where();
      where.add("hub = ?", filter.hub());
      where.add("instance_id NOT LIKE '@%'"); // entity rows ('@name@key') are not orchestrations
      where.range("created_at", filter.created());
      where.range("completed_at", filter.completed());
      if (!filter.statuses().isEmpty()) {
        where.add(
            "status IN (" + "?, ".repeat(filter.statuses().size() - 1) + "?)",
            filter.statuses().stream().map(OrchestrationStatus::getNumber).toArray());
      }
      // Ranges rather than LIKE: an id prefix uses the primary key, and '%' or '_' stay literal.
      where.prefix("instance_id", filter.instanceIdPrefix());
      where.prefix("name", filter.namePrefix());
      if (!filter.versions().isEmpty()) {
        where.add(
            "COALESCE(version, '') IN (" + "?, ".repeat(filter.versions().size() - 1) + "?)",
            new TreeSet<>(filter.versions()).toArray());
      }
      for (Map.Entry<String, String> tag : new TreeMap<>(filter.tags()).entrySet()) {
        // A case-sensitive "contains" both dialects have (LIKE ignores case on SQLite).
        where.add(
            "length(tags) > length(replace(tags, ?, ''))",
            Tags.fragment(tag.getKey(), tag.getValue()));
      }
      return where;
    }

    /** Keeps only the rows after {@code cursor} in its sort order. */
    void after(PageCursor cursor) {
      InstanceSort sort = cursor.sort();
      String op = sort.ascending ? " > ?" : " < ?";
      if (sort.column == null) {
        add("instance_id" + op, cursor.instanceId());
      } else {
        add(
            "(" + sort.column + op + " OR (" + sort.column + " = ? AND instance_id" + op + "))",
            cursor.value(),
            cursor.value(),
            cursor.instanceId());
      }
    }

    /** Bounds on a column that holds epoch ms; a bound leaves out its NULLs too. */
    private void range(String column, TimeRange range) {
      if (range.hasFrom()) {
        add(column + " >= ?", range.from());
      }
      if (range.hasTo()) {
        add(column + " <= ?", range.to());
      }
    }

    private void prefix(String column, String prefix) {
      if (!prefix.isEmpty()) {
        add(column + " >= ?", prefix);
        add(column + " < ?", prefix + Character.MAX_VALUE);
      }
    }

    private void add(String condition, Object... values) {
      conditions.add(condition);
      parameters.addAll(List.of(values));
    }

    PreparedStatement prepare(Connection connection, String sql) throws SQLException {
      PreparedStatement statement = connection.prepareStatement(sql);
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      return statement;
    }

    String sql() {
      return String.join(" AND ", conditions);
    }
  }
}
