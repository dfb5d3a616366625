package dev.taskhub.server.engine;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import dev.taskhub.server.store.Store;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs server steps against the store: loads the instance as it is now, plans the step, commits it.
 * The dispatcher holds the instance's flight around it and does the bookkeeping after.
 */
final class ServerSteps {
  private static final Logger log = LoggerFactory.getLogger(ServerSteps.class);

  private final Store store;
  private final HistoryCache histories;
  private final StepPlanner planner;

  ServerSteps(Store store, HistoryCache histories, StepPlanner planner) {
    this.store = store;
    this.histories = histories;
    this.planner = planner;
  }

  /**
   * Plans and commits {@code serverStep} on the instance, and tells {@code tracing} what it
   * committed.
   *
   * @return the committed step, or null if there was nothing to do or it failed (logged; nothing
   *     was applied then)
   */
  OrchestrationStep apply(InstanceKey key, ServerStep serverStep, long now, Tracing tracing) {
    try {
      // Server steps rewrite or end the history: the cached one goes either way.
      histories.forget(key);
      Optional<OrchestrationWorkItem> loaded = store.loadWorkItem(key, now);
      if (loaded.isEmpty()) {
        return null;
      }
      OrchestrationStep step = serverStep.plan(loaded.get(), now).orElse(null);
      if (step != null) {
        store.applyStep(step);
        log.info("Applied a server-side step to {}: now {}", key, step.update().status());
        tracing.serverStepCommitted(loaded.get(), step, now);
      }
      return step;
    } catch (RuntimeException e) {
      log.error("A server-side step on {} failed; nothing was applied", key, e);
      return null;
    }
  }

  /**
   * Ends an instance whose {@code ExecutionTerminated} is in its inbox, without a worker: used when
   * it is suspended, has not started, or no worker is connected to the hub.
   */
  ServerStep termination() {
    return (workItem, now) -> {
      if (workItem.instance().isTerminal()) {
        return Optional.empty();
      }
      return Episode.buildForServer(workItem, now)
          .filter(e -> e.newEvents().stream().anyMatch(HistoryEvent::hasExecutionTerminated))
          .map(episode -> planner.terminate(episode, now));
    };
  }
}
