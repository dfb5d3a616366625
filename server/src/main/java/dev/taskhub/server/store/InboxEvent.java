package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;

/**
 * A pending event in an instance's inbox. {@code executionId} is the generation it belongs to, or
 * null for events that go to whichever generation is current (external events, terminate, suspend).
 */
public record InboxEvent(long id, String executionId, long visibleAt, HistoryEvent event) {}
