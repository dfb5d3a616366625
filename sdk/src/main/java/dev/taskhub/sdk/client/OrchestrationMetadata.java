package dev.taskhub.sdk.client;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.FailureDetails;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of one orchestration instance, as the scheduler reported it. Input, output and custom
 * status are kept serialized; read them typed with {@link #readOutputAs} and friends. They are
 * absent when the snapshot was fetched without payloads.
 */
public final class OrchestrationMetadata {
  private final OrchestrationState state;
  private final DataConverter converter;

  OrchestrationMetadata(OrchestrationState state, DataConverter converter) {
    this.state = state;
    this.converter = converter;
  }

  public String instanceId() {
    return state.getInstanceId();
  }

  public String name() {
    return state.getName();
  }

  public OrchestrationStatus status() {
    return OrchestrationStatus.fromProto(state.getOrchestrationStatus());
  }

  /** True when the status is terminal (completed, failed, terminated or canceled). */
  public boolean isCompleted() {
    return status().isTerminal();
  }

  public Optional<String> version() {
    return state.hasVersion() ? Optional.of(state.getVersion().getValue()) : Optional.empty();
  }

  public Instant createdAt() {
    return instant(state.getCreatedTimestamp());
  }

  public Instant lastUpdatedAt() {
    return instant(state.getLastUpdatedTimestamp());
  }

  public Optional<Instant> completedAt() {
    return state.hasCompletedTimestamp()
        ? Optional.of(instant(state.getCompletedTimestamp()))
        : Optional.empty();
  }

  /** The current execution's id (it changes with continue-as-new), if the scheduler reports it. */
  public Optional<String> executionId() {
    return state.hasExecutionId()
        ? Optional.of(state.getExecutionId().getValue())
        : Optional.empty();
  }

  public Optional<String> parentInstanceId() {
    return state.hasParentInstanceId()
        ? Optional.of(state.getParentInstanceId().getValue())
        : Optional.empty();
  }

  public Map<String, String> tags() {
    return state.getTagsMap();
  }

  /** The failure of a FAILED instance. */
  public Optional<FailureDetails> failure() {
    return state.hasFailureDetails()
        ? Optional.of(FailureDetails.fromProto(state.getFailureDetails()))
        : Optional.empty();
  }

  /** The serialized input, or null. */
  public String serializedInput() {
    return text(state.hasInput(), state.getInput());
  }

  /** The serialized output, or null. */
  public String serializedOutput() {
    return text(state.hasOutput(), state.getOutput());
  }

  /** The serialized custom status, or null. */
  public String serializedCustomStatus() {
    return text(state.hasCustomStatus(), state.getCustomStatus());
  }

  /**
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it is not a {@code type}
   */
  public <T> T readInputAs(Class<T> type) {
    return read(serializedInput(), type);
  }

  /**
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it is not a {@code type}
   */
  public <T> T readOutputAs(Class<T> type) {
    return read(serializedOutput(), type);
  }

  /**
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it is not a {@code type}
   */
  public <T> T readCustomStatusAs(Class<T> type) {
    return read(serializedCustomStatus(), type);
  }

  OrchestrationState state() {
    return state;
  }

  private <T> T read(String data, Class<T> type) {
    return data == null ? null : converter.deserialize(data, type);
  }

  private static String text(boolean present, StringValue value) {
    return present && !value.getValue().isEmpty() ? value.getValue() : null;
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  @Override
  public String toString() {
    return "OrchestrationMetadata[" + instanceId() + " " + name() + " " + status() + "]";
  }
}
