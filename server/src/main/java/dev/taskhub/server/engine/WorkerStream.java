package dev.taskhub.server.engine;

import dev.taskhub.protocol.HealthPing;
import dev.taskhub.protocol.WorkItem;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * One connected {@code GetWorkItems} stream and its credit window: how many orchestrations,
 * activities and entity batches it may hold at once, and how many it holds. Counters, {@code
 * leases} and the flags are guarded by its hub's lock ({@link HubWork}); sending goes through the
 * thread-safe sink.
 */
public final class WorkerStream {
  private static final WorkItem PING =
      WorkItem.newBuilder().setHealthPing(HealthPing.getDefaultInstance()).build();

  final long id;
  final String hub;
  private final WorkItemSink sink;
  private final Clock clock;
  final int maxOrchestrations;
  final int maxActivities;
  final int maxEntities;
  final int maxTotal;

  /** What the stream accepts; {@link WorkFilter#ALL} when it sent no filters. */
  final WorkFilter filter;

  final Set<Lease> leases = new HashSet<>();
  private int orchestrationsInFlight;
  private int activitiesInFlight;
  private int entitiesInFlight;
  boolean closed;

  /** Set when one of its leases expired: the worker stopped answering, so it gets nothing new. */
  boolean stalled;

  /**
   * Whether the worker understands HealthPing work items (the Java SDK 1.5.0 logs a warning each).
   */
  final boolean healthPings;

  /**
   * Whether the worker keeps orchestrations it ran warm, so that their next episodes may carry only
   * the history it has not seen ({@link WarmRuns}); set once, before the stream is added.
   */
  boolean keepsRunsWarm;

  private volatile long lastSentAt;

  WorkerStream(
      long id,
      String hub,
      WorkItemSink sink,
      Clock clock,
      int maxOrchestrations,
      int maxActivities,
      int maxEntities,
      int maxTotal,
      WorkFilter filter,
      boolean healthPings) {
    this.id = id;
    this.hub = hub;
    this.sink = sink;
    this.clock = clock;
    this.maxOrchestrations = maxOrchestrations;
    this.maxActivities = maxActivities;
    this.maxEntities = maxEntities;
    this.maxTotal = maxTotal;
    this.filter = filter;
    this.healthPings = healthPings;
    this.lastSentAt = clock.millis();
  }

  private boolean hasRoom() {
    return !closed
        && !stalled
        && orchestrationsInFlight + activitiesInFlight + entitiesInFlight < maxTotal
        && sink.isReady();
  }

  boolean canTakeOrchestration() {
    return orchestrationsInFlight < maxOrchestrations && hasRoom();
  }

  boolean canTakeActivity() {
    return activitiesInFlight < maxActivities && hasRoom();
  }

  boolean canTakeEntity() {
    return entitiesInFlight < maxEntities && hasRoom();
  }

  /** Takes one unit of entity credit (a batch is being prepared for the stream). */
  void takeEntityCredit() {
    entitiesInFlight++;
  }

  void returnEntityCredit() {
    entitiesInFlight--;
  }

  /** Takes one unit of orchestration credit (an episode is being prepared for the stream). */
  void takeOrchestrationCredit() {
    orchestrationsInFlight++;
  }

  void returnOrchestrationCredit() {
    orchestrationsInFlight--;
  }

  void takeActivityCredit() {
    activitiesInFlight++;
  }

  void returnActivityCredit() {
    activitiesInFlight--;
  }

  /**
   * Sends one work item; a stream that went away meanwhile drops it (its leases are given back).
   */
  void send(WorkItem item) {
    sink.send(item);
    lastSentAt = clock.millis();
  }

  /**
   * Sends a HealthPing if the worker understands them and nothing was sent for {@code idleMillis}.
   */
  void pingIfIdle(long idleMillis) {
    if (healthPings && !closed && clock.millis() - lastSentAt >= idleMillis) {
      send(PING);
    }
  }

  void close(WorkItemSink.StreamEnd reason) {
    sink.close(reason);
  }

  @Override
  public String toString() {
    return "stream " + id + " (" + hub + ")";
  }
}
