package dev.taskhub.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.TaskhubServer;
import dev.taskhub.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server logs in to PostgreSQL with the password it is given, from a file or in the URL, on a
 * server that requires it; a wrong one fails the start without showing it.
 */
class PostgresPasswordTest {
  private static final String PASSWORD = "c0rrect horse+battery@staple";

  @TempDir Path directory;

  @BeforeEach
  void onlyOnTheEmbeddedServer() {
    assumeTrue(TestPostgres.isEmbedded(), "the embedded server's authentication rules are needed");
  }

  @Test
  void theFirstLineOfThePasswordFileLogsTheServerIn() throws IOException {
    String location = TestPostgres.newSchemaForRole(PASSWORD);
    Path file = Files.writeString(directory.resolve("db-password"), PASSWORD + "\n");

    try (TaskhubServer server = TaskhubServer.start(config(location).withDbPasswordFile(file))) {
      assertThat(server.engine().storeReachable()).isTrue();
    }
  }

  @Test
  void aPasswordInTheUrlLogsTheServerIn() {
    String location = TestPostgres.newSchemaForRole(PASSWORD);
    String withPassword = location.replace("@", ":c0rrect%20horse%2Bbattery%40staple@");

    try (TaskhubServer server = TaskhubServer.start(config(withPassword))) {
      assertThat(server.engine().storeReachable()).isTrue();
    }
  }

  @Test
  void aWrongPasswordFailsTheStartWithoutShowingIt() throws IOException {
    String location = TestPostgres.newSchemaForRole(PASSWORD);
    Path file = Files.writeString(directory.resolve("db-password"), "wrong-one-4711");

    assertThatThrownBy(() -> TaskhubServer.start(config(location).withDbPasswordFile(file)))
        .isInstanceOf(TaskhubException.StoreUnavailable.class)
        .hasMessageContaining("password authentication failed")
        .hasMessageNotContaining("wrong-one-4711");
  }

  private static ServerConfig config(String location) {
    return ServerConfig.forTests().withStore(location).withPorts(0, -1);
  }
}
