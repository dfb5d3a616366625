package dev.taskhub.sdk.orchestration;

/**
 * What a worker's replay engine has done since it started.
 *
 * @param episodes orchestrator work items executed
 * @param coldReplays episodes that replayed the instance's history from the start
 * @param warmResumes episodes that continued a run kept in memory from an earlier episode
 * @param replayedEvents history events applied while replaying (the cost of replay)
 * @param newEvents new events applied
 * @param executionMicros time spent executing episodes (replay and orchestrator code), in µs
 * @param trimmedEpisodes episodes whose request carried only the history this worker had not seen
 *     (a warm run continued from it)
 * @param historyRequests episodes answered with {@code requiresHistory}: their request left out
 *     history this worker no longer had a run for
 */
public record ReplayStatistics(
    long episodes,
    long coldReplays,
    long warmResumes,
    long replayedEvents,
    long newEvents,
    long executionMicros,
    long trimmedEpisodes,
    long historyRequests) {}
