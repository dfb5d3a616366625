package dev.taskhub.server.http;

import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Orchestrations for the HTTP and dashboard tests, written against the official Java SDK 1.5.0: the
 * seed's fan-out/fan-in (item "TaskN" is worth 10·N + 45 and takes {@code workTime(item)}), one
 * that waits for an external event, and one whose activity always fails.
 */
public final class Workflows {
  public static final String FAN_OUT = "fan_out_fan_in_orchestrator";
  public static final String PROCESS = "process_work_item";
  public static final String AGGREGATE = "aggregate_results";
  public static final String WAIT_FOR_APPROVAL = "wait_for_approval";
  public static final String APPROVAL_EVENT = "approval";
  public static final String ALWAYS_FAILS = "always_fails";
  public static final String BROKEN_ACTIVITY = "broken_activity";

  private Workflows() {}

  /** Every orchestration and activity above; activities of "TaskN" take {@code workTime}. */
  public static List<Object> all(Function<String, Duration> workTime) {
    return List.of(
        fanOut(),
        waitForApproval(),
        alwaysFails(),
        process(workTime),
        aggregate(),
        activity(
            BROKEN_ACTIVITY,
            ctx -> {
              throw new IllegalStateException("broken on purpose: " + ctx.getInput(String.class));
            }));
  }

  static TaskOrchestrationFactory fanOut() {
    return orchestration(
        FAN_OUT,
        ctx -> {
          String[] items = ctx.getInput(String[].class);
          List<Task<Object>> tasks = new ArrayList<>();
          for (String item : items) {
            tasks.add(ctx.callActivity(PROCESS, item, Object.class));
          }
          List<Object> results = ctx.allOf(tasks).await();
          ctx.complete(ctx.callActivity(AGGREGATE, results, Object.class).await());
        });
  }

  static TaskOrchestrationFactory waitForApproval() {
    return orchestration(
        WAIT_FOR_APPROVAL,
        ctx -> {
          ctx.setCustomStatus(Map.of("stage", "waiting for " + APPROVAL_EVENT));
          String approval = ctx.waitForExternalEvent(APPROVAL_EVENT, String.class).await();
          ctx.complete("approved by " + approval);
        });
  }

  static TaskOrchestrationFactory alwaysFails() {
    return orchestration(
        ALWAYS_FAILS,
        ctx -> ctx.complete(ctx.callActivity(BROKEN_ACTIVITY, "x", String.class).await()));
  }

  static TaskActivityFactory process(Function<String, Duration> workTime) {
    return activity(
        PROCESS,
        ctx -> {
          String item = ctx.getInput(String.class);
          try {
            // Simulated work, so that the timeline has something to show.
            Thread.sleep(workTime.apply(item));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("item", item);
          result.put("processed", "Processed_" + item);
          result.put("value", 10 * Integer.parseInt(item.replaceAll("\\D", "")) + 45);
          return result;
        });
  }

  @SuppressWarnings("unchecked")
  static TaskActivityFactory aggregate() {
    return activity(
        AGGREGATE,
        ctx -> {
          List<Map<String, Object>> results = ctx.getInput(List.class);
          int total = 0;
          for (Map<String, Object> result : results) {
            total += ((Number) result.get("value")).intValue();
          }
          Map<String, Object> summary = new LinkedHashMap<>();
          summary.put("total_items_processed", results.size());
          summary.put("total_value", total);
          summary.put("success", true);
          return summary;
        });
  }

  static TaskOrchestrationFactory orchestration(String name, TaskOrchestration body) {
    return new TaskOrchestrationFactory() {
      @Override
      public String getName() {
        return name;
      }

      @Override
      public TaskOrchestration create() {
        return body;
      }
    };
  }

  static TaskActivityFactory activity(String name, TaskActivity body) {
    return new TaskActivityFactory() {
      @Override
      public String getName() {
        return name;
      }

      @Override
      public TaskActivity create() {
        return body;
      }
    };
  }
}
