package dev.taskhub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.security.Role;
import dev.taskhub.server.security.TokenFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenCommandTest {
  @TempDir Path dir;

  @Test
  void aNewTokensLineIsAcceptedByATokenFileAndTheTokenIsNotInIt() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new Main());
    command.setOut(new PrintWriter(out));

    int exit =
        command.execute(
            "token", "new", "ci-worker", "--roles", "worker,contributor", "--hubs", "default");

    String[] lines = out.toString().strip().split("\n");

    assertThat(exit).isZero();
    assertThat(lines).hasSize(2);
    String token = lines[0];
    assertThat(token).startsWith("thk_").hasSizeGreaterThan(40);
    assertThat(lines[1]).startsWith("ci-worker ").endsWith(" contributor,worker default");
    assertThat(lines[1]).doesNotContain(token);
    Path file = dir.resolve("tokens");
    Files.writeString(file, lines[1] + "\n");
    var caller = new TokenFile(file, Clock.systemUTC()).authenticate(token);
    assertThat(caller.name()).isEqualTo("ci-worker");
    assertThat(caller.roles()).isEqualTo(Set.of(Role.WORKER, Role.CONTRIBUTOR));
  }

  @Test
  void anUnknownRoleIsAUsageError() {
    CommandLine command = new CommandLine(new Main());
    command.setErr(new PrintWriter(new StringWriter()));
    assertThat(command.execute("token", "new", "x", "--roles", "root")).isEqualTo(2);
  }
}
