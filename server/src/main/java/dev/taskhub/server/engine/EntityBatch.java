package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityRequest;
import dev.taskhub.server.store.EntityWorkItem;
import dev.taskhub.server.store.InboxEvent;
import java.util.List;

/**
 * One batch of an entity's operations as dispatched: the work item it was planned from, the
 * operations it carries (signals and calls, in arrival order), inbox rows it drops on the way
 * (unlocks of locks it does not hold), and the request sent to the worker.
 */
record EntityBatch(
    EntityWorkItem workItem,
    List<InboxEvent> operations,
    List<Long> dropped,
    EntityRequest request) {

  static EntityBatch of(EntityWorkItem workItem, List<InboxEvent> operations, List<Long> dropped) {
    EntityRequest.Builder request =
        EntityRequest.newBuilder()
            .setInstanceId(workItem.entity().key().instanceId())
            .setExecutionId(workItem.entity().executionId());
    if (workItem.entity().hasState()) {
      request.setEntityState(StringValue.of(workItem.entity().state()));
    }
    operations.forEach(operation -> request.addOperationRequests(operation.event()));
    return new EntityBatch(
        workItem, List.copyOf(operations), List.copyOf(dropped), request.build());
  }
}
