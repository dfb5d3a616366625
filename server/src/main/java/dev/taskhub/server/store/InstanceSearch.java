package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import java.util.Objects;
import java.util.Set;

/**
 * A filter over one task hub's instances for management views: everything {@link InstanceQuery}
 * offers plus a name prefix and a sort order, read a page at a time.
 *
 * @param statuses statuses to include; empty for all
 * @param createdFrom inclusive lower bound of the creation time (epoch ms), 0 for none
 * @param createdTo inclusive upper bound of the creation time (epoch ms), {@code Long.MAX_VALUE}
 *     for none
 * @param instanceIdPrefix only ids starting with it; empty for all
 * @param namePrefix only orchestration names starting with it; empty for all
 * @param sort the order of the rows (and of the pages)
 * @param pageSize the most rows in one page
 * @param continuationToken where the previous page ended, or null for the first page; valid only
 *     with the same sort
 */
public record InstanceSearch(
    String hub,
    Set<OrchestrationStatus> statuses,
    long createdFrom,
    long createdTo,
    String instanceIdPrefix,
    String namePrefix,
    InstanceSort sort,
    int pageSize,
    String continuationToken) {

  public InstanceSearch {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(sort, "sort");
    statuses = Set.copyOf(statuses);
    instanceIdPrefix = instanceIdPrefix == null ? "" : instanceIdPrefix;
    namePrefix = namePrefix == null ? "" : namePrefix;
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, was " + pageSize);
    }
  }
}
