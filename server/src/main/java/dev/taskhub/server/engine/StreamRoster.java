package dev.taskhub.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One task hub's connected worker streams, served round-robin: each dispatch round starts one
 * stream further than the last, so no stream is always first in line. Not thread-safe: the hub's
 * lock ({@link HubWork}) guards it.
 */
final class StreamRoster {
  /** The most work of one kind a node queues from a shared store at a time. */
  static final int MAX_CLAIM_BATCH = 512;

  private final List<WorkerStream> streams = new ArrayList<>();
  private int cursor;

  void add(WorkerStream stream) {
    streams.add(stream);
  }

  void remove(WorkerStream stream) {
    streams.remove(stream);
  }

  boolean isEmpty() {
    return streams.isEmpty();
  }

  int size() {
    return streams.size();
  }

  /**
   * True if a stream other than {@code stream} that can still be sent work has a filter {@code
   * takes}.
   */
  boolean anotherTakes(WorkerStream stream, Predicate<WorkFilter> takes) {
    for (WorkerStream other : streams) {
      if (other != stream && !other.stalled && takes.test(other.filter)) {
        return true;
      }
    }
    return false;
  }

  /** How many connected streams have a filter {@code takes}. */
  int countTaking(Predicate<WorkFilter> takes) {
    int count = 0;
    for (WorkerStream stream : streams) {
      if (takes.test(stream.filter)) {
        count++;
      }
    }
    return count;
  }

  List<WorkerStream> snapshot() {
    return List.copyOf(streams);
  }

  /** The streams in the order of the next dispatch round. */
  List<WorkerStream> nextRound() {
    int count = streams.size();
    List<WorkerStream> round = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      round.add(streams.get(Math.floorMod(cursor + i, count)));
    }
    cursor++;
    return round;
  }

  /** Episodes worth keeping queued: one per orchestration slot of the streams (at least 4). */
  int wantedInstances() {
    int slots = 0;
    for (WorkerStream stream : streams) {
      slots += Math.min(stream.maxOrchestrations, stream.maxTotal);
    }
    return Math.min(Math.max(4, slots), MAX_CLAIM_BATCH);
  }

  /** Activities worth keeping queued: two per activity slot (at least 8), so workers never idle. */
  int wantedActivities() {
    int slots = 0;
    for (WorkerStream stream : streams) {
      slots += Math.min(stream.maxActivities, stream.maxTotal);
    }
    return Math.min(Math.max(8, 2 * slots), MAX_CLAIM_BATCH);
  }
}
