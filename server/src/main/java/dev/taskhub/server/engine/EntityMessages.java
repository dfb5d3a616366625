package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityLockRequestedEvent;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.EntityOperationSignaledEvent;
import dev.taskhub.protocol.EntityUnlockSentEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.SendEntityMessageAction;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an orchestration's {@code sendEntityMessage} actions become: the event recorded in its
 * history (event id = action id, the message as sent, so replay matches it) and the message put in
 * the entity's inbox. The server fills in who is asking (parent instance and execution), so an
 * answer or a lock always goes back to the orchestration that asked, whatever the worker wrote; and
 * it sorts and deduplicates a lock set, so locks are always taken in one global order and two
 * critical sections over the same entities cannot deadlock.
 *
 * <p>When an orchestration ends (completes, fails, is terminated, continues as new) holding locks
 * or waiting for them, {@link #unlocksAtEnd} sends an unlock to every entity of each critical
 * section it did not release; an entity drops an unlock for a lock it does not hold, and a lock
 * request that reaches an entity after its orchestration ended is dropped there (see {@link
 * EntityPlanner}).
 */
final class EntityMessages {
  /** The recorded history event and the message for the entity. */
  record Sent(HistoryEvent recorded, InboxMessage message) {}

  private EntityMessages() {}

  /**
   * @throws TaskhubException.InvalidArgument if the action names no entity or a malformed one
   */
  static Sent of(
      int actionId,
      SendEntityMessageAction action,
      InstanceKey self,
      String executionId,
      long now) {
    StringValue parent = StringValue.of(self.instanceId());
    return switch (action.getEntityMessageTypeCase()) {
      case ENTITYOPERATIONSIGNALED -> {
        EntityOperationSignaledEvent signal = action.getEntityOperationSignaled();
        InstanceKey target = entity(self, signal.getTargetInstanceId().getValue());
        long visibleAt =
            signal.hasScheduledTime()
                ? Math.max(now, Events.millis(signal.getScheduledTime()))
                : now;
        HistoryEvent message = Events.event(now).setEntityOperationSignaled(signal).build();
        yield new Sent(
            recorded(actionId, message), new InboxMessage(target, null, visibleAt, message));
      }
      case ENTITYOPERATIONCALLED -> {
        EntityOperationCalledEvent call =
            action.getEntityOperationCalled().toBuilder()
                .setParentInstanceId(parent)
                .setParentExecutionId(StringValue.of(executionId))
                .build();
        InstanceKey target = entity(self, call.getTargetInstanceId().getValue());
        long visibleAt =
            call.hasScheduledTime() ? Math.max(now, Events.millis(call.getScheduledTime())) : now;
        HistoryEvent message = Events.event(now).setEntityOperationCalled(call).build();
        yield new Sent(
            recorded(actionId, message), new InboxMessage(target, null, visibleAt, message));
      }
      case ENTITYLOCKREQUESTED -> {
        EntityLockRequestedEvent requested = action.getEntityLockRequested();
        TreeSet<String> ordered = new TreeSet<>();
        for (String id : requested.getLockSetList()) {
          ordered.add(EntityId.parse(id).instanceId());
        }
        if (ordered.isEmpty()) {
          throw new TaskhubException.InvalidArgument(
              "A lock request (action " + actionId + ") must name at least one entity");
        }
        EntityLockRequestedEvent lock =
            requested.toBuilder()
                .clearLockSet()
                .addAllLockSet(ordered)
                .setPosition(0)
                .setParentInstanceId(parent)
                .build();
        HistoryEvent message = Events.event(now).setEntityLockRequested(lock).build();
        InstanceKey first = new InstanceKey(self.hub(), ordered.first());
        yield new Sent(recorded(actionId, message), new InboxMessage(first, null, now, message));
      }
      case ENTITYUNLOCKSENT -> {
        EntityUnlockSentEvent unlock =
            action.getEntityUnlockSent().toBuilder().setParentInstanceId(parent).build();
        InstanceKey target = entity(self, unlock.getTargetInstanceId().getValue());
        HistoryEvent message = Events.event(now).setEntityUnlockSent(unlock).build();
        yield new Sent(recorded(actionId, message), new InboxMessage(target, null, now, message));
      }
      case ENTITYMESSAGETYPE_NOT_SET ->
          throw new TaskhubException.InvalidArgument(
              "sendEntityMessage action " + actionId + " carries no message");
    };
  }

  /** True for the history events that record a {@code sendEntityMessage} action. */
  static boolean recordsAction(HistoryEvent event) {
    return switch (event.getEventTypeCase()) {
      case ENTITYOPERATIONSIGNALED, ENTITYOPERATIONCALLED, ENTITYLOCKREQUESTED, ENTITYUNLOCKSENT ->
          true;
      default -> false;
    };
  }

  /**
   * Unlocks for every entity of each critical section the history opened and did not release.
   *
   * @param history the generation's whole history, including the ending step's new events
   */
  static List<InboxMessage> unlocksAtEnd(InstanceKey self, List<HistoryEvent> history, long now) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    Map<String, Set<String>> released = new HashMap<>();
    for (HistoryEvent event : history) {
      if (event.hasEntityLockRequested()) {
        EntityLockRequestedEvent lock = event.getEntityLockRequested();
        sections.put(lock.getCriticalSectionId(), lock.getLockSetList());
      } else if (event.hasEntityUnlockSent()) {
        EntityUnlockSentEvent unlock = event.getEntityUnlockSent();
        released
            .computeIfAbsent(unlock.getCriticalSectionId(), id -> new HashSet<>())
            .add(unlock.getTargetInstanceId().getValue());
      }
    }
    List<InboxMessage> unlocks = new ArrayList<>();
    sections.forEach(
        (section, lockSet) -> {
          Set<String> done = released.getOrDefault(section, Set.of());
          for (String entity : lockSet) {
            if (!done.contains(entity)) {
              HistoryEvent unlock =
                  Events.event(now)
                      .setEntityUnlockSent(
                          EntityUnlockSentEvent.newBuilder()
                              .setCriticalSectionId(section)
                              .setParentInstanceId(StringValue.of(self.instanceId()))
                              .setTargetInstanceId(StringValue.of(entity)))
                      .build();
              unlocks.add(new InboxMessage(new InstanceKey(self.hub(), entity), null, now, unlock));
            }
          }
        });
    return unlocks;
  }

  private static HistoryEvent recorded(int actionId, HistoryEvent message) {
    return message.toBuilder().setEventId(actionId).build();
  }

  private static InstanceKey entity(InstanceKey self, String instanceId) {
    return new InstanceKey(self.hub(), EntityId.parse(instanceId).instanceId());
  }
}
