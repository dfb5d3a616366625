package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.OrchestratorStartedEvent;
import dev.taskhub.protocol.TaskCompletedEvent;
import dev.taskhub.protocol.TaskScheduledEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanOutScriptTest {
  private static final int N = 4;

  @Test
  void firstEpisodeFansOutNoopTasksNumberedFromZero() {
    List<OrchestratorAction> actions = FanOutScript.decide(request(started(), List.of()));

    assertEquals(N, actions.size());
    for (int i = 0; i < N; i++) {
      assertEquals(i, actions.get(i).getId());
      assertEquals(FanOutScript.NOOP, actions.get(i).getScheduleTask().getName());
      assertEquals(Integer.toString(i), actions.get(i).getScheduleTask().getInput().getValue());
    }
  }

  @Test
  void waitsWhileSomeNoopsAreOpen() {
    List<HistoryEvent> past = fannedOut();
    List<HistoryEvent> newEvents =
        List.of(orchestratorStarted(), completed(0, "0"), completed(2, "2"));

    assertEquals(List.of(), FanOutScript.decide(request(past, newEvents)));
  }

  @Test
  void schedulesTheAggregateWithTheSumOnceEveryNoopCompleted() {
    List<HistoryEvent> past = fannedOut();
    past.add(orchestratorStarted());
    past.add(completed(3, "3"));
    past.add(completed(1, "1"));
    List<HistoryEvent> newEvents =
        List.of(orchestratorStarted(), completed(0, "0"), completed(2, "2"));

    List<OrchestratorAction> actions = FanOutScript.decide(request(past, newEvents));

    assertEquals(1, actions.size());
    assertEquals(N, actions.get(0).getId());
    assertEquals(FanOutScript.AGGREGATE, actions.get(0).getScheduleTask().getName());
    assertEquals("6", actions.get(0).getScheduleTask().getInput().getValue());
  }

  @Test
  void completesWithTheAggregateResult() {
    List<HistoryEvent> past = fannedOut();
    past.add(orchestratorStarted());
    for (int i = 0; i < N; i++) {
      past.add(completed(i, Integer.toString(i)));
    }
    past.add(scheduled(N, FanOutScript.AGGREGATE));
    List<HistoryEvent> newEvents = List.of(orchestratorStarted(), completed(N, "6"));

    List<OrchestratorAction> actions = FanOutScript.decide(request(past, newEvents));

    assertEquals(1, actions.size());
    assertEquals(N + 1, actions.get(0).getId());
    CompleteOrchestrationAction complete = actions.get(0).getCompleteOrchestration();
    assertEquals(
        OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED, complete.getOrchestrationStatus());
    assertEquals(FanOutScript.expectedResult(N), complete.getResult().getValue());
  }

  @Test
  void aSecondCompletionOfOneTaskFailsTheOrchestration() {
    List<HistoryEvent> newEvents =
        List.of(orchestratorStarted(), completed(1, "1"), completed(1, "1"));

    List<OrchestratorAction> actions = FanOutScript.decide(request(fannedOut(), newEvents));

    CompleteOrchestrationAction complete = actions.get(0).getCompleteOrchestration();
    assertEquals(
        OrchestrationStatus.ORCHESTRATION_STATUS_FAILED, complete.getOrchestrationStatus());
    assertTrue(
        complete.getFailureDetails().getErrorMessage().contains("second completion for task 1"));
  }

  @Test
  void activitiesEchoTheirInputAndUnknownOnesFail() {
    ActivityRequest noop =
        ActivityRequest.newBuilder()
            .setName(FanOutScript.NOOP)
            .setInput(StringValue.of("7"))
            .setOrchestrationInstance(OrchestrationInstance.newBuilder().setInstanceId("x"))
            .setTaskId(7)
            .build();
    ActivityResponse echoed = FanOutScript.runActivity(noop).build();
    ActivityResponse unknown =
        FanOutScript.runActivity(noop.toBuilder().setName("other").build()).build();

    assertEquals("x", echoed.getInstanceId());
    assertEquals(7, echoed.getTaskId());
    assertEquals("7", echoed.getResult().getValue());
    assertTrue(unknown.hasFailureDetails());
  }

  private static OrchestratorRequest request(
      List<HistoryEvent> past, List<HistoryEvent> newEvents) {
    return OrchestratorRequest.newBuilder()
        .setInstanceId("x")
        .addAllPastEvents(past)
        .addAllNewEvents(newEvents)
        .build();
  }

  private static List<HistoryEvent> started() {
    return List.of(
        orchestratorStarted(),
        HistoryEvent.newBuilder()
            .setEventId(-1)
            .setExecutionStarted(
                ExecutionStartedEvent.newBuilder()
                    .setName(FanOutScript.ORCHESTRATION)
                    .setInput(StringValue.of(FanOutScript.input(N))))
            .build());
  }

  private static List<HistoryEvent> fannedOut() {
    List<HistoryEvent> history = new ArrayList<>(started());
    for (int i = 0; i < N; i++) {
      history.add(scheduled(i, FanOutScript.NOOP));
    }
    return history;
  }

  private static HistoryEvent orchestratorStarted() {
    return HistoryEvent.newBuilder()
        .setEventId(-1)
        .setOrchestratorStarted(OrchestratorStartedEvent.getDefaultInstance())
        .build();
  }

  private static HistoryEvent scheduled(int id, String name) {
    return HistoryEvent.newBuilder()
        .setEventId(id)
        .setTaskScheduled(TaskScheduledEvent.newBuilder().setName(name))
        .build();
  }

  private static HistoryEvent completed(int id, String result) {
    return HistoryEvent.newBuilder()
        .setEventId(-1)
        .setTaskCompleted(
            TaskCompletedEvent.newBuilder()
                .setTaskScheduledId(id)
                .setResult(StringValue.of(result)))
        .build();
  }
}
