package dev.taskhub.server.engine;

import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.EntityOperationCompletedEvent;
import dev.taskhub.protocol.EntityOperationFailedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OperationAction;
import dev.taskhub.protocol.OperationResult;
import dev.taskhub.protocol.SendSignalAction;
import dev.taskhub.protocol.StartNewOrchestrationAction;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.EntityStep;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.NewInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a worker's {@code EntityBatchResult} into the step that applies it: the results of the
 * first operations it answered (the rest stay queued), each call's answer to the orchestration that
 * made it, the signals and orchestrations its operations asked for, and the new state. The server
 * routes answers by its own record of the batch, not by the worker's {@code operationInfos}.
 */
final class EntityResults {
  private static final Logger log = LoggerFactory.getLogger(EntityResults.class);

  private final PayloadLimit payloadLimit;

  EntityResults(PayloadLimit payloadLimit) {
    this.payloadLimit = payloadLimit;
  }

  /**
   * The step for a batch the worker answered with results; a batch that failed as a whole is given
   * back instead (see {@link #failedAsWhole}).
   */
  EntityStep apply(EntityBatch batch, EntityBatchResult result, long now) {
    EntityRecord entity = batch.workItem().entity();
    int answered = Math.min(result.getResultsCount(), batch.operations().size());
    String oversize = oversize(result);
    if (oversize != null) {
      // Nothing of the batch is applied; every operation fails with the reason, the state is kept.
      return fail(batch, Events.failure("PayloadTooLarge", oversize), now);
    }
    List<Long> consumed = new ArrayList<>(batch.dropped());
    List<InboxMessage> messages = new ArrayList<>();
    for (int i = 0; i < answered; i++) {
      InboxEvent operation = batch.operations().get(i);
      consumed.add(operation.id());
      OperationResult outcome = result.getResults(i);
      InboxMessage answer = answer(entity.key(), operation.event(), outcome, now);
      if (answer != null) {
        messages.add(answer);
      } else if (outcome.hasFailure()) {
        log.info(
            "Signal {} to entity {} failed: {}",
            operation.event().getEntityOperationSignaled().getOperation(),
            entity.key(),
            outcome.getFailure().getFailureDetails().getErrorMessage());
      }
    }
    List<NewInstance> started = new ArrayList<>();
    for (OperationAction action : result.getActionsList()) {
      switch (action.getOperationActionTypeCase()) {
        case SENDSIGNAL -> signal(entity.key(), action.getSendSignal(), now, messages);
        case STARTNEWORCHESTRATION ->
            started.add(start(entity.key(), action.getStartNewOrchestration(), now));
        case OPERATIONACTIONTYPE_NOT_SET -> {}
      }
    }
    return new EntityStep(
        entity.key(),
        entity.version(),
        result.hasEntityState() ? result.getEntityState().getValue() : null,
        entity.lockedBy(),
        entity.lockSection(),
        consumed,
        messages,
        started,
        now);
  }

  /** True when the worker could not run the batch at all: it goes back and comes again. */
  static boolean failedAsWhole(EntityBatch batch, EntityBatchResult result) {
    return result.getResultsCount() == 0 && !batch.operations().isEmpty();
  }

  /**
   * A batch that cannot be run (past the poison limit, or oversize): every operation is consumed
   * and every call answered with {@code failure}; the state and lock stay as they were.
   */
  static EntityStep fail(EntityBatch batch, TaskFailureDetails failure, long now) {
    EntityRecord entity = batch.workItem().entity();
    List<Long> consumed = new ArrayList<>(batch.dropped());
    List<InboxMessage> messages = new ArrayList<>();
    OperationResult failed =
        OperationResult.newBuilder()
            .setFailure(
                dev.taskhub.protocol.OperationResultFailure.newBuilder().setFailureDetails(failure))
            .build();
    for (InboxEvent operation : batch.operations()) {
      consumed.add(operation.id());
      InboxMessage answer = answer(entity.key(), operation.event(), failed, now);
      if (answer != null) {
        messages.add(answer);
      }
    }
    return new EntityStep(
        entity.key(),
        entity.version(),
        entity.state(),
        entity.lockedBy(),
        entity.lockSection(),
        consumed,
        messages,
        List.of(),
        now);
  }

  private String oversize(EntityBatchResult result) {
    String state =
        result.hasEntityState()
            ? payloadLimit.check("entity state", result.getEntityState())
            : null;
    if (state != null) {
      return state;
    }
    for (OperationResult outcome : result.getResultsList()) {
      if (outcome.hasSuccess() && outcome.getSuccess().hasResult()) {
        String output = payloadLimit.check("operation result", outcome.getSuccess().getResult());
        if (output != null) {
          return output;
        }
      }
    }
    return null;
  }

  /** A call's answer for the orchestration that made it; null for a signal. */
  private static InboxMessage answer(
      InstanceKey entity, HistoryEvent operation, OperationResult outcome, long now) {
    if (!operation.hasEntityOperationCalled()) {
      return null;
    }
    EntityOperationCalledEvent call = operation.getEntityOperationCalled();
    HistoryEvent.Builder event = Events.event(now);
    if (outcome.hasFailure()) {
      event.setEntityOperationFailed(
          EntityOperationFailedEvent.newBuilder()
              .setRequestId(call.getRequestId())
              .setFailureDetails(outcome.getFailure().getFailureDetails()));
    } else {
      EntityOperationCompletedEvent.Builder completed =
          EntityOperationCompletedEvent.newBuilder().setRequestId(call.getRequestId());
      if (outcome.getSuccess().hasResult()) {
        completed.setOutput(outcome.getSuccess().getResult());
      }
      event.setEntityOperationCompleted(completed);
    }
    InstanceKey caller = new InstanceKey(entity.hub(), call.getParentInstanceId().getValue());
    String execution =
        call.hasParentExecutionId() && !call.getParentExecutionId().getValue().isEmpty()
            ? call.getParentExecutionId().getValue()
            : null;
    return new InboxMessage(caller, execution, now, event.build());
  }

  private static void signal(
      InstanceKey from, SendSignalAction signal, long now, List<InboxMessage> messages) {
    EntityId target;
    try {
      target = EntityId.parse(signal.getInstanceId());
    } catch (TaskhubException.InvalidArgument e) {
      log.warn("Entity {} signalled a malformed entity id; dropped: {}", from, e.getMessage());
      return;
    }
    long visibleAt =
        signal.hasScheduledTime() ? Math.max(now, Events.millis(signal.getScheduledTime())) : now;
    HistoryEvent event =
        Events.entitySignal(
            UUID.randomUUID().toString(),
            signal.getName(),
            target.instanceId(),
            signal.hasInput() ? signal.getInput() : null,
            signal.hasScheduledTime() ? signal.getScheduledTime() : null,
            now);
    messages.add(
        new InboxMessage(new InstanceKey(from.hub(), target.instanceId()), null, visibleAt, event));
  }

  private static NewInstance start(InstanceKey from, StartNewOrchestrationAction start, long now) {
    String instanceId =
        start.getInstanceId().isEmpty() ? Starts.newInstanceId() : start.getInstanceId();
    long startAt =
        start.hasScheduledTime() ? Math.max(now, Events.millis(start.getScheduledTime())) : now;
    return Starts.of(
        new InstanceKey(from.hub(), instanceId),
        start.getName(),
        start.hasVersion() ? start.getVersion() : null,
        start.hasInput() ? start.getInput() : null,
        Map.of(),
        now,
        startAt,
        start.hasParentTraceContext() ? start.getParentTraceContext() : null);
  }
}
