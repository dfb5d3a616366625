package dev.taskhub.cli;

import dev.taskhub.protocol.HistoryEvent;
import java.util.List;

/**
 * How far an instance's current execution is: activities scheduled, and of those completed or
 * failed, counted from its history.
 *
 * @param done activities that completed or failed
 * @param scheduled activities scheduled
 */
record ActivityCount(int done, int scheduled) {
  static ActivityCount of(List<HistoryEvent> history) {
    int scheduled = 0;
    int done = 0;
    for (HistoryEvent event : history) {
      switch (event.getEventTypeCase()) {
        case TASKSCHEDULED -> scheduled++;
        case TASKCOMPLETED, TASKFAILED -> done++;
        default -> {
          // not an activity's
        }
      }
    }
    return new ActivityCount(done, scheduled);
  }
}
