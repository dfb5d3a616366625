package dev.taskhub.sdk;

import dev.taskhub.sdk.orchestration.RetryPolicy;
import dev.taskhub.sdk.orchestration.Task;
import dev.taskhub.sdk.orchestration.TaskFailedException;
import dev.taskhub.sdk.orchestration.TaskOptions;
import dev.taskhub.sdk.worker.Activity;
import dev.taskhub.sdk.worker.ActivityContext;
import dev.taskhub.sdk.worker.TaskhubWorker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** The orchestrations and activities the end-to-end tests run, one per context feature. */
final class Workflows {
  private Workflows() {}

  record Order(String id, Instant placedAt, Duration deadline, LocalDate day, List<String> items) {}

  record Decision(boolean approved, String by) {}

  record Stamp(UUID uuid, Instant at) {}

  record Progress(int step, String note) {}

  /** An activity written as a class rather than a lambda. */
  static final class Greeter implements Activity {
    @Override
    public Object run(ActivityContext context) {
      return "Hello, " + context.getInput(String.class) + " (task " + context.taskId() + ")";
    }
  }

  /** Attempts of the "FailsOnce" activity per instance id. */
  static final Map<String, AtomicInteger> FAILS_ONCE_ATTEMPTS = new ConcurrentHashMap<>();

  /** Attempts of the "Flaky" activity per instance id. */
  static final Map<String, AtomicInteger> FLAKY_ATTEMPTS = new ConcurrentHashMap<>();

  static TaskhubWorker.Builder register(TaskhubWorker.Builder worker) {
    return worker
        .addOrchestration(
            "Stamp",
            ctx -> ctx.callActivity("StampOrder", ctx.getInput(Order.class), Order.class).await())
        .addActivity(
            "StampOrder",
            Order.class,
            order ->
                new Order(
                    order.id() + "-stamped",
                    order.placedAt().plusSeconds(1),
                    order.deadline().multipliedBy(2),
                    order.day().plusDays(1),
                    order.items()))
        .addOrchestration(
            "Squares",
            ctx -> {
              int n = ctx.getInput(Integer.class);
              List<Task<Integer>> squares =
                  IntStream.rangeClosed(1, n)
                      .mapToObj(i -> ctx.callActivity("Square", i, Integer.class))
                      .toList();
              return ctx.allOf(squares).await();
            })
        .addActivity("Square", Integer.class, i -> i * i)
        .addActivity("Greet", new Greeter())
        .addOrchestration(
            "Rewindable",
            ctx -> {
              int before = ctx.callActivity("Square", 3, Integer.class).await();
              return before + ctx.callActivity("FailsOnce", null, Integer.class).await();
            })
        .addActivity(
            "FailsOnce",
            context -> {
              int attempt =
                  FAILS_ONCE_ATTEMPTS
                      .computeIfAbsent(context.instanceId(), id -> new AtomicInteger())
                      .incrementAndGet();
              if (attempt == 1) {
                throw new IllegalStateException("first attempt fails");
              }
              return 100;
            })
        .addOrchestration(
            "ParentOfWaiter",
            ctx ->
                ctx.callSubOrchestrator(
                        "Approval", null, ctx.instanceId() + "-child", null, Decision.class)
                    .await())
        .addOrchestration(
            "Greeting",
            ctx -> ctx.callActivity("Greet", ctx.getInput(String.class), String.class).await())
        .addOrchestration(
            "FailingChild",
            ctx -> {
              throw new IllegalStateException("child broke: " + ctx.getInput(String.class));
            })
        .addOrchestration(
            "ParentOfFailingChild",
            ctx -> {
              try {
                return ctx.callSubOrchestrator("FailingChild", "x", String.class).await();
              } catch (TaskFailedException e) {
                return e.taskName() + " -> " + e.failure();
              }
            })
        .addOrchestration(
            "Accumulate",
            ctx -> {
              int total = ctx.getInput(Integer.class);
              total += ctx.waitForExternalEvent("Add", Integer.class).await();
              if (total < 6) {
                ctx.continueAsNew(total);
              }
              return total;
            })
        .addOrchestration(
            "Race",
            ctx -> {
              Task<Void> timer = ctx.createTimer(Duration.ofHours(1));
              Task<String> quick = ctx.callActivity("Quick", null, String.class);
              Task<?> winner = ctx.anyOf(timer, quick).await();
              return winner == quick ? "activity:" + quick.await() : "timer";
            })
        .addActivity("Quick", context -> "fast")
        .addOrchestration(
            "Nap",
            ctx -> {
              Instant before = ctx.currentInstant();
              ctx.createTimer(Duration.ofMillis(300)).await();
              return Duration.between(before, ctx.currentInstant()).toMillis();
            })
        .addOrchestration(
            "Approval", ctx -> ctx.waitForExternalEvent("Approval", Decision.class).await())
        .addOrchestration(
            "ApprovalWithTimeout",
            ctx -> {
              try {
                return ctx.waitForExternalEvent("Approval", Duration.ofMillis(300), Decision.class)
                    .await()
                    .by();
              } catch (TaskhubException.Timeout e) {
                return "timed out";
              }
            })
        .addOrchestration(
            "Parent",
            ctx -> {
              Integer[] squares =
                  ctx.callSubOrchestrator("Squares", ctx.getInput(Integer.class), Integer[].class)
                      .await();
              return List.of(squares).stream().mapToInt(Integer::intValue).sum();
            })
        .addOrchestration(
            "Sender",
            ctx -> {
              ctx.sendEvent(ctx.getInput(String.class), "Ping", new Progress(1, "hello"));
              return "sent";
            })
        .addOrchestration(
            "Receiver", ctx -> ctx.waitForExternalEvent("Ping", Progress.class).await().note())
        .addOrchestration(
            "Counter",
            ctx -> {
              int count = ctx.getInput(Integer.class);
              if (count < 3) {
                ctx.continueAsNew(count + 1);
              }
              return count;
            })
        .addOrchestration(
            "Status",
            ctx -> {
              ctx.setCustomStatus(new Progress(1, "waiting for go"));
              ctx.waitForExternalEvent("Go", String.class).await();
              ctx.setCustomStatus(new Progress(2, "done"));
              return "finished";
            })
        .addOrchestration(
            "Logging",
            ctx -> {
              for (int step = 1; step <= 3; step++) {
                ctx.logger().info("step {} of {}", step, ctx.instanceId());
                ctx.callActivity("Square", step, Integer.class).await();
              }
              return "logged";
            })
        .addOrchestration(
            "Determinism",
            ctx -> {
              Stamp stamp = new Stamp(ctx.newUuid(), ctx.currentInstant());
              Stamp echoed = ctx.callActivity("Echo", stamp, Stamp.class).await();
              ctx.createTimer(Duration.ofMillis(10)).await();
              return echoed.equals(stamp)
                  && !ctx.isReplaying()
                  && !ctx.newUuid().equals(stamp.uuid());
            })
        .addActivity("Echo", Stamp.class, stamp -> stamp)
        .addOrchestration(
            "Retry",
            ctx -> {
              RetryPolicy policy =
                  RetryPolicy.of(ctx.getInput(Integer.class), Duration.ofMillis(50))
                      .withBackoffCoefficient(2.0);
              return ctx.callActivity("Flaky", null, TaskOptions.withRetry(policy), Integer.class)
                  .await();
            })
        .addActivity(
            "Flaky",
            context -> {
              int attempt =
                  FLAKY_ATTEMPTS
                      .computeIfAbsent(context.instanceId(), id -> new AtomicInteger())
                      .incrementAndGet();
              if (attempt < 3) {
                throw new IllegalStateException("attempt " + attempt + " failed");
              }
              return attempt;
            });
  }
}
