package dev.taskhub.server.engine;

import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.EntityStep;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.Store;
import java.time.Clock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O of one hub's entities, beside the {@link Dispatcher}: plans a dispatched entity's next
 * step ({@link EntityPlanner}) and sends its batch or applies its lock messages, commits a worker's
 * answer ({@link EntityResults}), and fails a poisoned batch's operations. Like the dispatcher, it
 * reads and writes outside the hub's lock and reports each outcome to {@link HubWork}.
 */
final class EntitySteps {
  private static final Logger log = LoggerFactory.getLogger(EntitySteps.class);

  private final Store store;
  private final Clock clock;
  private final HubWork work;
  private final Waiters waiters;
  private final EntityResults results;
  private final Runnable dispatch;
  private final BiConsumer<WorkerStream, RuntimeException> failedCompletion;

  /**
   * @param dispatch hands out what became ready (the dispatcher's round)
   * @param failedCompletion what the dispatcher does with a stream whose completion failed
   */
  EntitySteps(
      Store store,
      Clock clock,
      HubWork work,
      Waiters waiters,
      EntityResults results,
      Runnable dispatch,
      BiConsumer<WorkerStream, RuntimeException> failedCompletion) {
    this.store = store;
    this.clock = clock;
    this.work = work;
    this.waiters = waiters;
    this.results = results;
    this.dispatch = dispatch;
    this.failedCompletion = failedCompletion;
  }

  /**
   * Plans the dispatched entity's next step: sends a batch of operations, or applies lock messages
   * itself (then looks again), or finds nothing it may run yet.
   */
  void plan(WorkerStream stream, InstanceKey key) {
    long now = clock.millis();
    EntityPlan plan;
    try {
      plan =
          store
              .loadEntityWorkItem(key, now)
              .map(item -> EntityPlanner.plan(item, now))
              .orElse(new EntityPlan.Idle());
      if (plan instanceof EntityPlan.Server server) {
        store.applyEntityStep(server.step());
      }
    } catch (TaskhubException.LeaseLost e) {
      work.entityServerStepDone(stream, key, null, now);
      work.wake(key); // another step got there first (a cleanup, say): plan again
      dispatch.run();
      return;
    } catch (RuntimeException e) {
      log.error("Could not plan the next batch of entity {}; retrying in 1 s", key, e);
      work.entityReadFailed(stream, key, clock.millis() + Dispatcher.READ_RETRY_MILLIS);
      dispatch.run();
      return;
    }
    switch (plan) {
      case EntityPlan.Idle idle -> work.entityServerStepDone(stream, key, null, now);
      case EntityPlan.Server server -> {
        work.entityServerStepDone(stream, key, server.step(), now);
        waiters.changed(key);
      }
      case EntityPlan.Batch batch -> {
        WorkItem item = work.entityBatchReady(stream, key, batch.batch());
        if (item != null) {
          stream.send(item);
          return;
        }
      }
    }
    dispatch.run();
  }

  /**
   * Applies a worker's answer to the entity batch its token names.
   *
   * @throws TaskhubException.LeaseLost if no batch is out for this token (answered already, or its
   *     lease expired and it was given back)
   */
  void complete(EntityBatchResult result) {
    String token = result.getCompletionToken();
    Lease lease = work.beginEntityCompletion(token);
    if (lease == null) {
      if (work.source().relay(token, result)) {
        return;
      }
      throw new TaskhubException.LeaseLost(
          "No entity work item with completion token '"
              + token
              + "' is in flight: it was completed already, or its lease expired and it was given back");
    }
    if (EntityResults.failedAsWhole(lease.entityBatch, result)) {
      log.warn(
          "The worker could not run a batch of entity {}: {}",
          lease.key,
          result.getFailureDetails().getErrorMessage());
      work.entityBatchFailed(lease);
      dispatch.run();
      return;
    }
    long now = clock.millis();
    EntityStep step = results.apply(lease.entityBatch, result, now);
    try {
      store.applyEntityStep(step);
    } catch (TaskhubException.LeaseLost e) {
      work.stepRejected(lease);
      dispatch.run();
      throw e;
    } catch (RuntimeException e) {
      work.completionFailed(lease);
      failedCompletion.accept(lease.stream, e);
      throw e;
    }
    work.entityStepCommitted(lease, step, now);
    work.metrics.actionsApplied(
        lease.key.hub(),
        "entityOperation",
        Math.min(result.getResultsCount(), lease.entityBatch.operations().size()));
    waiters.changed(lease.key);
    dispatch.run();
  }

  /** Fails the operations of a batch given back past the poison limit; the state is kept. */
  void failPoisoned(InstanceKey key, EntityBatch batch, int deliveries) {
    long now = clock.millis();
    EntityStep step =
        EntityResults.fail(
            batch,
            Events.failure(
                "EntityBatchFailed",
                "A batch of entity '"
                    + key.instanceId()
                    + "' was given back "
                    + deliveries
                    + " times (its worker failed or vanished); its operations failed"),
            now);
    try {
      store.applyEntityStep(step);
    } catch (RuntimeException e) {
      log.error("Could not fail the poisoned batch of entity {}", key, e);
      step = null;
    }
    work.poisonedEntityBatchFailed(key, step, now);
    dispatch.run();
  }
}
