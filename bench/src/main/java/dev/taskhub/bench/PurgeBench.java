package dev.taskhub.bench;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * W1 while the retention purger deletes old instances (issue #16: "W1 throughput while 1,000,000
 * old instances are being purged stays within 10% of an idle store"), with the {@link
 * SyntheticWorker}, on one Taskhub scheduler with its HTTP API on.
 *
 * <ol>
 *   <li>Fills the hub with {@code old} TERMINATED instances ({@link OldInstances}) before the
 *       worker connects, and waits until {@code /metrics} counts them all; or, when {@code
 *       bench/run} wrote them into the store file before the scheduler started ({@link
 *       OldInstancesFile}), checks that it counts them.
 *   <li>Warm-up runs, then {@code runs} pairs: an <em>idle</em> run (the hub has no policy of its
 *       own, so the server's keeps everything; the bench first waits until the count of old
 *       instances stands still) and a <em>purging</em> run (the hub's policy is {@code policy}, set
 *       again every {@value #KICK_MILLIS} ms during the run: each change starts a purge pass, or
 *       another right after the one running, so the purger works flat out for the whole run). Both
 *       runs see the same store, less the few thousand the purging runs removed. A run counts only
 *       if the purger did what its side says: nothing purged during an idle run, something during a
 *       purging run; a pair with a run that does not count is left out, and printed so.
 *   <li>Then the policy stays, and the purger removes the rest at its own pace (a pass every 10 s
 *       of at most 5,000 x 20 instances per hub and status; passes follow each other while there is
 *       more). W1 runs {@code runs} times back to back at once (<em>own pace</em>: each run shows
 *       whether the purger removed any during it), then the purge is timed until none are left or
 *       {@code drainLimit} has passed, then W1 runs {@code runs} times more on the emptied store.
 * </ol>
 *
 * The counts come from {@code /metrics} ({@code taskhub_instances}), scraped between runs, never
 * during one (a scrape counts the hub's instances, which costs the scheduler CPU).
 */
final class PurgeBench {
  static final long KICK_MILLIS = 200;
  private static final String TERMINATED = "TERMINATED";
  private static final long QUIET_MILLIS = 500;
  private static final long DRAIN_POLL_MILLIS = 2_000;

  /**
   * @param old ended instances the purger deletes
   * @param n W1's fan-out size
   * @param policy the hub's retention policy while it purges, e.g. {@code terminated=1s}
   * @param drainLimit how long to wait for the purger to remove the rest at its own pace
   * @param filled the hub holds the old instances already ({@link OldInstancesFile} wrote them
   *     before the scheduler started); else the bench creates them ({@link OldInstances})
   */
  record Plan(
      int old,
      int n,
      int runs,
      int warmup,
      Duration timeout,
      String policy,
      Duration drainLimit,
      boolean filled,
      CpuSample.Processes measured) {}

  private final Endpoint target;
  private final SchedulerHttp http;
  private final SyntheticWorker.Settings settings;
  private final Plan plan;
  private final List<RunMetrics> idle = new ArrayList<>();
  private final List<RunMetrics> purging = new ArrayList<>();
  private final List<RunMetrics> ownPace = new ArrayList<>();
  private final List<RunMetrics> emptied = new ArrayList<>();
  private int ownPaceOverlaps;
  private long purgedDuringRuns;
  private long purgingNanos;

  PurgeBench(Endpoint target, String httpEndpoint, SyntheticWorker.Settings settings, Plan plan) {
    this.target = target;
    this.http =
        new SchedulerHttp(httpEndpoint, target.taskHub() == null ? "default" : target.taskHub());
    this.settings = settings;
    this.plan = plan;
  }

  /** Runs the phases and prints the results; the outcome ends at the first failure. */
  Outcome run() throws InterruptedException {
    System.out.printf(
        "W1 N=%d while purging %d old instances (policy %s) against %s: %d idle/purging pairs"
            + " (+%d warm-up), worker %d stream(s) x %d orchestrations / %d activities%n",
        plan.n(),
        plan.old(),
        plan.policy(),
        target,
        plan.runs(),
        plan.warmup(),
        settings.streams(),
        settings.maxOrchestrations(),
        settings.maxActivities());
    ManagedChannel channel = target.open();
    FanOutDriver driver = new FanOutDriver(channel, plan.timeout());
    Optional<String> failure = Optional.empty();
    try {
      http.clearRetention();
      long kept = http.instances(TERMINATED);
      if (plan.filled()) {
        if (kept < plan.old()) {
          throw new BenchException(
              "The hub holds " + kept + " TERMINATED instances, fewer than " + plan.old());
        }
        kept -= plan.old();
        System.out.printf(
            "Old instances: %d in the store before the scheduler started%n", plan.old());
      } else {
        prepare(channel, kept);
      }
      try (SyntheticWorker worker = SyntheticWorker.connect(List.of(target), settings)) {
        for (int i = 1; i <= plan.warmup(); i++) {
          measure(driver, worker, "warmup=" + i);
        }
        for (int run = 1; run <= plan.runs(); run++) {
          if (!pair(driver, worker, run, kept)) {
            break;
          }
        }
        http.setRetention(plan.policy());
        long drainBegin = System.nanoTime();
        CpuSample drainCpu = CpuSample.take(plan.measured());
        long drainStart = http.instances(TERMINATED) - kept;
        // No wait for the pass the change started: with a large backlog the 10 s timer's passes
        // follow it without a break (each asks for the next while it runs) until the hub is empty,
        // and the own-pace runs are meant to run beside them.
        for (int run = 1; run <= plan.runs(); run++) {
          long before = http.instances(TERMINATED);
          ownPace.add(measure(driver, worker, "own-pace run=" + run));
          long purged = before - http.instances(TERMINATED);
          ownPaceOverlaps += purged > 0 ? 1 : 0;
          System.out.printf("  old=%d purged during the run=%d%n", before - kept, purged);
        }
        if (drain(kept, drainBegin, drainCpu, drainStart)) {
          for (int run = 1; run <= plan.runs(); run++) {
            emptied.add(measure(driver, worker, "emptied run=" + run));
          }
        }
      }
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      failure = Optional.of(e.getMessage());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    List<Medians> medians = printMedians();
    return new Outcome(medians, failure);
  }

  private void prepare(ManagedChannel channel, long kept) throws InterruptedException {
    long begin = System.nanoTime();
    OldInstances.create(channel, plan.old());
    long answered = System.nanoTime();
    long target = kept + plan.old();
    long count = http.instances(TERMINATED);
    while (count < target) {
      if (System.nanoTime() - answered > plan.timeout().toNanos()) {
        throw new BenchException(
            "Only " + (count - kept) + " of " + plan.old() + " old instances ended TERMINATED");
      }
      Thread.sleep(QUIET_MILLIS);
      count = http.instances(TERMINATED);
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    System.out.printf(
        "Old instances: %d started and terminated in %.1f s (%.0f/s)%n",
        plan.old(), seconds, plan.old() / seconds);
  }

  /** One idle run and one purging run; false once no old instances are left to purge. */
  private boolean pair(FanOutDriver driver, SyntheticWorker worker, int run, long kept)
      throws InterruptedException {
    http.clearRetention();
    long before = quietCount();
    RunMetrics idleRun = measure(driver, worker, "idle run=" + run);
    long after = http.instances(TERMINATED);
    System.out.printf("  old=%d purged during the run=%d%n", before - kept, before - after);
    boolean idleCounts = after == before;

    http.setRetention(plan.policy());
    before = http.instances(TERMINATED);
    RunMetrics purgingRun;
    Kicker kicker = new Kicker();
    try {
      purgingRun = measure(driver, worker, "purging run=" + run);
    } finally {
      kicker.stop();
    }
    kicker
        .failure()
        .ifPresent(
            reason -> {
              throw new BenchException("Setting the retention policy failed: " + reason);
            });
    after = http.instances(TERMINATED);
    long purged = before - after;
    System.out.printf(
        "  old=%d purged during the run=%d (%.0f/s)%n",
        before - kept, purged, purged / (purgingRun.wallNanos() / 1e9));
    boolean purgingCounts = purged > 0 && after > kept;
    if (idleCounts && purgingCounts) {
      idle.add(idleRun);
      purging.add(purgingRun);
      purgedDuringRuns += purged;
      purgingNanos += purgingRun.wallNanos();
    } else {
      System.out.printf(
          "  pair %d left out: %s%n",
          run,
          !idleCounts
              ? "the purger was still deleting during the idle run"
              : "the purger ran out of old instances during the purging run");
    }
    return after > kept;
  }

  /** The count of TERMINATED instances once it stands still (a pass may still be finishing). */
  private long quietCount() throws InterruptedException {
    long count = http.instances(TERMINATED);
    while (true) {
      Thread.sleep(QUIET_MILLIS);
      long again = http.instances(TERMINATED);
      if (again == count) {
        return count;
      }
      count = again;
    }
  }

  /**
   * Lets the purger remove the rest at its own pace, from {@code begin} when the policy was set
   * with {@code start} old instances left; true if it did within the limit.
   */
  private boolean drain(long kept, long begin, CpuSample before, long start)
      throws InterruptedException {
    CpuSample.Processes processes = plan.measured();
    long left = http.instances(TERMINATED) - kept;
    long deadline = begin + plan.drainLimit().toNanos();
    while (left > 0 && System.nanoTime() < deadline) {
      Thread.sleep(DRAIN_POLL_MILLIS);
      left = http.instances(TERMINATED) - kept;
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    CpuSample used = CpuSample.take(processes).since(before);
    long removed = start - left;
    System.out.printf(
        "Drain at the purger's own pace: %d of %d left removed in %.1f s (%.0f/s)%s%s%n",
        removed,
        start,
        seconds,
        removed / seconds,
        used.servers()
            .map(
                cpu ->
                    String.format(
                        ", server cpu %.2fs (%.3f ms per instance)",
                        cpu.toNanos() / 1e9, removed == 0 ? 0 : cpu.toNanos() / 1e6 / removed))
            .orElse(""),
        left > 0 ? "; stopped waiting after " + plan.drainLimit() : "");
    return left == 0;
  }

  private RunMetrics measure(FanOutDriver driver, SyntheticWorker worker, String label) {
    long episodesBefore = worker.orchestrationItems();
    RunProbe probe = RunProbe.start(plan.measured());
    FanOutDriver.Run run = driver.run(plan.n());
    CpuSample used = probe.finish();
    worker
        .failure()
        .ifPresent(
            reason -> {
              throw new BenchException("The worker failed: " + reason);
            });
    System.out.printf(
        "W1 N=%d %s wall=%.0f ms activities/s=%.0f episodes=%d%s%n",
        plan.n(),
        label,
        run.wallMillis(),
        run.activitiesPerSecond(),
        worker.orchestrationItems() - episodesBefore,
        probe.describe(used));
    return new RunMetrics(run.wallNanos(), plan.n(), used, probe);
  }

  private List<Medians> printMedians() {
    List<Medians> medians = new ArrayList<>();
    String workload = "W1 N=" + plan.n() + " old=" + plan.old();
    System.out.printf(
        "%nW1 medians, N=%d, %d old instances%n%-10s %6s %10s %14s%s%n",
        plan.n(), plan.old(), "store", "runs", "wall ms", "activities/s", Medians.usageHeaders());
    for (Map.Entry<String, List<RunMetrics>> phase :
        List.of(
            Map.entry("idle", idle),
            Map.entry("purging", purging),
            Map.entry("own pace", ownPace),
            Map.entry("emptied", emptied))) {
      if (phase.getValue().isEmpty()) {
        continue;
      }
      Medians row = Medians.of(workload + " " + phase.getKey(), phase.getValue());
      medians.add(row);
      System.out.printf(
          "%-10s %6d %10.0f %14.0f%s%n",
          phase.getKey(),
          row.runs(),
          row.wallMillis(),
          row.activitiesPerSecond(),
          row.usageColumns());
    }
    if (!idle.isEmpty()) {
      Slowdown slowdown = Slowdown.of(idle, purging);
      System.out.printf(
          "purging / idle activities/s: medians %s, paired runs %s: %s%n",
          Slowdown.describe(slowdown.medianRatio()),
          Slowdown.describe(slowdown.pairedRatio()),
          slowdown.withinBound() ? "within 10%" : "NOT within 10%");
      System.out.printf(
          "purged during the purging runs: %d instances, %.0f/s%n",
          purgedDuringRuns, purgedDuringRuns / (purgingNanos / 1e9));
    }
    if (!idle.isEmpty() && !ownPace.isEmpty()) {
      System.out.printf(
          "own pace / idle activities/s: medians %s; %d of %d own-pace runs overlapped a purge"
              + " pass%n",
          Slowdown.describe(Slowdown.of(idle, ownPace).medianRatio()),
          ownPaceOverlaps,
          ownPace.size());
    }
    return medians;
  }

  /**
   * Sets the hub's policy again every {@value #KICK_MILLIS} ms until closed, so that purge passes
   * follow each other without the 10 s pause between them.
   */
  private final class Kicker {
    private final Thread thread;
    private volatile boolean stop;
    private volatile String failure;

    Kicker() {
      thread =
          Thread.ofVirtual()
              .name("retention-kicker")
              .start(
                  () -> {
                    while (!stop) {
                      try {
                        Thread.sleep(KICK_MILLIS);
                        if (!stop) {
                          http.setRetention(plan.policy());
                        }
                      } catch (InterruptedException e) {
                        return;
                      } catch (BenchException e) {
                        failure = e.getMessage();
                        return;
                      }
                    }
                  });
    }

    Optional<String> failure() {
      return Optional.ofNullable(failure);
    }

    void stop() throws InterruptedException {
      stop = true;
      thread.join();
    }
  }
}
