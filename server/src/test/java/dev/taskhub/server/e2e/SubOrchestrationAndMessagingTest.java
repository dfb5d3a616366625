package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.TaskCanceledException;
import com.microsoft.durabletask.TaskFailedException;
import dev.taskhub.protocol.PurgeInstancesRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TerminateRequest;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events between instances and instance hierarchies with the official Java SDK 1.5.0: the SDK
 * re-sends every SendEvent action on later episodes, which must not deliver twice; a child id that
 * is taken fails the parent's task instead of looping; termination and purge cascade on request.
 */
class SubOrchestrationAndMessagingTest {
  private static TestScheduler server;
  private static DurableTaskClient client;
  private static ManagedChannel channel;
  private static TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub sidecar;

  @BeforeAll
  static void start() {
    server = SuiteStore.start();
    OfficialSdk.startWorker(
        server,
        builder ->
            builder
                .addOrchestration(
                    SeedActivities.orchestration(
                        "sender",
                        ctx -> {
                          ctx.sendEvent(ctx.getInput(String.class), "ping", "hello");
                          // Several more episodes, each of which re-sends the SendEvent action
                          // above.
                          for (int i = 0; i < 3; i++) {
                            ctx.createTimer(Duration.ofMillis(50)).await();
                          }
                          ctx.complete("sent");
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "receiver",
                        ctx -> {
                          String first = ctx.waitForExternalEvent("ping", String.class).await();
                          try {
                            ctx.waitForExternalEvent("ping", Duration.ofSeconds(1), String.class)
                                .await();
                            ctx.complete("received twice");
                          } catch (TaskCanceledException onlyOnce) {
                            ctx.complete("received once: " + first);
                          }
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "twins",
                        ctx -> {
                          String childId = ctx.getInstanceId() + "-child";
                          var first =
                              ctx.callSubOrchestrator("waiter", null, childId, String.class);
                          try {
                            ctx.callSubOrchestrator("waiter", null, childId, String.class).await();
                            ctx.complete("second child started");
                          } catch (TaskFailedException conflict) {
                            ctx.complete(conflict.getErrorDetails().getErrorType());
                          }
                          first.isDone();
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "waiter",
                        ctx -> {
                          ctx.complete(ctx.waitForExternalEvent("go", String.class).await());
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "grandparent",
                        ctx -> {
                          ctx.complete(
                              ctx.callSubOrchestrator(
                                      "waiter", null, ctx.getInstanceId() + "-child", String.class)
                                  .await());
                        })));
    client = OfficialSdk.client(server);
    channel = server.channel();
    sidecar = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static OrchestrationMetadata finish(String id) throws Exception {
    return client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);
  }

  @Test
  void anEventSentByAnOrchestrationIsDeliveredOnceThoughTheSdkResendsIt() throws Exception {
    String receiver = client.scheduleNewOrchestrationInstance("receiver");
    String sender = client.scheduleNewOrchestrationInstance("sender", receiver);

    assertThat(finish(sender).readOutputAs(String.class)).isEqualTo("sent");
    assertThat(finish(receiver).readOutputAs(String.class)).isEqualTo("received once: hello");
  }

  @Test
  void aSubOrchestrationIdThatIsTakenFailsTheParentTaskInsteadOfLooping() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("twins");

    assertThat(finish(id).readOutputAs(String.class)).isEqualTo("InstanceAlreadyExists");
    client.raiseEvent(id + "-child", "go", "done");
    assertThat(finish(id + "-child").readOutputAs(String.class)).isEqualTo("done");
  }

  @Test
  void recursiveTerminationAndPurgeReachTheChildren() throws Exception {
    String parent = client.scheduleNewOrchestrationInstance("grandparent");
    String child = parent + "-child";
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client.getInstanceMetadata(child, false).isInstanceFound()
                    && client.getInstanceMetadata(child, false).getRuntimeStatus()
                        == OrchestrationRuntimeStatus.RUNNING);

    sidecar.terminateInstance(
        TerminateRequest.newBuilder().setInstanceId(parent).setRecursive(true).build());

    assertThat(finish(parent).getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.TERMINATED);
    assertThat(finish(child).getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.TERMINATED);

    int purged =
        sidecar
            .purgeInstances(
                PurgeInstancesRequest.newBuilder().setInstanceId(parent).setRecursive(true).build())
            .getDeletedInstanceCount();

    assertThat(purged).isEqualTo(2);
    for (String id : List.of(parent, child)) {
      assertThat(client.getInstanceMetadata(id, false).isInstanceFound()).isFalse();
    }
  }
}
