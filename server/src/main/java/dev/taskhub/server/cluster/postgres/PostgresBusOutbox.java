package dev.taskhub.server.cluster.postgres;

import dev.taskhub.server.cluster.ClusterMessage;
import dev.taskhub.server.cluster.ClusterMessage.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages published but not yet sent, merged as they arrive: one entry per sender, kind, hub
 * and target, holding the union of its instance ids. So a WORK is sent once per hub, a RELAY once
 * per target, and the ids of all WAKEs (or CHANGEDs) of a hub travel together, however many were
 * published while the previous send ran.
 *
 * <p>Bounded by the number of instance ids held: a message whose ids do not fit is replaced by a
 * WORK for its hub, which makes the other nodes look at the hub's work in the database instead.
 */
final class PostgresBusOutbox {
  /** What a published message became. */
  enum Outcome {
    QUEUED,
    /** Its ids did not fit; a WORK for its hub is queued instead. */
    REPLACED_BY_WORK,
    /** The outbox is closed; nothing was queued. */
    DROPPED
  }

  private record Key(String fromNode, Kind kind, String hub, String targetNode) {}

  private final int maxInstanceIds;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private Map<Key, Set<String>> pending = new LinkedHashMap<>();
  private int pendingInstanceIds;
  private boolean closed;

  PostgresBusOutbox(int maxInstanceIds) {
    this.maxInstanceIds = maxInstanceIds;
  }

  /** Merges a message into what is pending; never waits for anything but a short lock. */
  Outcome add(ClusterMessage message) {
    lock.lock();
    try {
      if (closed) {
        return Outcome.DROPPED;
      }
      Outcome outcome;
      if (pendingInstanceIds + message.instanceIds().size() > maxInstanceIds) {
        pending.computeIfAbsent(
            new Key(message.fromNode(), Kind.WORK, message.hub(), null),
            key -> new LinkedHashSet<>());
        outcome = Outcome.REPLACED_BY_WORK;
      } else {
        Key key = new Key(message.fromNode(), message.kind(), message.hub(), message.targetNode());
        Set<String> ids = pending.computeIfAbsent(key, k -> new LinkedHashSet<>());
        for (String id : message.instanceIds()) {
          pendingInstanceIds += ids.add(id) ? 1 : 0;
        }
        outcome = Outcome.QUEUED;
      }
      changed.signal();
      return outcome;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until something is pending or the outbox is closed, and takes everything pending, one
   * merged message per entry.
   *
   * @return the merged messages; empty only when the outbox is closed and nothing is left
   * @throws InterruptedException if interrupted while waiting
   */
  List<ClusterMessage> takeAll() throws InterruptedException {
    Map<Key, Set<String>> taken;
    lock.lock();
    try {
      while (pending.isEmpty() && !closed) {
        changed.await();
      }
      taken = pending;
      pending = new LinkedHashMap<>();
      pendingInstanceIds = 0;
    } finally {
      lock.unlock();
    }
    List<ClusterMessage> messages = new ArrayList<>(taken.size());
    taken.forEach(
        (key, ids) ->
            messages.add(
                new ClusterMessage(
                    key.fromNode(), key.kind(), key.hub(), List.copyOf(ids), key.targetNode())));
    return messages;
  }

  /** Refuses further messages and wakes {@link #takeAll}; what is pending can still be taken. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
