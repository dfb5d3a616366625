package dev.taskhub.server.store.postgres;

import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.jdbc.JdbcStore;

/** Factory for the PostgreSQL store: the shared JDBC core over {@link PostgresTransactions}. */
public final class PostgresStore {
  private PostgresStore() {}

  /**
   * Connects to the database, brings its schema up to date and returns the store.
   *
   * @throws dev.taskhub.server.TaskhubException.StoreUnavailable if the database cannot be reached
   *     or migrated
   */
  public static Store open(PostgresLocation location) {
    return new JdbcStore(PostgresTransactions.open(location));
  }
}
