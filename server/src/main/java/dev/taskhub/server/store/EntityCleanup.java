package dev.taskhub.server.store;

import java.util.List;

/**
 * What one pass of entity housekeeping did: empty entities removed, locks of orchestrations that no
 * longer run released ({@code released}: those entities, which may now run queued work), and where
 * the next pass starts (null: done).
 */
public record EntityCleanup(
    int emptyRemoved, List<InstanceKey> released, String continuationToken) {}
