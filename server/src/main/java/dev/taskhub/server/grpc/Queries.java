package dev.taskhub.server.grpc;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceSort;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Protocol queries as store queries: the filter, and the page in creation order. Call {@link #page}
 * before {@link #filter}, so that a request wrong in both ways names its page size first.
 */
final class Queries {
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;

  private Queries() {}

  /**
   * The page a protocol query asks for: up to {@code maxInstanceCount} rows (0 for the default,
   * capped at {@link #MAX_PAGE_SIZE}) in creation order, after its continuation token if any.
   *
   * @throws TaskhubException.InvalidArgument if {@code maxInstanceCount} is negative
   */
  static InstancePageRequest page(dev.taskhub.protocol.InstanceQuery query) {
    int pageSize = query.getMaxInstanceCount();
    if (pageSize < 0) {
      throw new TaskhubException.InvalidArgument(
          "maxInstanceCount must not be negative, was " + pageSize);
    }
    return new InstancePageRequest(
        InstanceSort.CREATED_ASC,
        pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE),
        query.hasContinuationToken() && !query.getContinuationToken().getValue().isEmpty()
            ? query.getContinuationToken().getValue()
            : null);
  }

  /**
   * The instances of {@code hub} a protocol query matches.
   *
   * @throws TaskhubException.InvalidArgument if a runtime status is not a known one
   */
  static InstanceFilter filter(String hub, dev.taskhub.protocol.InstanceQuery query) {
    return new InstanceFilter(
        hub,
        statuses(query.getRuntimeStatusList()),
        query.hasCreatedTimeFrom() ? Events.millis(query.getCreatedTimeFrom()) : 0,
        query.hasCreatedTimeTo() ? Events.millis(query.getCreatedTimeTo()) : Long.MAX_VALUE,
        query.hasInstanceIdPrefix() ? query.getInstanceIdPrefix().getValue() : "",
        "");
  }

  static Set<OrchestrationStatus> statuses(List<OrchestrationStatus> requested) {
    Set<OrchestrationStatus> statuses = EnumSet.noneOf(OrchestrationStatus.class);
    for (OrchestrationStatus status : requested) {
      if (status == OrchestrationStatus.UNRECOGNIZED) {
        throw new TaskhubException.InvalidArgument("runtimeStatus has an unknown value");
      }
      statuses.add(status);
    }
    return statuses;
  }
}
