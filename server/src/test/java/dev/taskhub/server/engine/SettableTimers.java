package dev.taskhub.server.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * {@link Timers} on a clock that moves only when a test says so. {@link #advance} runs every task
 * that falls due on the caller's thread, in time order, with the clock set to each task's instant
 * while it runs: timers, lease expiry, poison limits and node leases happen with no real waiting.
 */
public final class SettableTimers implements Timers {
  private final PriorityQueue<Scheduled> due = new PriorityQueue<>();
  private volatile long now;
  private long sequence;
  private boolean closed;

  private record Scheduled(long at, long sequence, Runnable task, long periodMillis)
      implements Comparable<Scheduled> {
    @Override
    public int compareTo(Scheduled other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  public SettableTimers(Instant start) {
    this.now = start.toEpochMilli();
  }

  /** Timers starting at a fixed, recent instant. */
  public static SettableTimers startingAt2026() {
    return new SettableTimers(Instant.parse("2026-12-01T08:00:00Z"));
  }

  @Override
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the settable clock is UTC");
      }

      @Override
      public long millis() {
        return now;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now);
      }
    };
  }

  public long millis() {
    return now;
  }

  @Override
  public synchronized void at(long epochMillis, Runnable task) {
    schedule(epochMillis, task, 0);
  }

  @Override
  public synchronized void every(long periodMillis, Runnable task) {
    schedule(now + periodMillis, task, periodMillis);
  }

  private void schedule(long at, Runnable task, long periodMillis) {
    if (!closed) {
      due.add(new Scheduled(at, sequence++, task, periodMillis));
    }
  }

  /**
   * Moves the clock forward by {@code duration}, running every task due by then (tasks that
   * schedule more due tasks have them run too).
   */
  public void advance(Duration duration) {
    long target = now + duration.toMillis();
    while (true) {
      Scheduled next;
      synchronized (this) {
        next = due.peek();
        if (next == null || next.at() > target || closed) {
          break;
        }
        due.poll();
        now = Math.max(now, next.at());
        if (next.periodMillis() > 0) {
          schedule(next.at() + next.periodMillis(), next.task(), next.periodMillis());
        }
      }
      next.task().run();
    }
    now = Math.max(now, target);
  }

  /** Tasks scheduled and not yet run (periodic ones count once). */
  public synchronized int pending() {
    return due.size();
  }

  @Override
  public synchronized void close() {
    closed = true;
    due.clear();
  }
}
