package dev.taskhub.server.engine;

import dev.taskhub.server.store.WorkName;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Ready work kept in one first-in-first-out line per {@link WorkName}, served round-robin across
 * the lines: a take starts at the line served longest ago, so a backlog of one name never delays
 * another, and a stream that accepts only some names finds its work without scanning the others'
 * items. Not thread-safe: the hub's lock ({@link HubWork}) guards it.
 *
 * @param <T> what waits in the lines
 */
final class ReadyLines<T> {
  /** The lines that hold something, the one served longest ago first. */
  private final LinkedHashMap<WorkName, ArrayDeque<T>> lines = new LinkedHashMap<>();

  private int size;
  private boolean linesAdded;

  void add(WorkName name, T item) {
    line(name).addLast(item);
    size++;
  }

  /** Puts an item first in its line (given back by a worker: it waited longest). */
  void addFirst(WorkName name, T item) {
    line(name).addFirst(item);
    size++;
  }

  private ArrayDeque<T> line(WorkName name) {
    ArrayDeque<T> line = lines.get(name);
    if (line == null) {
      line = new ArrayDeque<>();
      lines.put(name, line);
      linesAdded = true;
    }
    return line;
  }

  /** Whether a line was opened since the last call: a name that may have no stream to take it. */
  boolean linesAdded() {
    boolean added = linesAdded;
    linesAdded = false;
    return added;
  }

  /**
   * Takes the first item of the first line {@code accepts} admits that is not {@code passedOver}
   * (those keep their place); items that are {@code dead} are dropped on the way. The line served
   * goes to the back of the round.
   *
   * @return the item, or null if none qualifies
   */
  T take(Predicate<WorkName> accepts, Predicate<T> dead, Predicate<T> passedOver) {
    Iterator<Map.Entry<WorkName, ArrayDeque<T>>> round = lines.entrySet().iterator();
    while (round.hasNext()) {
      Map.Entry<WorkName, ArrayDeque<T>> line = round.next();
      if (!accepts.test(line.getKey())) {
        continue;
      }
      T item = takeFrom(line.getValue(), dead, passedOver);
      if (line.getValue().isEmpty()) {
        round.remove();
      }
      if (item != null) {
        if (!line.getValue().isEmpty()) {
          round.remove();
          lines.put(line.getKey(), line.getValue()); // to the back of the round
        }
        return item;
      }
    }
    return null;
  }

  private T takeFrom(ArrayDeque<T> line, Predicate<T> dead, Predicate<T> passedOver) {
    Iterator<T> items = line.iterator();
    while (items.hasNext()) {
      T item = items.next();
      if (dead.test(item)) {
        items.remove();
        size--;
      } else if (!passedOver.test(item)) {
        items.remove();
        size--;
        return item;
      }
    }
    return null;
  }

  /** Removes an item from its line; false if it was not there. */
  boolean remove(WorkName name, T item) {
    ArrayDeque<T> line = lines.get(name);
    if (line == null || !line.remove(item)) {
      return false;
    }
    size--;
    if (line.isEmpty()) {
      lines.remove(name);
    }
    return true;
  }

  /** Takes every item out of every line, line by line. */
  Map<WorkName, ArrayDeque<T>> drain() {
    Map<WorkName, ArrayDeque<T>> drained = new LinkedHashMap<>(lines);
    lines.clear();
    size = 0;
    return drained;
  }

  /** Takes out every line {@code keep} does not admit. */
  Map<WorkName, ArrayDeque<T>> drainUnless(Predicate<WorkName> keep) {
    Map<WorkName, ArrayDeque<T>> drained = new LinkedHashMap<>();
    Iterator<Map.Entry<WorkName, ArrayDeque<T>>> all = lines.entrySet().iterator();
    while (all.hasNext()) {
      Map.Entry<WorkName, ArrayDeque<T>> line = all.next();
      if (!keep.test(line.getKey())) {
        drained.put(line.getKey(), line.getValue());
        size -= line.getValue().size();
        all.remove();
      }
    }
    return drained;
  }

  /** The first item of each line. */
  Iterable<T> heads() {
    return () -> lines.values().stream().map(ArrayDeque::peekFirst).iterator();
  }

  /** How many items wait in each line (dead ones not yet dropped included). */
  Map<WorkName, Integer> counts() {
    Map<WorkName, Integer> counts = new HashMap<>();
    lines.forEach((name, line) -> counts.put(name, line.size()));
    return counts;
  }

  /** Items in all lines, counting dead ones not yet dropped. */
  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }
}
