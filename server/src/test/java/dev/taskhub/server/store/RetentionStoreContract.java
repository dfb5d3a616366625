package dev.taskhub.server.store;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
import static dev.taskhub.server.store.StoreFixtures.T0;
import static dev.taskhub.server.store.StoreFixtures.executionStarted;
import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.stepFrom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.OrchestrationStatus;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The retention part of the {@link Store} contract: every store runs it through {@link
 * StoreContractTest}, which implements this interface.
 */
interface RetentionStoreContract {
  /** The store under test. */
  Store store();

  private void create(String id, String parent) {
    InstanceKey key = key(id);
    store()
        .createInstance(
            new NewInstance(
                key,
                "exec-" + id,
                "Flow",
                null,
                null,
                parent,
                Map.of(),
                T0,
                T0,
                executionStarted(key, "exec-" + id, null, T0)),
            Set.of());
  }

  private void end(String id, OrchestrationStatus status, long at) {
    InstanceRecord row = store().findInstance(key(id)).orElseThrow();
    store().applyStep(stepFrom(row, at).end(status, null, null).build());
  }

  private void run(String id) {
    InstanceRecord row = store().findInstance(key(id)).orElseThrow();
    store().applyStep(stepFrom(row, T0).status(ORCHESTRATION_STATUS_RUNNING).build());
  }

  private static InstanceFilter endedBy(OrchestrationStatus status, long at) {
    return new InstanceFilter(
        StoreFixtures.HUB, Set.of(status), TimeRange.ANY, new TimeRange(0, at), "", "");
  }

  private boolean exists(String id) {
    return store().findInstance(key(id)).isPresent();
  }

  @Test
  default void aRetentionBatchDeletesOnlyInstancesOfItsStatusThatEndedByItsCutoff() {
    create("old", null);
    end("old", ORCHESTRATION_STATUS_COMPLETED, T0 + 10);
    create("new", null);
    end("new", ORCHESTRATION_STATUS_COMPLETED, T0 + 1000);
    create("failed", null);
    end("failed", ORCHESTRATION_STATUS_FAILED, T0 + 10);
    create("running", null);
    run("running");

    PurgeResult result = store().purgeEnded(endedBy(ORCHESTRATION_STATUS_COMPLETED, T0 + 500), 10);

    assertThat(result).isEqualTo(new PurgeResult(1, true));
    assertThat(exists("old")).isFalse();
    assertThat(exists("new")).isTrue();
    assertThat(exists("failed")).isTrue();
    assertThat(exists("running")).isTrue();
    assertThat(store().purgeEnded(endedBy(ORCHESTRATION_STATUS_RUNNING, T0 + 500), 10))
        .isEqualTo(new PurgeResult(0, true));
  }

  @Test
  default void childrenAreKeptWhileTheirParentIsAndGoWithIt() {
    create("parent", null);
    create("child", "parent");
    end("child", ORCHESTRATION_STATUS_COMPLETED, T0 + 10);
    run("parent");

    assertThat(store().purgeEnded(endedBy(ORCHESTRATION_STATUS_COMPLETED, T0 + 500), 10).deleted())
        .isZero();
    end("parent", ORCHESTRATION_STATUS_COMPLETED, T0 + 20);
    assertThat(store().purgeEnded(endedBy(ORCHESTRATION_STATUS_COMPLETED, T0 + 500), 10).deleted())
        .isEqualTo(2);
    assertThat(exists("child")).isFalse();
  }

  @Test
  default void aBatchIsBoundedAndSaysWhenMoreAreDue() {
    for (int i = 0; i < 5; i++) {
      create("i" + i, null);
      end("i" + i, ORCHESTRATION_STATUS_COMPLETED, T0 + 10);
    }

    assertThat(store().purgeEnded(endedBy(ORCHESTRATION_STATUS_COMPLETED, T0 + 500), 3))
        .isEqualTo(new PurgeResult(3, false));
    assertThat(store().purgeEnded(endedBy(ORCHESTRATION_STATUS_COMPLETED, T0 + 500), 3))
        .isEqualTo(new PurgeResult(2, true));
  }

  @Test
  default void retentionPoliciesAreKeptPerHubUntilRemoved() {
    store().setRetentionPolicy("default", "completed=7d", T0);
    store().setRetentionPolicy("other", "failed=1d", T0);
    store().setRetentionPolicy("default", "completed=1d", T0 + 1);

    assertThat(store().retentionPolicies())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("default", "completed=1d", "other", "failed=1d"));
    store().setRetentionPolicy("other", null, T0 + 2);
    assertThat(store().retentionPolicies()).containsOnlyKeys("default");
  }
}
