package dev.taskhub.sdk.client;

import java.time.Instant;
import java.util.Set;

/**
 * Which ended instances {@link TaskhubClient#purge(PurgeFilter)} deletes.
 *
 * @param createdFrom earliest creation time, or null
 * @param createdTo latest creation time, or null
 * @param statuses terminal statuses to include (empty for all)
 */
public record PurgeFilter(
    Instant createdFrom, Instant createdTo, Set<OrchestrationStatus> statuses) {
  public PurgeFilter {
    statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
  }

  public static PurgeFilter statuses(OrchestrationStatus... statuses) {
    return new PurgeFilter(null, null, Set.of(statuses));
  }
}
