package dev.taskhub.server.store;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.server.store.StoreFixtures.T0;
import static dev.taskhub.server.store.StoreFixtures.activity;
import static dev.taskhub.server.store.StoreFixtures.executionCompleted;
import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static dev.taskhub.server.store.StoreFixtures.raised;
import static dev.taskhub.server.store.StoreFixtures.stepFrom;
import static dev.taskhub.server.store.StoreFixtures.taskCompleted;
import static dev.taskhub.server.store.StoreFixtures.taskScheduled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.postgres.PostgresLocation;
import dev.taskhub.server.store.postgres.PostgresStore;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The durable store contract on a real PostgreSQL (see {@link TestPostgres}), each test in a new,
 * empty schema; plus races that a single-writer database cannot have and PostgreSQL must get right.
 */
class PostgresStoreTest extends DurableStoreContractTest {
  private String location;

  @Override
  protected Store openStore() {
    location = TestPostgres.newSchema();
    return PostgresStore.open(PostgresLocation.parse(location));
  }

  @Override
  protected Store reopenStore() {
    return PostgresStore.open(PostgresLocation.parse(location));
  }

  @Test
  void reopeningAnUpToDateDatabaseLeavesItsSchemaAsItWas() {
    InstanceKey key = key("order-1");
    store.createInstance(newInstance(key, "exec-1"), Set.of());
    List<String> schemaBefore = schema();

    restart();
    restart();

    assertThat(schema()).isEqualTo(schemaBefore);
    assertThat(TestPostgres.query(location, "SELECT version FROM schema_version"))
        .containsExactly("10");
    assertThat(store.findInstance(key)).isPresent();
  }

  @Test
  void concurrentCreatesOfOneIdCreateOneInstanceAndReportTheOthersAsExisting() throws Exception {
    int callers = 8;
    for (int round = 0; round < 10; round++) {
      InstanceKey key = key("order-" + round);

      List<String> outcomes =
          concurrently(
              callers,
              i ->
                  () -> {
                    try {
                      store.createInstance(newInstance(key, "exec-" + i), Set.of());
                      return "exec-" + i;
                    } catch (TaskhubException.AlreadyExists e) {
                      return "exists";
                    }
                  });

      assertThat(outcomes).filteredOn("exists"::equals).hasSize(callers - 1);
      assertThat(outcomes).contains(row(key).executionId());
      assertThat(inbox(key)).hasSize(1);
    }
  }

  @Test
  void concurrentCompletionsOfOneActivityAppendOneResultRoundAfterRound() throws Exception {
    int callers = 8;
    for (int round = 0; round < 10; round++) {
      InstanceKey key = key("order-" + round);
      InstanceRecord running = started(key, "exec");
      store.applyStep(
          stepFrom(running, T0 + 1)
              .append(taskScheduled(0, T0 + 1))
              .schedule(activity(key, "exec", 0))
              .build());

      List<Boolean> recorded =
          concurrently(
              callers,
              i ->
                  () ->
                      store
                          .completeActivity(
                              key, 0, taskCompleted(0, "\"" + i + "\"", T0 + 2), T0 + 2)
                          .isPresent());

      assertThat(recorded).containsOnlyOnce(true);
      assertThat(inbox(key)).hasSize(1);
    }
  }

  @Test
  void anEventRacingAPurgeIsEitherRefusedOrPurgedWithItsInstance() throws Exception {
    int instances = 20;
    List<InstanceKey> keys =
        IntStream.range(0, instances).mapToObj(i -> key("ended-" + i)).toList();
    for (InstanceKey key : keys) {
      InstanceRecord running = started(key, "exec");
      store.applyStep(
          stepFrom(running, T0 + 1)
              .append(executionCompleted(ORCHESTRATION_STATUS_COMPLETED, "\"ok\"", T0 + 1))
              .end(ORCHESTRATION_STATUS_COMPLETED, "\"ok\"", null)
              .build());
    }

    concurrently(
        instances * 2,
        i ->
            () -> {
              InstanceKey key = keys.get(i / 2);
              if (i % 2 == 0) {
                return store.purgeInstance(key, false);
              }
              try {
                store.enqueueEvent(key, null, raised("late", T0 + 2), T0 + 2);
              } catch (TaskhubException.NotFound refused) {
                // The purge came first.
              }
              return 0;
            });

    assertThat(keys).allSatisfy(key -> assertThat(store.findInstance(key)).isEmpty());
    assertThat(store.scanPendingWork().instances()).isEmpty();
  }

  /** Every table, column and index of the schema under test, read from the catalog. */
  private List<String> schema() {
    return TestPostgres.query(
        location,
        """
        SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
        FROM information_schema.columns WHERE table_schema = current_schema()
        UNION ALL
        SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
        ORDER BY 1""");
  }
}
