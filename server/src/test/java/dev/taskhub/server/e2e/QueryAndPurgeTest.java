package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import com.microsoft.durabletask.PurgeResult;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Query (filters, paging) and purge through the official Java SDK 1.5.0 client. */
class QueryAndPurgeTest {
  private TestScheduler server;
  private DurableTaskClient client;

  @BeforeEach
  void start() {
    server = SuiteStore.start();
    SeedActivities.startWorker(server);
    client = OfficialSdk.client(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private List<String> runToCompletion(int count) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(
          client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, List.of("Task1")));
    }
    for (String id : ids) {
      OrchestrationMetadata done =
          client.waitForInstanceCompletion(id, Duration.ofSeconds(30), false);
      assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    }
    return ids;
  }

  /** An instance that stays PENDING for the whole test: its start is an hour away. */
  private String startLater() {
    return client.scheduleNewOrchestrationInstance(
        SeedActivities.ORCHESTRATOR,
        new NewOrchestrationInstanceOptions()
            .setInput(List.of("Task1"))
            .setStartTime(Instant.now().plus(Duration.ofHours(1))));
  }

  @Test
  void queryByStatusAndTimePagesThroughEveryMatchOnce() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    List<String> ids = runToCompletion(7);

    OrchestrationStatusQuery query = new OrchestrationStatusQuery();
    query.setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.COMPLETED));
    query.setCreatedTimeFrom(before);
    query.setCreatedTimeTo(Instant.now().plusSeconds(1));
    query.setMaxInstanceCount(3);
    query.setFetchInputsAndOutputs(true);
    Set<String> seen = new HashSet<>();
    int pages = 0;
    do {
      OrchestrationStatusQueryResult page = client.queryInstances(query);
      pages++;
      assertThat(page.getOrchestrationState()).hasSizeLessThanOrEqualTo(3);
      for (OrchestrationMetadata instance : page.getOrchestrationState()) {
        assertThat(seen.add(instance.getInstanceId())).isTrue();
        assertThat(instance.getSerializedOutput()).contains("total_value");
      }
      query.setContinuationToken(page.getContinuationToken());
      // SDK 1.5.0 reports "no more pages" as an empty token, not null.
    } while (!query.getContinuationToken().isEmpty());

    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(pages).isEqualTo(3);

    query = new OrchestrationStatusQuery();
    query.setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.RUNNING));
    assertThat(client.queryInstances(query).getOrchestrationState()).isEmpty();
  }

  @Test
  void purgedInstanceIsGoneAndRunningOnesCannotBePurged() throws Exception {
    String id = runToCompletion(1).get(0);

    PurgeResult purged = client.purgeInstance(id);

    assertThat(purged.getDeletedInstanceCount()).isEqualTo(1);
    assertThat(client.getInstanceMetadata(id, true).isInstanceFound()).isFalse();
    assertThat(client.purgeInstance(id).getDeletedInstanceCount()).isZero();

    String pending = startLater();
    assertThatThrownBy(() -> client.purgeInstance(pending))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining(pending);
  }

  @Test
  void purgeByFilterDeletesOnlyEndedInstancesInRange() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    List<String> ids = runToCompletion(4);
    String pending = startLater();

    PurgeInstanceCriteria criteria = new PurgeInstanceCriteria();
    criteria.setCreatedTimeFrom(before);
    criteria.setCreatedTimeTo(Instant.now().plusSeconds(1));
    PurgeResult result = client.purgeInstances(criteria);

    assertThat(result.getDeletedInstanceCount()).isEqualTo(4);
    for (String id : ids) {
      assertThat(client.getInstanceMetadata(id, false).isInstanceFound()).isFalse();
    }
    assertThat(client.getInstanceMetadata(pending, false).isInstanceFound()).isTrue();
  }
}
