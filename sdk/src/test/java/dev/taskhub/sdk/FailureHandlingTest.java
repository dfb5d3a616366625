package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.TaskFailedException;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Activity and orchestrator failures become failure details with type, message and stack trace. */
class FailureHandlingTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** What an orchestrator learned from a {@link TaskFailedException}. */
  record Caught(String taskName, String type, String message, boolean stackNamesTheActivity) {}

  static final class InventoryException extends Exception {
    InventoryException(String message) {
      super(message);
    }
  }

  private static TestScheduler scheduler;
  private static TaskhubClient client;

  @BeforeAll
  static void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
    // Without filters, so that the worker is sent (and fails) what it did not register.
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .workItemFilters(false)
            .addActivity("Reserve", FailureHandlingTest::reserve)
            .addOrchestration(
                "CatchesFailure",
                ctx -> {
                  try {
                    ctx.callActivity("Reserve", "widget", String.class).await();
                    return null;
                  } catch (TaskFailedException e) {
                    return new Caught(
                        e.taskName(),
                        e.failure().errorType(),
                        e.failure().message(),
                        e.failure().stackTrace().contains("FailureHandlingTest.reserve"));
                  }
                })
            .addOrchestration(
                "LetsFailureEscape",
                ctx -> ctx.callActivity("Reserve", "widget", String.class).await())
            .addOrchestration(
                "Throws",
                ctx -> {
                  throw new IllegalArgumentException("bad input: " + ctx.getInput(String.class));
                })
            .addOrchestration(
                "CallsMissingActivity",
                ctx -> ctx.callActivity("NoSuchActivity", null, String.class).await())
            .addOrchestration(
                "AllOfWithFailures",
                ctx -> {
                  try {
                    ctx.allOf(
                            List.of(
                                ctx.callActivity("Reserve", "a", String.class),
                                ctx.callActivity("Reserve", "b", String.class)))
                        .await();
                    return "no failure";
                  } catch (TaskFailedException e) {
                    return e.getSuppressed().length + 1 + " failed";
                  }
                }));
  }

  private static Object reserve(dev.taskhub.sdk.worker.ActivityContext context)
      throws InventoryException {
    throw new InventoryException("out of stock: " + context.getInput(String.class));
  }

  @AfterAll
  static void stop() {
    scheduler.close();
  }

  private static OrchestrationMetadata run(String name, Object input) {
    return client.waitForCompletion(client.scheduleNewOrchestration(name, input), WAIT);
  }

  @Test
  void anOrchestratorCatchesAnActivityFailureWithItsDetails() {
    OrchestrationMetadata done = run("CatchesFailure", null);

    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(Caught.class))
        .isEqualTo(
            new Caught(
                "Reserve", InventoryException.class.getName(), "out of stock: widget", true));
  }

  @Test
  void anUncaughtActivityFailureFailsTheInstanceWithTheActivityFailureAsCause() {
    OrchestrationMetadata done = run("LetsFailureEscape", null);

    assertThat(done.status()).isEqualTo(OrchestrationStatus.FAILED);
    FailureDetails failure = done.failure().orElseThrow();
    assertThat(failure.errorType()).isEqualTo(TaskFailedException.class.getName());
    assertThat(failure.message()).contains("Reserve").contains("out of stock: widget");
    assertThat(failure.cause().errorType()).isEqualTo(InventoryException.class.getName());
    assertThat(failure.cause().stackTrace()).contains("FailureHandlingTest.reserve");
  }

  @Test
  void anOrchestratorExceptionFailsTheInstanceWithTypeMessageAndStackTrace() {
    OrchestrationMetadata done = run("Throws", "42");

    assertThat(done.status()).isEqualTo(OrchestrationStatus.FAILED);
    FailureDetails failure = done.failure().orElseThrow();
    assertThat(failure.errorType()).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(failure.message()).isEqualTo("bad input: 42");
    assertThat(failure.stackTrace()).contains("FailureHandlingTest");
  }

  @Test
  void callingAnUnregisteredActivityFailsTheTask() {
    OrchestrationMetadata done = run("CallsMissingActivity", null);

    assertThat(done.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(done.failure().orElseThrow().cause().errorType()).isEqualTo("ActivityNotRegistered");
    assertThat(done.failure().orElseThrow().cause().message()).contains("'NoSuchActivity'");
  }

  @Test
  void startingAnUnregisteredOrchestrationFailsTheInstance() {
    OrchestrationMetadata done = run("NoSuchOrchestration", null);

    assertThat(done.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(done.failure().orElseThrow().errorType()).isEqualTo("OrchestrationNotRegistered");
  }

  @Test
  void allOfFailsWithTheFirstFailureAndTheOthersSuppressed() {
    assertThat(run("AllOfWithFailures", null).readOutputAs(String.class)).isEqualTo("2 failed");
  }
}
