package dev.taskhub.bench;

import dev.taskhub.protocol.HistoryEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where W4's time goes after the slowest item, from the instance's history timestamps (the
 * scheduler's clock, millisecond resolution): from the last item's result to the aggregate's {@code
 * TaskScheduled} (the result's commit and the episode that fans in), from there to the aggregate's
 * result (its dispatch and run), and from that to {@code ExecutionCompleted} (the last episode).
 * What is left of the overhead is before the items ran (trigger, start, first episode) and after
 * the end was recorded (the completion wait's answer).
 *
 * @param toAggregateMillis last item's result to the aggregate scheduled
 * @param aggregateMillis aggregate scheduled to its result
 * @param toEndMillis aggregate's result to the instance's end
 */
record SeedSteps(
    long toFanOutMillis,
    long lastItemMillis,
    long toAggregateMillis,
    long aggregateMillis,
    long toEndMillis) {
  /**
   * Reads the steps from a finished W4 history.
   *
   * @throws BenchException if an event the steps need is missing
   */
  static SeedSteps of(List<HistoryEvent> history, String itemActivity, String aggregateActivity) {
    Map<Integer, String> names = new HashMap<>();
    Map<Integer, Long> scheduledAt = new HashMap<>();
    long started = -1;
    long fannedOut = -1;
    long lastItemScheduled = -1;
    long lastItemDone = -1;
    long aggregateScheduled = -1;
    long aggregateDone = -1;
    long ended = -1;
    for (HistoryEvent event : history) {
      long at =
          event.getTimestamp().getSeconds() * 1000 + event.getTimestamp().getNanos() / 1_000_000;
      switch (event.getEventTypeCase()) {
        case EXECUTIONSTARTED -> started = at;
        case TASKSCHEDULED -> {
          names.put(event.getEventId(), event.getTaskScheduled().getName());
          scheduledAt.put(event.getEventId(), at);
          if (fannedOut < 0 && event.getTaskScheduled().getName().equals(itemActivity)) {
            fannedOut = at;
          }
          if (event.getTaskScheduled().getName().equals(aggregateActivity)) {
            aggregateScheduled = at;
          }
        }
        case TASKCOMPLETED -> {
          int id = event.getTaskCompleted().getTaskScheduledId();
          String name = names.get(id);
          if (itemActivity.equals(name) && at >= lastItemDone) {
            lastItemDone = at;
            lastItemScheduled = scheduledAt.get(id);
          } else if (aggregateActivity.equals(name)) {
            aggregateDone = at;
          }
        }
        case EXECUTIONCOMPLETED -> ended = at;
        default -> {}
      }
    }
    if (started < 0
        || fannedOut < 0
        || lastItemDone < 0
        || aggregateScheduled < 0
        || aggregateDone < 0
        || ended < 0) {
      throw new BenchException("The W4 history lacks the events of its steps");
    }
    return new SeedSteps(
        fannedOut - started,
        lastItemDone - lastItemScheduled,
        aggregateScheduled - lastItemDone,
        aggregateDone - aggregateScheduled,
        ended - aggregateDone);
  }

  /**
   * {@code " history: to fan-out=9 ms, last item=1512 ms, to aggregate=12 ms, aggregate=8 ms, to
   * end=9 ms"}.
   */
  String describe() {
    return String.format(
        " history: to fan-out=%d ms, last item=%d ms, to aggregate=%d ms, aggregate=%d ms, to"
            + " end=%d ms",
        toFanOutMillis, lastItemMillis, toAggregateMillis, aggregateMillis, toEndMillis);
  }
}
