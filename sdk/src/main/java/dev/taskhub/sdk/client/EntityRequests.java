package dev.taskhub.sdk.client;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** The entity RPCs' messages, to and from the SDK's types. */
final class EntityRequests {
  private EntityRequests() {}

  static SignalEntityRequest signal(
      EntityInstanceId id, String operation, StringValue input, Instant at, Clock clock) {
    Objects.requireNonNull(id, "id");
    if (operation == null || operation.isBlank()) {
      throw new IllegalArgumentException("The operation name must not be empty");
    }
    SignalEntityRequest.Builder request =
        SignalEntityRequest.newBuilder()
            .setInstanceId(id.toString())
            .setName(operation)
            // Random: a client's signals are never replayed; the scheduler drops a repeated one.
            .setRequestId(UUID.randomUUID().toString())
            .setRequestTime(TaskhubClient.timestamp(clock.instant()));
    if (input != null) {
      request.setInput(input);
    }
    if (at != null) {
      request.setScheduledTime(TaskhubClient.timestamp(at));
    }
    return request.build();
  }

  /** The metadata, with the state read as {@code stateType} unless that is {@code Void}. */
  static <S> EntityMetadata<S> metadata(
      dev.taskhub.protocol.EntityMetadata proto, Class<S> stateType, DataConverter converter) {
    String serialized = proto.hasSerializedState() ? proto.getSerializedState().getValue() : null;
    S state =
        serialized == null || serialized.isEmpty() || stateType == Void.class
            ? null
            : converter.deserialize(serialized, stateType);
    return new EntityMetadata<>(
        EntityInstanceId.parse(proto.getInstanceId()),
        Instant.ofEpochSecond(
            proto.getLastModifiedTime().getSeconds(), proto.getLastModifiedTime().getNanos()),
        proto.getBacklogQueueSize(),
        proto.hasLockedBy() ? proto.getLockedBy().getValue() : null,
        state,
        serialized);
  }
}
