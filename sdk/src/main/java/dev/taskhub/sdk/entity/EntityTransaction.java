package dev.taskhub.sdk.entity;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.OperationAction;
import dev.taskhub.protocol.SendSignalAction;
import dev.taskhub.protocol.StartNewOrchestrationAction;
import dev.taskhub.sdk.DataConverter;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The state and the outgoing messages of one entity over one batch, with a checkpoint per
 * operation: an operation that returns {@link #commit commits}, one that throws is {@link #rollback
 * rolled back} to the state and messages the previous operation left. It is also the {@link
 * EntityOperation} and {@link EntityContext} the current operation sees.
 *
 * <p>The state is kept serialized: a checkpoint is then a string reference (no deep copy), and
 * every {@link #getState} hands out a fresh object, so an operation that mutates what it read and
 * then fails leaves nothing behind.
 */
final class EntityTransaction implements EntityOperation, EntityContext {
  private final EntityInstanceId entityId;
  private final DataConverter converter;
  private final Clock clock;
  private final List<OperationAction> actions = new ArrayList<>();
  private String state;
  private String committedState;
  private int committedActions;
  private String operationName;
  private StringValue operationInput;

  /**
   * @param state the serialized state the batch starts from, or null if the entity has none
   */
  EntityTransaction(EntityInstanceId entityId, String state, DataConverter converter, Clock clock) {
    this.entityId = entityId;
    this.converter = converter;
    this.clock = clock;
    this.state = state;
    this.committedState = state;
  }

  /** The next operation starts. */
  void begin(String name, StringValue input) {
    operationName = name;
    operationInput = input;
  }

  void commit() {
    committedState = state;
    committedActions = actions.size();
  }

  void rollback() {
    state = committedState;
    actions.subList(committedActions, actions.size()).clear();
  }

  /** The committed state, serialized; null if the entity has none. */
  String committedState() {
    return committedState;
  }

  /** The committed messages, numbered in the order they were sent. */
  List<OperationAction> committedActions() {
    List<OperationAction> numbered = new ArrayList<>(committedActions);
    for (int i = 0; i < committedActions; i++) {
      numbered.add(actions.get(i).toBuilder().setId(i).build());
    }
    return numbered;
  }

  /** The state read as a generic type ({@link TaskEntity} reads its declared state type). */
  <S> S readState(Type type) {
    return state == null ? null : converter.deserialize(state, type);
  }

  /** The input read as a generic type (a {@link TaskEntity} method's parameter type). */
  <T> T readInput(Type type) {
    return hasInput() ? converter.deserialize(operationInput.getValue(), type) : null;
  }

  // ---------------------------------------------------------------- EntityOperation

  @Override
  public String name() {
    return operationName;
  }

  @Override
  public boolean hasInput() {
    return operationInput != null && !operationInput.getValue().isEmpty();
  }

  @Override
  public <T> T getInput(Class<T> type) {
    return readInput(type);
  }

  @Override
  public boolean hasState() {
    return state != null;
  }

  @Override
  public <S> S getState(Class<S> type) {
    return readState(type);
  }

  @Override
  public void setState(Object newState) {
    state = newState == null ? null : converter.serialize(newState);
  }

  @Override
  public EntityContext context() {
    return this;
  }

  // ---------------------------------------------------------------- EntityContext

  @Override
  public EntityInstanceId entityId() {
    return entityId;
  }

  @Override
  public void signalEntity(EntityInstanceId id, String operation, Object input) {
    signalEntity(id, operation, input, null);
  }

  @Override
  public void signalEntity(EntityInstanceId id, String operation, Object input, Instant at) {
    Objects.requireNonNull(id, "id");
    requireName("operation name", operation);
    SendSignalAction.Builder signal =
        SendSignalAction.newBuilder()
            .setInstanceId(id.toString())
            .setName(operation)
            .setRequestTime(timestamp(clock.instant()));
    if (input != null) {
      signal.setInput(StringValue.of(converter.serialize(input)));
    }
    if (at != null) {
      signal.setScheduledTime(timestamp(at));
    }
    actions.add(OperationAction.newBuilder().setSendSignal(signal).build());
  }

  @Override
  public String startNewOrchestration(String name, Object input) {
    return startNewOrchestration(name, input, null);
  }

  @Override
  public String startNewOrchestration(String name, Object input, String instanceId) {
    requireName("orchestration name", name);
    String id = instanceId != null ? instanceId : UUID.randomUUID().toString().replace("-", "");
    StartNewOrchestrationAction.Builder start =
        StartNewOrchestrationAction.newBuilder()
            .setInstanceId(id)
            .setName(name)
            .setRequestTime(timestamp(clock.instant()));
    if (input != null) {
      start.setInput(StringValue.of(converter.serialize(input)));
    }
    actions.add(OperationAction.newBuilder().setStartNewOrchestration(start).build());
    return id;
  }

  private static void requireName(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("The " + what + " must not be empty");
    }
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
