package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import java.util.Set;

/**
 * A filter over one task hub's instances, read a page at a time in (created time, id) order.
 *
 * @param statuses statuses to include; empty for all
 * @param createdFrom inclusive lower bound of the creation time (epoch ms), 0 for none
 * @param createdTo inclusive upper bound of the creation time (epoch ms), {@code Long.MAX_VALUE}
 *     for none
 * @param instanceIdPrefix only ids starting with it; empty for all
 * @param pageSize the most rows in one page
 * @param continuationToken where the previous page ended, or null for the first page
 */
public record InstanceQuery(
    String hub,
    Set<OrchestrationStatus> statuses,
    long createdFrom,
    long createdTo,
    String instanceIdPrefix,
    int pageSize,
    String continuationToken) {

  public InstanceQuery {
    statuses = Set.copyOf(statuses);
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, was " + pageSize);
    }
  }
}
