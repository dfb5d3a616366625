package dev.taskhub.server.engine;

import dev.taskhub.protocol.HealthPing;
import dev.taskhub.protocol.WorkItem;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.HashSet;
import java.util.Set;

/**
 * One connected {@code GetWorkItems} stream and its credit window. Counters, {@code leases} and the
 * flags are guarded by the owning {@link Dispatcher}'s lock; sending is serialized on the stream.
 */
public final class WorkerStream {
  private static final WorkItem PING =
      WorkItem.newBuilder().setHealthPing(HealthPing.getDefaultInstance()).build();

  final long id;
  final String hub;
  private final ServerCallStreamObserver<WorkItem> observer;
  final int maxOrchestrations;
  final int maxActivities;
  final int maxTotal;
  final Set<Lease> leases = new HashSet<>();
  int orchestrationsInFlight;
  int activitiesInFlight;
  boolean closed;

  /** Set when one of its leases expired: the worker stopped answering, so it gets nothing new. */
  boolean stalled;

  /**
   * Whether the worker understands HealthPing work items (the Java SDK 1.5.0 logs a warning each).
   */
  final boolean healthPings;

  private volatile long lastSentAt;

  WorkerStream(
      long id,
      String hub,
      ServerCallStreamObserver<WorkItem> observer,
      int maxOrchestrations,
      int maxActivities,
      int maxTotal,
      boolean healthPings) {
    this.id = id;
    this.hub = hub;
    this.observer = observer;
    this.maxOrchestrations = maxOrchestrations;
    this.maxActivities = maxActivities;
    this.maxTotal = maxTotal;
    this.healthPings = healthPings;
  }

  private boolean hasRoom() {
    return !closed
        && !stalled
        && orchestrationsInFlight + activitiesInFlight < maxTotal
        && observer.isReady();
  }

  boolean canTakeOrchestration() {
    return orchestrationsInFlight < maxOrchestrations && hasRoom();
  }

  boolean canTakeActivity() {
    return activitiesInFlight < maxActivities && hasRoom();
  }

  /**
   * Sends one work item; a stream that was cancelled meanwhile drops it (its leases are given
   * back).
   */
  void send(WorkItem item) {
    synchronized (observer) {
      if (!observer.isCancelled()) {
        observer.onNext(item);
        lastSentAt = System.nanoTime();
      }
    }
  }

  /**
   * Sends a HealthPing if the worker understands them and nothing was sent for {@code idleNanos}.
   */
  void pingIfIdle(long idleNanos) {
    if (healthPings && !closed && System.nanoTime() - lastSentAt >= idleNanos) {
      send(PING);
    }
  }

  void fail(io.grpc.Status status) {
    synchronized (observer) {
      if (!observer.isCancelled()) {
        observer.onError(status.asRuntimeException());
      }
    }
  }

  @Override
  public String toString() {
    return "stream " + id + " (" + hub + ")";
  }
}
