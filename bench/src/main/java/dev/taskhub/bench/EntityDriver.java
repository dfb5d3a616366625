package dev.taskhub.bench;

import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.EntityMetadata;
import dev.taskhub.sdk.client.EntityQuery;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the entity workloads through the SDK's {@link TaskhubClient}: E1 and E2 send
 * signals to bench counters ({@link #signals}), E3 starts orchestrations that call them ({@link
 * #calls}). Every run uses counters of its own (keys {@code e1-<bench>-<run>-<k>}), so runs never
 * add up, and fails with a {@link BenchException} unless every counter ends with exactly its
 * expected {@link Tally}. With several clients (one per node), signal and instance k use client k
 * modulo their number; the counters are read through the first.
 */
final class EntityDriver {
  /**
   * One checked run.
   *
   * @param operations signals sent (E1, E2) or orchestrations run (E3)
   * @param wallNanos E1, E2: from the first signal until the saved states were confirmed; E3: from
   *     the first start until the last completion wait returned
   * @param sentNanos E1, E2: until the last signal was accepted; E3: as wallNanos
   */
  record Run(long operations, long wallNanos, long sentNanos) {
    double wallMillis() {
      return wallNanos / 1e6;
    }

    double operationsPerSecond() {
      return operations / (wallNanos / 1e9);
    }
  }

  /** Virtual threads sending the signals of a run, each one signal after the other. */
  static final int SENDERS = 32;

  /** Between two reads of the saved states once the entity has computed the final tallies. */
  private static final Duration CONFIRM_INTERVAL = Duration.ofMillis(5);

  private static final int PAGE_SIZE = 100;
  private static final int PROBLEMS_SHOWN = 5;

  private final List<TaskhubClient> clients;
  private final Duration timeout;
  private final CounterTargets targets;

  /** Tells this bench's counters from those of an earlier bench against the same scheduler. */
  private final String bench = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

  private int runs;

  EntityDriver(List<TaskhubClient> clients, Duration timeout, CounterTargets targets) {
    this.clients = List.copyOf(clients);
    this.timeout = timeout;
    this.targets = targets;
  }

  /**
   * E1 ({@code entities} = 1), E2: {@code signals} {@value SdkApp#ADD} signals from {@value
   * #SENDERS} virtual threads; signal i goes to counter i mod {@code entities} and adds i + 1. Done
   * when the entity has computed every counter's final tally and the saved states hold them.
   *
   * @throws BenchException if a signal is refused, or the counters do not hold exactly their sums
   *     (a lost or duplicated signal) within the timeout
   */
  Run signals(String workload, int signals, int entities) throws InterruptedException {
    String prefix = keyPrefix(workload);
    Map<String, Tally> expected = new HashMap<>();
    for (int i = 0; i < signals; i++) {
      expected.merge(prefix + i % entities, Tally.EMPTY.add(i + 1L), Tally::plus);
    }
    targets.expect(expected);
    long deadline = System.nanoTime() + timeout.toNanos();
    long begin = System.nanoTime();
    int senders = Math.min(SENDERS, signals);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> sending = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int first = s;
        sending.add(
            threads.submit(
                () -> {
                  for (int i = first; i < signals; i += senders) {
                    send(i, SdkApp.counter(prefix + i % entities), i + 1L);
                  }
                }));
      }
      for (Future<?> sender : sending) {
        sender.get();
      }
    } catch (ExecutionException e) {
      throw failure(workload, e);
    }
    long sent = System.nanoTime() - begin;
    if (!targets.await(deadline)) {
      throw wrong(workload, "did not reach their sums within " + timeout, expected, prefix);
    }
    confirm(workload, expected, prefix, deadline);
    return new Run(signals, System.nanoTime() - begin, sent);
  }

  /**
   * E3: {@code instances} orchestrations started at once, each on a virtual thread of its own;
   * instance i calls {@value SdkApp#ADD} on counter i mod {@code entities} with i + 1 and returns
   * the call's result.
   *
   * @throws BenchException if an instance fails or times out, the calls' results are not one serial
   *     history per counter (see {@link CounterCheck#serialHistories}), or the counters do not end
   *     with exactly their sums
   */
  Run calls(String workload, int instances, int entities) throws InterruptedException {
    String prefix = keyPrefix(workload);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Future<CounterCheck.Call>> running = new ArrayList<>(instances);
    List<CounterCheck.Call> calls = new ArrayList<>(instances);
    long begin = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < instances; i++) {
        SdkApp.CounterCall input = new SdkApp.CounterCall(prefix + i % entities, i + 1L);
        TaskhubClient client = client(i);
        running.add(threads.submit(() -> call(client, input, deadline)));
      }
      for (Future<CounterCheck.Call> call : running) {
        calls.add(call.get());
      }
    } catch (ExecutionException e) {
      throw failure(workload, e);
    }
    long wall = System.nanoTime() - begin;
    List<String> problems = CounterCheck.serialHistories(calls);
    if (!problems.isEmpty()) {
      throw new BenchException(
          workload
              + ": the calls' results are not one serial history per counter: "
              + shown(problems));
    }
    confirm(workload, CounterCheck.finalTallies(calls), prefix, deadline);
    return new Run(instances, wall, wall);
  }

  private String keyPrefix(String workload) {
    return workload.toLowerCase(Locale.ROOT) + "-" + bench + "-" + ++runs + "-";
  }

  private void send(int i, EntityInstanceId counter, long amount) {
    try {
      client(i).signalEntity(counter, SdkApp.ADD, amount);
    } catch (TaskhubException e) {
      throw new BenchException("Signal " + i + " to " + counter + " failed: " + e.getMessage(), e);
    }
  }

  private CounterCheck.Call call(TaskhubClient client, SdkApp.CounterCall input, long deadline) {
    String id;
    try {
      id = client.scheduleNewOrchestration(SdkApp.CALL_COUNTER, input);
    } catch (TaskhubException e) {
      throw new BenchException("Starting " + SdkApp.CALL_COUNTER + " failed: " + e.getMessage(), e);
    }
    OrchestrationMetadata done = awaitCompletion(client, id, deadline);
    if (done.status() != OrchestrationStatus.COMPLETED) {
      throw new BenchException(
          "Instance "
              + id
              + " ended "
              + done.status()
              + done.failure().map(failure -> ": " + failure).orElse(""));
    }
    Tally result = done.readOutputAs(Tally.class);
    if (result == null) {
      throw new BenchException("Instance " + id + " completed without output");
    }
    return new CounterCheck.Call(input.key(), input.amount(), result);
  }

  private OrchestrationMetadata awaitCompletion(TaskhubClient client, String id, long deadline) {
    return SdkDriver.awaitCompletion(client, id, deadline, timeout);
  }

  /**
   * Reads the saved states until they are exactly {@code expected}: a batch that computed the final
   * tallies may still be committing.
   */
  private void confirm(String workload, Map<String, Tally> expected, String prefix, long deadline)
      throws InterruptedException {
    while (!CounterCheck.mismatches(expected, saved(prefix, expected)).isEmpty()) {
      if (System.nanoTime() + CONFIRM_INTERVAL.toNanos() > deadline) {
        throw wrong(workload, "were not saved within " + timeout, expected, prefix);
      }
      Thread.sleep(CONFIRM_INTERVAL);
    }
  }

  /**
   * The saved tallies of the run's counters, by key: one read for a single counter, pages of an
   * entity query by the run's key prefix for several.
   */
  private Map<String, Tally> saved(String prefix, Map<String, Tally> expected) {
    TaskhubClient reader = clients.getFirst();
    Map<String, Tally> saved = new LinkedHashMap<>();
    try {
      if (expected.size() == 1) {
        String key = expected.keySet().iterator().next();
        reader
            .getEntity(SdkApp.counter(key), Tally.class)
            .map(EntityMetadata::state)
            .ifPresent(state -> saved.put(key, state));
        return saved;
      }
      EntityQuery query =
          EntityQuery.all()
              .withInstanceIdPrefix(SdkApp.counter(prefix).toString())
              .withPageSize(PAGE_SIZE);
      reader
          .queryEntities(query, Tally.class)
          .forEach(entity -> saved.put(entity.id().key(), entity.state()));
      return saved;
    } catch (TaskhubException e) {
      throw new BenchException("Reading the counters " + prefix + "* failed: " + e.getMessage(), e);
    }
  }

  private BenchException wrong(
      String workload, String what, Map<String, Tally> expected, String prefix) {
    List<String> problems = CounterCheck.mismatches(expected, saved(prefix, expected));
    return new BenchException(
        workload + ": the counters " + what + (problems.isEmpty() ? "" : ": " + shown(problems)));
  }

  private static String shown(List<String> problems) {
    String first =
        String.join("; ", problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())));
    return problems.size() > PROBLEMS_SHOWN
        ? first + " (and " + (problems.size() - PROBLEMS_SHOWN) + " more)"
        : first;
  }

  private static BenchException failure(String workload, ExecutionException e) {
    if (e.getCause() instanceof BenchException failure) {
      return failure;
    }
    return new BenchException(workload + " failed: " + e.getCause(), e.getCause());
  }

  private TaskhubClient client(int k) {
    return clients.get(k % clients.size());
  }
}
