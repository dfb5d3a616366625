package dev.taskhub.server.engine;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.EntityCleanup;
import dev.taskhub.server.store.EntityFilter;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.EntityPage;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.EntityWorkItem;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.WorkName;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * What clients do with durable entities: signal one, read one, query them, clean up. Operations
 * themselves run in entity batches ({@link EntityPlanner}, {@link EntityResults}), never here.
 */
public final class Entities {
  /** Entities one cleanup pass looks at. */
  static final int CLEANUP_BATCH = 500;

  private final Store store;
  private final Clock clock;
  private final PayloadLimit payloadLimit;
  private final Function<String, Dispatcher> dispatchers;
  private final Timers timers;

  Entities(
      Store store,
      Timers timers,
      PayloadLimit payloadLimit,
      Function<String, Dispatcher> dispatchers) {
    this.store = store;
    this.clock = timers.clock();
    this.timers = timers;
    this.payloadLimit = payloadLimit;
    this.dispatchers = dispatchers;
  }

  /**
   * Queues a one-way operation for an entity (created by its first message), visible now or at the
   * request's scheduled time.
   *
   * @throws TaskhubException.InvalidArgument if the id is not an entity id, the operation is
   *     missing, or the input is over the payload limit
   */
  public void signal(String hub, SignalEntityRequest request) {
    EntityId id = EntityId.parse(request.getInstanceId());
    if (request.getName().isEmpty()) {
      throw new TaskhubException.InvalidArgument(
          "A signal to entity '" + id + "' must name an operation");
    }
    String oversize =
        request.hasInput() ? payloadLimit.check("signal input", request.getInput()) : null;
    if (oversize != null) {
      throw new TaskhubException.InvalidArgument(oversize);
    }
    long now = clock.millis();
    long visibleAt =
        request.hasScheduledTime() ? Math.max(now, Events.millis(request.getScheduledTime())) : now;
    HistoryEvent event =
        Events.entitySignal(
            request.getRequestId().isEmpty()
                ? UUID.randomUUID().toString()
                : request.getRequestId(),
            request.getName(),
            id.instanceId(),
            request.hasInput() ? request.getInput() : null,
            request.hasScheduledTime() ? request.getScheduledTime() : null,
            now);
    InstanceKey key = new InstanceKey(hub, id.instanceId());
    store.sendToEntity(key, event, visibleAt, now);
    Dispatcher dispatcher = dispatchers.apply(hub);
    if (visibleAt <= now) {
      dispatcher.wake(key, WorkName.entity(id.name()));
    } else {
      dispatcher.know(key, WorkName.entity(id.name()));
      timers.at(visibleAt, () -> dispatcher.wake(key));
    }
  }

  /**
   * The entity's row (with or without a state), or empty if it has none.
   *
   * @throws TaskhubException.InvalidArgument if the id is not an entity id
   */
  public Optional<EntityRecord> get(String hub, String instanceId) {
    EntityId id = EntityId.parse(instanceId);
    return store.findEntity(new InstanceKey(hub, id.instanceId()));
  }

  /**
   * The entity's row and everything queued for it, scheduled messages included; empty if it has no
   * row.
   *
   * @throws TaskhubException.InvalidArgument if the id is not an entity id
   */
  public Optional<EntityWorkItem> inspect(String hub, String instanceId) {
    EntityId id = EntityId.parse(instanceId);
    return store.loadEntityWorkItem(new InstanceKey(hub, id.instanceId()), Long.MAX_VALUE);
  }

  /** One page of a hub's entities in id order. */
  public EntityPage query(EntityFilter filter, String continuationToken, int pageSize) {
    return store.queryEntities(filter, continuationToken, pageSize);
  }

  /**
   * One pass of housekeeping over up to {@value #CLEANUP_BATCH} entities; entities whose lock was
   * released are woken, as their queued operations may run now.
   */
  public EntityCleanup clean(
      String hub, String continuationToken, boolean removeEmpty, boolean releaseOrphanedLocks) {
    EntityCleanup cleanup =
        store.cleanEntities(
            hub,
            continuationToken,
            removeEmpty,
            releaseOrphanedLocks,
            CLEANUP_BATCH,
            clock.millis());
    Dispatcher dispatcher = dispatchers.apply(hub);
    cleanup.released().forEach(dispatcher::wake);
    return cleanup;
  }
}
