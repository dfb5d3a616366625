package dev.taskhub.server.grpc;

import dev.taskhub.protocol.ListInstanceIdsRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceSort;
import dev.taskhub.server.store.Statuses;
import dev.taskhub.server.store.TimeRange;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Protocol queries as store queries: the filter, and the page (in creation order for {@code
 * QueryInstances}, in completion order for {@code ListInstanceIds}). Call {@code page} before
 * {@code filter}, so that a request wrong in both ways names its page size first.
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
    return new InstancePageRequest(
        InstanceSort.CREATED_ASC,
        pageSize("maxInstanceCount", query.getMaxInstanceCount()),
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
        new TimeRange(
            query.hasCreatedTimeFrom() ? Events.millis(query.getCreatedTimeFrom()) : 0,
            query.hasCreatedTimeTo() ? Events.millis(query.getCreatedTimeTo()) : Long.MAX_VALUE),
        TimeRange.ANY,
        query.hasInstanceIdPrefix() ? query.getInstanceIdPrefix().getValue() : "",
        "");
  }

  /**
   * The page a {@code ListInstanceIds} asks for: up to {@code pageSize} ids (0 for the default,
   * capped at {@link #MAX_PAGE_SIZE}) in order of completion, after {@code lastInstanceKey} if any.
   *
   * @throws TaskhubException.InvalidArgument if {@code pageSize} is negative
   */
  static InstancePageRequest page(ListInstanceIdsRequest request) {
    return new InstancePageRequest(
        InstanceSort.COMPLETED_ASC,
        pageSize("pageSize", request.getPageSize()),
        request.hasLastInstanceKey() && !request.getLastInstanceKey().getValue().isEmpty()
            ? request.getLastInstanceKey().getValue()
            : null);
  }

  /**
   * The ended instances of {@code hub} a {@code ListInstanceIds} matches: instances that have not
   * ended have no completion time to be listed by, so a non-terminal status matches none.
   *
   * @throws TaskhubException.InvalidArgument if a runtime status is not a known one, or the
   *     completion time range ends before it starts
   */
  static InstanceFilter filter(String hub, ListInstanceIdsRequest request) {
    Set<OrchestrationStatus> statuses = EnumSet.copyOf(Statuses.TERMINAL);
    Set<OrchestrationStatus> requested = statuses(request.getRuntimeStatusList());
    if (!requested.isEmpty()) {
      statuses.retainAll(requested);
    }
    long from = request.hasCompletedTimeFrom() ? Events.millis(request.getCompletedTimeFrom()) : 0;
    long to =
        request.hasCompletedTimeTo() ? Events.millis(request.getCompletedTimeTo()) : Long.MAX_VALUE;
    if (from > to) {
      throw new TaskhubException.InvalidArgument(
          "completedTimeFrom must not be after completedTimeTo");
    }
    // Only non-terminal statuses requested: keep them, so that the filter matches no instance.
    return new InstanceFilter(
        hub,
        statuses.isEmpty() ? requested : statuses,
        TimeRange.ANY,
        new TimeRange(from, to),
        "",
        "");
  }

  private static int pageSize(String field, int requested) {
    if (requested < 0) {
      throw new TaskhubException.InvalidArgument(field + " must not be negative, was " + requested);
    }
    return requested == 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
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
