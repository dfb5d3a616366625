package dev.taskhub.sdk.client;

/**
 * What {@link TaskhubClient#cleanEntityStorage} did, over all its passes.
 *
 * @param emptyEntitiesRemoved entities without state, queued operations or lock that were removed
 * @param orphanedLocksReleased locks held by orchestrations that no longer run, released
 */
public record CleanEntityStorageResult(int emptyEntitiesRemoved, int orphanedLocksReleased) {}
