package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestCertificates;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Taskhub SDK over TLS to a scheduler with a certificate of its own: a connection string with
 * {@code TrustedCertificates} runs the README's fan-out; without it the system's CAs do not vouch
 * for the certificate and the call fails.
 */
class TlsConnectionTest {
  @TempDir Path dir;

  @Test
  void aConnectionStringThatTrustsTheSchedulersCertificateRunsTheFanOut() throws Exception {
    TestCertificates.Pem pem = TestCertificates.selfSigned(dir, "server", "localhost");
    try (TestScheduler scheduler =
        TestScheduler.builder().config(c -> c.withTls(pem.cert(), pem.key(), null)).start()) {
      String connection =
          "Endpoint=https://localhost:"
              + scheduler.grpcPort()
              + ";Authentication=None;TaskHub=default;TrustedCertificates="
              + pem.cert();
      TaskhubWorker worker =
          scheduler.register(
              Sdk.hostingFanOut(
                      TaskhubWorker.builder()
                          .connectionString(connection)
                          .closeTimeout(Duration.ofSeconds(5)))
                  .build());
      worker.start();
      TaskhubClient client = scheduler.register(TaskhubClient.fromConnectionString(connection));

      String id = client.scheduleNewOrchestration("FanOutFanIn", new String[] {"a", "bb", "ccc"});
      assertThat(
              client
                  .waitForCompletion(id, Duration.ofSeconds(30))
                  .readOutputAs(FanOutFanInExampleTest.Summary.class)
                  .total())
          .isEqualTo(60);

      TaskhubClient untrusting =
          scheduler.register(
              TaskhubClient.fromConnectionString(
                  "Endpoint=https://localhost:"
                      + scheduler.grpcPort()
                      + ";Authentication=None;TaskHub=default"));
      assertThatThrownBy(() -> untrusting.scheduleNewOrchestration("FanOutFanIn"))
          .isInstanceOf(TaskhubException.class);
    }
  }
}
