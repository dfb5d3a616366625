package dev.taskhub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.http.HttpDriver.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** In read-only mode every view works and every change is refused with 403. */
class ReadOnlyModeTest {
  private static HttpDriver server;

  @BeforeAll
  static void start() throws Exception {
    server = HttpDriver.start(config -> config.withReadOnly(true)).workers(1);
    server.runningWaiter("read-only-1");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertRefused(Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(403);
    assertThat(reply.contentType()).startsWith("application/problem+json");
    assertThat(reply.json().get("detail").asText()).contains("read-only");
  }

  @Test
  void viewsWorkAndChangesAreRefused() throws Exception {
    assertThat(server.get("/api/v1/info").json().get("readOnly").asBoolean()).isTrue();
    assertThat(server.get("/api/v1/hubs/default/instances/read-only-1").status()).isEqualTo(200);
    assertThat(server.get("/runtime/webhooks/durabletask/instances/read-only-1").status())
        .isEqualTo(202);

    String v1 = "/api/v1/hubs/default/instances/read-only-1";
    assertRefused(server.post(v1 + "/terminate", null));
    assertRefused(server.post(v1 + "/suspend", null));
    assertRefused(server.post(v1 + "/events/approval", "\"x\""));
    assertRefused(server.delete(v1));
    assertRefused(server.delete("/api/v1/hubs/default/instances?status=COMPLETED"));
    assertRefused(
        server.post(
            "/api/v1/hubs/default/schedules",
            "{\"id\": \"n\", \"orchestration\": \"R\", \"interval\": \"1h\"}"));
    assertThat(server.get("/api/v1/hubs/default/schedules").status()).isEqualTo(200);
    String df = "/runtime/webhooks/durabletask/instances/read-only-1";
    assertRefused(server.post(df + "/terminate", null));
    assertRefused(server.post(df + "/raiseEvent/approval", "\"x\""));
    assertRefused(server.delete(df));

    assertThat(server.get(v1).json().get("status").asText()).isEqualTo("RUNNING");
  }
}
