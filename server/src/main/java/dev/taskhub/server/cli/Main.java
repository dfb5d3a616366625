package dev.taskhub.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code taskhub}: the command line of the scheduler. */
@Command(
    name = "taskhub",
    mixinStandardHelpOptions = true,
    version = "Taskhub 0.1.0",
    description = "A durable task scheduler that speaks the Durable Task gRPC protocol.",
    subcommands = {ServeCommand.class, TokenCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
