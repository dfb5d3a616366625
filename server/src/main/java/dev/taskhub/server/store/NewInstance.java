package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;
import java.util.Map;

/**
 * An instance to create: its summary row and the {@code ExecutionStarted} event that becomes
 * visible in its inbox at {@code startAt} (epoch ms; equal to {@code createdAt} unless a later
 * start was asked).
 */
public record NewInstance(
    InstanceKey key,
    String executionId,
    String name,
    String version,
    String input,
    String parentInstanceId,
    Map<String, String> tags,
    long createdAt,
    long startAt,
    HistoryEvent executionStarted) {}
