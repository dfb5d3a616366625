package dev.taskhub.server.engine;

import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The instances of one task hub that have work, and the line of those ready for a worker. Not
 * thread-safe: the hub's lock ({@link HubWork}) guards it.
 *
 * <p>An instance is absent (nothing to do), <em>queued</em> (ready, waiting for a stream) or <em>in
 * flight</em> (an episode is being prepared, is out with a worker or is being applied, or a
 * server-side step runs); never queued and in flight at once, so at most one episode per instance
 * is ever out. Transitions:
 *
 * <pre>
 *   absent ──wake──▶ queued ──take──▶ in flight ──endFlight──▶ absent
 *                      ▲                 │ wake: remembered (wakeAfterFlight)
 *                      └───endFlight─────┤ (woken meanwhile, or it carried a re-sent episode)
 *                      └───giveBack──────┤ (lease expired, stream gone): the episode is pinned and
 *                      └───abandoned─────┤  re-sent unchanged; past the poison limit the instance
 *                      └───notSent───────┘  stays in flight while it is failed. Abandoned (the
 *                                           worker refused it): not counted toward the limit, queued
 *                                           after a backoff, offered to other streams first
 *   queued ──dequeue──▶ absent              (its claim went to another node)
 *   absent|queued ──serverStep──▶ in flight (a server step; requested while in flight, it waits
 *                                            for endFlight, and a later request replaces it)
 * </pre>
 *
 * An instance with a pinned episode, a waiting server step or a remembered wake is kept; others are
 * forgotten as soon as they are idle.
 *
 * <p>Queued instances wait in one line per orchestration name and version ({@link ReadyLines}), so
 * that a stream takes only what its filters accept and no name's backlog delays another's. An
 * instance whose name is not known here yet (woken by a timer or an event after it was forgotten,
 * recovered, claimed) waits <em>unnamed</em> until the dispatcher has read its name from the store
 * ({@link #takeUnnamed}, {@link #named}); names of forgotten instances are remembered for a while.
 */
final class InstanceSlots {
  /** Names remembered for instances no longer in a slot (about 100 bytes each). */
  static final int KNOWN_NAMES = 100_000;

  private final Map<InstanceKey, Slot> slots = new HashMap<>();
  private final ReadyLines<InstanceKey> ready = new ReadyLines<>();
  private final ArrayDeque<InstanceKey> unnamed = new ArrayDeque<>();

  private final Map<InstanceKey, WorkName> knownNames =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InstanceKey, WorkName> eldest) {
          return size() > KNOWN_NAMES;
        }
      };

  private static final class Slot {
    /** The orchestration's name and version; null until known. */
    WorkName name;

    /** Queued while its name is read from the store: in neither line. */
    boolean resolving;

    boolean queued;
    long queuedAt;
    boolean inFlight;
    boolean wakeAfterFlight;
    ServerStep.Pending serverStepAfterFlight;
    Episode pinned;
    int deliveries;

    /** Abandons in a row, and the stream of the last: a worker that refused the episode. */
    int abandons;

    WorkerStream abandonedBy;

    boolean idle() {
      return !queued && !inFlight && pinned == null;
    }
  }

  /** The instance has events to run: queue it, or remember to once its flight ends. */
  void wake(InstanceKey key, long now) {
    Slot slot = slot(key);
    if (slot.inFlight) {
      slot.wakeAfterFlight = true;
    } else if (!slot.queued) {
      slot.queued = true;
      slot.queuedAt = now;
      slot.wakeAfterFlight = false;
      if (slot.name == null) {
        slot.name = knownNames.get(key);
      }
      if (slot.name != null) {
        ready.add(slot.name, key);
      } else {
        unnamed.add(key);
      }
    }
  }

  /** The instance's orchestration name and version (a start, a child, a continue-as-new). */
  void know(InstanceKey key, WorkName name) {
    knownNames.put(key, name);
    Slot slot = slots.get(key);
    if (slot == null || name.equals(slot.name)) {
      return;
    }
    if (slot.queued
        && !slot.resolving
        && (slot.name == null ? unnamed.remove(key) : ready.remove(slot.name, key))) {
      ready.add(name, key);
    }
    slot.name = name;
  }

  /** The name of an instance, if known here. */
  WorkName nameOf(InstanceKey key) {
    Slot slot = slots.get(key);
    return slot != null && slot.name != null ? slot.name : knownNames.get(key);
  }

  /**
   * Takes up to {@code max} queued instances whose names are not known, to be read from the store;
   * they stay queued meanwhile.
   */
  List<InstanceKey> takeUnnamed(int max) {
    List<InstanceKey> taken = new ArrayList<>(Math.min(max, unnamed.size()));
    while (taken.size() < max && !unnamed.isEmpty()) {
      InstanceKey key = unnamed.poll();
      slot(key).resolving = true;
      taken.add(key);
    }
    return taken;
  }

  /**
   * The store told the name of an instance taken by {@link #takeUnnamed}: null if the instance is
   * gone, when it leaves the line.
   */
  void named(InstanceKey key, WorkName name) {
    Slot slot = slots.get(key);
    if (slot == null || !slot.resolving) {
      if (name != null) {
        know(key, name);
      }
      return;
    }
    slot.resolving = false;
    if (name == null) {
      slot.queued = false;
      forgetIfIdle(key, slot);
      return;
    }
    knownNames.put(key, name);
    slot.name = name;
    if (slot.queued) {
      ready.add(name, key);
    }
  }

  /** Reading the names failed: the instances wait unnamed again. */
  void namesUnknown(List<InstanceKey> keys) {
    for (InstanceKey key : keys) {
      Slot slot = slots.get(key);
      if (slot != null && slot.resolving) {
        slot.resolving = false;
        if (slot.queued) {
          unnamed.add(key);
        }
      }
    }
  }

  /** An instance taken from the line, and the episode to re-send unchanged (null: build one). */
  record Taken(InstanceKey key, Episode pinned) {}

  /** Takes the first queued instance into flight, or returns null if none is queued. */
  Taken take() {
    return take(name -> true, (name, abandonedBy) -> false);
  }

  /**
   * Takes the first queued instance of the next line {@code accepts} admits into flight, passing
   * over (they keep their place) those {@code passOver} rejects given their name and the stream
   * that abandoned them last; null if none is left.
   */
  Taken take(Predicate<WorkName> accepts, BiPredicate<WorkName, WorkerStream> passOver) {
    InstanceKey key =
        ready.take(
            accepts,
            candidate -> false,
            candidate -> {
              Slot slot = slots.get(candidate);
              return slot.abandonedBy != null && passOver.test(slot.name, slot.abandonedBy);
            });
    if (key == null) {
      return null;
    }
    Slot slot = slot(key);
    slot.queued = false;
    slot.inFlight = true;
    // A re-sent episode may predate events that arrived while it was queued: look again after it.
    slot.wakeAfterFlight = slot.pinned != null;
    return new Taken(key, slot.pinned);
  }

  /** The episode went out to a worker: pinned until a step from it commits. */
  void sent(InstanceKey key, Episode episode) {
    slot(key).pinned = episode;
  }

  /** Its stream went away before the episode was sent: back in line, the episode pinned. */
  void notSent(InstanceKey key, Episode episode, long now) {
    Slot slot = slot(key);
    slot.inFlight = false;
    slot.pinned = episode;
    wake(key, now);
  }

  /**
   * The episode's lease was given back.
   *
   * @return how many times in a row the instance's episode has now been given back
   */
  int givenBack(InstanceKey key) {
    Slot slot = slot(key);
    slot.inFlight = false;
    return ++slot.deliveries;
  }

  /**
   * The worker abandoned the episode: it refuses the instance (its version, say). That is not a
   * failed delivery: the poison limit does not count it.
   *
   * @return how many times in a row the instance's episode has now been abandoned
   */
  int abandoned(InstanceKey key, WorkerStream by) {
    Slot slot = slot(key);
    slot.inFlight = false;
    slot.abandonedBy = by;
    return ++slot.abandons;
  }

  /** A given-back instance is being failed by the server: it stays in flight meanwhile. */
  void holdForFailure(InstanceKey key) {
    slot(key).inFlight = true;
  }

  /** A step of the instance committed: the pinned episode is answered, deliveries start over. */
  void stepCommitted(InstanceKey key) {
    Slot slot = slot(key);
    slot.inFlight = false;
    slot.pinned = null;
    slot.deliveries = 0;
    slot.abandons = 0;
    slot.abandonedBy = null;
  }

  /** A step of the instance was rejected (the instance moved on): its episode is dead. */
  void stepRejected(InstanceKey key) {
    Slot slot = slot(key);
    slot.inFlight = false;
    slot.pinned = null;
  }

  /** Reading the instance failed before anything was sent. */
  void readFailed(InstanceKey key) {
    slot(key).inFlight = false;
  }

  /**
   * The instance's flight is over.
   *
   * @return a server step that waited for it, which now holds the flight; or null, in which case
   *     the instance is queued again if it was woken meanwhile, else forgotten if idle
   */
  ServerStep.Pending endFlight(InstanceKey key, long now) {
    Slot slot = slot(key);
    slot.inFlight = false;
    if (slot.serverStepAfterFlight != null) {
      ServerStep.Pending step = slot.serverStepAfterFlight;
      slot.serverStepAfterFlight = null;
      startServerStep(slot);
      return step;
    }
    if (slot.wakeAfterFlight) {
      wake(key, now);
    } else {
      forgetIfIdle(key, slot);
    }
    return null;
  }

  /**
   * A server step asks for the instance's flight.
   *
   * @return true if it holds the flight now and may run; false if it waits for the flight in
   *     progress (a step already waiting is superseded: it counts as run)
   */
  boolean requestServerStep(InstanceKey key, ServerStep.Pending step) {
    Slot slot = slot(key);
    if (slot.inFlight) {
      if (slot.serverStepAfterFlight != null) {
        slot.serverStepAfterFlight.done().complete(null);
      }
      slot.serverStepAfterFlight = step;
      return false;
    }
    if (slot.queued) {
      unqueue(key, slot);
      slot.wakeAfterFlight = true;
    }
    startServerStep(slot);
    return true;
  }

  /** A server step ran: whatever the inbox holds now goes to a worker once the flight ends. */
  void serverStepRan(InstanceKey key) {
    slot(key).wakeAfterFlight = true;
  }

  private static void startServerStep(Slot slot) {
    slot.inFlight = true;
    slot.pinned = null;
  }

  /**
   * Takes a queued instance out of the line and forgets its pinned episode (another node runs it
   * now).
   *
   * @return true if it was queued
   */
  boolean dequeue(InstanceKey key) {
    Slot slot = slots.get(key);
    if (slot == null || !slot.queued) {
      return false;
    }
    unqueue(key, slot);
    slot.pinned = null;
    forgetIfIdle(key, slot);
    return true;
  }

  private void unqueue(InstanceKey key, Slot slot) {
    if (slot.resolving) {
      slot.resolving = false; // its name, once read, finds it no longer queued
    } else if (slot.name == null || !ready.remove(slot.name, key)) {
      unnamed.remove(key);
    }
    slot.queued = false;
  }

  /**
   * Takes out of the lines every queued instance whose name {@code hosted} rejects, unless it is in
   * flight.
   */
  List<InstanceKey> dequeueUnless(Predicate<WorkName> hosted) {
    List<InstanceKey> taken = new ArrayList<>();
    ready.drainUnless(hosted).values().forEach(taken::addAll);
    for (InstanceKey key : taken) {
      Slot slot = slot(key);
      slot.queued = false;
      slot.pinned = null;
      forgetIfIdle(key, slot);
    }
    return taken;
  }

  /** Forgets the instance if nothing about it is pending. */
  void forgetIfIdle(InstanceKey key) {
    Slot slot = slots.get(key);
    if (slot != null) {
      forgetIfIdle(key, slot);
    }
  }

  private void forgetIfIdle(InstanceKey key, Slot slot) {
    if (slot.idle() && !slot.wakeAfterFlight && slot.serverStepAfterFlight == null) {
      slots.remove(key);
    }
  }

  boolean isQueued(InstanceKey key) {
    Slot slot = slots.get(key);
    return slot != null && slot.queued;
  }

  boolean isInFlight(InstanceKey key) {
    Slot slot = slots.get(key);
    return slot != null && slot.inFlight;
  }

  /** True if the instance is queued or in flight: an episode of it is coming. */
  boolean isBusy(InstanceKey key) {
    Slot slot = slots.get(key);
    return slot != null && (slot.queued || slot.inFlight);
  }

  boolean hasReady() {
    return !ready.isEmpty();
  }

  /** Whether a line was opened since the last call. */
  boolean linesAdded() {
    return ready.linesAdded();
  }

  boolean hasUnnamed() {
    return !unnamed.isEmpty();
  }

  /** Queued instances, named or not. */
  int readyCount() {
    return ready.size() + unnamed.size();
  }

  /** Queued instances per orchestration name and version (those with unknown names left out). */
  Map<WorkName, Integer> readyByName() {
    return ready.counts();
  }

  /** Since when the first instance in line has waited, or {@code Long.MAX_VALUE} if none waits. */
  long oldestQueuedAt() {
    long oldest = Long.MAX_VALUE;
    for (InstanceKey head : ready.heads()) {
      oldest = Math.min(oldest, slot(head).queuedAt);
    }
    return oldest;
  }

  /** Since when the first instance of each line has waited. */
  Map<WorkName, Long> oldestQueuedAtByName() {
    Map<WorkName, Long> oldest = new HashMap<>();
    for (InstanceKey head : ready.heads()) {
      Slot slot = slot(head);
      oldest.put(slot.name, slot.queuedAt);
    }
    return oldest;
  }

  /** How many instances are known (queued, in flight or keeping a pinned episode), for tests. */
  int size() {
    return slots.size();
  }

  private Slot slot(InstanceKey key) {
    return slots.computeIfAbsent(key, k -> new Slot());
  }
}
