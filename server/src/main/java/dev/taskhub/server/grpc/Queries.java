package dev.taskhub.server.grpc;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.InstanceQuery;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Protocol query filters as store queries. */
final class Queries {
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;

  private Queries() {}

  static InstanceQuery toQuery(String hub, dev.taskhub.protocol.InstanceQuery query) {
    int pageSize = query.getMaxInstanceCount();
    if (pageSize < 0) {
      throw new TaskhubException.InvalidArgument(
          "maxInstanceCount must not be negative, was " + pageSize);
    }
    return new InstanceQuery(
        hub,
        statuses(query.getRuntimeStatusList()),
        query.hasCreatedTimeFrom() ? Events.millis(query.getCreatedTimeFrom()) : 0,
        query.hasCreatedTimeTo() ? Events.millis(query.getCreatedTimeTo()) : Long.MAX_VALUE,
        query.hasInstanceIdPrefix() ? query.getInstanceIdPrefix().getValue() : "",
        pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE),
        query.hasContinuationToken() && !query.getContinuationToken().getValue().isEmpty()
            ? query.getContinuationToken().getValue()
            : null);
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
