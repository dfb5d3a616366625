package dev.taskhub.server.engine;

import java.util.List;

/**
 * Tells the tracer about dispatches that ended without a committed answer: the leases given back
 * because they expired, were abandoned or their stream went away. Called after {@link HubWork}
 * released them, outside its lock, so a tracer never runs while the hub's work is held.
 */
final class AttemptSpans {
  private AttemptSpans() {}

  static void givenBack(Tracing tracing, List<Lease> leases, long endedAt, String reason) {
    if (tracing == Tracing.NONE) {
      return;
    }
    for (Lease lease : leases) {
      switch (lease.kind) {
        case ACTIVITY -> {
          PendingActivity attempt = lease.activity;
          tracing.activityAttemptEnded(
              attempt.task,
              attempt.deliveries + attempt.abandons,
              attempt.dispatchedAt,
              endedAt,
              reason);
        }
        case ORCHESTRATION ->
            tracing.episodeAbandoned(
                lease.episode.workItem(), lease.episode.newEvents(), endedAt, reason);
        case ENTITY -> {} // entity batches have no spans
      }
    }
  }
}
