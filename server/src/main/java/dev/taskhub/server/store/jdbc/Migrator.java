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
 *
 * <p>Several processes may start against one database at once (PostgreSQL nodes). Each transaction
 * therefore begins by taking the {@link SchemaLock} and only then reads the version, on a
 * connection in READ COMMITTED (each statement sees what committed before it): whoever waited for
 * the lock sees the migrations the holder committed and does not apply them again.
 */
public final class Migrator {
  /**
   * Makes concurrent migrators of one database take turns: blocks until no other process holds the
   * lock, which stays held until the current transaction ends.
   */
  @FunctionalInterface
  public interface SchemaLock {
    void acquire(Connection connection) throws SQLException;
  }

  private final String dialect;
  private final List<String> files;
  private final SchemaLock lock;

  /**
   * A migrator for a database that only one process opens at a time (SQLite: one writer).
   *
   * @param files the migration file names in order; file {@code i} brings the schema to version i+1
   */
  public Migrator(String dialect, List<String> files) {
    this(dialect, files, connection -> {});
  }

  /**
   * @param files the migration file names in order; file {@code i} brings the schema to version i+1
   * @param lock taken at the start of every migration transaction
   */
  public Migrator(String dialect, List<String> files, SchemaLock lock) {
    this.dialect = dialect;
    this.files = List.copyOf(files);
    this.lock = lock;
  }

  public int latestVersion() {
    return files.size();
  }

  /** Brings the schema up to date on a connection in manual-commit mode. */
  public void migrate(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      while (true) {
        lock.acquire(connection);
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
        if (current == files.size()) {
          connection.commit();
          return;
        }
        int version = current + 1;
        for (String sql : statements(files.get(version - 1))) {
          statement.execute(sql);
        }
        statement.execute("DELETE FROM schema_version");
        statement.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
        connection.commit();
      }
    } catch (SQLException | RuntimeException e) {
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
