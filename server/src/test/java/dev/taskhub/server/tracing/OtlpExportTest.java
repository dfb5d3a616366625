package dev.taskhub.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import com.sun.net.httpserver.HttpServer;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --otlp-endpoint}: spans leave the scheduler as OTLP/HTTP protobuf export requests. */
class OtlpExportTest {
  /** One request the receiver got: its path, content type and body. */
  record Export(String path, String contentType, byte[] body) {}

  private final List<Export> exports = new CopyOnWriteArrayList<>();
  private HttpServer receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          exports.add(
              new Export(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  @Test
  void anOtlpEndpointGetsTheSpansOfAnInstanceAsProtobuf() throws Exception {
    URI endpoint = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort());
    String id;
    try (TestScheduler server =
        TestScheduler.builder().config(c -> c.withOtlpEndpoint(endpoint)).start()) {
      assertThat(server.server().tracing()).isInstanceOf(OtelTracing.class);
      OfficialSdk.startWorker(server, orchestration("exported"));
      DurableTaskClient client = OfficialSdk.client(server);
      id = client.scheduleNewOrchestrationInstance("exported");
      client.waitForInstanceCompletion(id, Duration.ofSeconds(30), false);
    } // stopping flushes the batch

    assertThat(exports).isNotEmpty();
    assertThat(exports)
        .allSatisfy(
            export -> {
              assertThat(export.path()).isEqualTo("/v1/traces");
              assertThat(export.contentType()).isEqualTo("application/x-protobuf");
            });
    String bodies =
        exports.stream()
            .map(export -> new String(export.body(), StandardCharsets.ISO_8859_1))
            .reduce("", String::concat);
    assertThat(bodies)
        .contains("instance exported", id, "taskhub"); // span name, attribute, service
  }

  @Test
  void anEndpointMustBeAnHttpUrlAndGetsTheTracesPath() {
    ServerConfig config = ServerConfig.forTests();
    assertThat(config.otlpEndpoint()).isNull();
    assertThat(config.withOtlpEndpoint(URI.create("http://collector:4318")).otlpEndpoint())
        .isEqualTo(URI.create("http://collector:4318/v1/traces"));
    assertThat(config.withOtlpEndpoint(URI.create("https://c.example/otlp/traces")).otlpEndpoint())
        .isEqualTo(URI.create("https://c.example/otlp/traces"));
    assertThatThrownBy(() -> config.withOtlpEndpoint(URI.create("grpc://collector:4317")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("otlpEndpoint must be an http:// or https:// URL");
    assertThatThrownBy(() -> config.withOtlpEndpoint(URI.create("collector:4318")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static TaskOrchestrationFactory orchestration(String name) {
    return new TaskOrchestrationFactory() {
      @Override
      public String getName() {
        return name;
      }

      @Override
      public TaskOrchestration create() {
        return ctx -> ctx.complete("done");
      }
    };
  }
}
