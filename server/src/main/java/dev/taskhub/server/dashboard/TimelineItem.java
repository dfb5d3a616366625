package dev.taskhub.server.dashboard;

/**
 * One bar of an instance's timeline: an activity, a sub-orchestration or a timer. Times are epoch
 * milliseconds, 0 when not (yet) known. Payloads are the stored JSON text.
 *
 * @param kind {@code activity}, {@code subOrchestration} or {@code timer}
 * @param taskId the id the orchestrator gave it (its {@code TaskScheduled} event id)
 * @param name activity or orchestration name; the fire time for a timer
 * @param childInstanceId the sub-orchestration's instance id, else null
 * @param scheduledAt when the orchestrator asked for it
 * @param startedAt when it was dispatched to a worker (the scheduled time when not known)
 * @param completedAt when its result or failure arrived (a timer: when it fired)
 * @param state {@code SCHEDULED}, {@code RUNNING}, {@code COMPLETED} or {@code FAILED}
 * @param startKnown whether {@code startedAt} was observed rather than assumed
 */
public record TimelineItem(
    String kind,
    int taskId,
    String name,
    String childInstanceId,
    String input,
    long scheduledAt,
    long startedAt,
    long completedAt,
    String state,
    String result,
    String failureType,
    String failureMessage,
    boolean startKnown) {}
