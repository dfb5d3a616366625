package dev.taskhub.server.store.sqlite;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.CommitListener;
import dev.taskhub.server.store.jdbc.Migrator;
import dev.taskhub.server.store.jdbc.SqlWork;
import dev.taskhub.server.store.jdbc.Transactions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.sqlite.SQLiteConfig;

/**
 * SQLite connections: one writer with group commit, and a small pool of readers that see committed
 * data concurrently thanks to WAL. Durability is {@code synchronous=FULL}: a commit has reached the
 * disk before any caller is told it succeeded. An in-memory database (tests) has a single
 * connection, so its reads are queued on the writer too.
 */
public final class SqliteTransactions implements Transactions {
  static final List<String> MIGRATIONS =
      List.of(
          "V1__initial_schema.sql",
          "V2__instances_by_completion.sql",
          "V3__orchestration_trace_context.sql",
          "V4__activity_names.sql",
          "V5__task_hubs.sql",
          "V6__entities.sql",
          "V7__retention_policies.sql",
          "V8__schedules.sql",
          "V9__open_activities_by_key.sql");
  private static final int READERS = 4;

  /**
   * Page cache per connection ({@code cache_size}; negative: in KiB, here 32 and 8 MiB). SQLite's
   * default (2 MiB) made the writer re-read the pages of the hot rows from the file (thousands of
   * {@code pread}s per second under many small orchestrations); the writer touches every table's
   * hot pages, a reader mostly an instance's rows.
   */
  private static final int WRITER_CACHE_SIZE = -32 * 1024;

  private static final int READER_CACHE_SIZE = -8 * 1024;

  private final GroupCommitWriter writer;
  private final Connection writerConnection;
  private final BlockingQueue<Connection> readers;
  private final List<Connection> allReaders;

  private SqliteTransactions(Connection writerConnection, BlockingQueue<Connection> readers) {
    this.writerConnection = writerConnection;
    this.writer = new GroupCommitWriter(writerConnection);
    this.readers = readers;
    this.allReaders = readers == null ? List.of() : List.copyOf(readers);
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  public static SqliteTransactions openFile(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      Connection writer = open(url, false);
      migrate(writer);
      BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
      for (int i = 0; i < READERS; i++) {
        readers.add(open(url, true));
      }
      return new SqliteTransactions(writer, readers);
    } catch (SQLException | IOException e) {
      throw new TaskhubException.StoreUnavailable(
          "Cannot open SQLite store " + file + ": " + e.getMessage(), e);
    }
  }

  /** Opens a private in-memory database; everything is lost on close. */
  public static SqliteTransactions openInMemory() {
    try {
      Connection connection = open("jdbc:sqlite::memory:", false);
      migrate(connection);
      return new SqliteTransactions(connection, null);
    } catch (SQLException e) {
      throw new TaskhubException.StoreUnavailable(
          "Cannot open in-memory SQLite: " + e.getMessage(), e);
    }
  }

  private static Connection open(String url, boolean reader) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(10_000);
    config.setTransactionMode(
        reader ? SQLiteConfig.TransactionMode.DEFERRED : SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setCacheSize(reader ? READER_CACHE_SIZE : WRITER_CACHE_SIZE);
    Connection connection = config.createConnection(url);
    connection.setAutoCommit(false);
    return StatementCache.wrap(connection);
  }

  private static void migrate(Connection connection) throws SQLException {
    new Migrator("sqlite", MIGRATIONS).migrate(connection);
  }

  @Override
  public <T> T write(SqlWork<T> work) {
    return writer.submit(work);
  }

  /** {@inheritDoc} Here: the writer's background lane ({@link BackgroundLane}), without pauses. */
  @Override
  public <T> T writeInBackground(SqlWork<T> work) {
    return writer.submitInBackground(work);
  }

  @Override
  public <T> T read(SqlWork<T> work) {
    if (readers == null) {
      return writer.submit(work);
    }
    Connection connection;
    try {
      connection = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskhubException.StoreUnavailable("Interrupted while waiting for a reader", e);
    }
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new TaskhubException.StoreUnavailable("SQLite read failed: " + e.getMessage(), e);
    } finally {
      endSnapshot(connection);
      readers.add(connection);
    }
  }

  private static void endSnapshot(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // A reader that cannot end its snapshot will fail its next read, which reports the cause.
    }
  }

  @Override
  public void reportCommitsTo(CommitListener listener) {
    writer.commits = listener;
  }

  @Override
  public void close() {
    writer.close();
    try {
      writerConnection.close();
      for (Connection reader : allReaders) {
        reader.close();
      }
    } catch (SQLException e) {
      throw new TaskhubException.StoreUnavailable("Closing SQLite failed: " + e.getMessage(), e);
    }
  }
}
