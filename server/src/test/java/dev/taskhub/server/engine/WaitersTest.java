package dev.taskhub.server.engine;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class WaitersTest {
  private static final InstanceKey KEY = new InstanceKey("default", "one");
  private static final Predicate<OrchestrationStatus> ENDED = Statuses::isTerminal;
  private final Waiters waiters = new Waiters();

  @Test
  void aChangeToAStatusNotAwaitedLeavesTheWaitRegistered() {
    CompletableFuture<Void> completion = waiters.nextChange(KEY, ENDED);
    CompletableFuture<Void> start =
        waiters.nextChange(KEY, status -> status != ORCHESTRATION_STATUS_PENDING);

    waiters.changedTo(KEY, ORCHESTRATION_STATUS_RUNNING);
    assertThat(start).isCompleted();
    assertThat(completion).as("a step that left it running").isNotDone();

    waiters.changedTo(KEY, ORCHESTRATION_STATUS_RUNNING);
    waiters.changedTo(KEY, ORCHESTRATION_STATUS_COMPLETED);
    assertThat(completion).isCompleted();
  }

  @Test
  void aChangeOfUnknownStatusWakesEveryWaiterOfTheInstanceOnly() {
    CompletableFuture<Void> completion = waiters.nextChange(KEY, ENDED);
    CompletableFuture<Void> other = waiters.nextChange(new InstanceKey("default", "two"), ENDED);

    waiters.changed(KEY);

    assertThat(completion).isCompleted();
    assertThat(other).isNotDone();
    waiters.changedElsewhere(new InstanceKey("default", "two"));
    assertThat(other).isCompleted();
  }

  @Test
  void wakeAllWakesWaitersWhateverTheyAwait() {
    CompletableFuture<Void> completion = waiters.nextChange(KEY, ENDED);
    waiters.wakeAll();
    assertThat(completion).isCompleted();
  }

  @Test
  void aForgottenWaitIsNotWokenAndListenersHearEveryChange() {
    List<InstanceKey> heard = new ArrayList<>();
    waiters.subscribe(heard::add);
    CompletableFuture<Void> forgotten = waiters.nextChange(KEY, ENDED);
    waiters.forget(KEY, forgotten);

    waiters.changedTo(KEY, ORCHESTRATION_STATUS_RUNNING);
    waiters.changedTo(KEY, ORCHESTRATION_STATUS_COMPLETED);

    assertThat(forgotten).isNotDone();
    assertThat(heard).containsExactly(KEY, KEY);
  }
}
