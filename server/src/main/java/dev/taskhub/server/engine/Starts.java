package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.TraceContext;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.NewInstance;
import java.util.Map;
import java.util.UUID;

/** Builds new instances (their row and {@code ExecutionStarted}) for every way one is started. */
final class Starts {
  private Starts() {}

  /** A fresh instance id, as the server picks one when the caller names none. */
  static String newInstanceId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * @param version null for none
   * @param input null for none
   * @param startAt when it may start (at least {@code now})
   * @param parentTrace null for none
   */
  static NewInstance of(
      InstanceKey key,
      String name,
      StringValue version,
      StringValue input,
      Map<String, String> tags,
      long now,
      long startAt,
      TraceContext parentTrace) {
    String executionId = UUID.randomUUID().toString();
    ExecutionStartedEvent.Builder started =
        ExecutionStartedEvent.newBuilder()
            .setName(name)
            .setOrchestrationInstance(
                OrchestrationInstance.newBuilder()
                    .setInstanceId(key.instanceId())
                    .setExecutionId(StringValue.of(executionId)))
            .putAllTags(tags);
    if (version != null) {
      started.setVersion(version);
    }
    if (input != null) {
      started.setInput(input);
    }
    if (startAt > now) {
      started.setScheduledStartTimestamp(Events.timestamp(startAt));
    }
    if (parentTrace != null) {
      started.setParentTraceContext(parentTrace);
    }
    HistoryEvent event = Events.event(now).setExecutionStarted(started).build();
    return new NewInstance(
        key,
        executionId,
        name,
        version == null ? null : version.getValue(),
        input == null ? null : input.getValue(),
        null,
        tags,
        now,
        startAt,
        event);
  }
}
