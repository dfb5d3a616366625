package dev.taskhub.bench;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.TaskFailureDetails;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Workload W1 as a scripted orchestrator: fan out N {@code noop} activities (ids 0..N-1), then one
 * {@code aggregate} activity (id N), then complete (id N+1). The input is N; activity i gets input
 * i and echoes it, the aggregate gets the sum 0+1+...+(N-1) and echoes it, and the orchestration's
 * result is the aggregate's result, so the output proves every result reached the orchestration
 * exactly once under the right id.
 *
 * <p>Each decision is derived from the history in the work item alone (no state is kept between
 * episodes), in one pass over it, the way an SDK replays. Anything a correct scheduler would not
 * send (a duplicate or unknown completion, events out of order, a failed task) fails the
 * orchestration with a {@code BenchScriptError} naming the problem.
 */
final class FanOutScript {
  static final String ORCHESTRATION = "BenchFanOut";
  static final String NOOP = "noop";
  static final String AGGREGATE = "aggregate";

  private FanOutScript() {}

  /** The orchestration input for a fan-out of {@code n}. */
  static String input(int n) {
    return Integer.toString(n);
  }

  /** The output a correct run of fan-out {@code n} ends with. */
  static String expectedResult(int n) {
    return Long.toString((long) n * (n - 1) / 2);
  }

  /** The actions of the next episode, given the full history in {@code request}. */
  static List<OrchestratorAction> decide(OrchestratorRequest request) {
    History history = new History();
    try {
      request.getPastEventsList().forEach(history::apply);
      request.getNewEventsList().forEach(history::apply);
      history.checkScheduled();
    } catch (BenchException e) {
      return List.of(complete(history.completionId(), failed(e.getMessage())));
    }
    int n = history.n;
    if (!history.fannedOut) {
      List<OrchestratorAction> actions = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        actions.add(schedule(i, NOOP, Integer.toString(i)));
      }
      return actions;
    }
    if (history.aggregateResult != null) {
      CompleteOrchestrationAction.Builder done =
          CompleteOrchestrationAction.newBuilder()
              .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)
              .setResult(StringValue.of(history.aggregateResult));
      return List.of(complete(n + 1, done));
    }
    if (history.completed.cardinality() == n && !history.aggregateScheduled) {
      return List.of(schedule(n, AGGREGATE, Long.toString(history.sum)));
    }
    return List.of();
  }

  /** Runs an activity: both kinds echo their input at once. */
  static ActivityResponse.Builder runActivity(ActivityRequest request) {
    ActivityResponse.Builder response =
        ActivityResponse.newBuilder()
            .setInstanceId(request.getOrchestrationInstance().getInstanceId())
            .setTaskId(request.getTaskId());
    String name = request.getName();
    if (name.equals(NOOP) || name.equals(AGGREGATE)) {
      return response.setResult(request.getInput());
    }
    return response.setFailureDetails(
        TaskFailureDetails.newBuilder()
            .setErrorType("BenchScriptError")
            .setErrorMessage("The bench worker has no activity named '" + name + "'"));
  }

  private static OrchestratorAction schedule(int id, String name, String input) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setScheduleTask(
            ScheduleTaskAction.newBuilder().setName(name).setInput(StringValue.of(input)))
        .build();
  }

  private static OrchestratorAction complete(int id, CompleteOrchestrationAction.Builder action) {
    return OrchestratorAction.newBuilder().setId(id).setCompleteOrchestration(action).build();
  }

  private static CompleteOrchestrationAction.Builder failed(String reason) {
    return CompleteOrchestrationAction.newBuilder()
        .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
        .setFailureDetails(
            TaskFailureDetails.newBuilder()
                .setErrorType("BenchScriptError")
                .setErrorMessage(reason));
  }

  /** What the history says so far; {@link #apply} throws on anything W1 cannot explain. */
  private static final class History {
    int n = -1;
    boolean fannedOut;
    final BitSet scheduled = new BitSet();
    boolean aggregateScheduled;
    final BitSet completed = new BitSet();
    long sum;
    String aggregateResult;

    void apply(HistoryEvent event) {
      switch (event.getEventTypeCase()) {
        case ORCHESTRATORSTARTED, ORCHESTRATORCOMPLETED -> {}
        case EXECUTIONSTARTED -> started(event);
        case TASKSCHEDULED -> scheduled(event);
        case TASKCOMPLETED -> completed(event);
        case TASKFAILED ->
            throw new BenchException(
                "Task "
                    + event.getTaskFailed().getTaskScheduledId()
                    + " failed: "
                    + event.getTaskFailed().getFailureDetails().getErrorMessage());
        default ->
            throw new BenchException(
                "Unexpected "
                    + event.getEventTypeCase()
                    + " event (id "
                    + event.getEventId()
                    + ")");
      }
    }

    private void started(HistoryEvent event) {
      if (n >= 0) {
        throw new BenchException("A second ExecutionStarted event in one history");
      }
      String input = event.getExecutionStarted().getInput().getValue();
      try {
        n = Integer.parseInt(input.strip());
      } catch (NumberFormatException e) {
        throw new BenchException("The input '" + input + "' is not a fan-out size", e);
      }
      if (n < 1) {
        throw new BenchException("The fan-out size must be at least 1, not " + n);
      }
    }

    private void scheduled(HistoryEvent event) {
      requireStarted(event);
      int id = event.getEventId();
      String name = event.getTaskScheduled().getName();
      if (id >= 0 && id < n && name.equals(NOOP) && !scheduled.get(id)) {
        scheduled.set(id);
        fannedOut = true;
      } else if (id == n && name.equals(AGGREGATE) && !aggregateScheduled) {
        if (completed.cardinality() < n) {
          throw new BenchException("The aggregate was scheduled before every noop completed");
        }
        aggregateScheduled = true;
      } else {
        throw new BenchException("Unexpected TaskScheduled '" + name + "' with id " + id);
      }
    }

    private void completed(HistoryEvent event) {
      requireStarted(event);
      int id = event.getTaskCompleted().getTaskScheduledId();
      String result = event.getTaskCompleted().getResult().getValue();
      if (id == n) {
        if (!aggregateScheduled || aggregateResult != null) {
          throw new BenchException("An unexpected completion for the aggregate task " + id);
        }
        aggregateResult = result;
        return;
      }
      if (id < 0 || id >= n || !scheduled.get(id)) {
        throw new BenchException("A completion for task " + id + ", which was never scheduled");
      }
      if (completed.get(id)) {
        throw new BenchException("A second completion for task " + id);
      }
      completed.set(id);
      try {
        sum += Long.parseLong(result);
      } catch (NumberFormatException e) {
        throw new BenchException("Task " + id + " returned '" + result + "', not its input", e);
      }
    }

    private void requireStarted(HistoryEvent event) {
      if (n < 0) {
        throw new BenchException(event.getEventTypeCase() + " before ExecutionStarted");
      }
    }

    /** The fan-out is scheduled in one episode, so its TaskScheduled events are all or none. */
    void checkScheduled() {
      if (n < 0) {
        throw new BenchException("The history has no ExecutionStarted event");
      }
      if (fannedOut && scheduled.cardinality() != n) {
        throw new BenchException(
            "Only " + scheduled.cardinality() + " of " + n + " noop tasks are in the history");
      }
    }

    /** An action id no scheduled task uses: N+1 once N is known. */
    int completionId() {
      return n >= 0 ? n + 1 : 0;
    }
  }
}
