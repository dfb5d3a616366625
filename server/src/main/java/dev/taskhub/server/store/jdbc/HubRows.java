package dev.taskhub.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code task_hubs} rows of hubs created at run time, and deleting a hub's data. */
final class HubRows {
  /** Every table keyed by hub, children before the instances they belong to. */
  private static final List<String> HUB_TABLES =
      List.of("history", "inbox", "activities", "instances", "retention_policies", "schedules");

  private HubRows() {}

  static List<String> names(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT name FROM task_hubs ORDER BY name");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  /** Inserts the hub's row; false if it has one already. */
  static boolean insert(Connection connection, String hub, long now) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO task_hubs (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      insert.setString(1, hub);
      insert.setLong(2, now);
      return insert.executeUpdate() == 1;
    }
  }

  /**
   * Deletes the hub's row and all of its data.
   *
   * @return how many instances it had
   */
  static int delete(Connection connection, String hub) throws SQLException {
    int instances = 0;
    for (String table : HUB_TABLES) {
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM " + table + " WHERE hub = ?")) {
        delete.setString(1, hub);
        int deleted = delete.executeUpdate();
        if (table.equals("instances")) {
          instances = deleted;
        }
      }
    }
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM task_hubs WHERE name = ?")) {
      delete.setString(1, hub);
      delete.executeUpdate();
    }
    return instances;
  }

  /** The retention policies set at run time, by hub. */
  static Map<String, String> retentionPolicies(Connection connection) throws SQLException {
    Map<String, String> policies = new TreeMap<>();
    try (PreparedStatement select =
            connection.prepareStatement("SELECT hub, policy FROM retention_policies");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        policies.put(rows.getString(1), rows.getString(2));
      }
    }
    return policies;
  }

  /** Replaces the hub's policy, or removes it when {@code policy} is null. */
  static void setRetentionPolicy(Connection connection, String hub, String policy, long now)
      throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM retention_policies WHERE hub = ?")) {
      delete.setString(1, hub);
      delete.executeUpdate();
    }
    if (policy == null) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO retention_policies (hub, policy, updated_at) VALUES (?, ?, ?)")) {
      insert.setString(1, hub);
      insert.setString(2, policy);
      insert.setLong(3, now);
      insert.executeUpdate();
    }
  }
}
