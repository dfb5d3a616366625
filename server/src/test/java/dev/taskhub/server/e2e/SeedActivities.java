package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The seed's fan-out/fan-in written against the official Java SDK 1.5.0, with deterministic values
 * so tests can check the aggregate exactly: item "TaskN" is worth 10·N + 45 (Task1..3 → 55, 65,
 * 75).
 */
final class SeedActivities {
  static final String ORCHESTRATOR = "fan_out_fan_in_orchestrator";
  static final String PROCESS = "process_work_item";
  static final String AGGREGATE = "aggregate_results";

  private SeedActivities() {}

  static int valueOf(String item) {
    return 10 * Integer.parseInt(item.replaceAll("\\D", "")) + 45;
  }

  static TaskOrchestrationFactory orchestrator() {
    return new TaskOrchestrationFactory() {
      @Override
      public String getName() {
        return ORCHESTRATOR;
      }

      @Override
      public TaskOrchestration create() {
        return ctx -> {
          String[] items = ctx.getInput(String[].class);
          List<Task<Object>> tasks = new ArrayList<>();
          for (String item : items) {
            tasks.add(ctx.callActivity(PROCESS, item, Object.class));
          }
          List<Object> results = ctx.allOf(tasks).await();
          ctx.complete(ctx.callActivity(AGGREGATE, results, Object.class).await());
        };
      }
    };
  }

  static TaskActivityFactory process() {
    return activity(
        PROCESS,
        ctx -> {
          String item = ctx.getInput(String.class);
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("item", item);
          result.put("processed", "Processed_" + item);
          result.put("value", valueOf(item));
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
          List<String> processed = new ArrayList<>();
          for (Map<String, Object> result : results) {
            total += ((Number) result.get("value")).intValue();
            processed.add((String) result.get("processed"));
          }
          Map<String, Object> summary = new LinkedHashMap<>();
          summary.put("total_items_processed", results.size());
          summary.put("total_value", total);
          summary.put("processed_items", processed);
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

  /** Starts an official-SDK worker of the seed's orchestrator and activities on the scheduler. */
  static DurableTaskGrpcWorker startWorker(TestScheduler scheduler) {
    return OfficialSdk.startWorker(scheduler, orchestrator(), process(), aggregate());
  }

  /**
   * Starts {@code count} seed workers (orchestrator and aggregate, plus the work-item activity
   * {@code workItemActivity} gives for each worker's name, {@code <scheduler name>-w<i>}) on the
   * scheduler.
   */
  static void startWorkers(
      TestScheduler scheduler, int count, Function<String, TaskActivityFactory> workItemActivity) {
    for (int i = 1; i <= count; i++) {
      OfficialSdk.startWorker(
          scheduler,
          orchestrator(),
          workItemActivity.apply(scheduler.name() + "-w" + i),
          aggregate());
    }
  }

  /**
   * Runs the seed's fan-out over Task1..Task3 with an official-SDK worker and client on {@code
   * channel} (one that carries credentials or TLS, say) and checks its summary.
   */
  static void runFanOutOver(Channel channel) throws Exception {
    DurableTaskGrpcWorker worker =
        new DurableTaskGrpcWorkerBuilder()
            .grpcChannel(channel)
            .addOrchestration(orchestrator())
            .addActivity(process())
            .addActivity(aggregate())
            .build();
    worker.start();
    try (DurableTaskClient client =
        new DurableTaskGrpcClientBuilder().grpcChannel(channel).build()) {
      List<String> items = List.of("Task1", "Task2", "Task3");
      String id = client.scheduleNewOrchestrationInstance(ORCHESTRATOR, items);
      assertAggregated(client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true), items);
    } finally {
      worker.stop();
    }
  }

  /** The orchestrator completed with the seed's summary of exactly these items, in order. */
  static void assertAggregated(OrchestrationMetadata done, List<String> items) {
    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    Map<?, ?> summary = done.readOutputAs(Map.class);
    assertThat(summary.get("total_items_processed")).isEqualTo(items.size());
    assertThat(summary.get("total_value"))
        .isEqualTo(items.stream().mapToInt(SeedActivities::valueOf).sum());
    assertThat(summary.get("processed_items"))
        .isEqualTo(items.stream().map(item -> "Processed_" + item).toList());
  }
}
