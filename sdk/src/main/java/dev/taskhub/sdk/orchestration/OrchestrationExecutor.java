package dev.taskhub.sdk.orchestration;

import com.google.protobuf.Value;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.sdk.DataConverter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs orchestrator episodes: takes an {@code OrchestratorRequest} (past events + new events) and
 * answers the {@code OrchestratorResponse} (actions, custom status). {@code TaskhubWorker} uses it;
 * tests can use it to replay a recorded history without a scheduler.
 *
 * <h2>Cold replay, and warm runs</h2>
 *
 * The protocol sends an instance's whole history with every episode, and any worker may get any
 * episode, so the engine must be able to rebuild an orchestration from history alone: a cold
 * replay, linear in the history's length (each event is applied in O(1)). That alone makes a fan-in
 * whose N results arrive over E episodes cost O(E·N) in the worker.
 *
 * <p>So a run that yields is kept, parked on its virtual thread, in a bounded LRU cache. When the
 * next episode of the same execution comes to this worker and its past events extend what the run
 * has applied (same length prefix, same last event), only the unseen events are applied: the
 * history the run already knows is never replayed, and an episode costs O(its new events). Any
 * doubt (another execution, a shorter or different history, a run evicted or sent elsewhere, an
 * action the history does not record) falls back to a cold replay, which is always correct. A cache
 * size of 0 turns warm runs off.
 *
 * <p>Thread-safe: episodes of different instances run concurrently. The scheduler never sends two
 * episodes of one instance at once; if it did, the second would simply replay cold.
 */
public final class OrchestrationExecutor implements AutoCloseable {
  /**
   * The request property with which a scheduler leaves out the past events this worker has seen:
   * the past events sent start at this index of the history. The scheduler does it only for workers
   * that send the {@code taskhub-warm-runs} header; a run that cannot continue from there is
   * answered with {@code requiresHistory}, and the scheduler sends the whole history.
   */
  public static final String PAST_EVENTS_FROM = "taskhub.pastEventsFrom";

  /** The header with which a worker tells the scheduler how many runs it keeps warm. */
  public static final String WARM_RUNS_HEADER = "taskhub-warm-runs";

  private final Map<String, Orchestration> orchestrations;
  private final DataConverter converter;
  private final int cacheSize;
  private final LinkedHashMap<String, OrchestrationRun> warmRuns;
  private boolean closed;
  private final LongAdder episodes = new LongAdder();
  private final LongAdder coldReplays = new LongAdder();
  private final LongAdder warmResumes = new LongAdder();
  private final LongAdder replayedEvents = new LongAdder();
  private final LongAdder newEvents = new LongAdder();
  private final LongAdder executionNanos = new LongAdder();
  private final LongAdder trimmedEpisodes = new LongAdder();
  private final LongAdder historyRequests = new LongAdder();

  /**
   * @param orchestrations orchestrators by name
   * @param converter reads and writes payloads
   * @param cacheSize how many yielded runs to keep warm (0 for none)
   */
  public OrchestrationExecutor(
      Map<String, Orchestration> orchestrations, DataConverter converter, int cacheSize) {
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must not be negative, was " + cacheSize);
    }
    this.orchestrations = Map.copyOf(orchestrations);
    this.converter = converter;
    this.cacheSize = cacheSize;
    this.warmRuns = new LinkedHashMap<>(16, 0.75f, true);
  }

  /**
   * Executes one episode.
   *
   * @return the response to send (without completion token)
   * @throws VirtualMachineError that escaped the orchestrator (out of memory, stack overflow): not
   *     the orchestration's outcome, so the episode has no answer and is handed out again
   */
  public OrchestratorResponse execute(OrchestratorRequest request) {
    long startedAt = System.nanoTime();
    try {
      return executeEpisode(request);
    } finally {
      executionNanos.add(System.nanoTime() - startedAt);
    }
  }

  private OrchestratorResponse executeEpisode(OrchestratorRequest request) {
    episodes.increment();
    String instanceId = request.getInstanceId();
    String executionId = request.hasExecutionId() ? request.getExecutionId().getValue() : "";
    List<HistoryEvent> past = request.getPastEventsList();
    OrchestrationRun run = takeWarm(instanceId);
    OrchestrationRun.Outcome outcome = null;
    Value pastEventsFrom = request.getPropertiesMap().get(PAST_EVENTS_FROM);
    if (pastEventsFrom != null) {
      outcome = continueFrom(run, executionId, (int) pastEventsFrom.getNumberValue(), request);
      if (outcome == null) {
        historyRequests.increment();
        return OrchestratorResponse.newBuilder()
            .setInstanceId(instanceId)
            .setRequiresHistory(true)
            .build();
      }
      run = outcome.phase() == OrchestrationRun.Phase.YIELDED ? run : null;
    } else if (run != null && run.canContinue(executionId, past)) {
      warmResumes.increment();
      outcome = advance(run, past.subList(run.historyPosition(), past.size()), request);
      if (outcome.phase() == OrchestrationRun.Phase.STALE) {
        outcome = null;
      }
    } else if (run != null) {
      run.abort();
    }
    if (outcome == null) {
      coldReplays.increment();
      run = new OrchestrationRun(instanceId, executionId, orchestrations, converter);
      outcome = advance(run, past, request);
    }
    if (outcome.phase() == OrchestrationRun.Phase.YIELDED && run != null) {
      keepWarm(instanceId, run);
    }
    OrchestratorResponse.Builder response =
        OrchestratorResponse.newBuilder()
            .setInstanceId(instanceId)
            .addAllActions(outcome.actions());
    if (outcome.customStatus() != null) {
      response.setCustomStatus(outcome.customStatus());
    }
    return response.build();
  }

  /**
   * Continues a warm run with a request that carries only the history after {@code from}: null if
   * the run cannot (none kept, another execution or position, or the new history contradicts it),
   * and the scheduler must send the whole history.
   */
  private OrchestrationRun.Outcome continueFrom(
      OrchestrationRun run, String executionId, int from, OrchestratorRequest request) {
    if (run == null) {
      return null;
    }
    if (!run.canContinueFrom(executionId, from)) {
      run.abort();
      return null;
    }
    warmResumes.increment();
    trimmedEpisodes.increment();
    OrchestrationRun.Outcome outcome = advance(run, request.getPastEventsList(), request);
    return outcome.phase() == OrchestrationRun.Phase.STALE ? null : outcome;
  }

  private OrchestrationRun.Outcome advance(
      OrchestrationRun run, List<HistoryEvent> past, OrchestratorRequest request) {
    long replayedBefore = run.replayedEvents();
    long newBefore = run.newEvents();
    OrchestrationRun.Outcome outcome = run.advance(past, request.getNewEventsList());
    replayedEvents.add(run.replayedEvents() - replayedBefore);
    newEvents.add(run.newEvents() - newBefore);
    return outcome;
  }

  private OrchestrationRun takeWarm(String instanceId) {
    synchronized (warmRuns) {
      return warmRuns.remove(instanceId);
    }
  }

  /**
   * Caches a yielded run, evicting the least recently kept one past the cache size. A run already
   * cached for the instance (an episode re-sent while the first still ran here) is replaced.
   */
  private void keepWarm(String instanceId, OrchestrationRun run) {
    List<OrchestrationRun> unwanted = new ArrayList<>(2);
    synchronized (warmRuns) {
      if (cacheSize == 0 || closed) {
        unwanted.add(run);
      } else {
        OrchestrationRun replaced = warmRuns.put(instanceId, run);
        if (replaced != null) {
          unwanted.add(replaced);
        }
        if (warmRuns.size() > cacheSize) {
          var eldest = warmRuns.entrySet().iterator();
          unwanted.add(eldest.next().getValue());
          eldest.remove();
        }
      }
    }
    unwanted.forEach(OrchestrationRun::abort);
  }

  /** Counters since this executor was created. */
  public ReplayStatistics statistics() {
    return new ReplayStatistics(
        episodes.sum(),
        coldReplays.sum(),
        warmResumes.sum(),
        replayedEvents.sum(),
        newEvents.sum(),
        executionNanos.sum() / 1000,
        trimmedEpisodes.sum(),
        historyRequests.sum());
  }

  /** Unwinds every warm run; runs that yield later are not kept. */
  @Override
  public void close() {
    List<OrchestrationRun> runs;
    synchronized (warmRuns) {
      closed = true;
      runs = List.copyOf(warmRuns.values());
      warmRuns.clear();
    }
    runs.forEach(OrchestrationRun::abort);
  }
}
