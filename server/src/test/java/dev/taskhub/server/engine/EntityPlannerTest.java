package dev.taskhub.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityLockRequestedEvent;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.EntityOperationSignaledEvent;
import dev.taskhub.protocol.EntityUnlockSentEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.store.EntityRecord;
import dev.taskhub.server.store.EntityStep;
import dev.taskhub.server.store.EntityWorkItem;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EntityPlannerTest {
  private static final InstanceKey A = new InstanceKey("default", "@account@a");
  private static final long NOW = 1_700_000_000_000L;

  private final List<InboxEvent> inbox = new ArrayList<>();

  private void arrives(HistoryEvent.Builder event) {
    inbox.add(new InboxEvent(inbox.size() + 1, null, NOW, event.build()));
  }

  private static HistoryEvent.Builder signal(String operation) {
    return HistoryEvent.newBuilder()
        .setEntityOperationSignaled(
            EntityOperationSignaledEvent.newBuilder()
                .setRequestId(operation)
                .setOperation(operation));
  }

  private static HistoryEvent.Builder call(String operation, String from) {
    return HistoryEvent.newBuilder()
        .setEntityOperationCalled(
            EntityOperationCalledEvent.newBuilder()
                .setRequestId(operation)
                .setOperation(operation)
                .setParentInstanceId(StringValue.of(from)));
  }

  private static HistoryEvent.Builder lock(String section, String from, String... lockSet) {
    return HistoryEvent.newBuilder()
        .setEntityLockRequested(
            EntityLockRequestedEvent.newBuilder()
                .setCriticalSectionId(section)
                .addAllLockSet(List.of(lockSet))
                .setParentInstanceId(StringValue.of(from)));
  }

  private static HistoryEvent.Builder unlock(String section, String from) {
    return HistoryEvent.newBuilder()
        .setEntityUnlockSent(
            EntityUnlockSentEvent.newBuilder()
                .setCriticalSectionId(section)
                .setParentInstanceId(StringValue.of(from)));
  }

  private EntityPlan plan(String holder, String section, Set<String> running) {
    EntityRecord entity = new EntityRecord(A, "exec", "100", holder, section, NOW, NOW, 0, 7);
    return EntityPlanner.plan(new EntityWorkItem(entity, List.copyOf(inbox), running), NOW);
  }

  private static List<String> operations(EntityPlan plan) {
    assertThat(plan).isInstanceOf(EntityPlan.Batch.class);
    return ((EntityPlan.Batch) plan)
        .batch().operations().stream()
            .map(
                e ->
                    e.event().hasEntityOperationCalled()
                        ? e.event().getEntityOperationCalled().getOperation()
                        : e.event().getEntityOperationSignaled().getOperation())
            .toList();
  }

  private static EntityStep serverStep(EntityPlan plan) {
    assertThat(plan).isInstanceOf(EntityPlan.Server.class);
    return ((EntityPlan.Server) plan).step();
  }

  @Test
  void unlockedOperationsFormOneBatchUpToTheFirstLockRequest() {
    arrives(signal("deposit"));
    arrives(call("balance", "o1"));
    arrives(lock("cs", "o2", "@account@a"));
    arrives(signal("withdraw"));

    EntityPlan plan = plan(null, null, Set.of("o2"));

    assertThat(operations(plan)).containsExactly("deposit", "balance");
    assertThat(((EntityPlan.Batch) plan).batch().request().getEntityState().getValue())
        .isEqualTo("100");
  }

  @Test
  void aLockRequestAtTheHeadLocksTheEntityAndGoesOnToTheNextOfItsSet() {
    arrives(lock("cs", "o1", "@account@a", "@account@b"));
    arrives(signal("deposit"));

    EntityStep step = serverStep(plan(null, null, Set.of("o1")));

    assertThat(step.lockedBy()).isEqualTo("o1");
    assertThat(step.lockSection()).isEqualTo("cs");
    assertThat(step.consumedInboxIds()).containsExactly(1L);
    assertThat(step.expectedVersion()).isEqualTo(7);
    InboxMessage onward = step.messages().getFirst();
    assertThat(onward.target().instanceId()).isEqualTo("@account@b");
    assertThat(onward.event().getEntityLockRequested().getPosition()).isEqualTo(1);
  }

  @Test
  void theLastEntityOfALockSetGrantsTheLock() {
    HistoryEvent.Builder lastOfTwo = lock("cs", "o1", "@account@z", "@account@a");
    lastOfTwo.getEntityLockRequestedBuilder().setPosition(1);
    arrives(lastOfTwo);

    EntityStep step = serverStep(plan(null, null, Set.of("o1")));

    InboxMessage granted = step.messages().getFirst();
    assertThat(granted.target().instanceId()).isEqualTo("o1");
    assertThat(granted.event().getEntityLockGranted().getCriticalSectionId()).isEqualTo("cs");
  }

  @Test
  void whileLockedOnlyTheHoldersCallsRunAndEverythingElseKeepsItsPlace() {
    arrives(signal("deposit"));
    arrives(call("balance", "other"));
    arrives(call("withdraw", "o1"));
    arrives(lock("cs2", "o2", "@account@a"));

    assertThat(operations(plan("o1", "cs", Set.of("o1", "o2")))).containsExactly("withdraw");
  }

  @Test
  void theHoldersUnlockReleasesTheEntity() {
    arrives(signal("deposit"));
    arrives(unlock("cs", "o1"));

    EntityStep step = serverStep(plan("o1", "cs", Set.of("o1")));

    assertThat(step.lockedBy()).isNull();
    assertThat(step.consumedInboxIds()).containsExactly(2L);
  }

  @Test
  void aLockRequestFromAnEndedOrchestrationIsDroppedAndGrantsNothing() {
    arrives(lock("cs", "gone", "@account@a", "@account@b"));

    EntityStep step = serverStep(plan(null, null, Set.of()));

    assertThat(step.lockedBy()).isNull();
    assertThat(step.messages()).isEmpty();
    assertThat(step.consumedInboxIds()).containsExactly(1L);
  }

  @Test
  void aHolderThatEndedHoldsNothing() {
    arrives(signal("deposit"));

    EntityStep step = serverStep(plan("gone", "cs", Set.of()));

    assertThat(step.lockedBy()).isNull();
    assertThat(step.consumedInboxIds()).isEmpty();
  }

  @Test
  void anUnlockForALockNotHeldIsDroppedWithTheNextBatch() {
    arrives(unlock("old", "o9"));
    arrives(signal("deposit"));

    EntityPlan plan = plan(null, null, Set.of());

    assertThat(operations(plan)).containsExactly("deposit");
    assertThat(((EntityPlan.Batch) plan).batch().dropped()).containsExactly(1L);
  }

  @Test
  void aBatchHoldsAtMostMaxBatchOperations() {
    for (int i = 0; i < EntityPlanner.MAX_BATCH + 5; i++) {
      arrives(signal("op" + i));
    }

    assertThat(operations(plan(null, null, Set.of()))).hasSize(EntityPlanner.MAX_BATCH);
  }

  @Test
  void anEmptyInboxOrOneThatWaitsForTheLockIsIdle() {
    assertThat(plan(null, null, Set.of())).isInstanceOf(EntityPlan.Idle.class);
    arrives(signal("deposit"));
    assertThat(plan("o1", "cs", Set.of("o1"))).isInstanceOf(EntityPlan.Idle.class);
  }
}
