package dev.taskhub.server.store;

import dev.taskhub.protocol.ActivityRequest;

/**
 * A scheduled activity: the request sent to a worker, owned by one generation of one instance.
 *
 * @param scheduledAt when its step was committed (epoch ms), as {@link Store#completeActivity}
 *     reads it back for the activity's trace span; 0 where it was not read
 */
public record ActivityTask(
    InstanceKey key, String executionId, int taskId, ActivityRequest request, long scheduledAt) {

  /** An activity whose scheduling time is not known here. */
  public ActivityTask(InstanceKey key, String executionId, int taskId, ActivityRequest request) {
    this(key, executionId, taskId, request, 0);
  }
}
