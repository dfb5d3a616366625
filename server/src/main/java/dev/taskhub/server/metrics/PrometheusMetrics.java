package dev.taskhub.server.metrics;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.EngineMetrics;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstanceKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final Timer stepLatency;
  private final MultiGauge instancesByStatus;
  private final MultiGauge queueDepth;

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
    Gauge.builder("taskhub.workers.connected", engine, Engine::connectedWorkers)
        .description("Connected GetWorkItems streams")
        .register(registry);
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
    for (String hub : engine.hubs()) {
      try {
        depths.add(
            MultiGauge.Row.of(
                Tags.of("hub", hub, "kind", "orchestration"), engine.readyInstanceCount(hub)));
        depths.add(
            MultiGauge.Row.of(
                Tags.of("hub", hub, "kind", "activity"), engine.readyActivityCount(hub)));
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
