package dev.taskhub.server.engine;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.OrchestrationStep;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the streams that keep orchestrations warm have seen of the instances they ran, so that an
 * instance's next episode sent to the same stream carries only the history added since (the events
 * the worker's own actions recorded, and what other episodes added meanwhile): a fan-in of N
 * results then costs O(N) events on the wire instead of O(N²/batch).
 *
 * <p>An entry records the stream that answered the instance's last episode, the execution, and the
 * stored history's length and last event after it. It is used only if all of them still hold when
 * the next episode is sent; anything else (another stream, a new execution, a history that is
 * shorter or whose event at that position differs, an entry evicted) sends the whole history, as to
 * any other worker. A worker that no longer has the run (restarted, evicted it) answers {@code
 * requiresHistory} and is sent the whole history. Bounded: the least recently used entries go
 * first.
 */
final class WarmRuns {
  /** Entries kept per task hub (each a few references). */
  static final int MAX_ENTRIES = 100_000;

  private record Seen(
      WorkerStream stream,
      String executionId,
      int historyLength,
      int pastEventsSeen,
      HistoryEvent lastEvent) {}

  private final int maxEntries;
  private final Map<InstanceKey, Seen> entries = new LinkedHashMap<>(16, 0.75f, true);

  WarmRuns(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The request to send {@code episode} with on {@code stream}. */
  EpisodeRequest requestFor(WorkerStream stream, InstanceKey key, Episode episode) {
    Seen seen = stream.keepsRunsWarm ? get(key) : null;
    List<HistoryEvent> history = episode.workItem().history();
    if (seen != null
        && seen.stream == stream
        && seen.executionId.equals(episode.workItem().instance().executionId())
        && seen.historyLength <= history.size()
        && history.get(seen.historyLength - 1).equals(seen.lastEvent)) {
      return episode.requestFrom(seen.historyLength, seen.pastEventsSeen);
    }
    return episode.fullRequest();
  }

  /**
   * The step answering {@code lease} committed, the worker having processed {@code processed} new
   * events: what its stream has seen now, if it keeps the run.
   */
  void answered(Lease lease, OrchestrationStep step, int processed) {
    List<HistoryEvent> delivered = lease.episode.newEvents();
    if (!lease.stream.keepsRunsWarm
        || processed < delivered.size()
        || step.terminal()
        || step.resetHistory()) {
      forget(lease.key);
      return;
    }
    put(
        lease.key,
        new Seen(
            lease.stream,
            step.update().executionId(),
            lease.episode.workItem().history().size() + delivered.size(),
            lease.sent.pastEventsSeen() + delivered.size(),
            delivered.getLast()));
  }

  synchronized void forget(InstanceKey key) {
    entries.remove(key);
  }

  private synchronized Seen get(InstanceKey key) {
    return entries.get(key);
  }

  private synchronized void put(InstanceKey key, Seen seen) {
    entries.put(key, seen);
    Iterator<Seen> eldest = entries.values().iterator();
    while (entries.size() > maxEntries && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
  }
}
