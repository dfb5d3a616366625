package dev.taskhub.sdk.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.sdk.JacksonDataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replay engine without a scheduler: episodes built by hand as a scheduler builds them, run
 * with warm runs (cache) and with cold replay of every episode (no cache). Both must answer alike.
 */
class ReplayEngineTest {

  private static final Orchestration WORD_COUNT =
      ctx -> {
        String[] lines = ctx.getInput(String[].class);
        List<Task<Integer>> counts = new ArrayList<>();
        for (String line : lines) {
          counts.add(ctx.callActivity("CountWords", line, Integer.class));
        }
        return ctx.allOf(counts).await().stream().mapToInt(Integer::intValue).sum();
      };

  private static OrchestrationExecutor executor(int cacheSize, Map<String, Orchestration> code) {
    return new OrchestrationExecutor(code, new JacksonDataConverter(), cacheSize);
  }

  private static CompleteOrchestrationAction completion(OrchestratorResponse response) {
    OrchestratorAction last = response.getActions(response.getActionsCount() - 1);
    assertThat(last.hasCompleteOrchestration()).as("last action %s", last).isTrue();
    return last.getCompleteOrchestration();
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void fanOutFanInOverThreeEpisodesAsInTheProtocolNotes(int cacheSize) {
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("FanOut", WORD_COUNT))) {
      OrchestratorResponse first =
          executor.execute(history.episode(history.started("FanOut", "[\"a b\",\"c\",\"d e f\"]")));
      assertThat(first.getActionsList())
          .extracting(OrchestratorAction::getId, a -> a.getScheduleTask().getName())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(0, "CountWords"),
              org.assertj.core.groups.Tuple.tuple(1, "CountWords"),
              org.assertj.core.groups.Tuple.tuple(2, "CountWords"));
      history.record(first.getActionsList());

      OrchestratorResponse second =
          executor.execute(history.episode(history.completed(0, "2"), history.completed(2, "3")));
      assertThat(second.getActionsList()).isEmpty();

      OrchestratorResponse third = executor.execute(history.episode(history.completed(1, "1")));
      assertThat(third.getActionsList()).hasSize(1);
      assertThat(third.getActions(0).getId()).isEqualTo(3);
      assertThat(completion(third).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      assertThat(completion(third).getResult().getValue()).isEqualTo("6");

      ReplayStatistics stats = executor.statistics();
      assertThat(stats.episodes()).isEqualTo(3);
      if (cacheSize == 0) {
        assertThat(stats.coldReplays()).isEqualTo(3);
        assertThat(stats.replayedEvents()).isEqualTo(5 + 8);
      } else {
        assertThat(stats.warmResumes()).isEqualTo(2);
        assertThat(stats.replayedEvents()).isEqualTo(3);
      }
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void replayReturnsTheSameTimeAndUuidsAsTheFirstRun(int cacheSize) {
    List<String> seen = new ArrayList<>();
    Orchestration code =
        ctx -> {
          String before = ctx.currentInstant() + " " + ctx.newUuid();
          ctx.createTimer(Duration.ofMinutes(5)).await();
          seen.add(before + (ctx.isReplaying() ? " replaying" : " live"));
          return ctx.currentInstant().toString();
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Timer", code))) {
      OrchestratorResponse first =
          executor.execute(history.episode(history.started("Timer", null)));
      Instant startedAt = Instant.ofEpochMilli(history.now());
      assertThat(first.getActions(0).getCreateTimer().getFireAt().getSeconds())
          .isEqualTo(startedAt.plus(Duration.ofMinutes(5)).getEpochSecond());
      history.record(first.getActionsList());
      OrchestratorResponse second = executor.execute(history.episode(history.timerFired(0)));

      assertThat(completion(second).getResult().getValue())
          .isEqualTo("\"" + Instant.ofEpochMilli(history.now()) + "\"");
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0)).startsWith(startedAt.toString()).endsWith(" live");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void eventsArrivingWhileSuspendedWaitForResume(int cacheSize) {
    Orchestration code = ctx -> ctx.waitForExternalEvent("Approval", String.class).await();
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Approve", code))) {
      executor.execute(history.episode(history.started("Approve", null), history.suspended()));
      OrchestratorResponse whileSuspended =
          executor.execute(history.episode(history.raised("APPROVAL", "\"yes\"")));
      assertThat(whileSuspended.getActionsList()).isEmpty();

      OrchestratorResponse resumed = executor.execute(history.episode(history.resumed()));
      assertThat(completion(resumed).getResult().getValue()).isEqualTo("\"yes\"");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void aStackOverflowInTheOrchestratorIsNoOutcomeAndTheEpisodeRunsAgainWhenHandedOutAgain(
      int cacheSize) {
    AtomicBoolean overflow = new AtomicBoolean(true);
    Orchestration code =
        ctx -> {
          int words = ctx.callActivity("CountWords", "a b", Integer.class).await();
          return overflow.get() ? recurse(words) : words;
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Count", code))) {
      history.record(
          executor.execute(history.episode(history.started("Count", null))).getActionsList());
      OrchestratorRequest completed = history.episode(history.completed(0, "2"));

      assertThatThrownBy(() -> executor.execute(completed)).isInstanceOf(StackOverflowError.class);

      overflow.set(false);
      OrchestratorResponse again = executor.execute(completed);
      assertThat(completion(again).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      assertThat(completion(again).getResult().getValue()).isEqualTo("2");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void anOutOfMemoryErrorIsRethrownNotAnsweredAsAFailedInstance(int cacheSize) {
    OutOfMemoryError outOfMemory = new OutOfMemoryError("Java heap space");
    Orchestration code =
        ctx -> {
          throw outOfMemory;
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Hungry", code))) {
      assertThatThrownBy(() -> executor.execute(history.episode(history.started("Hungry", null))))
          .isSameAs(outOfMemory);
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void anOrdinaryErrorStillFailsTheInstance(int cacheSize) {
    Orchestration code =
        ctx -> {
          throw new AssertionError("broken invariant");
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Broken", code))) {
      OrchestratorResponse failed =
          executor.execute(history.episode(history.started("Broken", null)));
      assertThat(completion(failed).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
      assertThat(completion(failed).getFailureDetails().getErrorMessage())
          .isEqualTo("broken invariant");
    }
  }

  /** Recursion without end: a real StackOverflowError on the run's thread. */
  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void terminationEndsTheOrchestrationWithItsOutput(int cacheSize) {
    Orchestration code = ctx -> ctx.waitForExternalEvent("Never", String.class).await();
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Wait", code))) {
      executor.execute(history.episode(history.started("Wait", null)));
      OrchestratorResponse terminated =
          executor.execute(history.episode(history.terminated("\"stop\"")));
      assertThat(completion(terminated).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED);
      assertThat(completion(terminated).getResult().getValue()).isEqualTo("\"stop\"");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void aDifferentActivityOnReplayFailsWithBothNames(int cacheSize) {
    AtomicReference<String> activity = new AtomicReference<>("ChargeCard");
    Orchestration code =
        ctx -> {
          ctx.callActivity(activity.get(), null, String.class).await();
          return "done";
        };
    Histories history = new Histories();
    try (OrchestrationExecutor v1 = executor(cacheSize, Map.of("Pay", code))) {
      history.record(v1.execute(history.episode(history.started("Pay", null))).getActionsList());
    }
    activity.set("SendInvoice");
    try (OrchestrationExecutor v2 = executor(cacheSize, Map.of("Pay", code))) {
      OrchestratorResponse replayed = v2.execute(history.episode(history.completed(0, "\"ok\"")));

      CompleteOrchestrationAction failed = completion(replayed);
      assertThat(replayed.getActionsCount()).isEqualTo(1);
      assertThat(failed.getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
      assertThat(failed.getFailureDetails().getErrorType())
          .isEqualTo(NonDeterministicOrchestrationException.class.getName());
      assertThat(failed.getFailureDetails().getErrorMessage())
          .contains("action 0")
          .contains("expects ScheduleTask 'ChargeCard'")
          .contains("took ScheduleTask 'SendInvoice'");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void anExtraActionBeforeARecordedOneIsNonDeterministic(int cacheSize) {
    AtomicReference<Boolean> extraStep = new AtomicReference<>(false);
    Orchestration code =
        ctx -> {
          if (extraStep.get()) {
            ctx.createTimer(Duration.ofSeconds(1));
          }
          return ctx.callActivity("Work", null, String.class).await();
        };
    Histories history = new Histories();
    try (OrchestrationExecutor v1 = executor(cacheSize, Map.of("Flow", code))) {
      history.record(v1.execute(history.episode(history.started("Flow", null))).getActionsList());
    }
    extraStep.set(true);
    try (OrchestrationExecutor v2 = executor(cacheSize, Map.of("Flow", code))) {
      CompleteOrchestrationAction failed =
          completion(v2.execute(history.episode(history.completed(0, "\"ok\""))));
      assertThat(failed.getFailureDetails().getErrorMessage())
          .contains("expects ScheduleTask 'Work'")
          .contains("took CreateTimer");
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void anActionWhoseRecordsWereRewoundIsSentAgain(int cacheSize) {
    Orchestration code =
        ctx -> {
          int first = ctx.callActivity("Square", 3, Integer.class).await();
          return first + ctx.callActivity("Flaky", null, Integer.class).await();
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Flow", code))) {
      history.record(
          executor.execute(history.episode(history.started("Flow", null))).getActionsList());
      OrchestratorResponse second = executor.execute(history.episode(history.completed(0, "9")));
      assertThat(second.getActions(0).getScheduleTask().getName()).isEqualTo("Flaky");
      // Task 1 failed and the instance was rewound: its TaskScheduled and TaskFailed are gone, and
      // a replay is requested. Replay takes task 1 again, and it is sent as a new action.
      OrchestratorResponse replayed = executor.execute(history.episode());

      assertThat(replayed.getActionsList())
          .extracting(OrchestratorAction::getId, a -> a.getScheduleTask().getName())
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "Flaky"));
    }
  }

  @ParameterizedTest(name = "cache size {0}")
  @ValueSource(ints = {0, 10})
  void continueAsNewCarriesOverEveryEventItDidNotConsume(int cacheSize) {
    Orchestration code =
        ctx -> {
          int total = ctx.getInput(Integer.class);
          total += ctx.waitForExternalEvent("Add", Integer.class).await();
          ctx.continueAsNew(total);
          return null;
        };
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(cacheSize, Map.of("Sum", code))) {
      executor.execute(history.episode(history.started("Sum", "0"), history.raised("Other", "9")));
      OrchestratorResponse next =
          executor.execute(
              history.episode(
                  history.raised("Add", "1"),
                  history.raised("Add", "2"),
                  history.raised("Add", "3")));

      CompleteOrchestrationAction continued = completion(next);
      assertThat(continued.getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW);
      assertThat(continued.getResult().getValue()).isEqualTo("1");
      assertThat(continued.getCarryoverEventsList())
          .extracting(
              e -> e.getEventRaised().getName() + "=" + e.getEventRaised().getInput().getValue())
          .containsExactly("Other=9", "Add=2", "Add=3");
    }
  }

  @org.junit.jupiter.api.Test
  void aWarmRunGivenAHistoryItDidNotApplyReplaysCold() {
    Histories seen = new Histories("instance-1");
    Histories actual = new Histories("instance-1", 7);
    try (OrchestrationExecutor executor = executor(10, Map.of("FanOut", WORD_COUNT))) {
      OrchestratorResponse first =
          executor.execute(seen.episode(seen.started("FanOut", "[\"a\"]")));
      // The scheduler's history holds that episode at another time (say, re-sent and answered by
      // another worker), so its new events are not the ones this worker's warm run applied.
      actual.episode(actual.started("FanOut", "[\"a\"]"));
      actual.record(first.getActionsList());

      OrchestratorResponse next = executor.execute(actual.episode(actual.completed(0, "1")));

      assertThat(completion(next).getResult().getValue()).isEqualTo("1");
      assertThat(executor.statistics().warmResumes()).isZero();
      assertThat(executor.statistics().coldReplays()).isEqualTo(2);
    }
  }

  @org.junit.jupiter.api.Test
  void aWarmRunCatchesUpOnAnEpisodeAnotherWorkerRan() {
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(10, Map.of("FanOut", WORD_COUNT))) {
      OrchestratorResponse first =
          executor.execute(history.episode(history.started("FanOut", "[\"a\",\"b c\"]")));
      history.record(first.getActionsList());
      // Another worker ran an episode meanwhile: this worker never saw task 1's result.
      history.episode(history.completed(1, "2"));
      OrchestratorResponse next = executor.execute(history.episode(history.completed(0, "1")));

      assertThat(completion(next).getResult().getValue()).isEqualTo("3");
      assertThat(executor.statistics().warmResumes()).isEqualTo(1);
      assertThat(executor.statistics().coldReplays()).isEqualTo(1);
    }
  }

  @org.junit.jupiter.api.Test
  void theLeastRecentlyKeptWarmRunIsEvictedAndReplaysCold() {
    Histories first = new Histories("first");
    Histories second = new Histories("second");
    try (OrchestrationExecutor executor = executor(1, Map.of("FanOut", WORD_COUNT))) {
      first.record(
          executor.execute(first.episode(first.started("FanOut", "[\"a\"]"))).getActionsList());
      second.record(
          executor.execute(second.episode(second.started("FanOut", "[\"b\"]"))).getActionsList());

      OrchestratorResponse done = executor.execute(first.episode(first.completed(0, "1")));

      assertThat(completion(done).getResult().getValue()).isEqualTo("1");
      assertThat(executor.statistics().coldReplays()).isEqualTo(3);
      assertThat(executor.statistics().warmResumes()).isZero();
    }
  }

  @org.junit.jupiter.api.Test
  void anUnregisteredOrchestrationFailsTheInstance() {
    Histories history = new Histories();
    try (OrchestrationExecutor executor = executor(10, Map.of())) {
      CompleteOrchestrationAction failed =
          completion(executor.execute(history.episode(history.started("Missing", null))));
      assertThat(failed.getFailureDetails().getErrorType()).isEqualTo("OrchestrationNotRegistered");
      assertThat(failed.getFailureDetails().getErrorMessage()).contains("'Missing'");
    }
  }
}
