package dev.taskhub.server.engine;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.KnownHistory;
import dev.taskhub.server.store.OrchestrationStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The histories of recently active instances, so that the next episode of an instance need not read
 * and parse its whole history again (a fan-in of 10,000 results holds about 20,000 events). An
 * entry is only a hint: the store uses it only if the instance is still at that generation and
 * length. Bounded by the total number of events; the least recently used go first.
 */
final class HistoryCache {
  private final long maxEvents;
  private final Map<InstanceKey, KnownHistory> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long events;

  HistoryCache(long maxEvents) {
    this.maxEvents = maxEvents;
  }

  synchronized KnownHistory get(InstanceKey key) {
    return entries.get(key);
  }

  /** Records the history after {@code step} was applied on top of {@code before}. */
  void applied(List<HistoryEvent> before, OrchestrationStep step) {
    if (step.terminal()) {
      forget(step.key());
      return;
    }
    List<HistoryEvent> after = new ArrayList<>(step.resetHistory() ? List.of() : before);
    after.addAll(step.history());
    put(
        step.key(),
        new KnownHistory(step.update().executionId(), Collections.unmodifiableList(after)));
  }

  synchronized void forget(InstanceKey key) {
    KnownHistory removed = entries.remove(key);
    if (removed != null) {
      events -= removed.events().size();
    }
  }

  private synchronized void put(InstanceKey key, KnownHistory history) {
    forget(key);
    if (history.events().size() > maxEvents) {
      return;
    }
    entries.put(key, history);
    events += history.events().size();
    Iterator<KnownHistory> eldest = entries.values().iterator();
    while (events > maxEvents && eldest.hasNext()) {
      events -= eldest.next().events().size();
      eldest.remove();
    }
  }
}
