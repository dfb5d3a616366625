package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.server.security.TokenFile;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Entra ID tokens through a {@link TokenCredential} the test supplies (no network): asked for the
 * DTS scope, cached while they are fresh, fetched again five minutes before they expire; the bearer
 * and the task hub header reach a scheduler that requires that token.
 */
class AzureTokensTest {
  @TempDir Path dir;

  /** A credential that hands out token-1, token-2, … each valid for {@code lifetime}. */
  private static final class CountingCredential implements TokenCredential {
    final List<List<String>> scopes = new ArrayList<>();
    private final Clock clock;
    private final Duration lifetime;

    CountingCredential(Clock clock, Duration lifetime) {
      this.clock = clock;
      this.lifetime = lifetime;
    }

    @Override
    public synchronized Mono<AccessToken> getToken(TokenRequestContext request) {
      scopes.add(request.getScopes());
      return Mono.just(
          new AccessToken(
              "token-" + scopes.size(),
              OffsetDateTime.ofInstant(clock.instant().plus(lifetime), ZoneOffset.UTC)));
    }
  }

  private static final class SettableClock extends Clock {
    final AtomicReference<Instant> now =
        new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void aTokenIsCachedUntilFiveMinutesBeforeItExpires() {
    SettableClock clock = new SettableClock();
    CountingCredential credential = new CountingCredential(clock, Duration.ofMinutes(60));
    AzureTokens tokens = AzureTokens.of(credential, AzureTokens.DTS_SCOPE, clock);

    assertThat(tokens.get()).isEqualTo("token-1");
    clock.now.set(clock.instant().plus(Duration.ofMinutes(54)));
    assertThat(tokens.get()).as("still 6 minutes left").isEqualTo("token-1");
    clock.now.set(clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(tokens.get()).as("5 minutes left: refreshed").isEqualTo("token-2");
    assertThat(credential.scopes).containsOnly(List.of("https://durabletask.io/.default"));
  }

  @Test
  void aCredentialThatFailsGivesAClearError() {
    TokenCredential broken = request -> Mono.error(new IllegalStateException("no az login"));
    assertThatThrownBy(() -> AzureTokens.of(broken).get())
        .isInstanceOf(TaskhubException.InvalidConfiguration.class)
        .hasMessageContaining("no az login")
        .hasMessageContaining("durabletask.io");
  }

  @Test
  void theBearerAndTheTaskHubReachTheScheduler() throws Exception {
    Path tokenFile = dir.resolve("tokens");
    Files.writeString(
        tokenFile, "entra-app " + TokenFile.hashHex("token-1") + " contributor azure\n");
    try (TestScheduler scheduler =
        TestScheduler.builder()
            .config(c -> c.withAuthTokens(tokenFile).withTaskHubs(List.of("default", "azure")))
            .start()) {
      CountingCredential credential =
          new CountingCredential(Clock.systemUTC(), Duration.ofHours(1));
      try (TaskhubClient client =
          TaskhubClient.builder()
              .connection(Sdk.connection(scheduler).withTaskHub("azure"))
              .accessToken(AzureTokens.of(credential))
              .build()) {
        String id = client.scheduleNewOrchestration("NobodyHostsIt");
        assertThat(client.getInstance(id)).isPresent();
        assertThat(credential.scopes).hasSize(1);
      }
    }
  }
}
