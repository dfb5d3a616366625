package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityLockGrantedEvent;
import dev.taskhub.protocol.EntityLockRequestedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.EntityStep;
import dev.taskhub.server.store.EntityWorkItem;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides an entity's next step from its inbox, in arrival order — the entity's scheduler, which
 * the server runs so that workers only ever execute operations:
 *
 * <ul>
 *   <li>Unlocked, every message may run. Operations (signals, calls) at the head form a batch for a
 *       worker; a lock request the server applies itself: the entity is then held by the requesting
 *       orchestration, and the request goes on to the next entity of the lock set, or the last one
 *       answers the orchestration with {@code EntityLockGranted}.
 *   <li>Locked, only the holder's calls and its unlock may run; everything else keeps its place
 *       until the unlock.
 *   <li>Operations and lock messages are never mixed in one step, and a lock message never
 *       overtakes an operation that arrived before it.
 *   <li>A holder that has ended holds nothing (released here, in case its unlock was lost); a lock
 *       request from an orchestration that has ended is dropped; an unlock for a lock not held (the
 *       orchestration ended before its request reached this entity) is dropped.
 * </ul>
 */
final class EntityPlanner {
  /** Operations per batch, at most. */
  static final int MAX_BATCH = 100;

  private EntityPlanner() {}

  static EntityPlan plan(EntityWorkItem item, long now) {
    EntityRecord entity = item.entity();
    InstanceKey key = entity.key();
    String holder = entity.lockedBy();
    String section = entity.lockSection();
    boolean serverStep = false;
    if (holder != null && !item.running().contains(holder)) {
      holder = null; // its orchestration ended: the lock is released with this step
      section = null;
      serverStep = true;
    }
    List<InboxEvent> operations = new ArrayList<>();
    List<Long> consumed = new ArrayList<>();
    List<Long> dropped = new ArrayList<>();
    List<InboxMessage> messages = new ArrayList<>();
    for (InboxEvent inbox : item.inbox()) {
      HistoryEvent event = inbox.event();
      if (event.hasEntityOperationSignaled() || event.hasEntityOperationCalled()) {
        boolean holders =
            event.hasEntityOperationCalled()
                && holder != null
                && holder.equals(event.getEntityOperationCalled().getParentInstanceId().getValue());
        if (holder != null && !holders) {
          continue; // waits for the unlock
        }
        if (serverStep) {
          break;
        }
        operations.add(inbox);
        if (operations.size() == MAX_BATCH) {
          break;
        }
      } else if (event.hasEntityLockRequested()) {
        if (holder != null) {
          continue;
        }
        if (!operations.isEmpty()) {
          break;
        }
        serverStep = true;
        consumed.add(inbox.id());
        EntityLockRequestedEvent request = event.getEntityLockRequested();
        String requester = request.getParentInstanceId().getValue();
        if (!item.running().contains(requester)) {
          continue; // it ended before its lock got here: nothing to grant
        }
        holder = requester;
        section = request.getCriticalSectionId();
        messages.add(forward(key, request, now));
      } else if (event.hasEntityUnlockSent()) {
        boolean releases =
            holder != null
                && event.getEntityUnlockSent().getCriticalSectionId().equals(section)
                && holder.equals(event.getEntityUnlockSent().getParentInstanceId().getValue());
        if (!releases) {
          dropped.add(inbox.id());
          continue;
        }
        if (!operations.isEmpty()) {
          break;
        }
        serverStep = true;
        consumed.add(inbox.id());
        holder = null;
        section = null;
      } else {
        dropped.add(inbox.id()); // nothing else is ever sent to an entity
      }
    }
    if (!operations.isEmpty()) {
      return new EntityPlan.Batch(EntityBatch.of(item, operations, dropped));
    }
    if (!serverStep && dropped.isEmpty()) {
      return new EntityPlan.Idle();
    }
    consumed.addAll(dropped);
    return new EntityPlan.Server(
        new EntityStep(
            key,
            entity.version(),
            entity.state(),
            holder,
            section,
            consumed,
            messages,
            List.of(),
            now));
  }

  /** The lock request for the next entity of its set, or the grant for the last one. */
  private static InboxMessage forward(
      InstanceKey self, EntityLockRequestedEvent request, long now) {
    int next = request.getPosition() + 1;
    if (next < request.getLockSetCount()) {
      HistoryEvent onward =
          Events.event(now).setEntityLockRequested(request.toBuilder().setPosition(next)).build();
      return new InboxMessage(
          new InstanceKey(self.hub(), request.getLockSet(next)), null, now, onward);
    }
    HistoryEvent granted =
        Events.event(now)
            .setEntityLockGranted(
                EntityLockGrantedEvent.newBuilder()
                    .setCriticalSectionId(request.getCriticalSectionId()))
            .build();
    StringValue requester = request.getParentInstanceId();
    return new InboxMessage(new InstanceKey(self.hub(), requester.getValue()), null, now, granted);
  }
}
