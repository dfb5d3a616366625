package dev.taskhub.server.store.jdbc;

import dev.taskhub.server.TaskhubException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Applies the versioned schema files {@code db/<dialect>/V<n>__*.sql} that are newer than the
 * database's {@code schema_version}. Each file runs in its own transaction together with the
 * version bump, so a crash mid-migration leaves the previous version intact.
 */
public final class Migrator {
  private final String dialect;
  private final List<String> files;

  /**
   * @param files the migration file names in order; file {@code i} brings the schema to version i+1
   */
  public Migrator(String dialect, List<String> files) {
    this.dialect = dialect;
    this.files = List.copyOf(files);
  }

  public int latestVersion() {
    return files.size();
  }

  /** Brings the schema up to date on a connection in manual-commit mode. */
  public void migrate(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      int current = currentVersion(statement);
      if (current > files.size()) {
        throw new TaskhubException(
            "The store's schema version "
                + current
                + " is newer than this Taskhub build knows ("
                + files.size()
                + "); upgrade Taskhub");
      }
      for (int version = current + 1; version <= files.size(); version++) {
        for (String sql : statements(files.get(version - 1))) {
          statement.execute(sql);
        }
        statement.execute("DELETE FROM schema_version");
        statement.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
        connection.commit();
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }

  private static int currentVersion(Statement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }

  private List<String> statements(String file) {
    String path = "db/" + dialect + "/" + file;
    try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new TaskhubException("Schema migration " + path + " is missing from the build");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      StringBuilder withoutComments = new StringBuilder();
      for (String line : text.split("\n")) {
        int comment = line.indexOf("--");
        withoutComments.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
      }
      return java.util.Arrays.stream(withoutComments.toString().split(";"))
          .map(String::strip)
          .filter(sql -> !sql.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new TaskhubException("Cannot read schema migration " + path, e);
    }
  }
}
