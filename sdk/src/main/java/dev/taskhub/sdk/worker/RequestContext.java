package dev.taskhub.sdk.worker;

import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.sdk.DataConverter;

/** The {@link ActivityContext} of one activity work item. */
record RequestContext(ActivityRequest request, DataConverter converter) implements ActivityContext {

  @Override
  public String name() {
    return request.getName();
  }

  @Override
  public String instanceId() {
    return request.getOrchestrationInstance().getInstanceId();
  }

  @Override
  public int taskId() {
    return request.getTaskId();
  }

  @Override
  public <T> T getInput(Class<T> type) {
    if (!request.hasInput() || request.getInput().getValue().isEmpty()) {
      return null;
    }
    return converter.deserialize(request.getInput().getValue(), type);
  }
}
