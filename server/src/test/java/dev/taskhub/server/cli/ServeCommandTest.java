package dev.taskhub.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code taskhub serve} refuses before it starts anything, and the flags it documents. */
class ServeCommandTest {
  @Test
  void theDashboardsOidcClientNeedsAnIssuer() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int exit;
    // ServeCommand reports on the process's stderr, as a user running it sees.
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("serve", "--oidc-client-id", "dashboard");
    } finally {
      System.setErr(original);
    }

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--oidc-client-id and --oidc-scopes need --oidc-issuer");
  }

  @Test
  void helpDocumentsTheDashboardsOidcClientAndScopes() {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new Main());
    command.setOut(new PrintWriter(out));

    int exit = command.execute("serve", "--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--oidc-client-id=ID", "PKCE", "--oidc-scopes=SCOPES");
  }
}
