package dev.taskhub.server.engine;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.InstanceKey;

/**
 * What the dispatcher reports as it works, for metrics and live views. Calls come from dispatch and
 * completion paths, some with the hub's lock held: implementations must be quick, thread-safe and
 * must not call back into the engine.
 */
public interface EngineMetrics {
  /** Reports nothing. */
  EngineMetrics NONE = new EngineMetrics() {};

  /** An orchestrator episode was sent to a worker. */
  default void orchestrationDispatched() {}

  /** An activity was sent to a worker at {@code epochMillis} (again, if it was given back). */
  default void activityDispatched(InstanceKey key, int taskId, long epochMillis) {}

  /** A worker's orchestrator answer was planned and committed, taking {@code nanos}. */
  default void orchestrationCompleted(long nanos) {}

  /** An activity's first completion was committed at {@code epochMillis}. */
  default void activityCompleted(InstanceKey key, int taskId, long epochMillis) {}

  /** Retention deleted {@code count} ended instances of this status (with their children). */
  default void retentionPurged(String hub, OrchestrationStatus status, int count) {}

  /** A schedule's run for a fire time started {@code lagMillis} after that time. */
  default void scheduleFired(String hub, long lagMillis) {}

  /** A worker's answer applied {@code count} actions of one kind (entity operations included). */
  default void actionsApplied(String hub, String kind, int count) {}

  /** A lease of this kind ({@code orchestration}, {@code activity}, {@code entity}) expired. */
  default void leaseExpired(String hub, String kind) {}

  /** A work item of this kind was given back past the poison limit and failed for good. */
  default void poisoned(String hub, String kind) {}

  /** The store committed {@code units} units of work in one transaction, taking {@code nanos}. */
  default void storeCommitted(int units, long nanos) {}

  /** Reports to each of {@code sinks} in turn. */
  static EngineMetrics all(EngineMetrics... sinks) {
    EngineMetrics[] copy = sinks.clone();
    return new EngineMetrics() {
      @Override
      public void orchestrationDispatched() {
        for (EngineMetrics sink : copy) {
          sink.orchestrationDispatched();
        }
      }

      @Override
      public void activityDispatched(InstanceKey key, int taskId, long epochMillis) {
        for (EngineMetrics sink : copy) {
          sink.activityDispatched(key, taskId, epochMillis);
        }
      }

      @Override
      public void orchestrationCompleted(long nanos) {
        for (EngineMetrics sink : copy) {
          sink.orchestrationCompleted(nanos);
        }
      }

      @Override
      public void activityCompleted(InstanceKey key, int taskId, long epochMillis) {
        for (EngineMetrics sink : copy) {
          sink.activityCompleted(key, taskId, epochMillis);
        }
      }

      @Override
      public void actionsApplied(String hub, String kind, int count) {
        for (EngineMetrics sink : copy) {
          sink.actionsApplied(hub, kind, count);
        }
      }

      @Override
      public void leaseExpired(String hub, String kind) {
        for (EngineMetrics sink : copy) {
          sink.leaseExpired(hub, kind);
        }
      }

      @Override
      public void poisoned(String hub, String kind) {
        for (EngineMetrics sink : copy) {
          sink.poisoned(hub, kind);
        }
      }

      @Override
      public void storeCommitted(int units, long nanos) {
        for (EngineMetrics sink : copy) {
          sink.storeCommitted(units, nanos);
        }
      }

      @Override
      public void scheduleFired(String hub, long lagMillis) {
        for (EngineMetrics sink : copy) {
          sink.scheduleFired(hub, lagMillis);
        }
      }

      @Override
      public void retentionPurged(String hub, OrchestrationStatus status, int count) {
        for (EngineMetrics sink : copy) {
          sink.retentionPurged(hub, status, count);
        }
      }
    };
  }
}
