package dev.taskhub.server.metrics;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.EngineMetrics;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstanceKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler's Prometheus metrics: work items dispatched and completed (counted as the engine
 * reports them), step latency (a histogram), and, read at each scrape, instances by status (one
 * grouped count per task hub), ready-queue depths and connected workers.
 */
public final class PrometheusMetrics implements EngineMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Engine engine;
  private final Counter orchestrationsDispatched;
  private final Counter activitiesDispatched;
  private final Counter orchestrationsCompleted;
  private final Counter activitiesCompleted;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> scheduleLag = new ConcurrentHashMap<>();
  private final Timer stepLatency;
  private final MultiGauge instancesByStatus;
  private final MultiGauge queueDepth;
  private final MultiGauge backlogAge;
  private final Timer commitLatency;
  private final DistributionSummary commitUnits;

  public PrometheusMetrics(Engine engine) {
    this.engine = engine;
    orchestrationsDispatched = workItems("dispatched", "orchestration");
    activitiesDispatched = workItems("dispatched", "activity");
    orchestrationsCompleted = workItems("completed", "orchestration");
    activitiesCompleted = workItems("completed", "activity");
    stepLatency =
        Timer.builder("taskhub.step.latency")
            .description("Time to plan and commit one orchestrator step")
            .publishPercentileHistogram()
            .register(registry);
    instancesByStatus =
        MultiGauge.builder("taskhub.instances")
            .description("Instances in the store by task hub and status")
            .register(registry);
    queueDepth =
        MultiGauge.builder("taskhub.queue.depth")
            .description("Work items ready and waiting for a worker")
            .register(registry);
    backlogAge =
        MultiGauge.builder("taskhub.backlog.age")
            .description("How long the longest-waiting ready work item of each kind has waited")
            .baseUnit("seconds")
            .register(registry);
    commitLatency =
        Timer.builder("taskhub.store.commit.latency")
            .description("Time from a commit's first statement to durable")
            .publishPercentileHistogram()
            .register(registry);
    commitUnits =
        DistributionSummary.builder("taskhub.store.commit.units")
            .description("Units of work per commit (group commit batches them on SQLite)")
            .publishPercentileHistogram()
            .register(registry);
    engine.nodeId().ifPresent(node -> registry.config().commonTags("node", node));
    Gauge.builder("taskhub.workers.connected", engine, Engine::connectedWorkers)
        .description("Connected GetWorkItems streams")
        .register(registry);
  }

  @Override
  public void actionsApplied(String hub, String kind, int count) {
    perHubAndKind(
            "taskhub.actions",
            "Actions applied, by kind, as the DTS counts them (entity operations included)",
            hub,
            kind)
        .increment(count);
  }

  @Override
  public void leaseExpired(String hub, String kind) {
    perHubAndKind(
            "taskhub.lease.expiries",
            "Leases that expired (the worker stopped answering) and were given back",
            hub,
            kind)
        .increment();
  }

  @Override
  public void poisoned(String hub, String kind) {
    perHubAndKind(
            "taskhub.poison.failures",
            "Work items failed for good after the poison limit of deliveries",
            hub,
            kind)
        .increment();
  }

  @Override
  public void storeCommitted(int units, long nanos) {
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    commitUnits.record(units);
  }

  @Override
  public void scheduleFired(String hub, long lagMillis) {
    scheduleLag
        .computeIfAbsent(
            hub,
            key ->
                Timer.builder("taskhub.schedule.lag")
                    .description("How long after its fire time a schedule's run was started")
                    .tag("hub", key)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(lagMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void retentionPurged(String hub, OrchestrationStatus status, int count) {
    Counter.builder("taskhub.retention.purged")
        .description("Ended instances retention deleted (sub-orchestrations included)")
        .tag("hub", hub)
        .tag("status", status.name().replace("ORCHESTRATION_STATUS_", ""))
        .register(registry)
        .increment(count);
  }

  /**
   * The counter of one hub and kind, registered on first use and kept here: action counts are
   * reported on every committed step, and a registry lookup per report builds an id each time.
   */
  private Counter perHubAndKind(String name, String description, String hub, String kind) {
    return counters.computeIfAbsent(
        name + '\n' + hub + '\n' + kind,
        key ->
            Counter.builder(name)
                .description(description)
                .tag("hub", hub)
                .tag("kind", kind)
                .register(registry));
  }

  private Counter workItems(String what, String kind) {
    return Counter.builder("taskhub.work.items." + what)
        .description("Work items " + what + " by kind")
        .tag("kind", kind)
        .register(registry);
  }

  /**
   * Refreshes the queue depths and the instance counts of every hub served now (hubs may be created
   * and deleted at run time) and renders every meter in Prometheus text.
   */
  public String scrape() {
    List<MultiGauge.Row<?>> depths = new ArrayList<>();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    List<MultiGauge.Row<?>> ages = new ArrayList<>();
    for (String hub : engine.hubs()) {
      try {
        depths.add(
            MultiGauge.Row.of(
                Tags.of("hub", hub, "kind", "orchestration"), engine.readyInstanceCount(hub)));
        depths.add(
            MultiGauge.Row.of(
                Tags.of("hub", hub, "kind", "activity"), engine.readyActivityCount(hub)));
        engine
            .backlogAge(hub)
            .forEach(
                (kind, millis) ->
                    ages.add(
                        MultiGauge.Row.of(Tags.of("hub", hub, "kind", kind), millis / 1000.0)));
      } catch (TaskhubException.NotFound deletedMeanwhile) {
        continue;
      }
      Map<OrchestrationStatus, Long> counts =
          engine.countByStatus(InstanceFilter.everyInstanceOf(hub));
      counts.forEach(
          (status, count) ->
              rows.add(
                  MultiGauge.Row.of(
                      Tags.of(
                          "hub", hub, "status", status.name().replace("ORCHESTRATION_STATUS_", "")),
                      count)));
    }
    queueDepth.register(depths, true);
    backlogAge.register(ages, true);
    instancesByStatus.register(rows, true);
    return registry.scrape();
  }

  @Override
  public void orchestrationDispatched() {
    orchestrationsDispatched.increment();
  }

  @Override
  public void activityDispatched(InstanceKey key, int taskId, long epochMillis) {
    activitiesDispatched.increment();
  }

  @Override
  public void orchestrationCompleted(long nanos) {
    orchestrationsCompleted.increment();
    stepLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void activityCompleted(InstanceKey key, int taskId, long epochMillis) {
    activitiesCompleted.increment();
  }
}
