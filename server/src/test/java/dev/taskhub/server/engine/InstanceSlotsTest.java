package dev.taskhub.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InstanceSlotsTest {
  private static final InstanceKey A = new InstanceKey("default", "a");
  private static final InstanceKey B = new InstanceKey("default", "b");

  private static final InstanceKey C = new InstanceKey("default", "c");
  private static final WorkName FLOW = new WorkName("flow", "");
  private static final WorkName OTHER = new WorkName("other", "2");

  private final InstanceSlots slots = new InstanceSlots();

  /** Most cases here are about one orchestration name: A and B run "flow". */
  @BeforeEach
  void knowNames() {
    slots.know(A, FLOW);
    slots.know(B, FLOW);
  }

  private static Episode episode() {
    return new Episode(null, List.of(), OrchestratorRequest.getDefaultInstance());
  }

  private static ServerStep.Pending serverStep() {
    return new ServerStep.Pending((workItem, now) -> Optional.empty());
  }

  @Test
  void aWokenInstanceIsQueuedOnceAndTakenInOrder() {
    slots.wake(A, 1);
    slots.wake(B, 2);
    slots.wake(A, 3);

    assertThat(slots.readyCount()).isEqualTo(2);
    assertThat(slots.oldestQueuedAt()).isEqualTo(1);
    assertThat(slots.take().key()).isEqualTo(A);
    assertThat(slots.take().key()).isEqualTo(B);
    assertThat(slots.take()).isNull();
    assertThat(slots.oldestQueuedAt()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aWakeWhileInFlightQueuesTheInstanceAgainWhenTheFlightEnds() {
    slots.wake(A, 1);
    slots.take();
    slots.wake(A, 2);

    assertThat(slots.isQueued(A)).isFalse();
    slots.stepCommitted(A);
    assertThat(slots.endFlight(A, 3)).isNull();
    assertThat(slots.isQueued(A)).isTrue();
  }

  @Test
  void anInstanceWithNothingMoreToDoIsForgottenWhenItsFlightEnds() {
    slots.wake(A, 1);
    slots.take();
    slots.sent(A, episode());
    slots.stepCommitted(A);
    slots.endFlight(A, 2);

    assertThat(slots.size()).isZero();
    assertThat(slots.isBusy(A)).isFalse();
  }

  @Test
  void aGivenBackEpisodeIsPinnedResentUnchangedAndLooksAgainAfterwards() {
    Episode episode = episode();
    slots.wake(A, 1);
    slots.take();
    slots.sent(A, episode);

    assertThat(slots.givenBack(A)).isEqualTo(1);
    slots.wake(A, 2);
    InstanceSlots.Taken again = slots.take();
    assertThat(again.key()).isEqualTo(A);
    assertThat(again.pinned()).isSameAs(episode);
    assertThat(slots.givenBack(A)).isEqualTo(2);
    // The re-sent episode may predate events that came meanwhile: the instance is looked at again.
    slots.wake(A, 3);
    slots.take();
    slots.stepCommitted(A);
    slots.endFlight(A, 4);
    assertThat(slots.isQueued(A)).isTrue();
  }

  @Test
  void anEpisodeNotSentBecauseItsStreamWentAwayIsQueuedWithItPinned() {
    Episode episode = episode();
    slots.wake(A, 1);
    slots.take();
    slots.notSent(A, episode, 2);

    assertThat(slots.isQueued(A)).isTrue();
    assertThat(slots.isInFlight(A)).isFalse();
    assertThat(slots.take().pinned()).isSameAs(episode);
  }

  @Test
  void committingAStepResetsTheDeliveryCount() {
    slots.wake(A, 1);
    slots.take();
    slots.givenBack(A);
    slots.wake(A, 2);
    slots.take();
    slots.stepCommitted(A);
    slots.endFlight(A, 3);
    slots.wake(A, 4);
    slots.take();

    assertThat(slots.givenBack(A)).isEqualTo(1);
  }

  @Test
  void aPoisonedInstanceStaysInFlightWhileItIsFailed() {
    slots.wake(A, 1);
    slots.take();
    slots.givenBack(A);
    slots.holdForFailure(A);
    slots.wake(A, 2);

    assertThat(slots.isInFlight(A)).isTrue();
    assertThat(slots.isQueued(A)).isFalse();
    slots.stepCommitted(A);
    slots.endFlight(A, 3);
    assertThat(slots.isQueued(A)).isTrue();
  }

  @Test
  void aServerStepOnAnIdleInstanceRunsAtOnce() {
    ServerStep.Pending rewind = serverStep();

    assertThat(slots.requestServerStep(A, rewind)).isTrue();
    assertThat(slots.isInFlight(A)).isTrue();
  }

  @Test
  void aServerStepOnAQueuedInstanceTakesItsPlaceAndTheEpisodeFollows() {
    ServerStep.Pending terminate = serverStep();
    slots.wake(A, 1);

    assertThat(slots.requestServerStep(A, terminate)).isTrue();
    assertThat(slots.isQueued(A)).isFalse();
    slots.serverStepRan(A);
    assertThat(slots.endFlight(A, 2)).isNull();
    assertThat(slots.isQueued(A)).isTrue();
  }

  @Test
  void aServerStepRequestedWhileAnEpisodeIsOutWaitsForItAndALaterOneSupersedesIt() {
    ServerStep.Pending first = serverStep();
    ServerStep.Pending second = serverStep();
    slots.wake(A, 1);
    slots.take();

    assertThat(slots.requestServerStep(A, first)).isFalse();
    assertThat(slots.requestServerStep(A, second)).isFalse();
    assertThat(first.done()).isDone();
    assertThat(second.done()).isNotDone();
    slots.stepCommitted(A);
    assertThat(slots.endFlight(A, 2)).isSameAs(second);
    assertThat(slots.isInFlight(A)).isTrue();
  }

  @Test
  void anInstanceThatEndsWhileInFlightIsForgottenAndALateWakeStartsAfresh() {
    slots.wake(A, 1);
    slots.take();
    slots.stepRejected(A);
    slots.forgetIfIdle(A);

    assertThat(slots.size()).isZero();
    slots.wake(A, 2);
    assertThat(slots.take().pinned()).isNull();
  }

  @Test
  void aReadFailureFreesTheFlightWithoutForgettingAWake() {
    slots.wake(A, 1);
    slots.take();
    slots.wake(A, 2);
    slots.readFailed(A);

    assertThat(slots.isInFlight(A)).isFalse();
    slots.wake(A, 3);
    assertThat(slots.isQueued(A)).isTrue();
  }

  @Test
  void dequeuingTakesAQueuedInstanceOutOfLineAndLeavesInFlightOnesAlone() {
    slots.wake(A, 1);
    slots.wake(B, 1);
    slots.take(); // A in flight

    assertThat(slots.dequeue(A)).isFalse();
    assertThat(slots.dequeue(B)).isTrue();
    assertThat(slots.hasReady()).isFalse();
    assertThat(slots.isInFlight(A)).isTrue();
  }

  @Test
  void linesPerNameAreServedRoundRobinAndAStreamTakesOnlyTheNamesItAccepts() {
    slots.know(C, OTHER);
    slots.wake(A, 1);
    slots.wake(B, 2);
    slots.wake(C, 3);

    assertThat(slots.readyByName()).isEqualTo(Map.of(FLOW, 2, OTHER, 1));
    assertThat(slots.take(OTHER::equals, (name, by) -> false).key()).isEqualTo(C);
    assertThat(slots.take(OTHER::equals, (name, by) -> false)).isNull();
    assertThat(slots.take().key()).isEqualTo(A);
    assertThat(slots.take().key()).isEqualTo(B);
  }

  @Test
  void aBacklogOfOneNameWaitsItsTurnBehindAnotherName() {
    slots.know(C, OTHER);
    slots.wake(A, 1);
    slots.wake(B, 2);
    slots.wake(C, 3);

    assertThat(slots.take().key()).isEqualTo(A);
    assertThat(slots.take().key()).as("the other line's turn").isEqualTo(C);
    assertThat(slots.take().key()).isEqualTo(B);
  }

  @Test
  void anInstanceWithAnUnknownNameWaitsUnnamedUntilItsNameIsRead() {
    slots.wake(C, 1);

    assertThat(slots.readyCount()).isEqualTo(1);
    assertThat(slots.take()).isNull();
    assertThat(slots.takeUnnamed(10)).containsExactly(C);
    assertThat(slots.takeUnnamed(10)).as("being read: not listed twice").isEmpty();
    slots.named(C, OTHER);

    assertThat(slots.take(OTHER::equals, (name, by) -> false).key()).isEqualTo(C);
    slots.endFlight(C, 2);
    slots.wake(C, 3);
    assertThat(slots.readyByName()).as("its name is remembered").containsEntry(OTHER, 1);
  }

  @Test
  void anUnnamedInstanceThatIsGoneLeavesTheLineAndAFailedReadTriesAgain() {
    InstanceKey gone = new InstanceKey("default", "gone");
    slots.wake(gone, 1);
    slots.wake(C, 1);
    List<InstanceKey> reading = slots.takeUnnamed(10);

    slots.named(gone, null);
    slots.namesUnknown(List.of(C));

    assertThat(slots.readyCount()).isEqualTo(1);
    assertThat(slots.takeUnnamed(10)).containsExactly(C);
    assertThat(reading).containsExactly(gone, C);
    assertThat(slots.size()).isEqualTo(1);
  }

  @Test
  void aQueuedInstanceThatChangesVersionMovesToItsNewLine() {
    slots.wake(A, 1);
    WorkName v2 = new WorkName("flow", "2");

    slots.know(A, v2);

    assertThat(slots.readyByName()).isEqualTo(Map.of(v2, 1));
    assertThat(slots.take(FLOW::equals, (name, by) -> false)).isNull();
    assertThat(slots.take(v2::equals, (name, by) -> false).key()).isEqualTo(A);
  }
}
