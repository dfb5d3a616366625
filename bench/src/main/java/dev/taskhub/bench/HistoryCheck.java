package dev.taskhub.bench;

import dev.taskhub.protocol.HistoryEvent;
import java.util.List;

/**
 * Checks a finished W1 instance's history the way W5 needs it after a crash: every activity (0..N-1
 * and the aggregate N) scheduled exactly once and its result recorded exactly once, under the right
 * id and with the right value, and one completion of the instance. The orchestration's output
 * already proves the results the worker saw; this proves what the store kept.
 */
final class HistoryCheck {
  private HistoryCheck() {}

  /**
   * Checks the history of a W1 fan-out of {@code n}.
   *
   * @throws BenchException naming the first problem
   */
  static void fanOut(int n, List<HistoryEvent> history) {
    int[] scheduled = new int[n + 1];
    int[] completed = new int[n + 1];
    int ends = 0;
    for (HistoryEvent event : history) {
      switch (event.getEventTypeCase()) {
        case TASKSCHEDULED -> scheduled[index(n, event.getEventId(), "TaskScheduled")]++;
        case TASKCOMPLETED -> {
          int id = event.getTaskCompleted().getTaskScheduledId();
          completed[index(n, id, "TaskCompleted")]++;
          String result = event.getTaskCompleted().getResult().getValue();
          String expected = id < n ? Integer.toString(id) : FanOutScript.expectedResult(n);
          if (!expected.equals(result)) {
            throw new BenchException(
                "Task " + id + " has result '" + result + "' in the history, expected " + expected);
          }
        }
        case TASKFAILED ->
            throw new BenchException(
                "Task " + event.getTaskFailed().getTaskScheduledId() + " failed in the history");
        case EXECUTIONCOMPLETED -> ends++;
        default -> {}
      }
    }
    for (int id = 0; id <= n; id++) {
      if (scheduled[id] != 1 || completed[id] != 1) {
        throw new BenchException(
            "Task "
                + id
                + " is in the history scheduled "
                + scheduled[id]
                + " and completed "
                + completed[id]
                + " times, not once each");
      }
    }
    if (ends != 1) {
      throw new BenchException("The history has " + ends + " ExecutionCompleted events, not 1");
    }
  }

  private static int index(int n, int id, String what) {
    if (id < 0 || id > n) {
      throw new BenchException(what + " with id " + id + ", outside 0.." + n);
    }
    return id;
  }
}
