package dev.taskhub.server.engine;

import dev.taskhub.server.store.WorkName;

/**
 * Ready work of one kind and name waiting on this node for a worker, and how many of the connected
 * streams take it: zero means it waits for a worker that hosts it to connect.
 *
 * @param kind {@code "orchestration"} or {@code "activity"}
 * @param waiting items queued (activities completed meanwhile may be counted until dropped)
 * @param oldestQueuedAt since when the first queued instance waits (orchestrations), or 0
 */
public record WaitingWork(
    String kind, WorkName name, int waiting, long oldestQueuedAt, int streamsTaking) {}
