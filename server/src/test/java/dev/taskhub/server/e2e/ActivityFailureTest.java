package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.FailureDetails;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An activity that throws, in an orchestrator that does not catch it: the instance ends FAILED and
 * both the client and the stored history carry the activity's error.
 */
class ActivityFailureTest {
  private static final String ORCHESTRATOR = "process_in_sequence";

  private final TestScheduler server = TestScheduler.builder().start();
  private final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    server.close();
  }

  /** Processes the items one after another, so the first failure stops the rest. */
  private static TaskOrchestrationFactory sequence() {
    return SeedActivities.orchestration(
        ORCHESTRATOR,
        ctx -> {
          List<Object> results = new ArrayList<>();
          for (String item : ctx.getInput(String[].class)) {
            results.add(ctx.callActivity(SeedActivities.PROCESS, item, Object.class).await());
          }
          ctx.complete(results);
        });
  }

  /** The seed's work-item activity, except that Task2 throws. */
  private TaskActivityFactory failingOnTask2() {
    TaskActivity seed = SeedActivities.process().create();
    return SeedActivities.activity(
        SeedActivities.PROCESS,
        ctx -> {
          String item = ctx.getInput(String.class);
          ran.add(item);
          if (item.equals("Task2")) {
            throw new IllegalStateException("boom: " + item);
          }
          return seed.run(ctx);
        });
  }

  @Test
  void anActivityThatThrowsFailsTheInstanceWithTheActivitysError() throws Exception {
    OfficialSdk.startWorker(server, sequence(), failingOnTask2());
    DurableTaskClient client = OfficialSdk.client(server);

    String id =
        client.scheduleNewOrchestrationInstance(ORCHESTRATOR, List.of("Task1", "Task2", "Task3"));
    OrchestrationMetadata done = client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.FAILED);
    FailureDetails failure = done.getFailureDetails();
    assertThat(failure).isNotNull();
    // The SDK fails the orchestration with the TaskFailedException that await() threw; its
    // message quotes the activity's own.
    assertThat(failure.getErrorType()).isEqualTo("com.microsoft.durabletask.TaskFailedException");
    assertThat(failure.getErrorMessage()).contains("boom: Task2");
    assertThat(ran).containsExactly("Task1", "Task2");

    List<HistoryEvent> history = server.server().engine().history("default", id);
    assertThat(history.stream().filter(HistoryEvent::hasTaskFailed).toList())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getTaskFailed().getTaskScheduledId()).isEqualTo(1);
              TaskFailureDetails details = event.getTaskFailed().getFailureDetails();
              assertThat(details.getErrorType()).isEqualTo("java.lang.IllegalStateException");
              assertThat(details.getErrorMessage()).isEqualTo("boom: Task2");
            });
    assertThat(history.stream().filter(HistoryEvent::hasExecutionCompleted).toList())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getExecutionCompleted().getOrchestrationStatus())
                  .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
              assertThat(event.getExecutionCompleted().getFailureDetails().getErrorMessage())
                  .contains("boom: Task2");
            });
  }

  @Test
  void aFailedActivityInAFanOutFailsTheInstanceAndKeepsTheOtherResults() throws Exception {
    OfficialSdk.startWorker(
        server, SeedActivities.orchestrator(), failingOnTask2(), SeedActivities.aggregate());
    DurableTaskClient client = OfficialSdk.client(server);

    String id =
        client.scheduleNewOrchestrationInstance(
            SeedActivities.ORCHESTRATOR, List.of("Task1", "Task2", "Task3"));
    OrchestrationMetadata done = client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.FAILED);
    // allOf() waits for every task, then fails with the SDK's summary of the failures.
    assertThat(done.getFailureDetails().getErrorType())
        .isEqualTo("com.microsoft.durabletask.CompositeTaskFailedException");
    assertThat(ran).containsExactlyInAnyOrder("Task1", "Task2", "Task3");
    List<HistoryEvent> history = server.server().engine().history("default", id);
    assertThat(history.stream().filter(HistoryEvent::hasTaskFailed).toList())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getTaskFailed().getTaskScheduledId()).isEqualTo(1);
              assertThat(event.getTaskFailed().getFailureDetails().getErrorMessage())
                  .isEqualTo("boom: Task2");
            });
    assertThat(history.stream().filter(HistoryEvent::hasTaskCompleted))
        .extracting(event -> event.getTaskCompleted().getTaskScheduledId())
        .containsExactlyInAnyOrder(0, 2);
    // The aggregate (task 3) is never scheduled.
    assertThat(history).noneMatch(event -> event.hasTaskScheduled() && event.getEventId() == 3);
    assertThat(history.stream().filter(HistoryEvent::hasExecutionCompleted).toList())
        .singleElement()
        .extracting(event -> event.getExecutionCompleted().getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
  }
}
