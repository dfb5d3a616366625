package dev.taskhub.server.dashboard;

import dev.taskhub.server.engine.EngineMetrics;
import dev.taskhub.server.store.InstanceKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers when activities were dispatched to a worker and when their results arrived, which
 * history does not record (a {@code TaskScheduled} is stamped when the orchestrator asked, and the
 * result event joins history only at the next episode). In memory and bounded: the oldest entries
 * are forgotten first, and a restart forgets all; the timeline then falls back to history times.
 */
public final class ActivityClock implements EngineMetrics {
  private final int capacity;
  private final Map<Task, Times> times;

  public ActivityClock(int capacity) {
    this.capacity = capacity;
    this.times =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Task, Times> eldest) {
            return size() > ActivityClock.this.capacity;
          }
        };
  }

  /** When an activity went out and (if known) when its result came back; 0 when unknown. */
  public record Times(long dispatchedAt, long completedAt) {}

  private record Task(InstanceKey key, int taskId) {}

  @Override
  public void activityDispatched(InstanceKey key, int taskId, long epochMillis) {
    synchronized (times) {
      times.put(new Task(key, taskId), new Times(epochMillis, 0));
    }
  }

  @Override
  public void activityCompleted(InstanceKey key, int taskId, long epochMillis) {
    synchronized (times) {
      times.computeIfPresent(
          new Task(key, taskId), (task, known) -> new Times(known.dispatchedAt(), epochMillis));
    }
  }

  /** What is known of a task of an instance, or null. */
  public Times of(InstanceKey key, int taskId) {
    synchronized (times) {
      return times.get(new Task(key, taskId));
    }
  }
}
