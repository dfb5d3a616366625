package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ExecutionCompletedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.TaskCompletedEvent;
import dev.taskhub.protocol.TaskScheduledEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryCheckTest {
  private static final int N = 3;

  private static HistoryEvent scheduled(int id) {
    return HistoryEvent.newBuilder()
        .setEventId(id)
        .setTaskScheduled(TaskScheduledEvent.newBuilder().setName("noop"))
        .build();
  }

  private static HistoryEvent completed(int id, String result) {
    return HistoryEvent.newBuilder()
        .setEventId(-1)
        .setTaskCompleted(
            TaskCompletedEvent.newBuilder()
                .setTaskScheduledId(id)
                .setResult(StringValue.of(result)))
        .build();
  }

  /** A correct history of a fan-out of 3: results 0, 1, 2, then the aggregate's 3. */
  private static List<HistoryEvent> correct() {
    List<HistoryEvent> history = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      history.add(scheduled(i));
    }
    for (int i = N - 1; i >= 0; i--) {
      history.add(completed(i, Integer.toString(i)));
    }
    history.add(scheduled(N));
    history.add(completed(N, "3"));
    history.add(
        HistoryEvent.newBuilder()
            .setExecutionCompleted(ExecutionCompletedEvent.getDefaultInstance())
            .build());
    return history;
  }

  @Test
  void aHistoryWithEachResultOnceIsAccepted() {
    assertDoesNotThrow(() -> HistoryCheck.fanOut(N, correct()));
  }

  @Test
  void aResultRecordedTwiceIsCaught() {
    List<HistoryEvent> history = correct();
    history.add(2, completed(1, "1"));

    BenchException failure =
        assertThrows(BenchException.class, () -> HistoryCheck.fanOut(N, history));
    assertTrue(failure.getMessage().contains("Task 1"), failure.getMessage());
  }

  @Test
  void aMissingOrWrongResultIsCaught() {
    List<HistoryEvent> missing = correct();
    missing.removeIf(e -> e.hasTaskCompleted() && e.getTaskCompleted().getTaskScheduledId() == 0);
    assertThrows(BenchException.class, () -> HistoryCheck.fanOut(N, missing));

    List<HistoryEvent> wrong = correct();
    wrong.set(N, completed(2, "7"));
    assertThrows(BenchException.class, () -> HistoryCheck.fanOut(N, wrong));
  }
}
