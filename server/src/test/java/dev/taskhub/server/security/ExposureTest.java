package dev.taskhub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExposureTest {
  private static final ServerConfig OPEN = ServerConfig.forTests();
  private static final ServerConfig AUTHENTICATED = OPEN.withAuthTokens(Path.of("tokens"));

  @Test
  void withoutAuthenticationTheServerListensOnLoopbackOnly() {
    assertThat(Exposure.listenAddress(OPEN).isLoopbackAddress()).isTrue();
    assertThat(Exposure.listenAddress(OPEN.withBind("127.0.0.1", false)).isLoopbackAddress())
        .isTrue();
  }

  @Test
  void listeningBeyondLoopbackWithoutAuthenticationIsRefusedUnlessAllowed() {
    assertThatThrownBy(() -> Exposure.listenAddress(OPEN.withBind("0.0.0.0", false)))
        .isInstanceOf(TaskhubException.class)
        .hasMessageContaining("Refusing to listen on 0.0.0.0 without authentication")
        .hasMessageContaining("--auth-tokens")
        .hasMessageContaining("--allow-unauthenticated");
    assertThat(Exposure.listenAddress(OPEN.withBind("0.0.0.0", true)).isAnyLocalAddress()).isTrue();
    assertThat(Exposure.listenAddress(AUTHENTICATED.withBind("0.0.0.0", false)).isAnyLocalAddress())
        .isTrue();
  }

  @Test
  void withAuthenticationTheDefaultIsEveryInterface() {
    assertThat(Exposure.listenAddress(AUTHENTICATED).isAnyLocalAddress()).isTrue();
  }
}
