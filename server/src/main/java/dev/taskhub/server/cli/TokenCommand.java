package dev.taskhub.server.cli;

import dev.taskhub.server.security.Role;
import dev.taskhub.server.security.TokenFile;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code taskhub token}: makes tokens for {@code --auth-tokens}. Public so that the command line of
 * module {@code cli} can offer it beside the client commands.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Make tokens for --auth-tokens.",
    subcommands = {TokenCommand.New.class},
    footer = {
      "",
      "Example:",
      "  taskhub token new ci-worker --roles worker,contributor --hubs default"
    })
public final class TokenCommand {
  /** {@code taskhub token new NAME --roles … --hubs …}. */
  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = {
        "Print a new random token, then the line to add to the --auth-tokens file (it holds only"
            + " the token's SHA-256). Keep the token: it is not stored anywhere.",
        "Example: taskhub token new ci-worker --roles worker,contributor --hubs default"
      })
  static final class New implements Callable<Integer> {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Who uses the token (logs show it).")
    String name;

    @Option(
        names = "--roles",
        required = true,
        description = "Comma-separated: reader, worker, contributor, admin.")
    String roles;

    @Option(
        names = "--hubs",
        defaultValue = "*",
        description = "Comma-separated task hub names, or * for all. Default: ${DEFAULT-VALUE}")
    String hubs;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!name.matches("[A-Za-z0-9_.@-]+")) {
        err.println(
            "taskhub token new: NAME is letters, digits and _ . @ - only, was '" + name + "'");
        return 2;
      }
      Set<Role> parsed;
      try {
        parsed = Role.parseList(roles);
      } catch (IllegalArgumentException e) {
        err.println("taskhub token new: " + e.getMessage());
        return 2;
      }
      if (parsed.isEmpty() || hubs.isBlank() || hubs.matches(".*\\s.*")) {
        err.println("taskhub token new: give at least one role, and hubs without spaces");
        return 2;
      }
      byte[] secret = new byte[32];
      RANDOM.nextBytes(secret);
      String token = "thk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      String roleList = parsed.stream().map(Role::label).collect(Collectors.joining(","));
      out.println(token);
      out.println(name + " " + TokenFile.hashHex(token) + " " + roleList + " " + hubs);
      out.flush();
      return 0;
    }
  }
}
