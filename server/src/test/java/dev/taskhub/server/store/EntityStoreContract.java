package dev.taskhub.server.store;

import static dev.taskhub.server.store.StoreFixtures.FAR_FUTURE;
import static dev.taskhub.server.store.StoreFixtures.T0;
import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityOperationCompletedEvent;
import dev.taskhub.protocol.EntityOperationSignaledEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Events;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The entity part of the {@link Store} contract: every store runs it through {@link
 * StoreContractTest}, which implements this interface.
 */
interface EntityStoreContract {
  /** The store under test. */
  Store store();

  private static HistoryEvent signal(String entity, String operation, long now) {
    return HistoryEvent.newBuilder()
        .setEventId(-1)
        .setTimestamp(Events.timestamp(now))
        .setEntityOperationSignaled(
            EntityOperationSignaledEvent.newBuilder()
                .setRequestId(operation + "-" + now)
                .setOperation(operation)
                .setTargetInstanceId(StringValue.of(entity)))
        .build();
  }

  private EntityWorkItem load(InstanceKey key) {
    return store().loadEntityWorkItem(key, FAR_FUTURE).orElseThrow();
  }

  private EntityStep step(EntityWorkItem item, String state, List<InboxMessage> messages) {
    return new EntityStep(
        item.entity().key(),
        item.entity().version(),
        state,
        item.entity().lockedBy(),
        item.entity().lockSection(),
        item.inbox().stream().map(InboxEvent::id).toList(),
        messages,
        List.of(),
        T0 + 10);
  }

  @Test
  default void aFirstMessageCreatesTheEntityWithoutStateAndQueuesIt() {
    InstanceKey counter = key("@counter@one");
    store().sendToEntity(counter, signal("@counter@one", "add", T0), T0, T0);

    EntityRecord entity = store().findEntity(counter).orElseThrow();
    assertThat(entity.hasState()).isFalse();
    assertThat(entity.isLocked()).isFalse();
    assertThat(entity.queued()).isEqualTo(1);
    assertThat(entity.version()).isZero();
    assertThat(load(counter).inbox())
        .extracting(e -> e.event().getEntityOperationSignaled().getOperation())
        .containsExactly("add");
  }

  @Test
  default void aStepWritesStateConsumesItsMessagesAndAppliesOnce() {
    InstanceKey counter = key("@counter@one");
    store().sendToEntity(counter, signal("@counter@one", "add", T0), T0, T0);
    store().sendToEntity(counter, signal("@counter@one", "add", T0 + 1), T0 + 1, T0 + 1);
    EntityWorkItem item = load(counter);
    EntityStep step = step(item, "2", List.of());

    store().applyEntityStep(step);

    EntityRecord entity = store().findEntity(counter).orElseThrow();
    assertThat(entity.state()).isEqualTo("2");
    assertThat(entity.queued()).isZero();
    assertThat(entity.version()).isEqualTo(1);
    assertThat(entity.lastModifiedAt()).isEqualTo(T0 + 10);
    assertThatThrownBy(() -> store().applyEntityStep(step))
        .isInstanceOf(TaskhubException.LeaseLost.class);
    assertThat(store().findEntity(counter).orElseThrow()).isEqualTo(entity);
  }

  @Test
  default void aStepAnswersRunningOrchestrationsAndCreatesTheEntitiesItSignals() {
    InstanceKey caller = key("caller");
    store().createInstance(newInstance(caller, "exec-1"), Set.of());
    InstanceKey counter = key("@counter@one");
    store().sendToEntity(counter, signal("@counter@one", "add", T0), T0, T0);
    HistoryEvent answer =
        HistoryEvent.newBuilder()
            .setTimestamp(Events.timestamp(T0))
            .setEntityOperationCompleted(
                EntityOperationCompletedEvent.newBuilder()
                    .setRequestId("r1")
                    .setOutput(StringValue.of("1")))
            .build();
    List<InboxMessage> messages =
        List.of(
            new InboxMessage(caller, "exec-1", T0, answer),
            new InboxMessage(key("gone"), null, T0, answer),
            new InboxMessage(key("@audit@log"), null, T0, signal("@audit@log", "record", T0)));

    store().applyEntityStep(step(load(counter), "1", messages));

    assertThat(store().loadWorkItem(caller, FAR_FUTURE).orElseThrow().inbox())
        .extracting(InboxEvent::event)
        .contains(answer);
    assertThat(store().findInstance(key("gone"))).isEmpty();
    assertThat(store().findEntity(key("@audit@log")).orElseThrow().queued()).isEqualTo(1);
  }

  @Test
  default void theWorkItemTellsWhichNamedOrchestrationsStillRun() {
    InstanceKey holder = key("holder");
    store().createInstance(newInstance(holder, "exec-1"), Set.of());
    InstanceKey counter = key("@counter@one");
    store().sendToEntity(counter, signal("@counter@one", "add", T0), T0, T0);
    EntityWorkItem item = load(counter);
    store()
        .applyEntityStep(
            new EntityStep(
                counter,
                item.entity().version(),
                null,
                "holder",
                "section-1",
                List.of(),
                List.of(),
                List.of(),
                T0));

    EntityWorkItem locked = load(counter);

    assertThat(locked.entity().lockedBy()).isEqualTo("holder");
    assertThat(locked.entity().lockSection()).isEqualTo("section-1");
    assertThat(locked.running()).containsExactly("holder");
  }

  @Test
  default void queriesPageThroughEntitiesByPrefixAndLeaveOutTransientOnesUnlessAsked() {
    for (int i = 1; i <= 5; i++) {
      InstanceKey counter = key("@counter@k" + i);
      store().sendToEntity(counter, signal(counter.instanceId(), "add", T0), T0, T0);
      store().applyEntityStep(step(load(counter), String.valueOf(i), List.of()));
    }
    store().sendToEntity(key("@counter@k6"), signal("@counter@k6", "add", T0), T0, T0);
    store().sendToEntity(key("@other@x"), signal("@other@x", "add", T0), T0, T0);
    store().applyEntityStep(step(load(key("@other@x")), "9", List.of()));

    List<List<String>> pages = new ArrayList<>();
    String token = null;
    do {
      EntityPage page =
          store()
              .queryEntities(
                  new EntityFilter(StoreFixtures.HUB, "@counter@", TimeRange.ANY, false), token, 2);
      pages.add(page.entities().stream().map(e -> e.key().instanceId()).toList());
      token = page.continuationToken();
    } while (token != null);

    assertThat(pages)
        .containsExactly(
            List.of("@counter@k1", "@counter@k2"),
            List.of("@counter@k3", "@counter@k4"),
            List.of("@counter@k5"));
    assertThat(
            store()
                .queryEntities(
                    new EntityFilter(StoreFixtures.HUB, "@counter@", TimeRange.ANY, true), null, 10)
                .entities())
        .hasSize(6);
    assertThat(
            store()
                .queryEntities(
                    new EntityFilter(
                        StoreFixtures.HUB, null, new TimeRange(T0 + 10, T0 + 10), false),
                    null,
                    10)
                .entities())
        .hasSize(6);
    assertThatThrownBy(
            () ->
                store()
                    .queryEntities(
                        new EntityFilter(StoreFixtures.HUB, null, TimeRange.ANY, false),
                        "not-a-token",
                        10))
        .isInstanceOf(TaskhubException.InvalidArgument.class);
  }

  @Test
  default void orchestrationListsAndCountsNeverShowEntities() {
    store().createInstance(newInstance(key("order-1"), "exec-1"), Set.of());
    store().sendToEntity(key("@counter@one"), signal("@counter@one", "add", T0), T0, T0);
    InstanceFilter all = InstanceFilter.everyInstanceOf(StoreFixtures.HUB);

    assertThat(
            store()
                .queryInstances(all, new InstancePageRequest(InstanceSort.ID_ASC, 100, null))
                .instances())
        .extracting(i -> i.key().instanceId())
        .containsExactly("order-1");
    assertThat(store().countInstancesByStatus(all))
        .containsExactlyEntriesOf(Map.of(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING, 1L));
  }

  @Test
  default void cleaningRemovesEmptyEntitiesAndReleasesLocksOfEndedOrchestrations() {
    InstanceKey empty = key("@counter@empty");
    store().sendToEntity(empty, signal("@counter@empty", "add", T0), T0, T0);
    store().applyEntityStep(step(load(empty), null, List.of()));
    InstanceKey orphan = key("@counter@orphan");
    store().sendToEntity(orphan, signal("@counter@orphan", "add", T0), T0, T0);
    EntityWorkItem item = load(orphan);
    store()
        .applyEntityStep(
            new EntityStep(
                orphan,
                item.entity().version(),
                "1",
                "vanished-orchestration",
                "s",
                item.inbox().stream().map(InboxEvent::id).toList(),
                List.of(),
                List.of(),
                T0));
    InstanceKey later = key("@counter@later");
    store().sendToEntity(later, signal("@counter@later", "add", T0), FAR_FUTURE, T0);

    EntityCleanup cleanup = store().cleanEntities(StoreFixtures.HUB, null, true, true, 100, T0);

    assertThat(cleanup.emptyRemoved()).isEqualTo(1);
    assertThat(cleanup.released()).containsExactly(orphan);
    assertThat(cleanup.continuationToken()).isNull();
    assertThat(store().findEntity(empty)).isEmpty();
    assertThat(store().findEntity(orphan).orElseThrow().isLocked()).isFalse();
    assertThat(store().findEntity(orphan).orElseThrow().state()).isEqualTo("1");
    assertThat(store().findEntity(later)).isPresent();
  }

  @Test
  default void recoveryFindsEntitiesWithQueuedMessagesUnderTheirEntityName() {
    store().sendToEntity(key("@counter@one"), signal("@counter@one", "add", T0), T0, T0);

    assertThat(store().scanPendingWork().instances())
        .extracting(PendingWork.PendingInstance::name)
        .containsExactly(WorkName.entity("counter"));
  }
}
