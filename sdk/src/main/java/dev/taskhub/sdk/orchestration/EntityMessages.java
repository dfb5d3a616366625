package dev.taskhub.sdk.orchestration;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityLockGrantedEvent;
import dev.taskhub.protocol.EntityLockRequestedEvent;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.EntityOperationCompletedEvent;
import dev.taskhub.protocol.EntityOperationFailedEvent;
import dev.taskhub.protocol.EntityOperationSignaledEvent;
import dev.taskhub.protocol.EntityUnlockSentEvent;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.SendEntityMessageAction;
import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An orchestration's messages to entities — calls, signals, lock requests and unlocks, each a
 * {@code SendEntityMessage} action that the scheduler records under its action id — and the answers
 * to them, matched by request id ({@code EntityOperationCompleted} / {@code …Failed}) or
 * critical-section id ({@code EntityLockGranted}). Request and critical-section ids come from
 * {@link RuntimeContext#newUuid()}, so replay produces the same ones.
 *
 * <p>The critical-section rules (the same as the other SDKs'): one section at a time; inside it,
 * only the locked entities may be called, each by one call at a time, and none may be signalled;
 * calls wait until the lock is granted. The section state machine: {@code requested} (lock sent) →
 * {@code granted} (EntityLockGranted applied; the lock task completes) → {@code closed} (unlocks
 * sent). Only the orchestration's thread touches this.
 */
final class EntityMessages {
  private final RuntimeContext context;
  private final Map<String, PendingCall<?>> calls = new HashMap<>();
  private CriticalSection section;

  private record PendingCall<T>(
      CompletableTask<T> task,
      Class<T> type,
      EntityInstanceId entity,
      String operation,
      CriticalSection heldBy) {}

  EntityMessages(RuntimeContext context) {
    this.context = context;
  }

  <T> CompletableTask<T> call(
      EntityInstanceId entity, String operation, StringValue input, Class<T> type) {
    if (section != null) {
      section.checkCall(entity);
    }
    int id = context.actions().nextId();
    String requestId = context.newUuid().toString();
    EntityOperationCalledEvent.Builder called =
        EntityOperationCalledEvent.newBuilder()
            .setRequestId(requestId)
            .setOperation(operation)
            .setParentInstanceId(StringValue.of(context.instanceId()))
            .setParentExecutionId(StringValue.of(context.executionId()))
            .setTargetInstanceId(StringValue.of(entity.toString()));
    if (input != null) {
      called.setInput(input);
    }
    send(id, SendEntityMessageAction.newBuilder().setEntityOperationCalled(called));
    CompletableTask<T> task = new CompletableTask<>(context);
    calls.put(requestId, new PendingCall<>(task, type, entity, operation, section));
    return task;
  }

  void signal(EntityInstanceId entity, String operation, StringValue input, Instant at) {
    if (section != null && section.entities.contains(entity)) {
      throw new IllegalStateException(
          "Must not signal "
              + entity
              + " inside the critical section that locks it: call it instead, or signal it after"
              + " closing the lock");
    }
    int id = context.actions().nextId();
    EntityOperationSignaledEvent.Builder signaled =
        EntityOperationSignaledEvent.newBuilder()
            .setRequestId(context.newUuid().toString())
            .setOperation(operation)
            .setTargetInstanceId(StringValue.of(entity.toString()));
    if (input != null) {
      signaled.setInput(input);
    }
    if (at != null) {
      signaled.setScheduledTime(RuntimeContext.timestamp(at));
    }
    send(id, SendEntityMessageAction.newBuilder().setEntityOperationSignaled(signaled));
  }

  CompletableTask<EntityLock> lock(List<EntityInstanceId> entities) {
    Objects.requireNonNull(entities, "entities");
    if (entities.isEmpty()) {
      throw new IllegalArgumentException("lockEntities needs at least one entity");
    }
    if (section != null) {
      throw new IllegalStateException(
          "Already in a critical section (locking "
              + section.entities
              + "): close its EntityLock before locking again");
    }
    // Sorted and without duplicates: every orchestration locks in the same global order.
    List<EntityInstanceId> lockSet = List.copyOf(new TreeSet<>(entities));
    int id = context.actions().nextId();
    String criticalSectionId = context.newUuid().toString();
    EntityLockRequestedEvent.Builder request =
        EntityLockRequestedEvent.newBuilder()
            .setCriticalSectionId(criticalSectionId)
            .setPosition(0)
            .setParentInstanceId(StringValue.of(context.instanceId()));
    lockSet.forEach(entity -> request.addLockSet(entity.toString()));
    send(id, SendEntityMessageAction.newBuilder().setEntityLockRequested(request));
    section = new CriticalSection(criticalSectionId, lockSet, new CompletableTask<>(context));
    return section.request;
  }

  /** The entities of the granted critical section, or none. */
  List<EntityInstanceId> lockedEntities() {
    return section != null && section.granted ? section.entities : List.of();
  }

  /** The orchestration returned: a section it left open is closed for it. */
  void closeOpenSection() {
    if (section != null && section.granted) {
      release(section);
    }
  }

  // ---------------------------------------------------------------- answers

  void completed(EntityOperationCompletedEvent completed) {
    PendingCall<?> call = take(completed.getRequestId());
    if (call != null) {
      complete(call, completed.hasOutput() ? completed.getOutput() : null);
    }
  }

  void failed(EntityOperationFailedEvent failed) {
    PendingCall<?> call = take(failed.getRequestId());
    if (call != null) {
      call.task()
          .fail(
              new EntityOperationFailedException(
                  call.entity(),
                  call.operation(),
                  FailureDetails.fromProto(failed.getFailureDetails())));
    }
  }

  void granted(EntityLockGrantedEvent granted) {
    if (section != null && !section.granted && section.id.equals(granted.getCriticalSectionId())) {
      section.granted = true;
      section.request.complete(section);
    }
  }

  /** Removes the call answered (null for an unknown or repeated answer) and frees its entity. */
  private PendingCall<?> take(String requestId) {
    PendingCall<?> call = calls.remove(requestId);
    if (call != null && call.heldBy() != null) {
      call.heldBy().busy.remove(call.entity());
    }
    return call;
  }

  private <T> void complete(PendingCall<T> call, StringValue output) {
    try {
      call.task().complete(call.type().cast(context.read(output, call.type())));
    } catch (TaskhubException.DataConversion e) {
      call.task().fail(e);
    }
  }

  // ---------------------------------------------------------------- helpers

  private void release(CriticalSection closing) {
    if (closing.closed) {
      return;
    }
    closing.closed = true;
    if (section == closing) {
      section = null;
    }
    for (EntityInstanceId entity : closing.entities) {
      EntityUnlockSentEvent.Builder unlock =
          EntityUnlockSentEvent.newBuilder()
              .setCriticalSectionId(closing.id)
              .setParentInstanceId(StringValue.of(context.instanceId()))
              .setTargetInstanceId(StringValue.of(entity.toString()));
      send(
          context.actions().nextId(),
          SendEntityMessageAction.newBuilder().setEntityUnlockSent(unlock));
    }
  }

  private void send(int id, SendEntityMessageAction.Builder message) {
    context
        .actions()
        .add(
            OrchestratorAction.newBuilder().setId(id).setSendEntityMessage(message).build(),
            context.isReplaying());
  }

  /** One critical section, and the lock handle the orchestration holds for it. */
  private final class CriticalSection implements EntityLock {
    final String id;
    final List<EntityInstanceId> entities;
    final CompletableTask<EntityLock> request;
    final Set<EntityInstanceId> busy = new HashSet<>();
    boolean granted;
    boolean closed;

    CriticalSection(
        String id, List<EntityInstanceId> entities, CompletableTask<EntityLock> request) {
      this.id = id;
      this.entities = entities;
      this.request = request;
    }

    void checkCall(EntityInstanceId entity) {
      if (!granted) {
        throw new IllegalStateException(
            "Await the lock (lockEntities(...).await()) before calling an entity");
      }
      if (!entities.contains(entity)) {
        throw new IllegalStateException(
            "Must not call "
                + entity
                + " inside a critical section that does not lock it (it locks "
                + entities
                + ")");
      }
      if (busy.contains(entity)) {
        throw new IllegalStateException(
            "A call to "
                + entity
                + " is still pending in this critical section: await it before calling again");
      }
      busy.add(entity);
    }

    @Override
    public List<EntityInstanceId> entities() {
      return entities;
    }

    @Override
    public void close() {
      // While a signal unwinds the orchestration (try-with-resources closes on the way out), the
      // run's outcome is decided already: sending unlocks then would be an action never answered.
      if (context.unwinding()) {
        return;
      }
      context.enter();
      release(this);
    }

    @Override
    public String toString() {
      return "EntityLock" + entities;
    }
  }
}
