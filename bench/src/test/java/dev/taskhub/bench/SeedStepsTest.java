package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.ExecutionCompletedEvent;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.TaskCompletedEvent;
import dev.taskhub.protocol.TaskScheduledEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedStepsTest {
  private static Timestamp at(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(millis / 1000)
        .setNanos((int) (millis % 1000) * 1_000_000)
        .build();
  }

  private static HistoryEvent scheduled(int id, String name, long millis) {
    return HistoryEvent.newBuilder()
        .setEventId(id)
        .setTimestamp(at(millis))
        .setTaskScheduled(TaskScheduledEvent.newBuilder().setName(name))
        .build();
  }

  private static HistoryEvent completed(int id, long millis) {
    return HistoryEvent.newBuilder()
        .setEventId(-1)
        .setTimestamp(at(millis))
        .setTaskCompleted(TaskCompletedEvent.newBuilder().setTaskScheduledId(id))
        .build();
  }

  @Test
  void measuresFromTheLastItemsResultNotTheFirsts() {
    List<HistoryEvent> history =
        List.of(
            HistoryEvent.newBuilder()
                .setTimestamp(at(990))
                .setExecutionStarted(ExecutionStartedEvent.getDefaultInstance())
                .build(),
            scheduled(0, "item", 1_000),
            scheduled(1, "item", 1_100),
            completed(1, 1_900),
            completed(0, 2_500),
            scheduled(2, "aggregate", 2_512),
            completed(2, 2_520),
            HistoryEvent.newBuilder()
                .setTimestamp(at(2_529))
                .setExecutionCompleted(ExecutionCompletedEvent.getDefaultInstance())
                .build());

    // The last item is task 0 (scheduled at 1,000, done at 2,500), though task 1 came later.
    assertEquals(new SeedSteps(10, 1_500, 12, 8, 9), SeedSteps.of(history, "item", "aggregate"));
  }

  @Test
  void aHistoryWithoutTheLastStepsIsRejected() {
    List<HistoryEvent> history = List.of(scheduled(0, "item", 1_000), completed(0, 1_500));

    assertThrows(BenchException.class, () -> SeedSteps.of(history, "item", "aggregate"));
  }
}
