package dev.taskhub.server.grpc;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.InstanceRecord;
import java.util.Optional;

/** Instance rows as the protocol's {@code OrchestrationState}. */
final class States {
  private States() {}

  /**
   * An unknown instance is {@code exists=false} with an empty state, never an error (SDKs rely on
   * it).
   */
  static GetInstanceResponse response(Optional<InstanceRecord> instance, boolean withPayloads) {
    return instance
        .map(
            record ->
                GetInstanceResponse.newBuilder()
                    .setExists(true)
                    .setOrchestrationState(state(record, withPayloads))
                    .build())
        .orElse(GetInstanceResponse.newBuilder().setExists(false).build());
  }

  static OrchestrationState state(InstanceRecord record, boolean withPayloads) {
    OrchestrationState.Builder state =
        OrchestrationState.newBuilder()
            .setInstanceId(record.key().instanceId())
            .setName(record.name())
            .setOrchestrationStatus(record.status())
            .setCreatedTimestamp(Events.timestamp(record.createdAt()))
            .setLastUpdatedTimestamp(Events.timestamp(record.lastUpdatedAt()))
            .setExecutionId(StringValue.of(record.executionId()))
            .putAllTags(record.tags());
    if (record.version() != null) {
      state.setVersion(StringValue.of(record.version()));
    }
    if (record.scheduledStartAt() > record.createdAt()) {
      state.setScheduledStartTimestamp(Events.timestamp(record.scheduledStartAt()));
    }
    if (record.completedAt() > 0) {
      state.setCompletedTimestamp(Events.timestamp(record.completedAt()));
    }
    if (record.parentInstanceId() != null) {
      state.setParentInstanceId(StringValue.of(record.parentInstanceId()));
    }
    if (withPayloads) {
      if (record.input() != null) {
        state.setInput(StringValue.of(record.input()));
      }
      if (record.output() != null) {
        state.setOutput(StringValue.of(record.output()));
      }
      if (record.customStatus() != null) {
        state.setCustomStatus(StringValue.of(record.customStatus()));
      }
      if (record.failure() != null) {
        state.setFailureDetails(record.failure());
      }
    }
    return state.build();
  }
}
