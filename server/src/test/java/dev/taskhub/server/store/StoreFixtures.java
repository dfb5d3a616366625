package dev.taskhub.server.store;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.ExecutionCompletedEvent;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.protocol.TaskScheduledEvent;
import dev.taskhub.protocol.TimerCreatedEvent;
import dev.taskhub.protocol.TimerFiredEvent;
import dev.taskhub.server.engine.Events;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test data for the store contract: instances, events, activities and steps with plain values. */
final class StoreFixtures {
  /**
   * The time every test starts at (epoch ms); tests pass times explicitly, so no clock is needed.
   */
  static final long T0 = 1_700_000_000_000L;

  /** Later than any time a test uses: everything in an inbox is visible at this instant. */
  static final long FAR_FUTURE = T0 + 365L * 24 * 60 * 60 * 1000;

  static final String HUB = "default";

  private StoreFixtures() {}

  static InstanceKey key(String instanceId) {
    return new InstanceKey(HUB, instanceId);
  }

  /** The name and version of {@link #newInstance} instances. */
  static final WorkName GREET = new WorkName("Greet", "1.0");

  /** A new instance named "Greet" with input, tags and a parent, that starts at {@code startAt}. */
  static NewInstance newInstance(
      InstanceKey key, String executionId, long createdAt, long startAt) {
    return new NewInstance(
        key,
        executionId,
        "Greet",
        "1.0",
        "\"world\"",
        "parent-1",
        Map.of("team", "payments", "tier", "gold"),
        createdAt,
        startAt,
        executionStarted(key, executionId, "\"world\"", createdAt));
  }

  /** A new instance that starts as soon as it is created at {@link #T0}. */
  static NewInstance newInstance(InstanceKey key, String executionId) {
    return newInstance(key, executionId, T0, T0);
  }

  static HistoryEvent executionStarted(
      InstanceKey key, String executionId, String input, long now) {
    ExecutionStartedEvent.Builder started =
        ExecutionStartedEvent.newBuilder()
            .setName("Greet")
            .setOrchestrationInstance(
                OrchestrationInstance.newBuilder()
                    .setInstanceId(key.instanceId())
                    .setExecutionId(StringValue.of(executionId)));
    if (input != null) {
      started.setInput(StringValue.of(input));
    }
    return event(Events.NO_EVENT_ID, now).setExecutionStarted(started).build();
  }

  static HistoryEvent raised(String name, long now) {
    return Events.eventRaised(name, StringValue.of("\"" + name + "\""), now);
  }

  static HistoryEvent taskScheduled(int taskId, long now) {
    return event(taskId, now)
        .setTaskScheduled(TaskScheduledEvent.newBuilder().setName("SayHello"))
        .build();
  }

  static HistoryEvent taskCompleted(int taskId, String result, long now) {
    return Events.taskCompleted(taskId, StringValue.of(result), now);
  }

  static HistoryEvent timerCreated(int timerId, long fireAt, long now) {
    return event(timerId, now)
        .setTimerCreated(TimerCreatedEvent.newBuilder().setFireAt(Events.timestamp(fireAt)))
        .build();
  }

  static HistoryEvent timerFired(int timerId, long fireAt) {
    return event(Events.NO_EVENT_ID, fireAt)
        .setTimerFired(
            TimerFiredEvent.newBuilder().setTimerId(timerId).setFireAt(Events.timestamp(fireAt)))
        .build();
  }

  static HistoryEvent executionCompleted(OrchestrationStatus status, String result, long now) {
    return event(Events.NO_EVENT_ID, now)
        .setExecutionCompleted(
            ExecutionCompletedEvent.newBuilder()
                .setOrchestrationStatus(status)
                .setResult(StringValue.of(result)))
        .build();
  }

  /** The "SayHello" activity request a worker would receive for task {@code taskId}. */
  static ActivityTask activity(InstanceKey key, String executionId, int taskId) {
    ActivityRequest request =
        ActivityRequest.newBuilder()
            .setName("SayHello")
            .setInput(StringValue.of("\"task " + taskId + "\""))
            .setTaskId(taskId)
            .setOrchestrationInstance(
                OrchestrationInstance.newBuilder()
                    .setInstanceId(key.instanceId())
                    .setExecutionId(StringValue.of(executionId)))
            .build();
    return new ActivityTask(key, executionId, taskId, request);
  }

  /** The inbox ids of events, in order. */
  static List<Long> ids(List<InboxEvent> inbox) {
    return inbox.stream().map(InboxEvent::id).toList();
  }

  /** The events of inbox rows, in order. */
  static List<HistoryEvent> events(List<InboxEvent> inbox) {
    return inbox.stream().map(InboxEvent::event).toList();
  }

  /** A step computed from {@code current}: RUNNING, same generation, nothing else unless added. */
  static StepBuilder stepFrom(InstanceRecord current, long now) {
    return new StepBuilder(current.key(), current.executionId(), current.historyLength(), now)
        .customStatus(current.customStatus());
  }

  /**
   * A step for {@code key} computed from generation {@code executionId} at {@code historyLength}.
   */
  static StepBuilder stepFor(InstanceKey key, String executionId, int historyLength, long now) {
    return new StepBuilder(key, executionId, historyLength, now);
  }

  private static HistoryEvent.Builder event(int eventId, long now) {
    return HistoryEvent.newBuilder().setEventId(eventId).setTimestamp(Events.timestamp(now));
  }

  /** Builds an {@link OrchestrationStep} one effect at a time, starting from a stored row. */
  static final class StepBuilder {
    private final InstanceKey key;
    private String expectedExecutionId;
    private int expectedHistoryLength;
    private boolean resetHistory;
    private final List<HistoryEvent> history = new ArrayList<>();
    private final List<Long> consumed = new ArrayList<>();
    private String executionId;
    private OrchestrationStatus status = OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
    private String input;
    private String output;
    private String customStatus;
    private TaskFailureDetails failure;
    private final long now;
    private long completedAt;
    private final List<ActivityTask> activities = new ArrayList<>();
    private final List<InboxMessage> messages = new ArrayList<>();
    private final List<ChildInstance> children = new ArrayList<>();
    private boolean terminal;
    private OrchestrationTraceContext traceContext;

    private StepBuilder(InstanceKey key, String executionId, int historyLength, long now) {
      this.key = key;
      this.expectedExecutionId = executionId;
      this.expectedHistoryLength = historyLength;
      this.executionId = executionId;
      this.now = now;
    }

    StepBuilder expecting(String executionId, int historyLength) {
      this.expectedExecutionId = executionId;
      this.expectedHistoryLength = historyLength;
      return this;
    }

    StepBuilder append(HistoryEvent... events) {
      history.addAll(List.of(events));
      return this;
    }

    StepBuilder consume(List<Long> inboxIds) {
      consumed.addAll(inboxIds);
      return this;
    }

    StepBuilder consume(Long... inboxIds) {
      return consume(List.of(inboxIds));
    }

    StepBuilder status(OrchestrationStatus status) {
      this.status = status;
      return this;
    }

    StepBuilder input(String input) {
      this.input = input;
      return this;
    }

    StepBuilder customStatus(String customStatus) {
      this.customStatus = customStatus;
      return this;
    }

    StepBuilder schedule(ActivityTask... tasks) {
      activities.addAll(List.of(tasks));
      return this;
    }

    StepBuilder send(InstanceKey target, String executionId, long visibleAt, HistoryEvent event) {
      messages.add(new InboxMessage(target, executionId, visibleAt, event));
      return this;
    }

    /** Starts a sub-orchestration; {@code conflict} goes to the parent if its id is taken. */
    StepBuilder startChild(NewInstance child, HistoryEvent conflict) {
      children.add(new ChildInstance(child, key, conflict));
      return this;
    }

    /** Continue-as-new into generation {@code newExecutionId} with a fresh history. */
    StepBuilder continueAsNew(String newExecutionId, String newInput) {
      this.resetHistory = true;
      this.executionId = newExecutionId;
      this.input = newInput;
      this.status = OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW;
      return this;
    }

    /** Records the orchestration's span (null keeps the stored one). */
    StepBuilder traceContext(OrchestrationTraceContext context) {
      this.traceContext = context;
      return this;
    }

    /** Ends the instance with {@code status}; its remaining inbox and open activities go. */
    StepBuilder end(OrchestrationStatus status, String output, TaskFailureDetails failure) {
      this.status = status;
      this.output = output;
      this.failure = failure;
      this.completedAt = now;
      this.terminal = true;
      return this;
    }

    OrchestrationStep build() {
      return new OrchestrationStep(
          key,
          expectedExecutionId,
          expectedHistoryLength,
          resetHistory,
          List.copyOf(history),
          List.copyOf(consumed),
          new InstanceUpdate(
              executionId,
              status,
              input,
              output,
              customStatus,
              failure,
              now,
              completedAt,
              traceContext),
          List.copyOf(activities),
          List.copyOf(messages),
          List.copyOf(children),
          terminal);
    }
  }
}
