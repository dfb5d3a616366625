package dev.taskhub.server.store.postgres;

import dev.taskhub.server.cluster.ClusterBus;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.WorkClaims;
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

  /**
   * Like {@link #open}, for a scheduler node among several on the database: with the claims it
   * takes its work by and the bus it wakes the other nodes with.
   */
  public static Shared openShared(PostgresLocation location) {
    PostgresTransactions transactions = PostgresTransactions.open(location);
    try {
      return new Shared(
          new JdbcStore(transactions),
          new PostgresClaims(transactions),
          PostgresBus.open(location));
    } catch (RuntimeException e) {
      transactions.close();
      throw e;
    }
  }

  /** A store shared by several scheduler nodes. */
  public record Shared(Store store, WorkClaims claims, ClusterBus bus) {}
}
