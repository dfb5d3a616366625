package dev.taskhub.cli;

import dev.taskhub.sdk.ConnectionSettings;
import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.sdk.orchestration.Task;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The orchestrations the command tests drive, hosted by a Taskhub SDK worker: the seed's
 * fan-out/fan-in, one that waits for an event, one that fails until told not to (for rewind), and a
 * counter entity.
 */
final class Workflows {
  record ItemResult(String item, int value) {}

  record Summary(int items, int total, List<String> processed) {}

  /** While true, {@code MaybeFail} throws: {@code Flaky} fails until a test clears it. */
  static final AtomicBoolean FAILING = new AtomicBoolean(true);

  /** One activity per item in parallel, the progress as custom status, then the aggregate. */
  static final Orchestration FAN_OUT_FAN_IN =
      ctx -> {
        List<String> items = List.of(ctx.getInput(String[].class));
        ctx.setCustomStatus(Map.of("stage", "processing", "total", items.size()));
        List<Task<ItemResult>> work =
            items.stream()
                .map(item -> ctx.callActivity("ProcessItem", item, ItemResult.class))
                .toList();
        List<ItemResult> results = ctx.allOf(work).await();
        ctx.setCustomStatus(Map.of("stage", "aggregating", "total", items.size()));
        return ctx.callActivity("Aggregate", results, Summary.class).await();
      };

  /** Waits for the event {@code Approval} and returns what it carried. */
  static final Orchestration APPROVAL =
      ctx -> ctx.waitForExternalEvent("Approval", Object.class).await();

  /** Calls {@code MaybeFail} once. */
  static final Orchestration FLAKY =
      ctx -> ctx.callActivity("MaybeFail", null, String.class).await();

  private Workflows() {}

  static Summary aggregate(ItemResult[] results) {
    List<ItemResult> all = List.of(results);
    return new Summary(
        all.size(),
        all.stream().mapToInt(ItemResult::value).sum(),
        all.stream().map(ItemResult::item).toList());
  }

  /** A started worker hosting all of the above, stopped with the scheduler. */
  static TaskhubWorker startWorker(TestScheduler scheduler) {
    return scheduler.register(worker(scheduler.grpcPort()).build()).start();
  }

  /** A worker builder for a scheduler on {@code localhost:port}, hosting all of the above. */
  static TaskhubWorker.Builder worker(int port) {
    return TaskhubWorker.builder()
        .connection(ConnectionSettings.plaintext("localhost", port))
        .closeTimeout(Duration.ofSeconds(5))
        .addOrchestration("FanOutFanIn", FAN_OUT_FAN_IN)
        .addActivity("ProcessItem", String.class, item -> new ItemResult(item, 10 * item.length()))
        .addActivity("Aggregate", ItemResult[].class, Workflows::aggregate)
        .addOrchestration("Approval", APPROVAL)
        .addOrchestration("Flaky", FLAKY)
        .addActivity(
            "MaybeFail",
            context -> {
              if (FAILING.get()) {
                throw new IllegalStateException("the database is down");
              }
              return "fine";
            })
        .addEntity(
            "Counter",
            op ->
                switch (op.name()) {
                  case "add" -> {
                    int value = op.getState(int.class, 0) + op.getInput(int.class);
                    op.setState(value);
                    yield value;
                  }
                  case "get" -> op.getState(int.class, 0);
                  default -> throw new IllegalArgumentException("unknown operation " + op.name());
                });
  }
}
