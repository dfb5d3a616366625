package dev.taskhub.server.cluster.postgres;

import dev.taskhub.server.cluster.ClusterBus;
import dev.taskhub.server.cluster.WorkClaims;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.jdbc.JdbcStore;
import dev.taskhub.server.store.postgres.PostgresLocation;
import dev.taskhub.server.store.postgres.PostgresTransactions;

/**
 * Opens a PostgreSQL database for a scheduler node among several: the store, the claims the node
 * takes its work by (on the store's pools) and the bus it wakes the other nodes with.
 */
public final class PostgresCluster {
  private PostgresCluster() {}

  /** A store shared by several scheduler nodes. */
  public record Shared(Store store, WorkClaims claims, ClusterBus bus) {}

  /**
   * Connects, brings the schema up to date and starts the bus.
   *
   * @throws dev.taskhub.server.TaskhubException.StoreUnavailable if the database cannot be reached
   *     or migrated
   */
  public static Shared open(PostgresLocation location) {
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
}
