package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers that take work and never answer: the lease expires, the item goes to another worker, and
 * past the poison limit the instance fails with a clear reason instead of looping forever.
 */
class LeaseAndPoisonTest {
  private static final int POISON_LIMIT = 3;

  private TestScheduler server;
  private ManagedChannel channel;
  private TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub client;

  @BeforeEach
  void start() {
    server =
        TestScheduler.builder()
            .http()
            .config(
                config ->
                    config.withLeaseTimeout(Duration.ofMillis(300)).withPoisonLimit(POISON_LIMIT))
            .start();
    channel = server.channel();
    client = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Opens a work-item stream that records what it receives and never completes anything. */
  private BlockingQueue<WorkItem> silentWorker(Context.CancellableContext context) {
    BlockingQueue<WorkItem> received = new LinkedBlockingQueue<>();
    context.run(
        () ->
            TaskHubSidecarServiceGrpc.newStub(channel)
                .getWorkItems(
                    GetWorkItemsRequest.getDefaultInstance(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(WorkItem item) {
                        received.add(item);
                      }

                      @Override
                      public void onError(Throwable error) {}

                      @Override
                      public void onCompleted() {}
                    }));
    return received;
  }

  @Test
  void anUnansweredWorkItemGoesToTheNextWorkerAndIsFailedAtThePoisonLimit() throws Exception {
    String id =
        client
            .startInstance(
                CreateInstanceRequest.newBuilder()
                    .setInstanceId("poisoned")
                    .setName("never_answered")
                    .setInput(StringValue.of("1"))
                    .build())
            .getInstanceId();

    for (int delivery = 1; delivery <= POISON_LIMIT; delivery++) {
      try (Context.CancellableContext context = Context.current().withCancellation()) {
        WorkItem item = silentWorker(context).poll(10, TimeUnit.SECONDS);
        assertThat(item).as("delivery %d", delivery).isNotNull();
        assertThat(item.getOrchestratorRequest().getInstanceId()).isEqualTo(id);
        if (delivery == POISON_LIMIT) {
          GetInstanceResponse failed =
              client
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .waitForInstanceCompletion(
                      GetInstanceRequest.newBuilder()
                          .setInstanceId(id)
                          .setGetInputsAndOutputs(true)
                          .build());
          assertThat(failed.getOrchestrationState().getOrchestrationStatus())
              .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
          assertThat(failed.getOrchestrationState().getFailureDetails().getErrorType())
              .isEqualTo("PoisonMessage");
          assertThat(failed.getOrchestrationState().getFailureDetails().getErrorMessage())
              .contains("delivered " + POISON_LIMIT + " times");
        }
      }
    }
    assertThat(metrics())
        .contains("taskhub_poison_failures_total{hub=\"default\",kind=\"orchestration\"} 1.0");
  }

  @Test
  void anExpiredLeaseAndTheWorkItWaitsForShowInTheMetrics() throws Exception {
    client.startInstance(
        CreateInstanceRequest.newBuilder().setInstanceId("held").setName("never_answered").build());
    try (Context.CancellableContext context = Context.current().withCancellation()) {
      assertThat(silentWorker(context).poll(10, TimeUnit.SECONDS)).isNotNull();

      // The lease lapses; the stream that stopped answering gets nothing new, so it waits.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  metrics()
                      .contains(
                          "taskhub_lease_expiries_total{hub=\"default\",kind=\"orchestration\"} 1.0"));
      assertThat(metrics())
          .containsPattern(
              "taskhub_backlog_age_seconds\\{hub=\"default\",kind=\"orchestration\"} [0-9.]+");
    }
  }

  private String metrics() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
