package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.http.HttpDriver;
import dev.taskhub.server.http.HttpDriver.Reply;
import dev.taskhub.server.testing.CounterEntityWorker;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Entities over HTTP: the Durable Functions entity endpoints and the {@code /api/v1} ones the
 * dashboard uses, against a real scheduler with a counter worker; read-only mode refuses signals.
 */
class EntityHttpTest {
  private static final String FUNCTIONS = "/runtime/webhooks/durabletask/entities";
  private static final String V1 = "/api/v1/hubs/default/entities";

  private HttpDriver server;
  private CounterEntityWorker worker;

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    server.close();
  }

  private void awaitCounter(String key, String value) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.get(FUNCTIONS + "/counter/" + key).body().equals(value));
  }

  @Test
  void aSignalWithOpUpdatesTheStateTheEntityEndpointReturns() throws Exception {
    server = HttpDriver.start();
    worker = CounterEntityWorker.start(server.grpcPort());

    assertThat(server.get(FUNCTIONS + "/counter/visits").status()).isEqualTo(404);
    assertThat(server.post(FUNCTIONS + "/Counter/visits?op=add", "5").status()).isEqualTo(202);
    assertThat(server.post(FUNCTIONS + "/counter/visits?op=add", "2").status()).isEqualTo(202);
    awaitCounter("visits", "7");

    JsonNode list = server.get(FUNCTIONS + "/counter?fetchState=true").json();
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("entityId").get("key").asText()).isEqualTo("visits");
    assertThat(list.get(0).get("state").asInt()).isEqualTo(7);
  }

  @Test
  void theManagementApiListsEntitiesShowsOneWithItsQueueAndSignalsIt() throws Exception {
    server = HttpDriver.start();
    assertThat(
            server.post(V1 + "/counter/a/signal", "{\"operation\":\"add\",\"input\":3}").status())
        .isEqualTo(202);
    assertThat(
            server.post(V1 + "/counter/b/signal", "{\"operation\":\"add\",\"input\":4}").status())
        .isEqualTo(202);

    // No worker yet: both wait, without state, each with its signal queued.
    JsonNode waiting = server.get(V1 + "/counter/a").json();
    assertThat(waiting.get("hasState").asBoolean()).isFalse();
    assertThat(waiting.get("queued").asInt()).isEqualTo(1);
    assertThat(waiting.get("lockedBy").isNull()).isTrue();

    worker = CounterEntityWorker.start(server.grpcPort());
    awaitCounter("a", "3");
    awaitCounter("b", "4");

    JsonNode one = server.get(V1 + "/counter/a").json();
    assertThat(one.get("id").asText()).isEqualTo("@counter@a");
    assertThat(one.get("state").asInt()).isEqualTo(3);
    assertThat(one.get("queued").asInt()).isZero();
    JsonNode page = server.get(V1 + "?prefix=Counter&pageSize=1").json();
    assertThat(page.get("entities")).hasSize(1);
    String token = page.get("continuationToken").asText();
    JsonNode next = server.get(V1 + "?prefix=counter&pageSize=1&continuationToken=" + token).json();
    assertThat(next.get("entities").get(0).get("key").asText()).isEqualTo("b");
    assertThat(server.get(V1 + "/counter/nobody").status()).isEqualTo(404);

    assertThat(server.post(V1 + "/counter/a/delete-state", null).status()).isEqualTo(202);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.get(FUNCTIONS + "/counter/a").status() == 404);
    assertThat(server.get(V1 + "/counter/a").json().get("hasState").asBoolean()).isFalse();
  }

  @Test
  void badEntityRequestsAreRefusedWithProblemJsonAndLoseNothing() throws Exception {
    server = HttpDriver.start();
    Reply noOperation = server.post(V1 + "/counter/a/signal", "{\"input\":1}");
    assertThat(noOperation.status()).isEqualTo(400);
    assertThat(noOperation.contentType()).startsWith("application/problem+json");
    assertThat(noOperation.json().get("detail").asText()).contains("must name an operation");
    assertThat(server.post(V1 + "/counter/a/signal", "{not json").status()).isEqualTo(400);
    assertThat(server.post(FUNCTIONS + "/counter/a", "1").status()).isEqualTo(400);
    assertThat(server.get(V1 + "/counter/a").status()).isEqualTo(404);
  }

  @Test
  void readOnlyModeShowsEntitiesAndRefusesSignals() throws Exception {
    server = HttpDriver.start(config -> config.withReadOnly(true));

    assertThat(server.post(V1 + "/counter/a/signal", "{\"operation\":\"add\"}").status())
        .isEqualTo(403);
    assertThat(server.post(V1 + "/counter/a/delete-state", null).status()).isEqualTo(403);
    assertThat(server.post(FUNCTIONS + "/counter/a?op=add", "1").status()).isEqualTo(403);
    assertThat(server.get(V1).status()).isEqualTo(200);
  }
}
