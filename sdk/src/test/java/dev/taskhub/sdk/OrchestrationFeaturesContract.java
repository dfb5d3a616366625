package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.taskhub.sdk.Workflows.Decision;
import dev.taskhub.sdk.Workflows.Order;
import dev.taskhub.sdk.Workflows.Progress;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.StartOptions;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.TaskFailedException;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Every {@code OrchestrationContext} feature end to end against the real scheduler. Run twice: with
 * warm runs kept between episodes, and with every episode replayed from history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OrchestrationFeaturesContract {
  static final Duration WAIT = Duration.ofSeconds(30);

  TestScheduler scheduler;
  TaskhubClient client;
  TaskhubWorker worker;

  /** How many runs the worker keeps warm (0: replay every episode from history). */
  abstract int cacheSize();

  @BeforeAll
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
    worker =
        Sdk.startWorker(
            scheduler,
            Workflows.register(Sdk.workerBuilder(scheduler)).orchestrationCacheSize(cacheSize()));
  }

  @AfterAll
  void stop() {
    scheduler.close();
  }

  OrchestrationMetadata run(String name, Object input) {
    String id = client.scheduleNewOrchestration(name, input);
    return completed(id);
  }

  OrchestrationMetadata completed(String id) {
    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).as("%s", done.failure()).isEqualTo(OrchestrationStatus.COMPLETED);
    return done;
  }

  @Test
  void activitiesTakeAndReturnRecordsWithJavaTimeFields() {
    Order order =
        new Order(
            "o-1",
            Instant.parse("2026-01-02T03:04:05.123Z"),
            Duration.ofMinutes(90),
            LocalDate.of(2026, 2, 28),
            List.of("book", "pen"));

    Order stamped = run("Stamp", order).readOutputAs(Order.class);

    assertThat(stamped)
        .isEqualTo(
            new Order(
                "o-1-stamped",
                Instant.parse("2026-01-02T03:04:06.123Z"),
                Duration.ofMinutes(180),
                LocalDate.of(2026, 3, 1),
                List.of("book", "pen")));
  }

  @Test
  void allOfReturnsEveryResultInCallOrder() {
    assertThat(run("Squares", 6).readOutputAs(Integer[].class))
        .containsExactly(1, 4, 9, 16, 25, 36);
  }

  @Test
  void anyOfCompletesWithTheFirstTaskToFinish() {
    assertThat(run("Race", null).readOutputAs(String.class)).isEqualTo("activity:fast");
  }

  @Test
  void aDurableTimerFiresAfterItsDelayInOrchestrationTime() {
    assertThat(run("Nap", null).readOutputAs(Long.class)).isGreaterThanOrEqualTo(300);
  }

  @Test
  void anExternalEventIsDeliveredByNameIgnoringCase() {
    String id = client.scheduleNewOrchestration("Approval");
    client.raiseEvent(id, "APPROVAL", new Decision(true, "ada"));

    assertThat(completed(id).readOutputAs(Decision.class)).isEqualTo(new Decision(true, "ada"));
  }

  @Test
  void waitingForAnEventTimesOutWithATimeoutException() {
    assertThat(run("ApprovalWithTimeout", null).readOutputAs(String.class)).isEqualTo("timed out");
  }

  @Test
  void aSubOrchestrationReturnsItsOutputToItsParent() {
    assertThat(run("Parent", 3).readOutputAs(Integer.class)).isEqualTo(1 + 4 + 9);
  }

  @Test
  void aFailingSubOrchestrationFailsItsTaskWithTheChildFailure() {
    assertThat(run("ParentOfFailingChild", null).readOutputAs(String.class))
        .isEqualTo("FailingChild -> java.lang.IllegalStateException: child broke: x");
  }

  @Test
  void activitiesCanBeClassesAndKnowTheirTask() {
    assertThat(run("Greeting", "Ada").readOutputAs(String.class)).isEqualTo("Hello, Ada (task 0)");
  }

  @Test
  void sendEventRaisesAnEventOnAnotherInstance() {
    String receiver = client.scheduleNewOrchestration("Receiver");
    run("Sender", receiver);

    assertThat(completed(receiver).readOutputAs(String.class)).isEqualTo("hello");
  }

  @Test
  void continueAsNewRestartsWithTheNewInputUntilDone() {
    OrchestrationMetadata done = run("Counter", 0);

    assertThat(done.readOutputAs(Integer.class)).isEqualTo(3);
    assertThat(done.readInputAs(Integer.class)).isEqualTo(3);
  }

  @Test
  void eventsNotYetConsumedAreCarriedOverByContinueAsNew() {
    String id = client.scheduleNewOrchestration("Accumulate", 0);
    client.raiseEvent(id, "Add", 1);
    client.raiseEvent(id, "Add", 2);
    client.raiseEvent(id, "Add", 3);

    assertThat(completed(id).readOutputAs(Integer.class)).isEqualTo(6);
  }

  @Test
  void customStatusIsVisibleToClientsWhileTheInstanceRuns() {
    String id = client.scheduleNewOrchestration("Status");

    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .getInstance(id)
                    .map(instance -> instance.readCustomStatusAs(Progress.class))
                    .filter(progress -> progress.step() == 1)
                    .isPresent());
    client.raiseEvent(id, "Go", null);

    assertThat(completed(id).readCustomStatusAs(Progress.class)).isEqualTo(new Progress(2, "done"));
  }

  @Test
  void theReplaySafeLoggerWritesEachLineOnce() {
    Logger logger = (Logger) LoggerFactory.getLogger("orchestration.Logging");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      String id = client.scheduleNewOrchestration("Logging");
      completed(id);

      assertThat(lines.list)
          .map(ILoggingEvent::getFormattedMessage)
          .containsExactly("step 1 of " + id, "step 2 of " + id, "step 3 of " + id);
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void currentInstantAndNewUuidAreTheSameOnReplay() {
    assertThat(run("Determinism", null).readOutputAs(Boolean.class)).isTrue();
  }

  @Test
  void aRetryPolicyRetriesAFailingActivityUntilItSucceeds() {
    String id = client.scheduleNewOrchestration("Retry", 3);

    assertThat(completed(id).readOutputAs(Integer.class)).isEqualTo(3);
    assertThat(Workflows.FLAKY_ATTEMPTS.get(id)).hasValue(3);
  }

  @Test
  void retriesStopAfterMaxAttemptsWithTheLastFailure() {
    String id = client.scheduleNewOrchestration("Retry", 2);
    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);

    assertThat(done.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(done.failure().orElseThrow().errorType())
        .isEqualTo(TaskFailedException.class.getName());
    assertThat(done.failure().orElseThrow().cause().message()).isEqualTo("attempt 2 failed");
  }

  @Test
  void aSuspendedInstanceHoldsEventsUntilResumed() {
    String id = client.scheduleNewOrchestration("Approval");
    client.waitForStart(id, WAIT);
    client.suspend(id, "maintenance");
    await()
        .atMost(WAIT)
        .until(
            () -> client.getInstance(id).orElseThrow().status() == OrchestrationStatus.SUSPENDED);

    client.raiseEvent(id, "Approval", new Decision(true, "grace"));
    assertThat(client.getInstance(id).orElseThrow().status())
        .isEqualTo(OrchestrationStatus.SUSPENDED);
    client.resume(id, "done");

    assertThat(completed(id).readOutputAs(Decision.class)).isEqualTo(new Decision(true, "grace"));
  }

  @Test
  void terminateEndsARunningInstanceWithTheGivenOutput() {
    String id = client.scheduleNewOrchestration("Approval");
    client.waitForStart(id, WAIT);
    client.terminate(id, "cancelled by test");

    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.TERMINATED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("cancelled by test");
  }

  @Test
  void rewindRerunsTheFailedActivityAndCompletesTheInstance() {
    String id = client.scheduleNewOrchestration("Rewindable");
    assertThat(client.waitForCompletion(id, WAIT).status()).isEqualTo(OrchestrationStatus.FAILED);

    client.rewind(id, "fixed the bug");

    assertThat(completed(id).readOutputAs(Integer.class)).isEqualTo(9 + 100);
    assertThat(Workflows.FAILS_ONCE_ATTEMPTS.get(id)).hasValue(2);
  }

  @Test
  void recursiveTerminateEndsTheInstanceAndItsSubOrchestrations() {
    String id = client.scheduleNewOrchestration("ParentOfWaiter");
    String child = id + "-child";
    client.waitForStart(id, WAIT);
    await().atMost(WAIT).until(() -> client.getInstance(child).isPresent());
    client.waitForStart(child, WAIT);

    client.terminate(id, "stop all", true);

    assertThat(client.waitForCompletion(id, WAIT).status())
        .isEqualTo(OrchestrationStatus.TERMINATED);
    assertThat(client.waitForCompletion(child, WAIT).status())
        .isEqualTo(OrchestrationStatus.TERMINATED);
  }

  @Test
  void restartRunsAnEndedInstanceAgainWithItsInput() {
    String id = client.scheduleNewOrchestration("Squares", 2, StartOptions.defaults());
    completed(id);

    String sameId = client.restart(id, false);
    assertThat(sameId).isEqualTo(id);
    assertThat(completed(sameId).readOutputAs(Integer[].class)).containsExactly(1, 4);

    String newId = client.restart(id, true);
    assertThat(newId).isNotEqualTo(id);
    assertThat(completed(newId).readOutputAs(Integer[].class)).containsExactly(1, 4);
    assertThat(client.getInstance(newId).map(OrchestrationMetadata::name))
        .isEqualTo(Optional.of("Squares"));
  }
}
