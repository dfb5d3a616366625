package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskCanceledException;
import com.microsoft.durabletask.TaskOptions;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orchestration semantics through the unmodified official Java SDK 1.5.0: timers, external events,
 * sub-orchestrations, termination, suspension, continue-as-new, custom status, retries, scheduled
 * starts and instance-id reuse. One server and one worker serve every test.
 */
class OrchestrationSemanticsTest {
  private static TestScheduler server;
  private static DurableTaskClient client;
  private static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    server = SuiteStore.start();
    OfficialSdk.startWorker(
        server,
        builder ->
            builder
                .addOrchestration(
                    SeedActivities.orchestration(
                        "timer",
                        ctx -> {
                          Instant before = ctx.getCurrentInstant();
                          ctx.createTimer(Duration.ofMillis(ctx.getInput(Long.class))).await();
                          ctx.complete(
                              Duration.between(before, ctx.getCurrentInstant()).toMillis());
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "approval",
                        ctx -> {
                          ctx.setCustomStatus("waiting for approval");
                          ctx.complete(ctx.waitForExternalEvent("approval", String.class).await());
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "approval_with_timeout",
                        ctx -> {
                          try {
                            ctx.complete(
                                ctx.waitForExternalEvent(
                                        "approval", Duration.ofMillis(300), String.class)
                                    .await());
                          } catch (TaskCanceledException timedOut) {
                            ctx.complete("timed out");
                          }
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "parent",
                        ctx -> {
                          List<Task<Integer>> children = new ArrayList<>();
                          for (int i = 1; i <= 5; i++) {
                            children.add(ctx.callSubOrchestrator("child", i, Integer.class));
                          }
                          ctx.complete(ctx.allOf(children).await().stream().mapToInt(i -> i).sum());
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "child",
                        ctx -> {
                          int n = ctx.getInput(Integer.class);
                          ctx.complete(ctx.callActivity("square", n, Integer.class).await());
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "counter",
                        ctx -> {
                          int n = ctx.getInput(Integer.class);
                          if (n < 10) {
                            ctx.continueAsNew(n + 1);
                          } else {
                            ctx.complete(n);
                          }
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "retrying",
                        ctx -> {
                          TaskOptions retry =
                              new TaskOptions(new RetryPolicy(3, Duration.ofMillis(100)));
                          ctx.complete(
                              ctx.callActivity("flaky", ctx.getInstanceId(), retry, String.class)
                                  .await());
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "sequence",
                        ctx -> {
                          int total = 0;
                          for (int i = 1; i <= 20; i++) {
                            total += ctx.callActivity("square", i, Integer.class).await();
                          }
                          ctx.complete(total);
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "echo", ctx -> ctx.complete(ctx.getInput(String.class))))
                .addActivity(
                    SeedActivities.activity(
                        "square",
                        ctx -> {
                          int n = ctx.getInput(Integer.class);
                          return n * n;
                        }))
                .addActivity(
                    SeedActivities.activity(
                        "flaky",
                        ctx -> {
                          String id = ctx.getInput(String.class);
                          int attempt =
                              attempts
                                  .computeIfAbsent(id, k -> new AtomicInteger())
                                  .incrementAndGet();
                          if (attempt < 3) {
                            throw new IllegalStateException("attempt " + attempt + " fails");
                          }
                          return "succeeded on attempt " + attempt;
                        }))
                .addOrchestration(SeedActivities.orchestrator())
                .addActivity(SeedActivities.process())
                .addActivity(SeedActivities.aggregate()));
    client = OfficialSdk.client(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static OrchestrationMetadata finish(String id) throws Exception {
    return client.waitForInstanceCompletion(id, Duration.ofSeconds(60), true);
  }

  @Test
  void aTimerFiresNoEarlierThanItsDurationOnBothClocks() throws Exception {
    long started = System.nanoTime();
    String id = client.scheduleNewOrchestrationInstance("timer", 1000L);

    OrchestrationMetadata done = finish(id);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(done.readOutputAs(Long.class)).isGreaterThanOrEqualTo(1000L);
  }

  @Test
  void anExternalEventResumesTheOrchestrationWithItsPayloadAndCustomStatusIsVisibleMeanwhile()
      throws Exception {
    String id = client.scheduleNewOrchestrationInstance("approval");
    client.waitForInstanceStart(id, Duration.ofSeconds(10));
    awaitCustomStatus(id, "waiting for approval");

    client.raiseEvent(id, "approval", "approved by Ada");

    OrchestrationMetadata done = finish(id);
    assertThat(done.readOutputAs(String.class)).isEqualTo("approved by Ada");
  }

  @Test
  void anEventRaisedBeforeTheOrchestrationWaitsForItIsBuffered() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("approval");
    client.raiseEvent(id, "approval", "early");

    assertThat(finish(id).readOutputAs(String.class)).isEqualTo("early");
  }

  @Test
  void anEventThatDoesNotArriveInTimeLetsTheTimeoutWin() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("approval_with_timeout");

    OrchestrationMetadata done = finish(id);

    assertThat(done.readOutputAs(String.class)).isEqualTo("timed out");
    // The loser's late arrival is harmless: the instance stays completed.
    assertThatThrownBy(() -> client.raiseEvent(id, "approval", "late"))
        .hasMessageContaining("FAILED_PRECONDITION");
    assertThat(client.getInstanceMetadata(id, true).getRuntimeStatus())
        .isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
  }

  @Test
  void fiveParallelSubOrchestrationsReturnTheirResultsToTheParent() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("parent");

    OrchestrationMetadata done = finish(id);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(done.readOutputAs(Integer.class)).isEqualTo(1 + 4 + 9 + 16 + 25);
  }

  @Test
  void terminatingARunningInstanceEndsItWithTheGivenOutput() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("approval");
    client.waitForInstanceStart(id, Duration.ofSeconds(10));

    client.terminate(id, "stopped by test");

    OrchestrationMetadata done = finish(id);
    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.TERMINATED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("stopped by test");
  }

  @Test
  void aSuspendedInstanceHoldsItsEventsUntilResumed() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("approval");
    client.waitForInstanceStart(id, Duration.ofSeconds(10));
    awaitCustomStatus(id, "waiting for approval");

    client.suspendInstance(id, "maintenance");
    awaitStatus(id, OrchestrationRuntimeStatus.SUSPENDED);
    client.raiseEvent(id, "approval", "while suspended");
    // The event is delivered but held by the SDK: the instance stays suspended.
    assertThat(client.getInstanceMetadata(id, false).getRuntimeStatus())
        .isEqualTo(OrchestrationRuntimeStatus.SUSPENDED);

    client.resumeInstance(id, "done");

    assertThat(finish(id).readOutputAs(String.class)).isEqualTo("while suspended");
  }

  @Test
  void aSuspendedInstanceCanBeTerminated() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("approval");
    client.waitForInstanceStart(id, Duration.ofSeconds(10));
    awaitCustomStatus(id, "waiting for approval");
    client.suspendInstance(id, "hold");
    awaitStatus(id, OrchestrationRuntimeStatus.SUSPENDED);

    client.terminate(id, "gave up");

    OrchestrationMetadata done = finish(id);
    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.TERMINATED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("gave up");
  }

  @Test
  void continueAsNewTenTimesEndsInTheLastGeneration() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("counter", 0);

    OrchestrationMetadata done = finish(id);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(done.readOutputAs(Integer.class)).isEqualTo(10);
    assertThat(done.readInputAs(Integer.class)).isEqualTo(10);
  }

  @Test
  void aRetryPolicyRunsAFlakyActivityUntilItSucceeds() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("retrying");

    OrchestrationMetadata done = finish(id);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("succeeded on attempt 3");
    assertThat(attempts.get(id).get()).isEqualTo(3);
  }

  @Test
  void twentySequentialActivitiesReplayToTheRightTotal() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("sequence");

    assertThat(finish(id).readOutputAs(Integer.class)).isEqualTo(2870);
  }

  @Test
  void twoHundredConcurrentFanOutsAllComplete() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ids.add(
          client.scheduleNewOrchestrationInstance(
              SeedActivities.ORCHESTRATOR, List.of("Task1", "Task2", "Task3")));
    }
    for (String id : ids) {
      OrchestrationMetadata done = finish(id);
      assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
      assertThat(done.readOutputAs(Map.class).get("total_value")).isEqualTo(195);
    }
  }

  @Test
  void aScheduledStartIsHonoured() throws Exception {
    Instant startAt = Instant.now().plusMillis(1500);
    String id =
        client.scheduleNewOrchestrationInstance(
            "echo", new NewOrchestrationInstanceOptions().setInput("later").setStartTime(startAt));

    assertThat(client.getInstanceMetadata(id, false).getRuntimeStatus())
        .isEqualTo(OrchestrationRuntimeStatus.PENDING);
    OrchestrationMetadata done = finish(id);

    assertThat(done.readOutputAs(String.class)).isEqualTo("later");
    assertThat(done.getLastUpdatedAt()).isAfterOrEqualTo(startAt);
  }

  @Test
  void aPendingScheduledInstanceCanBeTerminated() throws Exception {
    String id =
        client.scheduleNewOrchestrationInstance(
            "echo",
            new NewOrchestrationInstanceOptions()
                .setInput("never")
                .setStartTime(Instant.now().plus(Duration.ofHours(1))));

    client.terminate(id, "cancelled");

    OrchestrationMetadata done = finish(id);
    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.TERMINATED);
  }

  @Test
  void anEndedInstanceIdCanBeReusedButARunningOneCannot() throws Exception {
    String id = "reused-" + System.nanoTime();
    client.scheduleNewOrchestrationInstance("echo", "first", id);
    assertThat(finish(id).readOutputAs(String.class)).isEqualTo("first");

    client.scheduleNewOrchestrationInstance("echo", "second", id);
    assertThat(finish(id).readOutputAs(String.class)).isEqualTo("second");

    String waiting = "waiting-" + System.nanoTime();
    client.scheduleNewOrchestrationInstance("approval", null, waiting);
    assertThatThrownBy(() -> client.scheduleNewOrchestrationInstance("approval", null, waiting))
        .hasMessageContaining("ALREADY_EXISTS");
    client.terminate(waiting, null);
  }

  @Test
  void restartingAnEndedInstanceRunsItAgainFromItsInput() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("echo", "again");
    finish(id);

    String sameId = client.restartInstance(id, false);
    String newId = client.restartInstance(id, true);

    assertThat(sameId).isEqualTo(id);
    assertThat(newId).isNotEqualTo(id);
    assertThat(finish(sameId).readOutputAs(String.class)).isEqualTo("again");
    assertThat(finish(newId).readOutputAs(String.class)).isEqualTo("again");
  }

  private static void awaitCustomStatus(String id, String expected) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              OrchestrationMetadata state = client.getInstanceMetadata(id, true);
              return state.isCustomStatusFetched()
                  && expected.equals(state.readCustomStatusAs(String.class));
            });
  }

  private static void awaitStatus(String id, OrchestrationRuntimeStatus expected) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.getInstanceMetadata(id, false).getRuntimeStatus() == expected);
  }
}
