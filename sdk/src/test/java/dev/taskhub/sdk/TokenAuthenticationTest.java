package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.server.security.TokenFile;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Taskhub SDK against a scheduler that requires tokens: with a worker and contributor token the
 * README's fan-out runs; without one the client's call fails with a clear error.
 */
class TokenAuthenticationTest {
  private static final String TOKEN = "sdk-test-token";

  @TempDir Path dir;
  private TestScheduler scheduler;

  @BeforeEach
  void start() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "app " + TokenFile.hashHex(TOKEN) + " worker,contributor *\n");
    scheduler = TestScheduler.builder().config(c -> c.withAuthTokens(tokens)).start();
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void aWorkerAndClientWithATokenRunTheFanOut() {
    Sdk.startWorker(
        scheduler, Sdk.hostingFanOut(Sdk.workerBuilder(scheduler).accessToken(() -> TOKEN)));
    TaskhubClient client =
        scheduler.register(
            TaskhubClient.builder()
                .connection(Sdk.connection(scheduler))
                .accessToken(() -> TOKEN)
                .build());

    String id = client.scheduleNewOrchestration("FanOutFanIn", new String[] {"a", "bb"});
    FanOutFanInExampleTest.Summary summary =
        client
            .waitForCompletion(id, Duration.ofSeconds(30))
            .readOutputAs(FanOutFanInExampleTest.Summary.class);
    assertThat(summary.total()).isEqualTo(30);
  }

  @Test
  void aConnectionStringWithAuthenticationTokenCarriesTheToken() {
    TaskhubClient client =
        scheduler.register(
            TaskhubClient.fromConnectionString(
                "Endpoint=http://localhost:"
                    + scheduler.grpcPort()
                    + ";Authentication=Token;Token="
                    + TOKEN
                    + ";TaskHub=default"));

    String id = client.scheduleNewOrchestration("NobodyHostsIt");

    assertThat(client.getInstance(id)).isPresent();
  }

  @Test
  void aClientWithoutATokenIsRefused() {
    TaskhubClient client = Sdk.client(scheduler);
    assertThatThrownBy(() -> client.scheduleNewOrchestration("FanOutFanIn"))
        .hasMessageContaining("requires a token");
  }
}
