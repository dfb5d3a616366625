package dev.taskhub.sdk.entity;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityBatchRequest;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.EntityRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OperationInfo;
import dev.taskhub.protocol.OperationRequest;
import dev.taskhub.protocol.OperationResult;
import dev.taskhub.protocol.OperationResultFailure;
import dev.taskhub.protocol.OperationResultSuccess;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.FailureDetails;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs entity batches: takes the scheduler's request (the entity's state and its queued operations,
 * as {@code EntityRequest} or the older {@code EntityBatchRequest}) and answers the {@code
 * EntityBatchResult} (one result per operation run, the messages they sent, the new state). {@code
 * TaskhubWorker} uses it; tests can use it to run entities without a scheduler.
 *
 * <p>Each operation is a transaction of its own ({@link EntityTransaction}): one that throws is
 * rolled back and answered with its failure, and the next one runs on the state before it. A batch
 * may stop early ({@code keepGoing} turns false, e.g. the worker is stopping): the operations not
 * run get no result, and the scheduler delivers them again. A failure outside any operation (the
 * entity cannot be created) fails the batch as a whole, which the scheduler also delivers again. An
 * entity name nobody registered fails every operation with {@code EntityTaskNotFound},
 * non-retriable, and leaves the state as it was.
 *
 * <p>Thread-safe: batches of different entities run concurrently, each on a new entity instance.
 */
public final class EntityExecutor {
  /** The error type of operations sent to an entity name this worker does not host. */
  public static final String ENTITY_NOT_FOUND = "EntityTaskNotFound";

  private final Map<String, Supplier<? extends Entity>> entities = new HashMap<>();
  private final DataConverter converter;
  private final Clock clock;

  /** One queued operation, in either request shape; {@code replyTo} is null for a signal. */
  private record Operation(
      String requestId, String name, StringValue input, OrchestrationInstance replyTo) {}

  /**
   * @param entities entity factories by name (any case); each batch gets a new instance
   * @param converter reads and writes inputs, results and states
   * @param clock stamps operation start and end times and the messages' request times
   */
  public EntityExecutor(
      Map<String, ? extends Supplier<? extends Entity>> entities,
      DataConverter converter,
      Clock clock) {
    entities.forEach((name, factory) -> this.entities.put(name.toLowerCase(Locale.ROOT), factory));
    this.converter = converter;
    this.clock = clock;
  }

  /**
   * Runs a whole batch of the older request shape; see {@link #execute(EntityRequest,
   * BooleanSupplier)}.
   */
  public EntityBatchResult execute(EntityBatchRequest request) {
    return execute(request, () -> true);
  }

  /** Runs a whole batch; see {@link #execute(EntityRequest, BooleanSupplier)}. */
  public EntityBatchResult execute(EntityRequest request) {
    return execute(request, () -> true);
  }

  /**
   * Runs a batch of the older request shape (no response destinations: answers carry no {@code
   * operationInfos}).
   *
   * @param keepGoing asked before each operation; false ends the batch there
   * @return the result, without completion token
   */
  public EntityBatchResult execute(EntityBatchRequest request, BooleanSupplier keepGoing) {
    List<Operation> operations = new ArrayList<>(request.getOperationsCount());
    for (OperationRequest operation : request.getOperationsList()) {
      operations.add(
          new Operation(
              operation.getRequestId(),
              operation.getOperation(),
              operation.hasInput() ? operation.getInput() : null,
              null));
    }
    return run(
        request.getInstanceId(),
        request.hasEntityState() ? request.getEntityState() : null,
        operations,
        false,
        keepGoing);
  }

  /**
   * Runs a batch whose operations come as {@code EntityOperationSignaled} / {@code
   * EntityOperationCalled} events; the answer names, per result, where its response goes.
   *
   * @param keepGoing asked before each operation; false ends the batch there
   * @return the result, without completion token
   */
  public EntityBatchResult execute(EntityRequest request, BooleanSupplier keepGoing) {
    List<Operation> operations = new ArrayList<>(request.getOperationRequestsCount());
    for (HistoryEvent event : request.getOperationRequestsList()) {
      operations.add(operationOf(event));
    }
    return run(
        request.getInstanceId(),
        request.hasEntityState() ? request.getEntityState() : null,
        operations,
        true,
        keepGoing);
  }

  private static Operation operationOf(HistoryEvent event) {
    if (event.hasEntityOperationSignaled()) {
      var signaled = event.getEntityOperationSignaled();
      return new Operation(
          signaled.getRequestId(),
          signaled.getOperation(),
          signaled.hasInput() ? signaled.getInput() : null,
          null);
    }
    if (event.hasEntityOperationCalled()) {
      var called = event.getEntityOperationCalled();
      OrchestrationInstance.Builder replyTo =
          OrchestrationInstance.newBuilder().setInstanceId(called.getParentInstanceId().getValue());
      if (called.hasParentExecutionId()) {
        replyTo.setExecutionId(called.getParentExecutionId());
      }
      return new Operation(
          called.getRequestId(),
          called.getOperation(),
          called.hasInput() ? called.getInput() : null,
          replyTo.build());
    }
    // Not an operation: kept in line (as an operation that fails) so results stay in order.
    return new Operation("", event.getEventTypeCase().name(), null, null);
  }

  private EntityBatchResult run(
      String instanceId,
      StringValue state,
      List<Operation> operations,
      boolean withInfos,
      BooleanSupplier keepGoing) {
    EntityBatchResult.Builder result = EntityBatchResult.newBuilder();
    EntityInstanceId id;
    Supplier<? extends Entity> factory;
    try {
      id = EntityInstanceId.parse(instanceId);
      factory = entities.get(id.name());
    } catch (IllegalArgumentException e) {
      return notFound(state, operations, withInfos, e.getMessage());
    }
    if (factory == null) {
      return notFound(
          state,
          operations,
          withInfos,
          "No entity named '" + id.name() + "' is registered with this worker");
    }
    Entity entity;
    try {
      entity = factory.get();
    } catch (RuntimeException | LinkageError e) {
      return result.setFailureDetails(FailureDetails.of(e).toProto()).build();
    }
    EntityTransaction transaction =
        new EntityTransaction(id, state == null ? null : state.getValue(), converter, clock);
    for (Operation operation : operations) {
      if (!keepGoing.getAsBoolean()) {
        break;
      }
      result.addResults(runOne(entity, transaction, operation));
      if (withInfos) {
        result.addOperationInfos(info(operation));
      }
    }
    if (transaction.committedState() != null) {
      result.setEntityState(StringValue.of(transaction.committedState()));
    }
    return result.addAllActions(transaction.committedActions()).build();
  }

  private OperationResult runOne(
      Entity entity, EntityTransaction transaction, Operation operation) {
    Instant startedAt = clock.instant();
    transaction.begin(operation.name(), operation.input());
    try {
      Object output = entity.run(transaction);
      transaction.commit();
      OperationResultSuccess.Builder success =
          OperationResultSuccess.newBuilder()
              .setStartTimeUtc(EntityTransaction.timestamp(startedAt))
              .setEndTimeUtc(EntityTransaction.timestamp(clock.instant()));
      if (output != null) {
        success.setResult(StringValue.of(converter.serialize(output)));
      }
      return OperationResult.newBuilder().setSuccess(success).build();
    } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
      transaction.rollback();
      return failure(FailureDetails.of(e), startedAt);
    }
  }

  private OperationResult failure(FailureDetails details, Instant startedAt) {
    return OperationResult.newBuilder()
        .setFailure(
            OperationResultFailure.newBuilder()
                .setFailureDetails(details.toProto())
                .setStartTimeUtc(EntityTransaction.timestamp(startedAt))
                .setEndTimeUtc(EntityTransaction.timestamp(clock.instant())))
        .build();
  }

  private EntityBatchResult notFound(
      StringValue state, List<Operation> operations, boolean withInfos, String message) {
    EntityBatchResult.Builder result = EntityBatchResult.newBuilder();
    FailureDetails details = new FailureDetails(ENTITY_NOT_FOUND, message, null, null, true);
    Instant now = clock.instant();
    for (Operation operation : operations) {
      result.addResults(failure(details, now));
      if (withInfos) {
        result.addOperationInfos(info(operation));
      }
    }
    if (state != null) {
      result.setEntityState(state);
    }
    return result.build();
  }

  private static OperationInfo info(Operation operation) {
    OperationInfo.Builder info = OperationInfo.newBuilder().setRequestId(operation.requestId());
    if (operation.replyTo() != null) {
      info.setResponseDestination(operation.replyTo());
    }
    return info.build();
  }
}
