package dev.taskhub.server.store;

import static dev.taskhub.server.store.StoreFixtures.HUB;
import static dev.taskhub.server.store.StoreFixtures.T0;
import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.server.TaskhubException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The schedule part of the {@link Store} contract: every store runs it through {@link
 * StoreContractTest}, which implements this interface.
 */
interface ScheduleStoreContract {
  /** The store under test. */
  Store store();

  private static ScheduleRecord schedule(String id, Long nextFireAt) {
    return new ScheduleRecord(
        HUB,
        id,
        new ScheduleDefinition(
            "Greet",
            "1.0",
            "{\"to\":\"world\"}",
            "0 2 * * *",
            null,
            "Europe/Berlin",
            T0,
            null,
            OverlapPolicy.BUFFER_ONE,
            60_000),
        new ScheduleState(false, nextFireAt, null, null, null, 0, 0, 0, T0, T0, 0));
  }

  @Test
  default void aCreatedScheduleIsReadBackWhole() {
    ScheduleRecord nightly = schedule("nightly", T0 + 1_000);
    store().createSchedule(nightly);

    assertThat(store().findSchedule(HUB, "nightly")).contains(nightly);
    assertThat(store().schedules(HUB)).containsExactly(nightly);
    assertThat(store().schedules("other")).isEmpty();
    assertThatThrownBy(() -> store().createSchedule(nightly))
        .isInstanceOf(TaskhubException.AlreadyExists.class)
        .hasMessageContaining("nightly");
  }

  @Test
  default void anUpdateExpectingAnOldRevisionWritesNothing() {
    ScheduleRecord nightly = schedule("nightly", T0 + 1_000);
    store().createSchedule(nightly);
    ScheduleRecord paused = nightly.with(nightly.state().withPaused(true, T0 + 1_000, T0 + 5));

    assertThat(store().updateSchedule(paused, 0)).isTrue();
    assertThat(store().updateSchedule(nightly.with(nightly.state().withNext(null, T0)), 0))
        .isFalse();
    assertThat(store().findSchedule(HUB, "nightly")).contains(paused);
    assertThat(store().updateSchedule(schedule("missing", null), 0)).isFalse();
  }

  @Test
  default void dueSchedulesAreThoseNotPausedWithAFireTimeReachedOrABufferedRun() {
    store().createSchedule(schedule("due-late", T0 + 2_000));
    store().createSchedule(schedule("due-early", T0 + 1_000));
    store().createSchedule(schedule("later", T0 + 60_000));
    store().createSchedule(schedule("ended", null));
    ScheduleRecord paused = schedule("paused", T0);
    store().createSchedule(paused.with(paused.state().withPaused(true, T0, T0)));
    ScheduleRecord buffered = schedule("buffered", T0 + 60_000);
    store()
        .createSchedule(
            buffered.with(buffered.state().passedOver(T0 + 60_000, T0 - 1_000, 0, 0, T0)));

    assertThat(store().dueSchedules(T0 + 2_000, 10))
        .extracting(ScheduleRecord::scheduleId)
        .containsExactly("due-early", "due-late", "buffered");
    assertThat(store().dueSchedules(T0 + 2_000, 1))
        .extracting(ScheduleRecord::scheduleId)
        .containsExactly("due-early");
  }

  @Test
  default void theNextFireTimeIsTheEarliestOfTheSchedulesNotPaused() {
    assertThat(store().nextScheduleFireAt()).isEmpty();
    store().createSchedule(schedule("ended", null));
    assertThat(store().nextScheduleFireAt()).isEmpty();
    ScheduleRecord paused = schedule("paused", T0 + 1_000);
    store().createSchedule(paused.with(paused.state().withPaused(true, T0 + 1_000, T0)));
    store().createSchedule(schedule("later", T0 + 60_000));
    store().createSchedule(schedule("sooner", T0 + 2_000));

    assertThat(store().nextScheduleFireAt()).hasValue(T0 + 2_000);
  }

  @Test
  default void aFireCreatesTheRunAndMovesTheScheduleInOneGuardedWrite() {
    ScheduleRecord nightly = schedule("nightly", T0);
    store().createSchedule(nightly);
    InstanceKey run = key("nightly-1");
    ScheduleRecord advanced =
        nightly.with(nightly.state().started(T0, run.instanceId(), T0 + 60_000, null, T0));

    assertThat(store().fireSchedule(advanced, 0, newInstance(run, "exec-1")))
        .isEqualTo(ScheduleFire.STARTED);
    assertThat(store().findInstance(run)).isPresent();
    assertThat(store().findSchedule(HUB, "nightly")).contains(advanced);

    // The same fire taken again (another node, or a retry after a crash) changes nothing.
    InstanceKey second = key("nightly-2");
    assertThat(store().fireSchedule(advanced, 0, newInstance(second, "exec-2")))
        .isEqualTo(ScheduleFire.LOST);
    assertThat(store().findInstance(second)).isEmpty();
    assertThat(store().findSchedule(HUB, "nightly")).contains(advanced);
  }

  @Test
  default void aFireWhoseRunExistsMovesTheScheduleAndLeavesTheInstanceAlone() {
    ScheduleRecord nightly = schedule("nightly", T0);
    store().createSchedule(nightly);
    InstanceKey run = key("nightly-1");
    store().createInstance(newInstance(run, "exec-1"), Set.of());
    ScheduleRecord advanced =
        nightly.with(nightly.state().started(T0, run.instanceId(), T0 + 60_000, null, T0));

    assertThat(store().fireSchedule(advanced, 0, newInstance(run, "exec-2")))
        .isEqualTo(ScheduleFire.EXISTED);
    assertThat(store().findInstance(run).orElseThrow().executionId()).isEqualTo("exec-1");
    assertThat(store().findSchedule(HUB, "nightly")).contains(advanced);
  }

  @Test
  default void deletingAScheduleOrItsHubRemovesIt() {
    store().createSchedule(schedule("nightly", T0));
    store().createSchedule(schedule("hourly", T0));

    assertThat(store().deleteSchedule(HUB, "nightly")).isTrue();
    assertThat(store().deleteSchedule(HUB, "nightly")).isFalse();
    store().deleteHub(HUB);
    assertThat(store().schedules(HUB)).isEmpty();
  }
}
