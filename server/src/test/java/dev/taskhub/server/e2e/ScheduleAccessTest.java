package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.security.TokenFile;
import dev.taskhub.server.testing.TestScheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what with schedules: reading them needs the reader role, every change (create, update,
 * pause, resume, trigger, delete) the contributor role, and no token gets 401.
 */
class ScheduleAccessTest {
  private static final String CONTRIBUTOR = "contributor-token";
  private static final String READER = "reader-token";
  private static final String BODY =
      "{\"id\": \"nightly\", \"orchestration\": \"Report\", \"cron\": \"0 2 * * *\"}";

  @TempDir static Path dir;
  private static TestScheduler server;

  @BeforeAll
  static void start() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(
        tokens,
        String.join(
            "\n",
            "app " + TokenFile.hashHex(CONTRIBUTOR) + " contributor default",
            "viewer " + TokenFile.hashHex(READER) + " reader default",
            ""));
    server = TestScheduler.builder().http().config(c -> c.withAuthTokens(tokens)).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static int call(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:"
                        + server.httpPort()
                        + "/api/v1/hubs/default/schedules"
                        + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void readersReadSchedulesAndOnlyContributorsChangeThem() throws Exception {
    assertThat(call("GET", "", null, null)).isEqualTo(401);
    assertThat(call("POST", "", BODY, READER)).isEqualTo(403);
    assertThat(call("POST", "", BODY, CONTRIBUTOR)).isEqualTo(201);

    assertThat(call("GET", "", null, READER)).isEqualTo(200);
    assertThat(call("GET", "/nightly", null, READER)).isEqualTo(200);
    for (String action : new String[] {"/pause", "/resume", "/trigger"}) {
      assertThat(call("POST", "/nightly" + action, null, READER)).as(action).isEqualTo(403);
    }
    assertThat(call("PUT", "/nightly", BODY, READER)).isEqualTo(403);
    assertThat(call("DELETE", "/nightly", null, READER)).isEqualTo(403);

    assertThat(call("POST", "/nightly/trigger", null, CONTRIBUTOR)).isEqualTo(202);
    assertThat(call("DELETE", "/nightly", null, CONTRIBUTOR)).isEqualTo(204);
  }
}
