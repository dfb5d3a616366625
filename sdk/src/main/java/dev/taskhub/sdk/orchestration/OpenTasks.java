package dev.taskhub.sdk.orchestration;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.TaskhubException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Tasks waiting for their result event, by action id: an activity's {@code TaskCompleted} / {@code
 * TaskFailed}, a timer's {@code TimerFired}, a sub-orchestration's completion. A result for an id
 * that is not open (a duplicate, or the timer of an event wait that ended) is ignored.
 */
final class OpenTasks {
  private final Map<Integer, Open<?>> open = new HashMap<>();
  private final BiFunction<StringValue, Class<?>, Object> reader;

  /**
   * @param reader reads a result payload (null when absent) as the given type
   */
  OpenTasks(BiFunction<StringValue, Class<?>, Object> reader) {
    this.reader = reader;
  }

  private record Open<T>(CompletableTask<T> task, Class<T> type, String name, int id) {}

  /** Registers the task of action {@code id}, whose result is read as {@code type}. */
  <T> CompletableTask<T> expect(RuntimeContext context, int id, String name, Class<T> type) {
    CompletableTask<T> task = new CompletableTask<>(context);
    open.put(id, new Open<>(task, type, name, id));
    return task;
  }

  void succeeded(int id, StringValue result) {
    Open<?> entry = open.remove(id);
    if (entry != null) {
      complete(entry, result);
    }
  }

  void failed(int id, TaskFailureDetails failure) {
    Open<?> entry = open.remove(id);
    if (entry != null) {
      entry
          .task()
          .fail(new TaskFailedException(entry.name(), id, FailureDetails.fromProto(failure)));
    }
  }

  private <T> void complete(Open<T> entry, StringValue result) {
    try {
      entry.task().complete(entry.type().cast(reader.apply(result, entry.type())));
    } catch (TaskhubException.DataConversion e) {
      entry.task().fail(e);
    }
  }
}
