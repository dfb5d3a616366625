package dev.taskhub.server.store;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.server.store.StoreFixtures.T0;
import static dev.taskhub.server.store.StoreFixtures.activity;
import static dev.taskhub.server.store.StoreFixtures.events;
import static dev.taskhub.server.store.StoreFixtures.executionCompleted;
import static dev.taskhub.server.store.StoreFixtures.ids;
import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static dev.taskhub.server.store.StoreFixtures.raised;
import static dev.taskhub.server.store.StoreFixtures.stepFrom;
import static dev.taskhub.server.store.StoreFixtures.taskCompleted;
import static dev.taskhub.server.store.StoreFixtures.taskScheduled;
import static dev.taskhub.server.store.StoreFixtures.timerCreated;
import static dev.taskhub.server.store.StoreFixtures.timerFired;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.engine.Events;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of a store that keeps its data when closed, on top of everything in {@link
 * StoreContractTest}: a restart loses nothing that a write had returned for.
 */
abstract class DurableStoreContractTest extends StoreContractTest {

  /**
   * Opens a store over the same data as the one {@link #openStore()} opened. The caller has closed
   * the previous store.
   */
  protected abstract Store reopenStore();

  /** Closes the store under test and opens it again over the same data. */
  final void restart() {
    store.close();
    store = reopenStore();
  }

  @Test
  void everythingWrittenBeforeCloseIsThereAfterReopening() {
    InstanceKey later = key("scheduled-for-later");
    store.createInstance(newInstance(later, "exec-l", T0, T0 + 3_600_000), Set.of());

    InstanceKey busy = key("busy");
    InstanceRecord running = started(busy, "exec-b");
    long fireAt = T0 + 60_000;
    store.applyStep(
        stepFrom(running, T0 + 1)
            .append(
                taskScheduled(0, T0 + 1), taskScheduled(1, T0 + 1), timerCreated(2, fireAt, T0 + 1))
            .schedule(activity(busy, "exec-b", 0), activity(busy, "exec-b", 1))
            .send(busy, "exec-b", fireAt, timerFired(2, fireAt))
            .customStatus("working")
            .build());
    store.completeActivity(busy, 0, taskCompleted(0, "\"zero\"", T0 + 2), T0 + 2);
    store.enqueueEvent(busy, null, raised("approval", T0 + 2), T0 + 2);
    store.enqueueEvent(busy, "exec-old", raised("stale", T0 + 2), T0 + 2);

    InstanceKey done = new InstanceKey("other-hub", "done");
    InstanceRecord finishing = started(done, "exec-d");
    store.applyStep(
        stepFrom(finishing, T0 + 3)
            .append(executionCompleted(ORCHESTRATION_STATUS_COMPLETED, "\"ok\"", T0 + 3))
            .end(ORCHESTRATION_STATUS_COMPLETED, "\"ok\"", null)
            .build());

    Map<InstanceKey, Snapshot> before = new LinkedHashMap<>();
    for (InstanceKey key : List.of(later, busy, done)) {
      before.put(key, snapshot(key));
    }
    PendingWork pendingBefore = store.scanPendingWork();

    restart();

    for (Map.Entry<InstanceKey, Snapshot> expected : before.entrySet()) {
      assertThat(snapshot(expected.getKey())).isEqualTo(expected.getValue());
    }
    PendingWork pendingAfter = store.scanPendingWork();
    assertThat(pendingAfter.instances())
        .containsExactlyInAnyOrderElementsOf(pendingBefore.instances());
    assertThat(pendingAfter.activities())
        .containsExactlyInAnyOrderElementsOf(pendingBefore.activities());
    // A completion recorded before the restart stays recorded: repeating it changes nothing.
    assertThat(store.completeActivity(busy, 0, taskCompleted(0, "\"again\"", T0 + 4), T0 + 4))
        .isEmpty();
  }

  @Test
  void aReopenedStoreCarriesOnWhereTheOldOneStopped() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    store.applyStep(
        stepFrom(running, T0 + 1)
            .append(taskScheduled(0, T0 + 1))
            .schedule(activity(key, "exec-1", 0))
            .build());
    List<HistoryEvent> historyBefore = store.loadHistory(key);

    restart();

    HistoryEvent result = taskCompleted(0, "\"hello\"", T0 + 2);
    assertThat(store.completeActivity(key, 0, result, T0 + 2))
        .contains(new ActivityTask(key, "exec-1", 0, activity(key, "exec-1", 0).request(), T0 + 1));
    OrchestrationWorkItem item = workItem(key, T0 + 2);
    assertThat(events(item.inbox())).containsExactly(result);
    store.applyStep(
        stepFrom(item.instance(), T0 + 3)
            .append(Events.orchestratorStarted(T0 + 3), result)
            .consume(ids(item.inbox()))
            .build());

    restart();

    assertThat(store.loadHistory(key))
        .startsWith(historyBefore.toArray(HistoryEvent[]::new))
        .endsWith(Events.orchestratorStarted(T0 + 3), result)
        .hasSize(historyBefore.size() + 2);
    assertThat(row(key).historyLength()).isEqualTo(historyBefore.size() + 2);
    assertThat(inbox(key)).isEmpty();
    assertThat(openActivities(key)).isEmpty();
  }
}
