package dev.taskhub.server.dashboard;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.InstanceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an instance's timeline from its history: one item per scheduled activity,
 * sub-orchestration and timer, matched to its result by task id, with dispatch times from the
 * {@link ActivityClock} where it knows them.
 */
public final class Timeline {
  private final ActivityClock clock;

  public Timeline(ActivityClock clock) {
    this.clock = clock;
  }

  public List<TimelineItem> items(InstanceKey key, List<HistoryEvent> history) {
    Map<Integer, Builder> byTask = new LinkedHashMap<>();
    for (HistoryEvent event : history) {
      long at = Events.millis(event.getTimestamp());
      switch (event.getEventTypeCase()) {
        case TASKSCHEDULED -> {
          var scheduled = event.getTaskScheduled();
          byTask.put(
              event.getEventId(),
              new Builder("activity", event.getEventId(), scheduled.getName(), at)
                  .input(scheduled.hasInput() ? scheduled.getInput().getValue() : null));
        }
        case SUBORCHESTRATIONINSTANCECREATED -> {
          var created = event.getSubOrchestrationInstanceCreated();
          Builder item =
              new Builder("subOrchestration", event.getEventId(), created.getName(), at)
                  .input(created.hasInput() ? created.getInput().getValue() : null);
          item.childInstanceId = created.getInstanceId();
          byTask.put(event.getEventId(), item);
        }
        case TIMERCREATED -> {
          long fireAt = Events.millis(event.getTimerCreated().getFireAt());
          byTask.put(
              event.getEventId(),
              new Builder(
                  "timer", event.getEventId(), "timer until " + Instant.ofEpochMilli(fireAt), at));
        }
        case TASKCOMPLETED -> {
          var completed = event.getTaskCompleted();
          complete(byTask, completed.getTaskScheduledId(), at)
              .result(completed.hasResult() ? completed.getResult().getValue() : null);
        }
        case TASKFAILED -> {
          var failed = event.getTaskFailed();
          complete(byTask, failed.getTaskScheduledId(), at).failure(failed.getFailureDetails());
        }
        case SUBORCHESTRATIONINSTANCECOMPLETED -> {
          var completed = event.getSubOrchestrationInstanceCompleted();
          complete(byTask, completed.getTaskScheduledId(), at)
              .result(completed.hasResult() ? completed.getResult().getValue() : null);
        }
        case SUBORCHESTRATIONINSTANCEFAILED -> {
          var failed = event.getSubOrchestrationInstanceFailed();
          complete(byTask, failed.getTaskScheduledId(), at).failure(failed.getFailureDetails());
        }
        case TIMERFIRED -> complete(byTask, event.getTimerFired().getTimerId(), at);
        default -> {}
      }
    }
    List<TimelineItem> items = new ArrayList<>();
    for (Builder item : byTask.values()) {
      if (item.kind.equals("activity")) {
        ActivityClock.Times times = clock.of(key, item.taskId);
        // Task ids restart with each generation: only times after the scheduling are this task's.
        if (times != null && times.dispatchedAt() >= item.scheduledAt) {
          item.startedAt = times.dispatchedAt();
          item.startKnown = true;
          if (item.completedAt == 0 && times.completedAt() > 0) {
            item.completedAt = times.completedAt();
            item.state = "COMPLETED";
          } else if (item.completedAt == 0) {
            item.state = "RUNNING";
          }
        }
      } else if (item.completedAt == 0) {
        item.state = "RUNNING";
      }
      items.add(item.build());
    }
    return items;
  }

  private static Builder complete(Map<Integer, Builder> byTask, int taskId, long at) {
    Builder item = byTask.computeIfAbsent(taskId, id -> new Builder("activity", id, "?", at));
    item.completedAt = at;
    item.state = "COMPLETED";
    return item;
  }

  private static final class Builder {
    final String kind;
    final int taskId;
    final String name;
    final long scheduledAt;
    String childInstanceId;
    String input;
    long startedAt;
    long completedAt;
    String state = "SCHEDULED";
    String result;
    String failureType;
    String failureMessage;
    boolean startKnown;

    Builder(String kind, int taskId, String name, long scheduledAt) {
      this.kind = kind;
      this.taskId = taskId;
      this.name = name;
      this.scheduledAt = scheduledAt;
      this.startedAt = scheduledAt;
    }

    Builder input(String value) {
      input = value;
      return this;
    }

    Builder result(String value) {
      result = value;
      return this;
    }

    Builder failure(TaskFailureDetails failure) {
      state = "FAILED";
      failureType = failure.getErrorType();
      failureMessage = failure.getErrorMessage();
      return this;
    }

    TimelineItem build() {
      return new TimelineItem(
          kind,
          taskId,
          name,
          childInstanceId,
          input,
          scheduledAt,
          startedAt,
          completedAt,
          state,
          result,
          failureType,
          failureMessage,
          startKnown);
    }
  }
}
