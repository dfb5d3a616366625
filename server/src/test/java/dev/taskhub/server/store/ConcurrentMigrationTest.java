package dev.taskhub.server.store;

import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.store.postgres.PostgresLocation;
import dev.taskhub.server.store.postgres.PostgresStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Scheduler nodes that start at the same moment against an empty PostgreSQL database: each applies
 * the schema only if no other has, so all of them start and there is one schema.
 */
class ConcurrentMigrationTest {

  @RepeatedTest(3)
  void twoNodesStartingTogetherOnAnEmptyDatabaseShareOneSchema() throws Exception {
    String location = TestPostgres.newSchema();
    List<Store> nodes = openAtOnce(location, 2);
    try {
      InstanceKey key = key("order-1");
      nodes.get(0).createInstance(newInstance(key, "exec-1"), Set.of());

      assertThat(nodes.get(1).findInstance(key)).isPresent();
      assertThat(TestPostgres.query(location, "SELECT version FROM schema_version"))
          .containsExactly("10");
      assertThat(
              TestPostgres.query(
                  location,
                  "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"))
          .containsExactly(
              "activities",
              "history",
              "inbox",
              "instances",
              "nodes",
              "relayed_completions",
              "retention_policies",
              "schedules",
              "schema_version",
              "task_hubs");
    } finally {
      nodes.forEach(Store::close);
    }
  }

  /** Opens {@code count} stores on their own threads, released together once all are ready. */
  private static List<Store> openAtOnce(String location, int count) throws Exception {
    CountDownLatch ready = new CountDownLatch(count);
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newFixedThreadPool(count)) {
      List<Future<Store>> opening = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        opening.add(
            threads.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return PostgresStore.open(PostgresLocation.parse(location));
                }));
      }
      ready.await();
      go.countDown();
      List<Store> stores = new ArrayList<>();
      for (Future<Store> store : opening) {
        stores.add(store.get());
      }
      return stores;
    }
  }
}
