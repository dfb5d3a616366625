package dev.taskhub.server.store;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED;
import static dev.taskhub.server.store.StoreFixtures.FAR_FUTURE;
import static dev.taskhub.server.store.StoreFixtures.GREET;
import static dev.taskhub.server.store.StoreFixtures.T0;
import static dev.taskhub.server.store.StoreFixtures.activity;
import static dev.taskhub.server.store.StoreFixtures.events;
import static dev.taskhub.server.store.StoreFixtures.executionCompleted;
import static dev.taskhub.server.store.StoreFixtures.executionStarted;
import static dev.taskhub.server.store.StoreFixtures.ids;
import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static dev.taskhub.server.store.StoreFixtures.raised;
import static dev.taskhub.server.store.StoreFixtures.stepFor;
import static dev.taskhub.server.store.StoreFixtures.stepFrom;
import static dev.taskhub.server.store.StoreFixtures.taskCompleted;
import static dev.taskhub.server.store.StoreFixtures.taskScheduled;
import static dev.taskhub.server.store.StoreFixtures.timerCreated;
import static dev.taskhub.server.store.StoreFixtures.timerFired;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.PendingWork.PendingInstance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Store} implementation must have. A database joins by subclassing this
 * with {@link #openStore()}; stores that keep data across a restart subclass {@link
 * DurableStoreContractTest} instead. The suite talks to the {@link Store} interface only, and each
 * test starts from a new, empty store. Times are explicit epoch milliseconds around {@link
 * StoreFixtures#T0}.
 *
 * <p>Over 500 lines on purpose: the whole contract sits in one class so that a new database runs
 * all of it by adding one small subclass, as db-scheduler's {@code CompatibilityTest} does.
 */
abstract class StoreContractTest
    implements EntityStoreContract, RetentionStoreContract, ScheduleStoreContract {
  /** The store under test, opened before each test and closed after it. */
  protected Store store;

  /** Opens a new, empty store. */
  protected abstract Store openStore();

  @BeforeEach
  void openTheStore() {
    store = openStore();
  }

  @Override
  public Store store() {
    return store;
  }

  @AfterEach
  void closeTheStore() {
    store.close();
  }

  // ---------------------------------------------------------------- creating instances

  @Test
  void aCreatedInstanceIsPendingWithItsValuesAndAnEmptyHistory() {
    InstanceKey key = key("order-1");
    store.createInstance(newInstance(key, "exec-1"), Set.of());

    assertThat(row(key))
        .usingRecursiveComparison()
        .ignoringFields("scheduledStartAt")
        .isEqualTo(
            new InstanceRecord(
                key,
                "exec-1",
                "Greet",
                "1.0",
                ORCHESTRATION_STATUS_PENDING,
                "\"world\"",
                null,
                null,
                null,
                "parent-1",
                Map.of("team", "payments", "tier", "gold"),
                T0,
                T0,
                0,
                0,
                0,
                null));
    assertThat(store.loadHistory(key)).isEmpty();
  }

  @Test
  void aCreatedInstanceHasItsExecutionStartedInItsInbox() {
    InstanceKey key = key("order-1");
    NewInstance instance = newInstance(key, "exec-1");
    store.createInstance(instance, Set.of());

    OrchestrationWorkItem item = workItem(key, T0);
    assertThat(item.instance()).isEqualTo(row(key));
    assertThat(item.history()).isEmpty();
    assertThat(item.staleInboxIds()).isEmpty();
    assertThat(item.inbox())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.executionId()).isEqualTo("exec-1");
              assertThat(row.visibleAt()).isEqualTo(T0);
              assertThat(row.event()).isEqualTo(instance.executionStarted());
            });
    assertThat(store.scanPendingWork().instances())
        .containsExactly(new PendingInstance(key, T0, GREET));
  }

  @Test
  void hubsCreatedAtRunTimeAreRecordedOnceAndDeletingOneRemovesOnlyItsData() {
    assertThat(store.createHub("billing", T0)).isTrue();
    assertThat(store.createHub("billing", T0 + 1)).isFalse();
    assertThat(store.createHub("archive", T0)).isTrue();
    assertThat(store.createdHubs()).containsExactly("archive", "billing");
    InstanceKey billed = new InstanceKey("billing", "invoice-1");
    store.createInstance(newInstance(billed, "exec-1"), Set.of());
    InstanceKey kept = key("order-1");
    store.createInstance(newInstance(kept, "exec-1"), Set.of());

    assertThat(store.deleteHub("billing")).isEqualTo(1);

    assertThat(store.createdHubs()).containsExactly("archive");
    assertThat(store.findInstance(billed)).isEmpty();
    assertThat(store.loadWorkItem(billed, FAR_FUTURE)).isEmpty();
    assertThat(store.findInstance(kept)).isPresent();
    assertThat(store.scanPendingWork().instances())
        .containsExactly(new PendingInstance(kept, T0, GREET));
    assertThat(store.deleteHub("never-created")).isZero();
  }

  @Test
  void anInstanceScheduledForLaterHasAnEmptyInboxUntilItsStartTime() {
    InstanceKey key = key("order-1");
    long startAt = T0 + 60_000;
    store.createInstance(newInstance(key, "exec-1", T0, startAt), Set.of());

    assertThat(workItem(key, startAt - 1).inbox()).isEmpty();
    assertThat(workItem(key, startAt).inbox())
        .extracting(InboxEvent::visibleAt)
        .containsExactly(startAt);
    assertThat(row(key).status()).isEqualTo(ORCHESTRATION_STATUS_PENDING);
    assertThat(row(key).scheduledStartAt()).isEqualTo(startAt);
    assertThat(store.scanPendingWork().instances())
        .containsExactly(new PendingInstance(key, startAt, GREET));
  }

  @Test
  void anUnknownInstanceHasNoRowNoWorkItemAndNoHistory() {
    InstanceKey ghost = key("ghost");

    assertThat(store.findInstance(ghost)).isEmpty();
    assertThat(store.loadWorkItem(ghost, FAR_FUTURE)).isEmpty();
    assertThat(store.loadHistory(ghost)).isEmpty();
    assertThat(store.scanPendingWork()).isEqualTo(new PendingWork(List.of(), List.of()));
  }

  @Test
  void creatingAnInstanceWithATakenIdFailsWhenItsStatusIsNotReplaceable() {
    InstanceKey key = key("order-1");
    started(key, "exec-1");
    Snapshot before = snapshot(key);

    assertThatThrownBy(
            () ->
                store.createInstance(newInstance(key, "exec-2", T0 + 5, T0 + 5), Statuses.TERMINAL))
        .isInstanceOf(TaskhubException.AlreadyExists.class)
        .hasMessageContaining("order-1");
    assertThat(snapshot(key)).isEqualTo(before);
  }

  @Test
  void creatingAnInstanceWithATakenIdReplacesItWhenItsStatusIsReplaceable() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    long fireAt = T0 + 60_000;
    store.applyStep(
        stepFrom(running, T0 + 1)
            .append(taskScheduled(0, T0 + 1), timerCreated(1, fireAt, T0 + 1))
            .schedule(activity(key, "exec-1", 0))
            .send(key, "exec-1", fireAt, timerFired(1, fireAt))
            .build());
    store.enqueueEvent(key, null, raised("approval", T0 + 2), T0 + 2);

    NewInstance replacement = newInstance(key, "exec-2", T0 + 3, T0 + 3);
    store.createInstance(replacement, Set.of(ORCHESTRATION_STATUS_RUNNING));

    InstanceRecord row = row(key);
    assertThat(row.executionId()).isEqualTo("exec-2");
    assertThat(row.status()).isEqualTo(ORCHESTRATION_STATUS_PENDING);
    assertThat(row.historyLength()).isZero();
    assertThat(row.createdAt()).isEqualTo(T0 + 3);
    assertThat(store.loadHistory(key)).isEmpty();
    assertThat(events(inbox(key))).containsExactly(replacement.executionStarted());
    assertThat(openActivities(key)).isEmpty();
    assertThatThrownBy(
            () -> store.completeActivity(key, 0, taskCompleted(0, "\"late\"", T0 + 4), T0 + 4))
        .isInstanceOf(TaskhubException.NotFound.class);
    assertThat(events(inbox(key))).containsExactly(replacement.executionStarted());
  }

  // ---------------------------------------------------------------- inbox events

  @Test
  void enqueuingAnEventForAnUnknownInstanceFailsAndCreatesNothing() {
    InstanceKey ghost = key("ghost");

    assertThatThrownBy(() -> store.enqueueEvent(ghost, null, raised("ping", T0), T0))
        .isInstanceOf(TaskhubException.NotFound.class)
        .hasMessageContaining("ghost");
    assertThat(store.findInstance(ghost)).isEmpty();
    assertThat(store.loadWorkItem(ghost, FAR_FUTURE)).isEmpty();
    assertThat(store.scanPendingWork()).isEqualTo(new PendingWork(List.of(), List.of()));
  }

  @Test
  void enqueuedEventsAreDeliveredInOrderFromTheTimeTheyBecomeVisible() {
    InstanceKey key = key("order-1");
    NewInstance instance = newInstance(key, "exec-1");
    store.createInstance(instance, Set.of());
    HistoryEvent forAnyGeneration = raised("first", T0 + 1);
    HistoryEvent forThisGeneration = raised("second", T0 + 2);
    HistoryEvent later = raised("later", T0 + 10_000);

    store.enqueueEvent(key, null, forAnyGeneration, T0 + 1);
    store.enqueueEvent(key, "exec-1", forThisGeneration, T0 + 2);
    store.enqueueEvent(key, null, later, T0 + 10_000);

    List<InboxEvent> visible = workItem(key, T0 + 2).inbox();
    assertThat(events(visible))
        .containsExactly(instance.executionStarted(), forAnyGeneration, forThisGeneration);
    assertThat(visible)
        .extracting(InboxEvent::executionId)
        .containsExactly("exec-1", null, "exec-1");
    assertThat(visible).extracting(InboxEvent::visibleAt).containsExactly(T0, T0 + 1, T0 + 2);
    assertThat(events(workItem(key, T0 + 10_000).inbox()))
        .containsExactly(instance.executionStarted(), forAnyGeneration, forThisGeneration, later);
  }

  @Test
  void discardingInboxRowsRemovesExactlyThoseRows() {
    InstanceKey key = key("order-1");
    InstanceKey neighbour = key("order-2");
    store.createInstance(newInstance(key, "exec-1"), Set.of());
    store.createInstance(newInstance(neighbour, "exec-2"), Set.of());
    for (String name : List.of("a", "b", "c")) {
      store.enqueueEvent(key, null, raised(name, T0), T0);
      store.enqueueEvent(neighbour, null, raised(name, T0), T0);
    }
    List<InboxEvent> rows = inbox(key);
    Snapshot neighbourBefore = snapshot(neighbour);

    store.discardInbox(key, List.of(rows.get(1).id(), rows.get(3).id()));

    assertThat(inbox(key)).containsExactly(rows.get(0), rows.get(2));
    assertThat(snapshot(neighbour)).isEqualTo(neighbourBefore);

    store.discardInbox(key, List.of());

    assertThat(inbox(key)).containsExactly(rows.get(0), rows.get(2));
  }

  @Test
  void inboxEventsOfAnotherGenerationAreReportedAsStale() {
    InstanceKey key = key("order-1");
    NewInstance instance = newInstance(key, "exec-1");
    store.createInstance(instance, Set.of());
    HistoryEvent forAny = raised("any", T0 + 1);
    HistoryEvent forCurrent = raised("current", T0 + 1);
    store.enqueueEvent(key, "exec-0", raised("old", T0 + 1), T0 + 1);
    store.enqueueEvent(key, null, forAny, T0 + 1);
    store.enqueueEvent(key, "exec-1", forCurrent, T0 + 1);

    OrchestrationWorkItem item = workItem(key, T0 + 1);

    assertThat(events(item.inbox()))
        .containsExactly(instance.executionStarted(), forAny, forCurrent);
    assertThat(item.staleInboxIds()).hasSize(1).doesNotContainAnyElementsOf(ids(item.inbox()));

    store.discardInbox(key, item.staleInboxIds());

    OrchestrationWorkItem afterDiscard = workItem(key, T0 + 1);
    assertThat(afterDiscard.staleInboxIds()).isEmpty();
    assertThat(afterDiscard.inbox()).isEqualTo(item.inbox());
  }

  // ---------------------------------------------------------------- orchestration steps

  @Test
  void aStepAppendsHistoryInOrderAndConsumesExactlyTheListedInboxRows() {
    InstanceKey key = key("order-1");
    store.createInstance(newInstance(key, "exec-1"), Set.of());
    store.enqueueEvent(key, null, raised("first", T0 + 1), T0 + 1);
    store.enqueueEvent(key, null, raised("second", T0 + 2), T0 + 2);
    OrchestrationWorkItem item = workItem(key, T0 + 2);
    List<InboxEvent> inbox = item.inbox();
    List<HistoryEvent> firstEpisode =
        List.of(Events.orchestratorStarted(T0 + 3), inbox.get(0).event(), inbox.get(1).event());

    store.applyStep(
        stepFrom(item.instance(), T0 + 3)
            .append(firstEpisode.toArray(HistoryEvent[]::new))
            .consume(inbox.get(0).id(), inbox.get(1).id())
            .build());

    assertThat(store.loadHistory(key)).isEqualTo(firstEpisode);
    assertThat(inbox(key)).containsExactly(inbox.get(2));
    assertThat(row(key).historyLength()).isEqualTo(3);

    OrchestrationWorkItem next = workItem(key, T0 + 4);
    assertThat(next.history()).isEqualTo(firstEpisode);
    List<HistoryEvent> secondEpisode =
        List.of(Events.orchestratorStarted(T0 + 4), inbox.get(2).event());
    store.applyStep(
        stepFrom(next.instance(), T0 + 4)
            .append(secondEpisode.toArray(HistoryEvent[]::new))
            .consume(inbox.get(2).id())
            .build());

    List<HistoryEvent> all = new ArrayList<>(firstEpisode);
    all.addAll(secondEpisode);
    assertThat(store.loadHistory(key)).isEqualTo(all);
    assertThat(row(key).historyLength()).isEqualTo(5);
    assertThat(inbox(key)).isEmpty();
    assertThat(store.scanPendingWork().instances()).isEmpty();
  }

  @Test
  void aStepUpdatesStatusAndCustomStatusAndKeepsTheStoredInputWhenGivenNone() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");

    store.applyStep(
        stepFrom(running, T0 + 5)
            .append(Events.executionSuspended(null, T0 + 5))
            .status(ORCHESTRATION_STATUS_SUSPENDED)
            .customStatus("waiting for approval")
            .build());

    InstanceRecord row = row(key);
    assertThat(row.status()).isEqualTo(ORCHESTRATION_STATUS_SUSPENDED);
    assertThat(row.customStatus()).isEqualTo("waiting for approval");
    assertThat(row.lastUpdatedAt()).isEqualTo(T0 + 5);
    assertThat(row.historyLength()).isEqualTo(running.historyLength() + 1);
    assertThat(row.input()).isEqualTo("\"world\"");
    assertThat(row.createdAt()).isEqualTo(T0);
    assertThat(row.completedAt()).isZero();
    assertThat(row.isTerminal()).isFalse();
  }

  @Test
  void anEndingStepRecordsOutputFailureAndCompletionTime() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    TaskFailureDetails failure = Events.failure("java.lang.IllegalStateException", "no stock");

    store.applyStep(
        stepFrom(running, T0 + 7)
            .append(executionCompleted(ORCHESTRATION_STATUS_FAILED, "\"partial\"", T0 + 7))
            .end(ORCHESTRATION_STATUS_FAILED, "\"partial\"", failure)
            .build());

    InstanceRecord row = row(key);
    assertThat(row.status()).isEqualTo(ORCHESTRATION_STATUS_FAILED);
    assertThat(row.output()).isEqualTo("\"partial\"");
    assertThat(row.failure()).isEqualTo(failure);
    assertThat(row.completedAt()).isEqualTo(T0 + 7);
    assertThat(row.lastUpdatedAt()).isEqualTo(T0 + 7);
    assertThat(row.isTerminal()).isTrue();
  }

  @Test
  void aStepSchedulesActivitiesThatAreListedAsOpenWork() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    ActivityTask first = activity(key, "exec-1", 0);
    ActivityTask second = activity(key, "exec-1", 1);

    store.applyStep(
        stepFrom(running, T0 + 1)
            .append(taskScheduled(0, T0 + 1), taskScheduled(1, T0 + 1))
            .schedule(first, second)
            .build());

    assertThat(store.scanPendingWork().activities()).containsExactlyInAnyOrder(first, second);
  }

  @Test
  void aStepDeliversMessagesToExistingInstancesAndDropsThoseForMissingOnes() {
    InstanceKey sender = key("sender");
    InstanceKey receiver = key("receiver");
    InstanceKey ghost = key("ghost");
    InstanceRecord running = started(sender, "exec-s");
    NewInstance receiving = newInstance(receiver, "exec-r");
    store.createInstance(receiving, Set.of());
    HistoryEvent hello = raised("hello", T0 + 5);

    store.applyStep(
        stepFrom(running, T0 + 5)
            .send(receiver, null, T0 + 5, hello)
            .send(ghost, null, T0 + 5, raised("lost", T0 + 5))
            .build());

    assertThat(events(inbox(receiver))).containsExactly(receiving.executionStarted(), hello);
    assertThat(store.findInstance(ghost)).isEmpty();
    assertThat(store.loadWorkItem(ghost, FAR_FUTURE)).isEmpty();
    assertThat(store.scanPendingWork().instances())
        .containsExactly(new PendingInstance(receiver, T0, GREET));
  }

  @Test
  void aStepCreatesItsSubOrchestrationsWithTheirExecutionStarted() {
    InstanceKey parent = key("parent");
    InstanceKey child = key("child");
    InstanceRecord running = started(parent, "exec-p");
    NewInstance childInstance = newInstance(child, "exec-c", T0 + 5, T0 + 5);

    store.applyStep(
        stepFrom(running, T0 + 5).startChild(childInstance, raised("conflict", T0 + 5)).build());

    assertThat(store.findInstance(child).orElseThrow().status())
        .isEqualTo(ORCHESTRATION_STATUS_PENDING);
    assertThat(events(inbox(child))).containsExactly(childInstance.executionStarted());
    assertThat(events(inbox(parent))).isEmpty();
  }

  @Test
  void aSubOrchestrationWhoseIdIsTakenByARunningInstanceFailsTheParentTaskInstead() {
    InstanceKey parent = key("parent");
    InstanceKey child = key("child");
    InstanceRecord running = started(parent, "exec-p");
    NewInstance existing = newInstance(child, "exec-existing");
    store.createInstance(existing, Set.of());
    HistoryEvent conflict = raised("conflict", T0 + 5);

    store.applyStep(
        stepFrom(running, T0 + 5)
            .startChild(newInstance(child, "exec-new", T0 + 5, T0 + 5), conflict)
            .build());

    assertThat(store.findInstance(child).orElseThrow().executionId()).isEqualTo("exec-existing");
    assertThat(events(inbox(parent))).containsExactly(conflict);
  }

  @Test
  void aTimerIsNotDeliveredBeforeItsTime() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    long fireAt = T0 + 60_000;
    HistoryEvent fired = timerFired(1, fireAt);

    store.applyStep(
        stepFrom(running, T0 + 5)
            .append(timerCreated(1, fireAt, T0 + 5))
            .send(key, "exec-1", fireAt, fired)
            .build());

    assertThat(workItem(key, fireAt - 1).inbox()).isEmpty();
    assertThat(events(workItem(key, fireAt).inbox())).containsExactly(fired);
    assertThat(store.scanPendingWork().instances())
        .containsExactly(new PendingInstance(key, fireAt, GREET));
  }

  // ---------------------------------------------------------------- all or nothing

  @Test
  void aStepThatFailsMidwayLeavesNothingBehind() {
    InstanceKey key = key("order-1");
    InstanceKey other = key("order-2");
    started(key, "exec-1");
    store.createInstance(newInstance(other, "exec-2"), Set.of());
    store.enqueueEvent(key, null, raised("approval", T0 + 1), T0 + 1);
    OrchestrationWorkItem item = workItem(key, T0 + 1);
    Snapshot before = snapshot(key);
    Snapshot otherBefore = snapshot(other);
    ActivityTask task = activity(key, "exec-1", 0);
    Supplier<StoreFixtures.StepBuilder> step =
        () ->
            stepFrom(item.instance(), T0 + 2)
                .append(Events.orchestratorStarted(T0 + 2), item.inbox().get(0).event())
                .append(taskScheduled(0, T0 + 2))
                .consume(ids(item.inbox()))
                .customStatus("half way")
                .send(other, null, T0 + 2, raised("hello", T0 + 2))
                .send(key, "exec-1", T0 + 60_000, timerFired(1, T0 + 60_000));
    OrchestrationStep withDuplicateTaskId = step.get().schedule(task, task).build();

    assertThatThrownBy(() -> store.applyStep(withDuplicateTaskId))
        .isInstanceOf(TaskhubException.class)
        .isNotInstanceOf(TaskhubException.LeaseLost.class);

    assertThat(snapshot(key)).isEqualTo(before);
    assertThat(snapshot(other)).isEqualTo(otherBefore);

    // The same step without the duplicate commits whole: the store is still usable.
    store.applyStep(step.get().schedule(task).build());
    assertThat(row(key).customStatus()).isEqualTo("half way");
    assertThat(store.loadHistory(key)).hasSize(before.history().size() + 3);
    assertThat(openActivities(key)).containsExactly(task);
    assertThat(inbox(other)).hasSize(2);
  }

  @Test
  void aFailingStepDoesNotPoisonWritesCommittedAlongsideIt() throws Exception {
    InstanceKey broken = key("broken");
    InstanceRecord running = started(broken, "exec-b");
    ActivityTask task = activity(broken, "exec-b", 0);
    OrchestrationStep duplicateTaskIds =
        stepFrom(running, T0 + 1)
            .append(taskScheduled(0, T0 + 1))
            .customStatus("never stored")
            .schedule(task, task)
            .build();
    Snapshot brokenBefore = snapshot(broken);
    int writers = 8;
    int rounds = 50;
    List<InstanceKey> healthy =
        IntStream.range(0, writers).mapToObj(i -> key("healthy-" + i)).toList();
    healthy.forEach(key -> store.createInstance(newInstance(key, "exec"), Set.of()));

    List<Integer> outcomes =
        concurrently(
            writers * 2,
            thread ->
                () -> {
                  int done = 0;
                  for (int round = 0; round < rounds; round++) {
                    if (thread < writers) {
                      store.enqueueEvent(healthy.get(thread), null, raised("e" + round, T0), T0);
                      done++;
                    } else {
                      try {
                        store.applyStep(duplicateTaskIds);
                      } catch (TaskhubException expected) {
                        done++;
                      }
                    }
                  }
                  return done;
                });

    assertThat(outcomes).containsOnly(rounds);
    for (InstanceKey key : healthy) {
      assertThat(inbox(key)).hasSize(rounds + 1);
    }
    assertThat(snapshot(broken)).isEqualTo(brokenBefore);
  }

  // ---------------------------------------------------------------- lost leases

  @Test
  void aStepComputedFromAnOutdatedHistoryIsRejectedAsLeaseLostAndWritesNothing() {
    InstanceKey key = key("order-1");
    InstanceKey other = key("order-2");
    started(key, "exec-1");
    store.createInstance(newInstance(other, "exec-2"), Set.of());
    store.enqueueEvent(key, null, raised("approval", T0 + 1), T0 + 1);
    OrchestrationWorkItem item = workItem(key, T0 + 1);
    OrchestrationStep winner =
        stepFrom(item.instance(), T0 + 2)
            .append(Events.orchestratorStarted(T0 + 2), item.inbox().get(0).event())
            .consume(ids(item.inbox()))
            .customStatus("winner")
            .build();
    OrchestrationStep loser =
        stepFrom(item.instance(), T0 + 3)
            .append(Events.orchestratorStarted(T0 + 3), taskScheduled(0, T0 + 3))
            .consume(ids(item.inbox()))
            .customStatus("loser")
            .schedule(activity(key, "exec-1", 0))
            .send(other, null, T0 + 3, raised("from loser", T0 + 3))
            .build();
    store.applyStep(winner);
    Snapshot afterWinner = snapshot(key);
    Snapshot otherBefore = snapshot(other);

    assertThatThrownBy(() -> store.applyStep(loser)).isInstanceOf(TaskhubException.LeaseLost.class);

    assertThat(snapshot(key)).isEqualTo(afterWinner);
    assertThat(snapshot(other)).isEqualTo(otherBefore);
    assertThat(row(key).customStatus()).isEqualTo("winner");
  }

  @Test
  void aStepForAnotherGenerationIsRejectedAsLeaseLostAndWritesNothing() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    store.enqueueEvent(key, null, raised("approval", T0 + 1), T0 + 1);
    OrchestrationWorkItem item = workItem(key, T0 + 1);
    Snapshot before = snapshot(key);

    assertThatThrownBy(
            () ->
                store.applyStep(
                    stepFrom(running, T0 + 2)
                        .expecting("exec-0", running.historyLength())
                        .append(Events.orchestratorStarted(T0 + 2))
                        .consume(ids(item.inbox()))
                        .schedule(activity(key, "exec-1", 0))
                        .send(key, null, T0 + 2, raised("self", T0 + 2))
                        .build()))
        .isInstanceOf(TaskhubException.LeaseLost.class);

    assertThat(snapshot(key)).isEqualTo(before);
  }

  @Test
  void aStepForAnInstanceThatDoesNotExistIsRejectedAsLeaseLost() {
    InstanceKey ghost = key("ghost");
    InstanceKey other = key("order-2");
    store.createInstance(newInstance(other, "exec-2"), Set.of());
    Snapshot otherBefore = snapshot(other);

    assertThatThrownBy(
            () ->
                store.applyStep(
                    stepFor(ghost, "exec-1", 0, T0 + 1)
                        .append(Events.orchestratorStarted(T0 + 1))
                        .schedule(activity(ghost, "exec-1", 0))
                        .send(other, null, T0 + 1, raised("from ghost", T0 + 1))
                        .build()))
        .isInstanceOf(TaskhubException.LeaseLost.class);

    assertThat(store.findInstance(ghost)).isEmpty();
    assertThat(store.loadHistory(ghost)).isEmpty();
    assertThat(openActivities(ghost)).isEmpty();
    assertThat(snapshot(other)).isEqualTo(otherBefore);
  }

  // ---------------------------------------------------------------- activities

  @Test
  void completingTheSameActivityTwiceAppendsOneResult() {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    ActivityTask task = activity(key, "exec-1", 0);
    store.applyStep(
        stepFrom(running, T0 + 1).append(taskScheduled(0, T0 + 1)).schedule(task).build());
    HistoryEvent result = taskCompleted(0, "\"hello\"", T0 + 2);

    assertThat(store.completeActivity(key, 0, result, T0 + 2))
        .as("the task, with when its step committed")
        .contains(new ActivityTask(key, "exec-1", 0, task.request(), T0 + 1));
    assertThat(store.completeActivity(key, 0, taskCompleted(0, "\"again\"", T0 + 3), T0 + 3))
        .isEmpty();

    assertThat(inbox(key))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.event()).isEqualTo(result);
              assertThat(row.executionId()).isEqualTo("exec-1");
              assertThat(row.visibleAt()).isEqualTo(T0 + 2);
            });
    assertThat(openActivities(key)).isEmpty();
  }

  @Test
  void concurrentCompletionsOfOneActivityAppendOneResult() throws Exception {
    InstanceKey key = key("order-1");
    InstanceRecord running = started(key, "exec-1");
    ActivityTask task = activity(key, "exec-1", 0);
    store.applyStep(
        stepFrom(running, T0 + 1).append(taskScheduled(0, T0 + 1)).schedule(task).build());
    int workers = 8;
    List<HistoryEvent> results =
        IntStream.range(0, workers)
            .mapToObj(i -> taskCompleted(0, "\"worker " + i + "\"", T0 + 2))
            .toList();

    List<Optional<ActivityTask>> answers =
        concurrently(workers, i -> () -> store.completeActivity(key, 0, results.get(i), T0 + 2));

    Optional<ActivityTask> completed =
        Optional.of(new ActivityTask(key, "exec-1", 0, task.request(), T0 + 1));
    assertThat(answers).filteredOn(Optional::isPresent).containsExactly(completed);
    HistoryEvent winner = results.get(answers.indexOf(completed));
    assertThat(events(inbox(key))).containsExactly(winner);
  }

  @Test
  void completingAnActivityOfAnUnknownInstanceFailsWithNotFoundNamingIt() {
    InstanceKey ghost = key("ghost");

    assertThatThrownBy(() -> store.completeActivity(ghost, 0, taskCompleted(0, "\"x\"", T0), T0))
        .isInstanceOf(TaskhubException.NotFound.class)
        .hasMessageContaining("ghost");
    assertThat(store.findInstance(ghost)).isEmpty();
    assertThat(store.scanPendingWork()).isEqualTo(new PendingWork(List.of(), List.of()));
  }

  @Test
  void completingAnUnknownTaskFailsWithNotFoundNamingIt() {
    InstanceKey key = key("order-1");
    started(key, "exec-1");

    assertThatThrownBy(() -> store.completeActivity(key, 7, taskCompleted(7, "\"x\"", T0), T0))
        .isInstanceOf(TaskhubException.NotFound.class)
        .hasMessageContaining("order-1")
        .hasMessageContaining("7");
    assertThat(inbox(key)).isEmpty();
  }

  // ---------------------------------------------------------------- continue-as-new and ending

  @Test
  void continuingAsNewDropsTheOldGenerationButKeepsEventsForAnyGeneration() {
    InstanceKey key = key("order-1");
    InstanceRecord first = started(key, "exec-1");
    long fireAt = T0 + 60_000;
    store.applyStep(
        stepFrom(first, T0 + 1)
            .append(taskScheduled(0, T0 + 1), timerCreated(1, fireAt, T0 + 1))
            .schedule(activity(key, "exec-1", 0))
            .send(key, "exec-1", fireAt, timerFired(1, fireAt))
            .build());
    HistoryEvent forAnyGeneration = raised("approval", T0 + 2);
    store.enqueueEvent(key, null, forAnyGeneration, T0 + 2);
    store.enqueueEvent(key, "exec-1", raised("for exec-1 only", T0 + 2), T0 + 2);
    OrchestrationWorkItem item = workItem(key, T0 + 3);
    HistoryEvent nextStarted = executionStarted(key, "exec-2", "\"round 2\"", T0 + 3);

    store.applyStep(
        stepFrom(item.instance(), T0 + 3)
            .continueAsNew("exec-2", "\"round 2\"")
            .send(key, "exec-2", T0 + 3, nextStarted)
            .build());

    InstanceRecord row = row(key);
    assertThat(row.executionId()).isEqualTo("exec-2");
    assertThat(row.status()).isEqualTo(ORCHESTRATION_STATUS_CONTINUED_AS_NEW);
    assertThat(row.input()).isEqualTo("\"round 2\"");
    assertThat(row.historyLength()).isZero();
    assertThat(store.loadHistory(key)).isEmpty();
    OrchestrationWorkItem next = workItem(key, FAR_FUTURE);
    assertThat(events(next.inbox())).containsExactly(forAnyGeneration, nextStarted);
    assertThat(next.staleInboxIds()).isEmpty();
    assertThat(openActivities(key)).isEmpty();
    assertThatThrownBy(
            () -> store.completeActivity(key, 0, taskCompleted(0, "\"late\"", T0 + 4), T0 + 4))
        .isInstanceOf(TaskhubException.NotFound.class);

    // The new generation's history starts again from the first event.
    List<HistoryEvent> firstEpisode =
        List.of(Events.orchestratorStarted(T0 + 5), nextStarted, forAnyGeneration);
    store.applyStep(
        stepFrom(next.instance(), T0 + 5)
            .append(firstEpisode.toArray(HistoryEvent[]::new))
            .consume(ids(next.inbox()))
            .build());
    assertThat(store.loadHistory(key)).isEqualTo(firstEpisode);
    assertThat(row(key).historyLength()).isEqualTo(3);
    assertThat(row(key).status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
  }

  @Test
  void anEndingStepDropsTheRemainingInboxAndOpenActivitiesButKeepsCompletedOnes() {
    InstanceKey key = key("child");
    InstanceKey parent = key("parent");
    InstanceRecord running = started(key, "exec-1");
    NewInstance parentInstance = newInstance(parent, "exec-p");
    store.createInstance(parentInstance, Set.of());
    store.applyStep(
        stepFrom(running, T0 + 1)
            .append(taskScheduled(0, T0 + 1), taskScheduled(1, T0 + 1))
            .schedule(activity(key, "exec-1", 0), activity(key, "exec-1", 1))
            .build());
    store.completeActivity(key, 0, taskCompleted(0, "\"zero\"", T0 + 2), T0 + 2);
    store.enqueueEvent(key, null, raised("unread", T0 + 2), T0 + 2);
    store.enqueueEvent(key, null, raised("not yet visible", T0 + 60_000), T0 + 60_000);
    OrchestrationWorkItem item = workItem(key, T0 + 3);
    HistoryEvent childDone = raised("child done", T0 + 3);

    store.applyStep(
        stepFrom(item.instance(), T0 + 3)
            .append(
                Events.orchestratorStarted(T0 + 3),
                item.inbox().get(0).event(),
                executionCompleted(ORCHESTRATION_STATUS_COMPLETED, "\"done\"", T0 + 3))
            .consume(item.inbox().get(0).id())
            .send(parent, null, T0 + 3, childDone)
            .end(ORCHESTRATION_STATUS_COMPLETED, "\"done\"", null)
            .build());

    assertThat(workItem(key, FAR_FUTURE).inbox()).isEmpty();
    assertThat(workItem(key, FAR_FUTURE).staleInboxIds()).isEmpty();
    assertThat(openActivities(key)).isEmpty();
    assertThat(events(inbox(parent))).containsExactly(parentInstance.executionStarted(), childDone);
    assertThat(store.scanPendingWork().instances())
        .extracting(PendingInstance::key)
        .containsExactly(parent);
    assertThat(store.completeActivity(key, 0, taskCompleted(0, "\"again\"", T0 + 4), T0 + 4))
        .isEmpty();
    // A late result of a dropped task is ignored, not an error: the worker did nothing wrong.
    assertThat(store.completeActivity(key, 1, taskCompleted(1, "\"late\"", T0 + 4), T0 + 4))
        .isEmpty();
    assertThat(workItem(key, FAR_FUTURE).inbox()).isEmpty();
    assertThat(row(key).status()).isEqualTo(ORCHESTRATION_STATUS_COMPLETED);
  }

  // ---------------------------------------------------------------- hubs, concurrency, closing

  @Test
  void theSameInstanceIdInTwoHubsNamesTwoIndependentInstances() {
    InstanceKey inA = new InstanceKey("hub-a", "order-1");
    InstanceKey inB = new InstanceKey("hub-b", "order-1");
    store.createInstance(newInstance(inA, "exec-a"), Set.of());
    store.createInstance(newInstance(inB, "exec-b"), Set.of());
    InstanceRecord runningB = started(inB);
    store.applyStep(
        stepFrom(runningB, T0 + 1)
            .append(taskScheduled(0, T0 + 1))
            .schedule(activity(inB, "exec-b", 0))
            .customStatus("b")
            .build());
    Snapshot bBefore = snapshot(inB);

    InstanceRecord runningA = started(inA);
    store.enqueueEvent(inA, null, raised("only a", T0 + 2), T0 + 2);
    store.applyStep(
        stepFrom(row(inA), T0 + 2)
            .append(taskScheduled(0, T0 + 2))
            .schedule(activity(inA, "exec-a", 0))
            .build());
    store.completeActivity(inA, 0, taskCompleted(0, "\"a\"", T0 + 3), T0 + 3);
    OrchestrationWorkItem itemA = workItem(inA, T0 + 3);
    store.applyStep(
        stepFrom(itemA.instance(), T0 + 4)
            .consume(ids(itemA.inbox()))
            .end(ORCHESTRATION_STATUS_COMPLETED, "\"a\"", null)
            .build());
    store.createInstance(newInstance(inA, "exec-a2", T0 + 5, T0 + 5), Statuses.TERMINAL);

    assertThat(runningA.executionId()).isEqualTo("exec-a");
    assertThat(row(inA).executionId()).isEqualTo("exec-a2");
    assertThat(snapshot(inB)).isEqualTo(bBefore);
    assertThat(store.scanPendingWork().activities()).containsExactly(activity(inB, "exec-b", 0));
  }

  @Test
  void manyConcurrentWritersAllCommitAndEveryEventIsKept() throws Exception {
    int threads = 16;
    int eventsPerThread = 200;
    List<InstanceKey> keys = IntStream.range(0, threads).mapToObj(i -> key("busy-" + i)).toList();
    keys.forEach(key -> store.createInstance(newInstance(key, "exec"), Set.of()));
    List<List<HistoryEvent>> sent =
        keys.stream()
            .map(
                key ->
                    IntStream.range(0, eventsPerThread)
                        .mapToObj(i -> raised(key.instanceId() + "#" + i, T0 + i))
                        .toList())
            .toList();

    long began = System.nanoTime();
    concurrently(
        threads,
        thread ->
            () -> {
              for (HistoryEvent event : sent.get(thread)) {
                store.enqueueEvent(keys.get(thread), null, event, T0);
              }
              return null;
            });
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    for (int i = 0; i < threads; i++) {
      List<HistoryEvent> inbox = events(workItem(keys.get(i), T0).inbox());
      assertThat(inbox).hasSize(eventsPerThread + 1);
      assertThat(inbox.subList(1, inbox.size())).isEqualTo(sent.get(i));
    }
    assertThat(took).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void writingToAClosedStoreFailsWithStoreUnavailable() {
    InstanceKey key = key("order-1");
    store.createInstance(newInstance(key, "exec-1"), Set.of());
    store.close();

    assertThatThrownBy(() -> store.enqueueEvent(key, null, raised("too late", T0), T0))
        .isInstanceOf(TaskhubException.StoreUnavailable.class);
  }

  @Test
  void aWriteReportedAsUnavailableToAnInterruptedCallerHasNotTakenEffect() {
    InstanceKey key = key("order-1");
    store.createInstance(newInstance(key, "exec-1"), Set.of());
    HistoryEvent event = raised("sent by an interrupted caller", T0);

    boolean reportedAsWritten;
    Thread.currentThread().interrupt();
    try {
      store.enqueueEvent(key, null, event, T0);
      reportedAsWritten = true;
    } catch (TaskhubException.StoreUnavailable e) {
      reportedAsWritten = false;
    } finally {
      Thread.interrupted();
    }
    // A write made afterwards commits after the interrupted one, whose fate is settled by then.
    store.enqueueEvent(key, null, raised("sent afterwards", T0), T0);

    assertThat(events(inbox(key)).contains(event))
        .as("the event is stored exactly when the caller was told it was")
        .isEqualTo(reportedAsWritten);
  }

  // ---------------------------------------------------------------- helpers

  /** Everything the store shows about one instance, to compare before and after a write. */
  record Snapshot(
      Optional<InstanceRecord> row,
      Optional<OrchestrationWorkItem> workItem,
      List<HistoryEvent> history,
      List<ActivityTask> openActivities,
      List<Long> pendingSince) {}

  Snapshot snapshot(InstanceKey key) {
    PendingWork pending = store.scanPendingWork();
    return new Snapshot(
        store.findInstance(key),
        store.loadWorkItem(key, FAR_FUTURE),
        store.loadHistory(key),
        pending.activities().stream().filter(task -> task.key().equals(key)).toList(),
        pending.instances().stream()
            .filter(instance -> instance.key().equals(key))
            .map(PendingInstance::visibleAt)
            .toList());
  }

  InstanceRecord row(InstanceKey key) {
    return store.findInstance(key).orElseThrow();
  }

  OrchestrationWorkItem workItem(InstanceKey key, long now) {
    return store.loadWorkItem(key, now).orElseThrow();
  }

  /** Every inbox row of the instance's current generation, however far in the future. */
  List<InboxEvent> inbox(InstanceKey key) {
    return workItem(key, FAR_FUTURE).inbox();
  }

  List<ActivityTask> openActivities(InstanceKey key) {
    return store.scanPendingWork().activities().stream()
        .filter(task -> task.key().equals(key))
        .toList();
  }

  @Test
  void aResultForAnOlderGenerationIsIgnoredEvenWhenTheNewOneReusesTheTaskId() {
    InstanceKey key = key("looping");
    InstanceRecord running = started(key, "gen-1");
    store.applyStep(
        stepFrom(running, T0 + 1)
            .append(taskScheduled(0, T0 + 1))
            .schedule(activity(key, "gen-1", 0))
            .build());
    InstanceRecord afterFirst = row(key);
    store.applyStep(
        stepFrom(afterFirst, T0 + 2)
            .continueAsNew("gen-2", "\"next\"")
            .schedule(activity(key, "gen-2", 0))
            .build());

    assertThat(store.completeActivity(key, 0, "gen-1", taskCompleted(0, "\"old\"", T0 + 3), T0 + 3))
        .isEmpty();
    assertThat(store.completeActivity(key, 0, "gen-2", taskCompleted(0, "\"new\"", T0 + 3), T0 + 3))
        .isPresent();
    assertThat(events(workItem(key, FAR_FUTURE).inbox()))
        .containsExactly(taskCompleted(0, "\"new\"", T0 + 3));
  }

  @Test
  void aKnownHistoryIsUsedOnlyWhileItIsStillTheInstancesHistory() {
    InstanceKey key = key("cached");
    InstanceRecord running = started(key, "exec-1");
    List<HistoryEvent> stored = store.loadHistory(key);
    KnownHistory current = new KnownHistory("exec-1", List.copyOf(stored));

    assertThat(store.loadWorkItem(key, FAR_FUTURE, current).orElseThrow().history())
        .isSameAs(current.events());

    store.applyStep(stepFrom(running, T0 + 1).append(taskScheduled(0, T0 + 1)).build());
    assertThat(store.loadWorkItem(key, FAR_FUTURE, current).orElseThrow().history())
        .isNotSameAs(current.events())
        .isEqualTo(store.loadHistory(key))
        .hasSize(stored.size() + 1);
    KnownHistory otherGeneration = new KnownHistory("exec-0", store.loadHistory(key));
    assertThat(store.loadWorkItem(key, FAR_FUTURE, otherGeneration).orElseThrow().history())
        .isNotSameAs(otherGeneration.events());
  }

  @Test
  void aQueryPagesThroughMatchesInCreationOrderExactlyOnce() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      InstanceKey key = key("q-" + (7 - i));
      store.createInstance(newInstance(key, "exec", T0 + i, T0 + i), Set.of());
      created.add(key.instanceId());
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      InstancePage page =
          store.queryInstances(
              InstanceFilter.everyInstanceOf(StoreFixtures.HUB),
              new InstancePageRequest(InstanceSort.CREATED_ASC, 3, token));
      page.instances().forEach(row -> seen.add(row.key().instanceId()));
      token = page.continuationToken();
      pages++;
    } while (token != null);

    assertThat(seen).containsExactlyElementsOf(created);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void aQueryFiltersByStatusCreationTimeAndIdPrefix() {
    store.createInstance(newInstance(key("order-1"), "e1", T0, T0), Set.of());
    store.createInstance(newInstance(key("order-2"), "e2", T0 + 10, T0 + 10), Set.of());
    store.createInstance(newInstance(key("invoice-1"), "e3", T0 + 10, T0 + 10), Set.of());
    started(key("order-2"));

    assertThat(query(Set.of(ORCHESTRATION_STATUS_RUNNING), 0, Long.MAX_VALUE, ""))
        .containsExactly("order-2");
    assertThat(query(Set.of(), T0 + 5, T0 + 20, "")).containsExactly("invoice-1", "order-2");
    assertThat(query(Set.of(), 0, T0, "")).containsExactly("order-1");
    assertThat(query(Set.of(), 0, Long.MAX_VALUE, "order-")).containsExactly("order-1", "order-2");
    assertThat(query(Set.of(ORCHESTRATION_STATUS_PENDING), 0, Long.MAX_VALUE, "order-"))
        .containsExactly("order-1");
  }

  @Test
  void aQueryWithATokenThisStoreDidNotIssueIsAnInvalidArgument() {
    assertThatThrownBy(
            () ->
                store.queryInstances(
                    InstanceFilter.everyInstanceOf(StoreFixtures.HUB),
                    new InstancePageRequest(InstanceSort.CREATED_ASC, 3, "not a token")))
        .isInstanceOf(TaskhubException.InvalidArgument.class)
        .hasMessageContaining("not a token");
  }

  @Test
  void everySortPagesThroughInItsOrderExactlyOnceWithTiesBrokenById() {
    long[] createdAt = {T0 + 3, T0 + 1, T0 + 3, T0 + 2, T0 + 1, T0 + 3, T0};
    for (int i = 0; i < createdAt.length; i++) {
      store.createInstance(
          newInstance(key("s-" + i), "e" + i, createdAt[i], createdAt[i]), Set.of());
    }
    started(key("s-6"));
    end(key("s-1"), T0 + 5);
    end(key("s-3"), T0 + 5);
    end(key("s-4"), T0 + 4);
    List<InstanceRecord> rows =
        store
            .queryInstances(
                InstanceFilter.everyInstanceOf(StoreFixtures.HUB),
                new InstancePageRequest(InstanceSort.ID_ASC, 100, null))
            .instances();

    for (InstanceSort sort : InstanceSort.values()) {
      Comparator<InstanceRecord> byId = Comparator.comparing(row -> row.key().instanceId());
      Comparator<InstanceRecord> order =
          switch (sort) {
            case CREATED_ASC, CREATED_DESC ->
                Comparator.comparingLong(InstanceRecord::createdAt).thenComparing(byId);
            case UPDATED_ASC, UPDATED_DESC ->
                Comparator.comparingLong(InstanceRecord::lastUpdatedAt).thenComparing(byId);
            case COMPLETED_ASC ->
                Comparator.comparingLong(InstanceRecord::completedAt).thenComparing(byId);
            case ID_ASC, ID_DESC -> byId;
          };
      List<String> expected =
          rows.stream()
              .filter(row -> sort != InstanceSort.COMPLETED_ASC || row.completedAt() > 0)
              .sorted(sort.name().endsWith("_ASC") ? order : order.reversed())
              .map(row -> row.key().instanceId())
              .toList();

      assertThat(pagedIds(InstanceFilter.everyInstanceOf(StoreFixtures.HUB), sort, 3))
          .as("%s", sort)
          .containsExactlyElementsOf(expected);
      assertThat(pagedIdsOnly(InstanceFilter.everyInstanceOf(StoreFixtures.HUB), sort, 2))
          .as("ids only, %s", sort)
          .containsExactlyElementsOf(expected);
    }
    assertThat(
            pagedIds(
                InstanceFilter.everyInstanceOf(StoreFixtures.HUB), InstanceSort.COMPLETED_ASC, 3))
        .containsExactly("s-4", "s-1", "s-3");
  }

  @Test
  void aStepsTraceContextIsKeptByLaterStepsUntilOneReplacesIt() {
    InstanceRecord running = started(key("traced"), "exec-1");
    assertThat(running.traceContext()).isNull();
    OrchestrationTraceContext span =
        OrchestrationTraceContext.newBuilder()
            .setSpanID(StringValue.of("00f067aa0ba902b7"))
            .setSpanStartTime(Events.timestamp(T0))
            .build();

    store.applyStep(stepFrom(running, T0 + 1).traceContext(span).build());
    InstanceRecord traced = row(key("traced"));
    assertThat(traced.traceContext()).isEqualTo(span);

    store.applyStep(stepFrom(traced, T0 + 2).build());
    assertThat(row(key("traced")).traceContext()).isEqualTo(span);
  }

  @Test
  void idPagesAndFullPagesShareTheirTokens() {
    for (int i = 0; i < 5; i++) {
      store.createInstance(newInstance(key("t-" + i), "e" + i, T0 + i, T0 + i), Set.of());
    }
    InstanceFilter all = InstanceFilter.everyInstanceOf(StoreFixtures.HUB);
    InstancePageRequest firstTwo = new InstancePageRequest(InstanceSort.CREATED_ASC, 2, null);

    InstanceIdPage ids = store.queryInstanceIds(all, firstTwo);
    InstancePage rows = store.queryInstances(all, firstTwo);

    assertThat(ids.instanceIds()).containsExactly("t-0", "t-1");
    assertThat(ids.continuationToken()).isEqualTo(rows.continuationToken()).isNotNull();
    InstancePageRequest next =
        new InstancePageRequest(InstanceSort.CREATED_ASC, 10, ids.continuationToken());
    assertThat(store.queryInstances(all, next).instances())
        .extracting(row -> row.key().instanceId())
        .containsExactly("t-2", "t-3", "t-4");
    InstanceIdPage last = store.queryInstanceIds(all, next);
    assertThat(last.instanceIds()).containsExactly("t-2", "t-3", "t-4");
    assertThat(last.continuationToken()).isNull();
  }

  @Test
  void aCompletionRangeLeavesOutInstancesThatHaveNotEnded() {
    store.createInstance(newInstance(key("c-1"), "e1"), Set.of());
    store.createInstance(newInstance(key("c-2"), "e2"), Set.of());
    store.createInstance(newInstance(key("c-3"), "e3"), Set.of());
    started(key("c-3"));
    end(key("c-1"), T0 + 10);
    end(key("c-2"), T0 + 20);
    InstanceFilter since15 =
        new InstanceFilter(
            StoreFixtures.HUB,
            Set.of(),
            TimeRange.ANY,
            new TimeRange(T0 + 15, Long.MAX_VALUE),
            "",
            "");
    InstanceFilter upTo15 =
        new InstanceFilter(
            StoreFixtures.HUB, Set.of(), TimeRange.ANY, new TimeRange(0, T0 + 15), "", "");

    assertThat(pagedIds(since15, InstanceSort.CREATED_ASC, 10)).containsExactly("c-2");
    assertThat(pagedIds(upTo15, InstanceSort.CREATED_ASC, 10)).containsExactly("c-1");
    assertThat(store.countInstancesByStatus(upTo15))
        .containsOnly(Map.entry(ORCHESTRATION_STATUS_COMPLETED, 1L));
  }

  @Test
  void aFilterByNamePrefixSelectsTheSameRowsForPagesAndCounts() {
    store.createInstance(named(key("n-1"), "BillingRun"), Set.of());
    store.createInstance(named(key("n-2"), "BillingRetry"), Set.of());
    store.createInstance(named(key("n-3"), "Greet"), Set.of());
    store.createInstance(named(key("n-4"), "Billing%"), Set.of());
    started(key("n-2"));
    InstanceFilter billing =
        new InstanceFilter(
            StoreFixtures.HUB, Set.of(), TimeRange.ANY, TimeRange.ANY, "", "Billing");
    InstanceFilter literalPercent =
        new InstanceFilter(
            StoreFixtures.HUB, Set.of(), TimeRange.ANY, TimeRange.ANY, "", "Billing%");

    assertThat(matchingIds(billing)).containsExactlyInAnyOrder("n-1", "n-2", "n-4");
    assertThat(matchingIds(literalPercent)).containsExactly("n-4");
    assertThat(store.countInstancesByStatus(billing))
        .containsOnly(
            Map.entry(ORCHESTRATION_STATUS_PENDING, 2L),
            Map.entry(ORCHESTRATION_STATUS_RUNNING, 1L));
    assertThat(
            store.countInstancesByStatus(
                new InstanceFilter(
                    StoreFixtures.HUB,
                    Set.of(ORCHESTRATION_STATUS_RUNNING),
                    TimeRange.ANY,
                    TimeRange.ANY,
                    "",
                    "Billing")))
        .containsOnly(Map.entry(ORCHESTRATION_STATUS_RUNNING, 1L));
  }

  @Test
  void aFilterByTagsMatchesExactKeysAndValuesCaseSensitively() {
    store.createInstance(tagged(key("t-1"), Map.of("team", "billing", "tier", "gold")), Set.of());
    store.createInstance(tagged(key("t-2"), Map.of("team", "Billing")), Set.of());
    store.createInstance(tagged(key("t-3"), Map.of("team", "billing-2")), Set.of());
    store.createInstance(tagged(key("t-4"), Map.of("xteam", "billing")), Set.of());
    store.createInstance(tagged(key("t-5"), Map.of("note", "\"team\":\"billing\"")), Set.of());
    store.createInstance(tagged(key("t-6"), Map.of("te\"am", "bi\\lling")), Set.of());
    store.createInstance(newInstance(key("t-7"), "e7"), Set.of());

    assertThat(matchingIds(byTags(Map.of("team", "billing")))).containsExactly("t-1");
    assertThat(matchingIds(byTags(Map.of("team", "billing", "tier", "gold"))))
        .containsExactly("t-1");
    assertThat(matchingIds(byTags(Map.of("team", "billing", "tier", "silver")))).isEmpty();
    assertThat(matchingIds(byTags(Map.of("te\"am", "bi\\lling")))).containsExactly("t-6");
    assertThat(store.countInstancesByStatus(byTags(Map.of("team", "Billing"))))
        .containsOnly(Map.entry(ORCHESTRATION_STATUS_PENDING, 1L));
  }

  @Test
  void aTokenIssuedForAnotherSortIsAnInvalidArgument() {
    for (int i = 0; i < 3; i++) {
      store.createInstance(newInstance(key("t-" + i), "e" + i, T0 + i, T0 + i), Set.of());
    }
    String token =
        store
            .queryInstances(
                InstanceFilter.everyInstanceOf(StoreFixtures.HUB),
                new InstancePageRequest(InstanceSort.ID_DESC, 1, null))
            .continuationToken();

    assertThatThrownBy(
            () ->
                store.queryInstances(
                    InstanceFilter.everyInstanceOf(StoreFixtures.HUB),
                    new InstancePageRequest(InstanceSort.CREATED_ASC, 1, token)))
        .isInstanceOf(TaskhubException.InvalidArgument.class)
        .hasMessageContaining("another sort order");
  }

  @Test
  void aTokenInTheFormerCreationOrderFormatStillLeadsToTheNextPage() {
    for (int i = 0; i < 3; i++) {
      store.createInstance(newInstance(key("f-" + i), "e" + i, T0 + i, T0 + i), Set.of());
    }
    // What the gRPC and Durable Functions lists issued before every list shared one cursor.
    String former =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString((T0 + ":f-0").getBytes(StandardCharsets.UTF_8));

    InstancePage next =
        store.queryInstances(
            InstanceFilter.everyInstanceOf(StoreFixtures.HUB),
            new InstancePageRequest(InstanceSort.CREATED_ASC, 10, former));

    assertThat(next.instances())
        .extracting(row -> row.key().instanceId())
        .containsExactly("f-1", "f-2");
  }

  @Test
  void purgingAnEndedInstanceDeletesItAndRecursionReachesItsEndedDescendantsOnly() {
    InstanceKey parent = key("parent");
    InstanceKey child = key("child");
    InstanceKey grandchild = key("grandchild");
    store.createInstance(newInstance(parent, "e-p"), Set.of());
    store.createInstance(childOf(parent, child), Set.of());
    store.createInstance(childOf(child, grandchild), Set.of());
    end(parent);
    end(child);

    assertThat(store.purgeInstance(parent, true)).isEqualTo(2);

    assertThat(store.findInstance(parent)).isEmpty();
    assertThat(store.findInstance(child)).isEmpty();
    assertThat(store.loadHistory(parent)).isEmpty();
    assertThat(store.findInstance(grandchild)).isPresent();
    assertThat(store.purgeInstance(parent, true)).isZero();
  }

  @Test
  void purgingAnInstanceThatHasNotEndedFailsAndKeepsIt() {
    InstanceKey key = key("busy");
    started(key, "exec-1");

    assertThatThrownBy(() -> store.purgeInstance(key, false))
        .isInstanceOf(TaskhubException.FailedPrecondition.class)
        .hasMessageContaining("busy")
        .hasMessageContaining("RUNNING");
    assertThat(store.findInstance(key)).isPresent();
  }

  @Test
  void purgingByFilterDeletesOnlyEndedInstancesInTheRange() {
    store.createInstance(newInstance(key("old-done"), "e1", T0, T0), Set.of());
    store.createInstance(newInstance(key("new-done"), "e2", T0 + 100, T0 + 100), Set.of());
    store.createInstance(newInstance(key("old-pending"), "e3", T0, T0), Set.of());
    end(key("old-done"));
    end(key("new-done"));

    PurgeResult purged = purgeCreatedBefore(T0 + 50, false, () -> true);

    assertThat(purged).isEqualTo(new PurgeResult(1, true));
    assertThat(store.findInstance(key("old-done"))).isEmpty();
    assertThat(store.findInstance(key("new-done"))).isPresent();
    assertThat(store.findInstance(key("old-pending"))).isPresent();
  }

  @Test
  void aFilterPurgeToldToStopReportsItselfIncompleteAndTheNextOneGoesOn() {
    store.createInstance(newInstance(key("done-1"), "e1"), Set.of());
    store.createInstance(newInstance(key("done-2"), "e2"), Set.of());
    end(key("done-1"));
    end(key("done-2"));

    assertThat(purgeCreatedBefore(T0 + 50, false, () -> false))
        .isEqualTo(new PurgeResult(0, false));
    assertThat(store.findInstance(key("done-1"))).isPresent();
    assertThat(purgeCreatedBefore(T0 + 50, false, () -> true)).isEqualTo(new PurgeResult(2, true));
    assertThat(store.findInstance(key("done-2"))).isEmpty();
  }

  @Test
  void aRecursiveFilterPurgeAlsoDeletesTheEndedChildrenOutsideTheFilter() {
    InstanceKey parent = key("parent");
    InstanceKey child = key("child");
    InstanceKey otherParent = key("other-parent");
    InstanceKey otherChild = key("other-child");
    store.createInstance(newInstance(parent, "e-p", T0, T0), Set.of());
    store.createInstance(childOf(parent, child, T0 + 100), Set.of());
    store.createInstance(newInstance(otherParent, "e-o", T0, T0), Set.of());
    store.createInstance(childOf(otherParent, otherChild, T0 + 100), Set.of());
    for (InstanceKey key : List.of(parent, child, otherParent, otherChild)) {
      end(key);
    }

    // Created after the range: only a recursive purge reaches the children.
    assertThat(purgeCreatedBefore(T0 + 50, true, () -> true)).isEqualTo(new PurgeResult(4, true));
    assertThat(store.findInstance(child)).isEmpty();
    assertThat(store.findInstance(otherChild)).isEmpty();
  }

  @Test
  void aFilterPurgeWithoutRecursionLeavesTheChildrenOutsideTheFilter() {
    InstanceKey parent = key("parent");
    InstanceKey child = key("child");
    store.createInstance(newInstance(parent, "e-p", T0, T0), Set.of());
    store.createInstance(childOf(parent, child, T0 + 100), Set.of());
    end(parent);
    end(child);

    assertThat(purgeCreatedBefore(T0 + 50, false, () -> true)).isEqualTo(new PurgeResult(1, true));
    assertThat(store.findInstance(child)).isPresent();
  }

  private PurgeResult purgeCreatedBefore(
      long createdTo, boolean recursive, BooleanSupplier mayContinue) {
    return store.purgeInstances(
        StoreFixtures.HUB, new TimeRange(0, createdTo), Set.of(), recursive, mayContinue);
  }

  private List<String> query(Set<OrchestrationStatus> statuses, long from, long to, String prefix) {
    return matchingIds(
        new InstanceFilter(
            StoreFixtures.HUB, statuses, new TimeRange(from, to), TimeRange.ANY, prefix, ""));
  }

  /** The ids of the first page (up to 100 rows) matching {@code filter}, in creation order. */
  private List<String> matchingIds(InstanceFilter filter) {
    return store
        .queryInstances(filter, new InstancePageRequest(InstanceSort.CREATED_ASC, 100, null))
        .instances()
        .stream()
        .map(row -> row.key().instanceId())
        .toList();
  }

  /** The ids of every instance matching {@code filter}, following the tokens in {@code sort}. */
  private List<String> pagedIds(InstanceFilter filter, InstanceSort sort, int pageSize) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      InstancePage page =
          store.queryInstances(filter, new InstancePageRequest(sort, pageSize, token));
      page.instances().forEach(row -> ids.add(row.key().instanceId()));
      token = page.continuationToken();
    } while (token != null);
    return ids;
  }

  /** The same as {@link #pagedIds}, through {@link Store#queryInstanceIds}. */
  private List<String> pagedIdsOnly(InstanceFilter filter, InstanceSort sort, int pageSize) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      InstanceIdPage page =
          store.queryInstanceIds(filter, new InstancePageRequest(sort, pageSize, token));
      ids.addAll(page.instanceIds());
      token = page.continuationToken();
    } while (token != null);
    return ids;
  }

  private static InstanceFilter byTags(Map<String, String> tags) {
    return new InstanceFilter(
        StoreFixtures.HUB, Set.of(), TimeRange.ANY, TimeRange.ANY, "", "", tags);
  }

  private static NewInstance tagged(InstanceKey key, Map<String, String> tags) {
    NewInstance template = newInstance(key, "e-" + key.instanceId());
    return new NewInstance(
        key,
        template.executionId(),
        template.name(),
        template.version(),
        template.input(),
        template.parentInstanceId(),
        tags,
        template.createdAt(),
        template.startAt(),
        template.executionStarted());
  }

  private static NewInstance named(InstanceKey key, String name) {
    NewInstance template = newInstance(key, "e-" + key.instanceId());
    return new NewInstance(
        key,
        template.executionId(),
        name,
        template.version(),
        template.input(),
        template.parentInstanceId(),
        template.tags(),
        template.createdAt(),
        template.startAt(),
        template.executionStarted());
  }

  private static NewInstance childOf(InstanceKey parent, InstanceKey child) {
    return childOf(parent, child, T0);
  }

  private static NewInstance childOf(InstanceKey parent, InstanceKey child, long createdAt) {
    NewInstance template = newInstance(child, "e-" + child.instanceId(), createdAt, createdAt);
    return new NewInstance(
        child,
        template.executionId(),
        template.name(),
        template.version(),
        template.input(),
        parent.instanceId(),
        template.tags(),
        template.createdAt(),
        template.startAt(),
        template.executionStarted());
  }

  /** Runs an instance to COMPLETED. */
  private void end(InstanceKey key) {
    end(key, T0 + 1);
  }

  /** Runs an instance to COMPLETED at {@code at}. */
  private void end(InstanceKey key, long at) {
    InstanceRecord running = started(key);
    store.applyStep(
        stepFrom(running, at)
            .append(executionCompleted(ORCHESTRATION_STATUS_COMPLETED, "\"ok\"", at))
            .end(ORCHESTRATION_STATUS_COMPLETED, "\"ok\"", null)
            .build());
  }

  /** Creates an instance and runs its first episode, which consumes its ExecutionStarted. */
  InstanceRecord started(InstanceKey key, String executionId) {
    store.createInstance(newInstance(key, executionId), Set.of());
    return started(key);
  }

  /** Runs the first episode of a created instance: it consumes the ExecutionStarted. */
  InstanceRecord started(InstanceKey key) {
    OrchestrationWorkItem item = workItem(key, FAR_FUTURE);
    store.applyStep(
        stepFrom(item.instance(), T0)
            .append(Events.orchestratorStarted(T0), item.inbox().get(0).event())
            .consume(item.inbox().get(0).id())
            .build());
    return row(key);
  }

  /**
   * Runs {@code task.apply(i)} for each i below {@code threads} on its own thread, all released at
   * once, and returns their results in order; a failure of any of them fails the test.
   */
  static <T> List<T> concurrently(int threads, IntFunction<Callable<T>> task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<T> work = task.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return work.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    }
  }
}
