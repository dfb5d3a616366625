package dev.taskhub.bench;

import dev.taskhub.sdk.entity.Entity;
import dev.taskhub.sdk.entity.EntityInstanceId;
import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.sdk.orchestration.Task;
import dev.taskhub.sdk.worker.TaskhubWorker;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The orchestrations and activities the SDK worker hosts, written as an application would write
 * them, and the outputs a correct run ends with.
 *
 * <p>{@value #FAN_OUT} (W1, W2): calls {@value #NOOP} with {@code base + i} for i in 0..n-1, all in
 * parallel; passes the n results to {@value #AGGREGATE}, which sums them; returns the sum. The
 * output proves every result arrived exactly once; a distinct {@code base} per instance also proves
 * no result went to the wrong instance. {@value #INCREMENT_ONCE} (W3): one {@value #INCREMENT}
 * activity that adds 1 to the input.
 *
 * <p>{@value #COUNTER} (E1-E3) is an entity whose state is a {@link Tally}: its one operation,
 * {@value #ADD}, adds the input to the sum and 1 to the count, and returns the new tally (and
 * reports it to the run's {@link CounterTargets}). {@value #CALL_COUNTER} (E3) calls {@value #ADD}
 * on the counter its input names and returns what the call returned.
 */
final class SdkApp {
  static final String FAN_OUT = "BenchSdkFanOut";
  static final String INCREMENT_ONCE = "BenchSdkIncrementOnce";
  static final String NOOP = "noop";
  static final String AGGREGATE = "aggregate";
  static final String INCREMENT = "increment";
  static final String COUNTER = "BenchCounter";
  static final String ADD = "add";
  static final String CALL_COUNTER = "BenchSdkCallCounter";

  /** Input of {@value #CALL_COUNTER}: the key of the counter to call and the amount to add. */
  record CounterCall(String key, long amount) {}

  /** Input of {@value #FAN_OUT}. */
  record FanOut(int n, long base) {
    /** {@code n * base + 0 + 1 + ... + (n-1)}. */
    long expectedResult() {
      return n * base + (long) n * (n - 1) / 2;
    }
  }

  private static final Orchestration FAN_OUT_ORCHESTRATION =
      ctx -> {
        FanOut input = ctx.getInput(FanOut.class);
        List<Task<Long>> noops =
            LongStream.range(0, input.n())
                .mapToObj(i -> ctx.callActivity(NOOP, input.base() + i, Long.class))
                .toList();
        List<Long> results = ctx.allOf(noops).await();
        return ctx.callActivity(AGGREGATE, results, Long.class).await();
      };

  private static final Orchestration INCREMENT_ONCE_ORCHESTRATION =
      ctx -> ctx.callActivity(INCREMENT, ctx.getInput(Long.class), Long.class).await();

  private static final Orchestration CALL_COUNTER_ORCHESTRATION =
      ctx -> {
        CounterCall input = ctx.getInput(CounterCall.class);
        return ctx.callEntity(counter(input.key()), ADD, input.amount(), Tally.class).await();
      };

  private SdkApp() {}

  /** The bench counter with key {@code key}. */
  static EntityInstanceId counter(String key) {
    return EntityInstanceId.of(COUNTER, key);
  }

  /** The counter entity, reporting each tally it computes to {@code targets}. */
  private static Entity counterEntity(CounterTargets targets) {
    return operation -> {
      if (!operation.name().equals(ADD)) {
        throw new IllegalArgumentException(
            "The bench counter has no operation '" + operation.name() + "'");
      }
      Tally now = operation.getState(Tally.class, Tally.EMPTY).add(operation.getInput(Long.class));
      operation.setState(now);
      targets.applied(operation.context().entityId().key(), now);
      return now;
    };
  }

  /** The name of W2's fan-out under filtered name {@code k}. */
  static String fanOutName(int k) {
    return FAN_OUT + "-" + k;
  }

  /**
   * A worker hosting the bench's orchestrations and activities, not yet started; a null limit keeps
   * the SDK's default. It hosts the counter entity, which reports to {@code targets}. It sends
   * work-item filters for what it hosts if {@code filters}. With {@code filteredNames} > 0 it also
   * hosts the fan-out under each of those names and sends no filters: the unfiltered stream beside
   * the filtered workers.
   */
  static TaskhubWorker worker(
      String connectionString,
      Integer maxOrchestrations,
      Integer maxActivities,
      Integer maxEntities,
      boolean filters,
      int filteredNames,
      CounterTargets targets) {
    Entity counter = counterEntity(targets);
    TaskhubWorker.Builder builder =
        activities(
            TaskhubWorker.builder()
                .connectionString(connectionString)
                .addOrchestration(FAN_OUT, FAN_OUT_ORCHESTRATION)
                .addOrchestration(INCREMENT_ONCE, INCREMENT_ONCE_ORCHESTRATION)
                .addOrchestration(CALL_COUNTER, CALL_COUNTER_ORCHESTRATION)
                .addEntity(
                    COUNTER,
                    () -> {
                      // The worker asks for an entity per batch: this counts the batches.
                      targets.batchStarted();
                      return counter;
                    }));
    for (int k = 0; k < filteredNames; k++) {
      builder.addOrchestration(fanOutName(k), FAN_OUT_ORCHESTRATION);
    }
    builder.workItemFilters(filters && filteredNames == 0);
    if (maxOrchestrations != null) {
      builder.maxConcurrentOrchestrations(maxOrchestrations);
    }
    if (maxActivities != null) {
      builder.maxConcurrentActivities(maxActivities);
    }
    if (maxEntities != null) {
      builder.maxConcurrentEntities(maxEntities);
    }
    return builder.build();
  }

  /**
   * A worker that hosts only the fan-out under name {@code k} and the activities, and says so in
   * its work-item filters (the SDK's default); not yet started.
   */
  static TaskhubWorker filteredWorker(String connectionString, int k) {
    return activities(
            TaskhubWorker.builder()
                .connectionString(connectionString)
                .addOrchestration(fanOutName(k), FAN_OUT_ORCHESTRATION))
        .build();
  }

  private static TaskhubWorker.Builder activities(TaskhubWorker.Builder builder) {
    return builder
        .addActivity(NOOP, Long.class, value -> value)
        .addActivity(AGGREGATE, long[].class, values -> LongStream.of(values).sum())
        .addActivity(INCREMENT, Long.class, value -> value + 1);
  }
}
