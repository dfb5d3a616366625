package dev.taskhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskhub.samples.fanout.AggregateResults;
import dev.taskhub.samples.fanout.FanOutFanInApp;
import dev.taskhub.samples.fanout.ProcessWorkItem;
import dev.taskhub.samples.fanout.SampleConfig;
import dev.taskhub.samples.fanout.WorkSimulator;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * W4: the seed sample as specified, the fan-out/fan-in app of {@code samples/fan-out-fan-in}
 * unmodified (its orchestrator, its two activities, its HTTP trigger, its SDK worker and client, in
 * this process) with the seed's work: 3 items, each sleeping a random 0.5-2.0 s. Each run is the
 * seed's {@code curl -X POST .../api/fan_out_fan_in -d '{}'}, then a wait for the instance's
 * completion; it counts only if the instance completed with the seed's summary of the 3 items.
 *
 * <p>What it proves is parallelism: the wall time is the slowest item's work plus the scheduler's
 * and SDK's overhead (target: at most 20 ms), not the sum of the items. {@code slowest} is the
 * longest of the 3 activity bodies as measured around the seed's simulated work in the worker.
 */
final class SeedBench {
  /** The seed's default items and random work (the sample's own defaults). */
  static final int ITEMS = 3;

  /**
   * What to run.
   *
   * @param connectionString the scheduler, as the SDK takes it
   * @param minWork each item's shortest work (the seed: 0.5 s)
   * @param maxWork each item's longest work (the seed: 2.0 s)
   */
  record Plan(
      String connectionString,
      int runs,
      int warmup,
      Duration timeout,
      Duration minWork,
      Duration maxWork,
      CpuSample.Processes measured) {}

  /**
   * One checked run; {@code steps} are read from its history after the wall time was taken, {@code
   * probed} is its CPU and RSS as the result line shows them.
   */
  record Run(long wallNanos, long slowestNanos, SeedSteps steps, RunMetrics usage, String probed) {
    double wallMillis() {
      return wallNanos / 1e6;
    }

    double slowestMillis() {
      return slowestNanos / 1e6;
    }

    double overheadMillis() {
      return (wallNanos - slowestNanos) / 1e6;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Plan plan;
  private final List<Run> measured = new ArrayList<>();

  /** The longest activity body of the current run, in nanoseconds. */
  private final AtomicLong slowest = new AtomicLong();

  SeedBench(Plan plan) {
    this.plan = plan;
  }

  /** Runs W4 and prints a line per run and the medians; the outcome ends at the first failure. */
  Outcome run() {
    System.out.printf(
        "W4 the seed sample (samples/fan-out-fan-in: %d items, %.1f-%.1f s of work each, through"
            + " its HTTP trigger): %d runs (+%d warm-up)%n",
        ITEMS,
        plan.minWork().toMillis() / 1e3,
        plan.maxWork().toMillis() / 1e3,
        plan.runs(),
        plan.warmup());
    WorkSimulator seeds = WorkSimulator.random(new Random(), plan.minWork(), plan.maxWork());
    WorkSimulator timed =
        item -> {
          long begin = System.nanoTime();
          WorkSimulator.Outcome outcome = seeds.work(item);
          slowest.accumulateAndGet(System.nanoTime() - begin, Math::max);
          return outcome;
        };
    SampleConfig config =
        SampleConfig.load(Map.of()).withConnectionString(plan.connectionString()).withPort(0);
    Optional<String> failure = Optional.empty();
    try (FanOutFanInApp app = FanOutFanInApp.start(config, timed);
        HttpClient http = HttpClient.newHttpClient()) {
      for (int i = 1 - plan.warmup(); i <= plan.runs(); i++) {
        String label = i <= 0 ? "warmup=" + (i + plan.warmup()) : "run=" + i;
        Run run = once(app, http);
        System.out.printf(
            "W4 items=%d %s wall=%.0f ms slowest item=%.0f ms overhead=%.1f ms%s%s%n",
            ITEMS,
            label,
            run.wallMillis(),
            run.slowestMillis(),
            run.overheadMillis(),
            run.steps().describe(),
            run.probed());
        if (i > 0) {
          measured.add(run);
        }
      }
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      failure = Optional.of(e.getMessage());
    }
    printMedians();
    return new Outcome(List.of(), failure);
  }

  private Run once(FanOutFanInApp app, HttpClient http) {
    slowest.set(0);
    RunProbe probe = RunProbe.start(plan.measured());
    long deadline = System.nanoTime() + plan.timeout().toNanos();
    long begin = System.nanoTime();
    String instanceId = trigger(app, http);
    OrchestrationMetadata done =
        SdkDriver.awaitCompletion(app.client(), instanceId, deadline, plan.timeout());
    long wall = System.nanoTime() - begin;
    CpuSample used = probe.finish();
    check(done);
    SeedSteps steps;
    try {
      steps =
          SeedSteps.of(
              app.client().history(instanceId), ProcessWorkItem.NAME, AggregateResults.NAME);
    } catch (TaskhubException e) {
      throw new BenchException("The history of " + instanceId + ": " + e.getMessage(), e);
    }
    return new Run(
        wall, slowest.get(), steps, new RunMetrics(wall, ITEMS, used, probe), probe.describe(used));
  }

  /** The seed's curl: POST {} to the trigger; the 202's body names the instance. */
  private String trigger(FanOutFanInApp app, HttpClient http) {
    try {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(app.triggerUri())
                  .header("Content-Type", "application/json")
                  .timeout(plan.timeout())
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 202) {
        throw new BenchException(
            "The trigger answered " + answer.statusCode() + ": " + answer.body());
      }
      return JSON.readTree(answer.body()).get("id").asText();
    } catch (IOException e) {
      throw new BenchException("POST " + app.triggerUri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("Interrupted during POST " + app.triggerUri(), e);
    }
  }

  /** The seed's summary of its 3 default items, all processed. */
  private static void check(OrchestrationMetadata done) {
    SdkDriver.requireCompleted(done);
    JsonNode summary;
    try {
      summary = JSON.readTree(done.serializedOutput());
    } catch (IOException | TaskhubException e) {
      throw new BenchException("Instance " + done.instanceId() + " has no summary output", e);
    }
    List<String> processed = new ArrayList<>();
    summary.path("processed_items").forEach(item -> processed.add(item.asText()));
    if (summary.path("total_items_processed").asInt() != ITEMS
        || !summary.path("success").asBoolean()
        || !processed.equals(List.of("Processed_Task1", "Processed_Task2", "Processed_Task3"))) {
      throw new BenchException(
          "Instance " + done.instanceId() + " completed with a wrong summary: " + summary);
    }
  }

  /** The measured runs so far (after {@link #run}: all that passed). */
  List<Run> measured() {
    return List.copyOf(measured);
  }

  private void printMedians() {
    if (measured.isEmpty()) {
      return;
    }
    Medians usage = Medians.of("W4", measured.stream().map(Run::usage).toList());
    System.out.printf(
        "%nW4 medians (history steps in ms: start to fan-out, last item's dispatch and answer beyond"
            + " its work, to aggregate, aggregate, to end)%n"
            + "%6s %6s %10s %11s %12s %13s %7s %7s %7s %7s %7s %15s%n"
            + "%6d %6d %10.0f %11.0f %12.1f %13.1f %7.0f %7.0f %7.0f %7.0f %7.0f %15s%n",
        "items",
        "runs",
        "wall ms",
        "slowest ms",
        "overhead ms",
        "max overhead",
        "fan-out",
        "item+",
        "to agg",
        "agg",
        "to end",
        Medians.PEAK_HEADER,
        ITEMS,
        measured.size(),
        median(Run::wallMillis),
        median(Run::slowestMillis),
        median(Run::overheadMillis),
        measured.stream().mapToDouble(Run::overheadMillis).max().orElse(0),
        median(run -> run.steps().toFanOutMillis()),
        median(run -> run.steps().lastItemMillis() - run.slowestMillis()),
        median(run -> run.steps().toAggregateMillis()),
        median(run -> run.steps().aggregateMillis()),
        median(run -> run.steps().toEndMillis()),
        PeakRss.mebibytes(usage.serverPeakRssBytes()));
  }

  private double median(ToDoubleFunction<Run> value) {
    return Stats.median(measured.stream().mapToDouble(value).toArray());
  }
}
