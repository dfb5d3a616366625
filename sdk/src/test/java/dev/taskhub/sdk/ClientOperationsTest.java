package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.sdk.client.InstanceQuery;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.PurgeFilter;
import dev.taskhub.sdk.client.StartOptions;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's management operations against the real scheduler. */
class ClientOperationsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private TestScheduler scheduler;
  private TaskhubClient client;

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .addOrchestration("Echo", ctx -> ctx.getInput(String.class))
            .addOrchestration("Wait", ctx -> ctx.waitForExternalEvent("Go", String.class).await()));
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void startOptionsSetTheIdVersionTagsAndStartTime() {
    Instant startAt = Instant.now().plusMillis(300);
    String id =
        client.scheduleNewOrchestration(
            "Echo",
            "hi",
            StartOptions.defaults()
                .withInstanceId("order-42")
                .withVersion("2.1")
                .withTags(Map.of("team", "billing"))
                .withStartAt(startAt));

    assertThat(id).isEqualTo("order-42");
    assertThat(client.getInstance(id).orElseThrow().status())
        .isEqualTo(OrchestrationStatus.PENDING);
    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("hi");
    assertThat(done.version()).contains("2.1");
    assertThat(done.tags()).containsEntry("team", "billing");
    assertThat(done.lastUpdatedAt()).isAfterOrEqualTo(startAt.minusMillis(5));
  }

  @Test
  void anUnknownInstanceIsEmptyForGetAndNotFoundForEverythingElse() {
    assertThat(client.getInstance("nobody")).isEmpty();
    assertThatThrownBy(() -> client.waitForCompletion("nobody", WAIT))
        .isInstanceOf(TaskhubException.InstanceNotFound.class)
        .hasMessageContaining("nobody");
    assertThatThrownBy(() -> client.raiseEvent("nobody", "Go", "x"))
        .isInstanceOf(TaskhubException.InstanceNotFound.class)
        .hasMessageContaining("nobody");
  }

  @Test
  void startingARunningInstanceIdAgainIsRejected() {
    client.scheduleNewOrchestration("Wait", null, StartOptions.defaults().withInstanceId("dup"));

    assertThatThrownBy(
            () ->
                client.scheduleNewOrchestration(
                    "Wait", null, StartOptions.defaults().withInstanceId("dup")))
        .isInstanceOf(TaskhubException.InstanceAlreadyExists.class);
  }

  @Test
  void waitingLongerThanTheTimeoutThrowsTimeout() {
    String id = client.scheduleNewOrchestration("Wait");
    client.waitForStart(id, WAIT);

    assertThatThrownBy(() -> client.waitForCompletion(id, Duration.ofMillis(200)))
        .isInstanceOf(TaskhubException.Timeout.class)
        .hasMessageContaining(id);
  }

  @Test
  void raisingAnEventOnAnEndedInstanceIsAFailedPrecondition() {
    String id = client.scheduleNewOrchestration("Echo", "x");
    client.waitForCompletion(id, WAIT);

    assertThatThrownBy(() -> client.raiseEvent(id, "Go", "late"))
        .isInstanceOf(TaskhubException.FailedPrecondition.class);
  }

  @Test
  void anInstanceThatHasNotStartedCanBeTerminated() {
    String id =
        client.scheduleNewOrchestration(
            "Echo", "later", StartOptions.defaults().withStartAt(Instant.now().plusSeconds(3600)));

    client.terminate(id, "never mind");

    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.TERMINATED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("never mind");
  }

  @Test
  void aSuspendedInstanceCanBeTerminated() {
    String id = client.scheduleNewOrchestration("Wait");
    client.waitForStart(id, WAIT);
    client.suspend(id, "hold");

    client.terminate(id, "stopped while suspended");

    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.TERMINATED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("stopped while suspended");
  }

  @Test
  void queryStreamsEveryPageOfMatchingInstances() {
    List<String> ids =
        IntStream.range(0, 7)
            .mapToObj(
                i ->
                    client.scheduleNewOrchestration(
                        "Echo", "v" + i, StartOptions.defaults().withInstanceId("batch-" + i)))
            .toList();
    ids.forEach(id -> client.waitForCompletion(id, WAIT));
    client.scheduleNewOrchestration("Wait", null, StartOptions.defaults().withInstanceId("other"));

    List<OrchestrationMetadata> found =
        client
            .query(
                InstanceQuery.all()
                    .withInstanceIdPrefix("batch-")
                    .withStatuses(OrchestrationStatus.COMPLETED)
                    .withPageSize(3)
                    .withInputsAndOutputs())
            .toList();

    assertThat(found)
        .extracting(OrchestrationMetadata::instanceId)
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(found).allSatisfy(instance -> assertThat(instance.serializedOutput()).isNotNull());
    assertThat(client.query(InstanceQuery.all()).count()).isEqualTo(8);
  }

  @Test
  void listInstanceIdsPagesThroughEndedInstancesInOrderOfCompletion() {
    Instant before = Instant.now().minusSeconds(1);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = client.scheduleNewOrchestration("Echo", "v" + i);
      client.waitForCompletion(id, WAIT);
      ids.add(id);
    }
    client.scheduleNewOrchestration("Wait");

    assertThat(client.listInstanceIds(before, null, java.util.Set.of(), 2))
        .containsExactlyElementsOf(ids);
    assertThat(client.listInstanceIds(null, null, java.util.Set.of(OrchestrationStatus.RUNNING), 0))
        .isEmpty();
  }

  @Test
  void historyHoldsTheEventsOfTheCurrentExecution() {
    String id = client.scheduleNewOrchestration("Echo", "hello");
    client.waitForCompletion(id, WAIT);

    List<dev.taskhub.protocol.HistoryEvent> history = client.history(id);

    assertThat(history)
        .filteredOn(dev.taskhub.protocol.HistoryEvent::hasExecutionStarted)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getExecutionStarted().getName()).isEqualTo("Echo");
              assertThat(event.getExecutionStarted().getInput().getValue()).isEqualTo("\"hello\"");
            });
    assertThat(history.getLast().getExecutionCompleted().getResult().getValue())
        .isEqualTo("\"hello\"");
    assertThatThrownBy(() -> client.history("nobody"))
        .isInstanceOf(TaskhubException.InstanceNotFound.class)
        .hasMessageContaining("nobody");
  }

  @Test
  void purgeDeletesEndedInstancesByIdOrFilter() {
    String first = client.scheduleNewOrchestration("Echo", "1");
    String second = client.scheduleNewOrchestration("Echo", "2");
    String running = client.scheduleNewOrchestration("Wait");
    client.waitForCompletion(first, WAIT);
    client.waitForCompletion(second, WAIT);

    assertThat(client.purge(first)).isTrue();
    assertThat(client.getInstance(first)).isEmpty();
    assertThat(client.purge(first)).isFalse();

    assertThat(client.purge(PurgeFilter.statuses(OrchestrationStatus.COMPLETED))).isEqualTo(1);
    assertThat(client.getInstance(second)).isEmpty();
    assertThat(client.getInstance(running)).isPresent();
  }
}
