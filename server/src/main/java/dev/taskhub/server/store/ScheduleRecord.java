package dev.taskhub.server.store;

/** A stored schedule: its key, what its owner set and where its firing stands. */
public record ScheduleRecord(
    String hub, String scheduleId, ScheduleDefinition definition, ScheduleState state) {

  public ScheduleRecord with(ScheduleState newState) {
    return new ScheduleRecord(hub, scheduleId, definition, newState);
  }

  public ScheduleRecord with(ScheduleDefinition newDefinition, ScheduleState newState) {
    return new ScheduleRecord(hub, scheduleId, newDefinition, newState);
  }
}
