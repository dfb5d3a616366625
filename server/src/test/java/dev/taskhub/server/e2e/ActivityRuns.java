package dev.taskhub.server.e2e;

import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import dev.taskhub.server.testing.TestScheduler;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * The seed's work-item activity taking a set time per item, counting every run by worker and by
 * item: activities are at-least-once, so these counts show where work ran and what ran twice.
 */
final class ActivityRuns {
  private final ToLongFunction<String> millisPerItem;
  private final Map<String, AtomicInteger> perWorker = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perItem = new ConcurrentHashMap<>();
  private final AtomicInteger finished = new AtomicInteger();

  /**
   * @param millisPerItem how long the activity works on an item (it sleeps, like I/O)
   */
  ActivityRuns(ToLongFunction<String> millisPerItem) {
    this.millisPerItem = millisPerItem;
  }

  /** The work-item activity for one worker, as {@link SeedActivities#startWorkers} wants it. */
  TaskActivityFactory activityFor(String worker) {
    TaskActivity seed = SeedActivities.process().create();
    return SeedActivities.activity(
        SeedActivities.PROCESS,
        ctx -> {
          String item = ctx.getInput(String.class);
          perWorker.computeIfAbsent(worker, w -> new AtomicInteger()).incrementAndGet();
          perItem.computeIfAbsent(item, i -> new AtomicInteger()).incrementAndGet();
          work(millisPerItem.applyAsLong(item));
          Object result = seed.run(ctx);
          finished.incrementAndGet();
          return result;
        });
  }

  private static void work(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs that returned a result (whether or not the scheduler got it). */
  int finished() {
    return finished.get();
  }

  /** Runs started by the workers of one node. */
  int startedOn(TestScheduler node) {
    return perWorker.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(node.name() + "-w"))
        .mapToInt(entry -> entry.getValue().get())
        .sum();
  }

  /** Runs started, by worker name, sorted. */
  Map<String, Integer> perWorker() {
    Map<String, Integer> counts = new TreeMap<>();
    perWorker.forEach((worker, runs) -> counts.put(worker, runs.get()));
    return counts;
  }

  /** Runs started, by item. */
  Map<String, Integer> perItem() {
    Map<String, Integer> counts = new TreeMap<>();
    perItem.forEach((item, runs) -> counts.put(item, runs.get()));
    return counts;
  }

  /** The items of {@code expected} that no worker ever started, to tell undelivered work apart. */
  List<String> neverRun(Collection<String> expected) {
    return expected.stream().filter(item -> !perItem.containsKey(item)).toList();
  }

  /** How many items ran more than once. */
  long itemsRunMoreThanOnce() {
    return perItem.values().stream().filter(runs -> runs.get() > 1).count();
  }

  /** Prints runs per worker, items run twice, and items of the fan-outs no worker ever started. */
  void printReport(List<FanOuts.FanOut> fanOuts) {
    System.out.printf(
        "Work-item runs per worker: %s; items run more than once: %d%n",
        perWorker(), itemsRunMoreThanOnce());
    List<String> neverRun =
        neverRun(fanOuts.stream().flatMap(fanOut -> fanOut.items().stream()).toList());
    System.out.printf(
        "Items no worker ever started: %d %s%n",
        neverRun.size(), neverRun.subList(0, Math.min(20, neverRun.size())));
  }
}
