package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.TaskActivityFactory;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two scheduler nodes in one JVM on one PostgreSQL schema: work started at either node runs on the
 * workers of both, exactly once; a completion sent to the node that did not dispatch the work item
 * is relayed to the one that did; a waiter on one node sees what the other did.
 */
class SharedStoreNodesTest {
  private TestScheduler nodeA;
  private TestScheduler nodeB;

  @BeforeEach
  void start() {
    String store = TestPostgres.newSchema();
    nodeA = TestScheduler.builder().postgres(store).nodeLease(Duration.ofSeconds(2)).start();
    nodeB = TestScheduler.builder().postgres(store).nodeLease(Duration.ofSeconds(2)).start();
  }

  @AfterEach
  void stop() {
    nodeA.close();
    nodeB.close();
  }

  @Test
  void fanOutsStartedOnEitherNodeRunOnTheWorkersOfBothExactlyOnce() {
    AtomicInteger onA = new AtomicInteger();
    AtomicInteger onB = new AtomicInteger();
    OfficialSdk.startWorker(
        nodeA, SeedActivities.orchestrator(), counting(onA), SeedActivities.aggregate());
    OfficialSdk.startWorker(
        nodeB, SeedActivities.orchestrator(), counting(onB), SeedActivities.aggregate());
    List<DurableTaskClient> clients = List.of(OfficialSdk.client(nodeA), OfficialSdk.client(nodeB));

    List<String> items = List.of("Task1", "Task2", "Task3");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(
          clients.get(i % 2).scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, items));
    }
    List<String> many = IntStream.rangeClosed(1, 300).mapToObj(i -> "Task" + i).toList();
    String bigId =
        clients.get(0).scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, many);

    for (int i = 0; i < ids.size(); i++) {
      // Waiting on the other node than the one that started it: waiters see other nodes' changes.
      DurableTaskClient waiter = clients.get((i + 1) % 2);
      SeedActivities.assertAggregated(waitForCompletion(waiter, ids.get(i)), items);
    }
    SeedActivities.assertAggregated(waitForCompletion(clients.get(1), bigId), many);

    for (String id : ids) {
      assertEachTaskOnce(id, 4);
    }
    assertEachTaskOnce(bigId, 301);
    assertThat(onA.get() + onB.get()).isGreaterThanOrEqualTo(40 * 3 + 300);
    assertThat(onA.get()).as("activities run by node A's worker").isPositive();
    assertThat(onB.get()).as("activities run by node B's worker").isPositive();
  }

  /**
   * @param echoTokens false answers like the Java SDK 1.5.0 (no completion tokens: the node looks
   *     the owner up in the database), true like newer SDKs (the token names the node)
   */
  @ParameterizedTest(name = "echoing completion tokens: {0}")
  @ValueSource(booleans = {false, true})
  void completionsSentToTheOtherNodeAreRelayedToTheDispatchingOne(boolean echoTokens)
      throws Exception {
    TaskHubSidecarServiceBlockingStub atB =
        TaskHubSidecarServiceGrpc.newBlockingStub(nodeB.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    try (HandDrivenWorker workerAtA = HandDrivenWorker.connect(nodeA.channel())) {
      String id =
          atB.startInstance(CreateInstanceRequest.newBuilder().setName("by_hand").build())
              .getInstanceId();

      // Every change from now on is made by node A: live views (the dashboard's SSE) on node B
      // hear of them only through the other nodes' messages.
      Set<String> seenAtB = ConcurrentHashMap.newKeySet();
      nodeB.server().engine().subscribe(key -> seenAtB.add(key.instanceId()));

      WorkItem episode = workerAtA.next();
      assertThat(episode.getOrchestratorRequest().getInstanceId()).isEqualTo(id);
      atB.completeOrchestratorTask(
          response(
              episode,
              echoTokens,
              OrchestratorAction.newBuilder()
                  .setId(0)
                  .setScheduleTask(ScheduleTaskAction.newBuilder().setName("echo"))
                  .build()));

      WorkItem activity = workerAtA.next();
      assertThat(activity.getActivityRequest().getName()).isEqualTo("echo");
      ActivityResponse.Builder result =
          ActivityResponse.newBuilder()
              .setInstanceId(id)
              .setTaskId(0)
              .setResult(StringValue.of("\"echoed\""));
      if (echoTokens) {
        result.setCompletionToken(activity.getCompletionToken());
      }
      atB.completeActivityTask(result.build());

      WorkItem fanIn = workerAtA.next();
      assertThat(fanIn.getOrchestratorRequest().getNewEventsList())
          .anyMatch(HistoryEvent::hasTaskCompleted);
      atB.completeOrchestratorTask(
          response(
              fanIn,
              echoTokens,
              OrchestratorAction.newBuilder()
                  .setId(1)
                  .setCompleteOrchestration(
                      CompleteOrchestrationAction.newBuilder()
                          .setOrchestrationStatus(
                              OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)
                          .setResult(StringValue.of("\"done\"")))
                  .build()));

      var state =
          atB.waitForInstanceCompletion(
                  GetInstanceRequest.newBuilder()
                      .setInstanceId(id)
                      .setGetInputsAndOutputs(true)
                      .build())
              .getOrchestrationState();
      assertThat(state.getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      assertThat(state.getOutput().getValue()).isEqualTo("\"done\"");
      await().atMost(Duration.ofSeconds(10)).until(() -> seenAtB.contains(id));
      assertEachTaskOnce(id, 1);
    }
  }

  private static OrchestratorResponse response(
      WorkItem episode, boolean echoToken, OrchestratorAction... actions) {
    OrchestratorResponse.Builder response =
        OrchestratorResponse.newBuilder()
            .setInstanceId(episode.getOrchestratorRequest().getInstanceId())
            .addAllActions(List.of(actions));
    if (echoToken) {
      response.setCompletionToken(episode.getCompletionToken());
    }
    return response.build();
  }

  private static TaskActivityFactory counting(AtomicInteger runs) {
    TaskActivityFactory process = SeedActivities.process();
    return SeedActivities.activity(
        SeedActivities.PROCESS,
        ctx -> {
          runs.incrementAndGet();
          return process.create().run(ctx);
        });
  }

  private static OrchestrationMetadata waitForCompletion(DurableTaskClient client, String id) {
    try {
      return client.waitForInstanceCompletion(id, Duration.ofSeconds(60), true);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("Instance " + id + " did not complete within 60 s", e);
    }
  }

  /** Each scheduled task of the instance has exactly one TaskScheduled and one result. */
  private void assertEachTaskOnce(String id, int tasks) {
    List<HistoryEvent> history = nodeA.server().engine().history("default", id);
    List<Integer> scheduled =
        history.stream()
            .filter(HistoryEvent::hasTaskScheduled)
            .map(HistoryEvent::getEventId)
            .toList();
    List<Integer> completed =
        history.stream()
            .filter(HistoryEvent::hasTaskCompleted)
            .map(event -> event.getTaskCompleted().getTaskScheduledId())
            .toList();
    assertThat(scheduled).hasSize(tasks).doesNotHaveDuplicates();
    assertThat(completed).containsExactlyInAnyOrderElementsOf(scheduled);
  }
}
