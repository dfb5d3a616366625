package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workers find the scheduler whenever it comes up, and calls carry the task hub header. */
class ConnectionResilienceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static TaskhubWorker echoWorker(ConnectionSettings connection) {
    return TaskhubWorker.builder()
        .connection(connection)
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .addOrchestration("Echo", ctx -> ctx.getInput(String.class))
        .build();
  }

  private static String echo(TaskhubClient client, String value) {
    var done = client.waitForCompletion(client.scheduleNewOrchestration("Echo", value), WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    return done.readOutputAs(String.class);
  }

  @Test
  void aWorkerStartedBeforeTheSchedulerConnectsOnceItIsUpAndAfterItRestarts() throws IOException {
    int port = freePort();
    ConnectionSettings connection = ConnectionSettings.plaintext("localhost", port);
    try (TaskhubWorker worker = echoWorker(connection).start()) {
      assertThat(worker.isConnected()).isFalse();

      try (TestScheduler scheduler = TestScheduler.builder().grpcPort(port).start()) {
        await().atMost(WAIT).until(worker::isConnected);
        assertThat(echo(Sdk.client(scheduler), "first")).isEqualTo("first");
      }
      await().atMost(WAIT).until(() -> !worker.isConnected());

      try (TestScheduler restarted = TestScheduler.builder().grpcPort(port).start()) {
        await().atMost(WAIT).until(worker::isConnected);
        assertThat(echo(Sdk.client(restarted), "second")).isEqualTo("second");
      }
    }
  }

  @Test
  void theTaskHubHeaderSelectsTheHubForClientsAndWorkers() {
    try (TestScheduler scheduler =
        TestScheduler.builder()
            .config(config -> config.withTaskHubs(List.of("default", "billing")))
            .start()) {
      ConnectionSettings billing = Sdk.connection(scheduler).withTaskHub("billing");
      try (TaskhubWorker worker = echoWorker(billing).start();
          TaskhubClient billingClient = TaskhubClient.builder().connection(billing).build()) {
        assertThat(echo(billingClient, "invoice")).isEqualTo("invoice");

        TaskhubClient defaultClient = Sdk.client(scheduler);
        String unserved = defaultClient.scheduleNewOrchestration("Echo", "nobody serves me");
        assertThatThrownBy(() -> defaultClient.waitForStart(unserved, Duration.ofMillis(300)))
            .isInstanceOf(TaskhubException.Timeout.class);
        assertThat(billingClient.getInstance(unserved)).isEmpty();
        assertThat(worker.isConnected()).isTrue();
      }
    }
  }

  @Test
  void anUnknownTaskHubIsAConfigurationErrorNamingIt() {
    try (TestScheduler scheduler = TestScheduler.builder().start();
        TaskhubClient client =
            TaskhubClient.builder()
                .connection(Sdk.connection(scheduler).withTaskHub("nope"))
                .build()) {
      assertThatThrownBy(() -> client.getInstance("x"))
          .isInstanceOf(TaskhubException.InvalidConfiguration.class)
          .hasMessageContaining("Task hub not found: nope");
    }
  }
}
