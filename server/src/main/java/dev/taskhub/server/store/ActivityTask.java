package dev.taskhub.server.store;

import dev.taskhub.protocol.ActivityRequest;

/** A scheduled activity: the request sent to a worker, owned by one generation of one instance. */
public record ActivityTask(
    InstanceKey key, String executionId, int taskId, ActivityRequest request) {}
