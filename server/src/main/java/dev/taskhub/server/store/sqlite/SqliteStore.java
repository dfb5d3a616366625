package dev.taskhub.server.store.sqlite;

import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.jdbc.JdbcStore;
import java.nio.file.Path;

/** Factories for the embedded SQLite store. */
public final class SqliteStore {
  private SqliteStore() {}

  /** The durable store in one file (created with its directory if missing). */
  public static Store open(Path file) {
    return new JdbcStore(SqliteTransactions.openFile(file));
  }

  /** A private in-memory store, for tests. */
  public static Store inMemory() {
    return new JdbcStore(SqliteTransactions.openInMemory());
  }
}
