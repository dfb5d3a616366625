package dev.taskhub.bench;

import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The client side of W1-W3 through the SDK's {@link TaskhubClient}: starts orchestrations, waits
 * for them and checks that each completed with the right output. Times run from just before the
 * first start call to the return of the last completion wait. With several clients (one per node of
 * a cluster), orchestrations are started and awaited on each in turn: W1's runs alternate, W2's and
 * W3's instance k uses client k modulo their number.
 */
final class SdkDriver {
  /** One checked W2 run: {@code instances} fan-outs of 3 started at once. */
  record BatchRun(int instances, long wallNanos) {
    double wallMillis() {
      return wallNanos / 1e6;
    }

    double orchestrationsPerSecond() {
      return instances / (wallNanos / 1e9);
    }
  }

  /** One checked W3 run: start-to-completion latency percentiles of sequential orchestrations. */
  record SequenceRun(int instances, long wallNanos, double p50Millis, double p99Millis) {
    double wallMillis() {
      return wallNanos / 1e6;
    }
  }

  /** W2's orchestrations have the seed's shape: 3 activities, then the aggregate. */
  static final int W2_FAN_OUT = 3;

  private final List<TaskhubClient> clients;
  private final Duration timeout;
  private int fanOuts;

  /** W2's orchestration names: the fan-out under this many names in turn (0: its own name). */
  private final int w2Names;

  SdkDriver(List<TaskhubClient> clients, Duration timeout, int w2Names) {
    this.clients = List.copyOf(clients);
    this.timeout = timeout;
    this.w2Names = w2Names;
  }

  /**
   * W1: one fan-out of {@code n} activities.
   *
   * @throws BenchException if a call fails, the run exceeds the timeout, or the instance ends other
   *     than COMPLETED with the expected sum
   */
  FanOutDriver.Run fanOut(int n) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long begin = System.nanoTime();
    runFanOut(client(fanOuts++), new SdkApp.FanOut(n, 0), deadline);
    return new FanOutDriver.Run(n, System.nanoTime() - begin);
  }

  /**
   * W2: {@code instances} fan-outs of {@value #W2_FAN_OUT}, each started and awaited on a virtual
   * thread of its own so that all are in flight at once. Instance k adds {@code 1000 * k} to its
   * activities' inputs, so each has a distinct expected output.
   *
   * @throws BenchException for the first instance (in start order) that failed or was wrong
   */
  BatchRun manyAtOnce(int instances) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Future<?>> runs = new ArrayList<>(instances);
    long begin = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int k = 0; k < instances; k++) {
        SdkApp.FanOut input = new SdkApp.FanOut(W2_FAN_OUT, 1000L * k);
        TaskhubClient client = client(k);
        String name = w2Names == 0 ? SdkApp.FAN_OUT : SdkApp.fanOutName(k % w2Names);
        runs.add(threads.submit(() -> runFanOut(client, name, input, deadline)));
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BenchException failure) {
        throw failure;
      }
      throw new BenchException("A W2 instance failed: " + e.getCause(), e.getCause());
    }
    return new BatchRun(instances, System.nanoTime() - begin);
  }

  /**
   * W3: {@code instances} one-activity orchestrations, one after the other: start, wait for
   * completion, next. Instance k gets input k and must return k + 1.
   *
   * @throws BenchException if a call fails, the run exceeds the timeout, or an output is wrong
   */
  SequenceRun sequential(int instances) {
    long deadline = System.nanoTime() + timeout.toNanos();
    double[] latencyMillis = new double[instances];
    long begin = System.nanoTime();
    for (int k = 0; k < instances; k++) {
      long start = System.nanoTime();
      TaskhubClient client = client(k);
      String id = start(client, SdkApp.INCREMENT_ONCE, (long) k);
      check(awaitCompletion(client, id, deadline), k + 1L);
      latencyMillis[k] = (System.nanoTime() - start) / 1e6;
    }
    long wall = System.nanoTime() - begin;
    return new SequenceRun(
        instances, wall, Stats.percentile(50, latencyMillis), Stats.percentile(99, latencyMillis));
  }

  private TaskhubClient client(int k) {
    return clients.get(k % clients.size());
  }

  private void runFanOut(TaskhubClient client, SdkApp.FanOut input, long deadline) {
    runFanOut(client, SdkApp.FAN_OUT, input, deadline);
  }

  private void runFanOut(TaskhubClient client, String name, SdkApp.FanOut input, long deadline) {
    String id = start(client, name, input);
    check(awaitCompletion(client, id, deadline), input.expectedResult());
  }

  private String start(TaskhubClient client, String orchestration, Object input) {
    try {
      return client.scheduleNewOrchestration(orchestration, input);
    } catch (TaskhubException e) {
      throw new BenchException("Starting " + orchestration + " failed: " + e.getMessage(), e);
    }
  }

  private OrchestrationMetadata awaitCompletion(TaskhubClient client, String id, long deadline) {
    return awaitCompletion(client, id, deadline, timeout);
  }

  /**
   * Waits for the instance until {@code deadline} ({@link System#nanoTime()}); the bench fails,
   * naming {@code timeout}, if it has not completed by then.
   */
  static OrchestrationMetadata awaitCompletion(
      TaskhubClient client, String id, long deadline, Duration timeout) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new BenchException("Instance " + id + " did not complete within " + timeout);
    }
    try {
      return client.waitForCompletion(id, Duration.ofNanos(left));
    } catch (TaskhubException.Timeout e) {
      throw new BenchException("Instance " + id + " did not complete within " + timeout, e);
    } catch (TaskhubException e) {
      throw new BenchException("Waiting for instance " + id + " failed: " + e.getMessage(), e);
    }
  }

  /** Fails the run unless the instance completed (a failure says how it ended). */
  static void requireCompleted(OrchestrationMetadata done) {
    if (done.status() != OrchestrationStatus.COMPLETED) {
      throw new BenchException(
          "Instance "
              + done.instanceId()
              + " ended "
              + done.status()
              + done.failure().map(failure -> ": " + failure).orElse(""));
    }
  }

  private static void check(OrchestrationMetadata done, long expected) {
    requireCompleted(done);
    String actual = done.serializedOutput();
    if (!Long.toString(expected).equals(actual)) {
      throw new BenchException(
          "Instance " + done.instanceId() + " completed with " + actual + ", expected " + expected);
    }
  }
}
