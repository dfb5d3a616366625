package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;

/**
 * An event a step sends to an instance's inbox (its own timers, or another instance's messages),
 * visible from {@code visibleAt} (epoch ms). {@code executionId} null means "current generation".
 */
public record InboxMessage(
    InstanceKey target, String executionId, long visibleAt, HistoryEvent event) {}
