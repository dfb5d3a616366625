package dev.taskhub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now.get());
        }
      };

  private Path write(String... lines) throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  @Test
  void aTokenIsKnownByItsHashWithItsRolesAndHubs() throws Exception {
    TokenFile tokens =
        new TokenFile(
            write(
                "# comment line",
                "ci " + TokenFile.hashHex("secret-1") + " worker,Contributor default,billing  # ok",
                "ops " + TokenFile.hashHex("secret-2") + " admin *"),
            clock);

    Caller ci = tokens.authenticate("secret-1");
    assertThat(ci.name()).isEqualTo("ci");
    assertThat(ci.roles()).isEqualTo(Set.of(Role.WORKER, Role.CONTRIBUTOR));
    assertThat(ci.mayUse("billing")).isTrue();
    assertThat(ci.mayUse("other")).isFalse();
    assertThat(tokens.authenticate("secret-2").mayUse("anything")).isTrue();
    assertThatThrownBy(() -> tokens.authenticate("secret-3"))
        .isInstanceOf(AccessDenied.Unauthenticated.class)
        .hasMessageNotContaining("secret-3");
    assertThatThrownBy(() -> tokens.authenticate(null))
        .isInstanceOf(AccessDenied.Unauthenticated.class)
        .hasMessageContaining("Bearer");
  }

  @Test
  void aBadLineIsNamedWithItsNumber() throws Exception {
    String hash = TokenFile.hashHex("x");
    assertThatThrownBy(() -> new TokenFile(write("a " + hash + " reader"), clock))
        .hasMessageContaining("line 1")
        .hasMessageContaining("NAME SHA256-HEX ROLES HUBS");
    assertThatThrownBy(() -> new TokenFile(write("", "a abc reader *"), clock))
        .hasMessageContaining("line 2")
        .hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> new TokenFile(write("a " + hash + " superuser *"), clock))
        .hasMessageContaining("Unknown role 'superuser'");
    assertThatThrownBy(
            () -> new TokenFile(write("a " + hash + " reader *", "a " + hash + " admin *"), clock))
        .hasMessageContaining("used twice");
  }

  @Test
  void theFileIsReadAgainWhenItChangesAndABrokenChangeKeepsThePreviousTokens() throws Exception {
    Path file = write("old " + TokenFile.hashHex("old-secret") + " reader *");
    TokenFile tokens = new TokenFile(file, clock);

    write("new " + TokenFile.hashHex("new-secret") + " reader *");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
    assertThat(tokens.authenticate("old-secret").name())
        .as("looked at no more than once a second")
        .isEqualTo("old");
    now.addAndGet(1_000);
    assertThat(tokens.authenticate("new-secret").name()).isEqualTo("new");
    assertThatThrownBy(() -> tokens.authenticate("old-secret"))
        .isInstanceOf(AccessDenied.Unauthenticated.class);

    write("broken line");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 20_000));
    now.addAndGet(1_000);
    assertThat(tokens.authenticate("new-secret").name()).isEqualTo("new");
  }
}
