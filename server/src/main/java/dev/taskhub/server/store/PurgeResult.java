package dev.taskhub.server.store;

/**
 * What a purge by filter did.
 *
 * @param deleted how many instances it deleted (with a recursive purge, their sub-orchestrations
 *     included)
 * @param complete false if it stopped before every matching instance was gone (its time ran out);
 *     the same purge again goes on where it stopped
 */
public record PurgeResult(int deleted, boolean complete) {}
