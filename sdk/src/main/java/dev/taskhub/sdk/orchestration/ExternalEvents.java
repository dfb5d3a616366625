package dev.taskhub.sdk.orchestration;

import dev.taskhub.protocol.HistoryEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * External events by name (case-insensitive): delivered to the oldest open wait on the name, or
 * kept in arrival order until someone waits for it. Kept events are carried over by
 * continue-as-new.
 */
final class ExternalEvents {
  private final Map<String, ArrayDeque<HistoryEvent>> kept = new HashMap<>();
  private final Map<String, ArrayDeque<Waiter>> waiters = new HashMap<>();

  private record Waiter(CompletableTask<?> task, Consumer<HistoryEvent> deliver) {}

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Takes the oldest kept event with the name, or null. */
  HistoryEvent take(String name) {
    ArrayDeque<HistoryEvent> queue = kept.get(key(name));
    return queue == null ? null : queue.poll();
  }

  /** Waits for the next event with the name; {@code deliver} completes {@code task}. */
  void await(String name, CompletableTask<?> task, Consumer<HistoryEvent> deliver) {
    waiters.computeIfAbsent(key(name), k -> new ArrayDeque<>()).add(new Waiter(task, deliver));
  }

  /** An {@code EventRaised} arrived. */
  void deliver(HistoryEvent event) {
    String key = key(event.getEventRaised().getName());
    ArrayDeque<Waiter> queue = waiters.get(key);
    while (queue != null && !queue.isEmpty()) {
      Waiter waiter = queue.poll();
      if (!waiter.task().isDone()) {
        waiter.deliver().accept(event);
        return;
      }
    }
    kept.computeIfAbsent(key, k -> new ArrayDeque<>()).add(event);
  }

  /** Every kept event, for continue-as-new. */
  List<HistoryEvent> unconsumed() {
    List<HistoryEvent> events = new ArrayList<>();
    kept.values().forEach(events::addAll);
    return events;
  }
}
