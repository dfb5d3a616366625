package dev.taskhub.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Server-Sent Events of instance changes: delivered, filtered, and bounded in number. */
class LiveUpdatesTest {
  private HttpDriver server;
  private final List<Stream<String>> streams = new ArrayList<>();

  @BeforeEach
  void start() {
    server = HttpDriver.start().workers(1);
  }

  @AfterEach
  void stop() {
    streams.forEach(Stream::close);
    server.close();
  }

  /** Opens a stream and collects its lines in the background; returns once "hello" arrived. */
  private List<String> follow(String query) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpRequest request =
        HttpRequest.newBuilder(server.uri("/api/v1/hubs/default/live" + query))
            .header("Accept", "text/event-stream")
            .build();
    HttpResponse<Stream<String>> response =
        server.httpClient().send(request, HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    streams.add(response.body());
    Thread.ofVirtual().start(() -> response.body().forEach(lines::add));
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: hello"));
    return lines;
  }

  private static List<String> data(List<String> lines) {
    return lines.stream().filter(line -> line.startsWith("data:")).toList();
  }

  @Test
  void changesOfInstancesArriveAsEvents() throws Exception {
    List<String> lines = follow("");
    server.completedFanOut("live-1", 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines.contains("event: changed") && data(lines).toString().contains("live-1"));
  }

  @Test
  void aStreamForOneInstanceCarriesOnlyIt() throws Exception {
    List<String> lines = follow("?instanceId=live-a");
    server.completedFanOut("live-b", 1);
    server.completedFanOut("live-a", 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> data(lines).toString().contains("live-a"));
    assertThat(data(lines).toString()).doesNotContain("live-b");
  }

  @Test
  void streamsAreBoundedAndBadRequestsAreProblems() throws Exception {
    for (int i = 0; i < HttpEndpoint.MAX_LIVE_CLIENTS; i++) {
      follow("");
    }
    HttpDriver.Reply refused = server.get("/api/v1/hubs/default/live");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().get("detail").asText())
        .contains("limit " + HttpEndpoint.MAX_LIVE_CLIENTS);

    HttpDriver.Reply unknownHub = server.get("/api/v1/hubs/nope/live");
    assertThat(unknownHub.status()).isEqualTo(404);
    assertThat(unknownHub.json().get("detail").asText()).contains("nope");
    assertThat(server.get("/api/v1/hubs/default/live?instanceId=").status()).isEqualTo(400);
  }
}
