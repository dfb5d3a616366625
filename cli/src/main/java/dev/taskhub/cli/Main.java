package dev.taskhub.cli;

import dev.taskhub.server.cli.ServeCommand;
import dev.taskhub.server.cli.TokenCommand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code taskhub}: the one command line. The server's {@code serve} and {@code token}, and the
 * client commands, which speak the Durable Task protocol to any scheduler of it (Taskhub, the DTS
 * emulator, DTS).
 */
@Command(
    name = "taskhub",
    mixinStandardHelpOptions = true,
    version = "Taskhub 0.1.0",
    description = {
      "A durable task scheduler that speaks the Durable Task gRPC protocol, and a client for any"
          + " scheduler of that protocol.",
      "",
      "Client commands connect to --endpoint (default localhost:8080, task hub default), or"
          + " --connection-string / env DURABLE_TASK_SCHEDULER_CONNECTION_STRING.",
      "Exit codes: 0 ok; 1 the instance failed or the call was refused; 2 usage error;"
          + " 3 cannot reach the scheduler."
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      ServeCommand.class,
      TokenCommand.class,
      StartCommand.class,
      StatusCommand.class,
      ListCommand.class,
      HistoryCommand.class,
      WatchCommand.class,
      RaiseCommand.class,
      TerminateCommand.class,
      SuspendCommand.class,
      ResumeCommand.class,
      RestartCommand.class,
      RewindCommand.class,
      PurgeCommand.class,
      HubsCommand.class,
      EntityCommand.class,
      ScheduleCommand.class,
      CompletionCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  taskhub serve",
      "  taskhub start FanOutFanIn --input '[\"a\",\"b\"]' --wait",
      "  taskhub list --status running",
      "  taskhub purge --status completed --older-than 7d",
      "  taskhub COMMAND --help      (its options and examples)"
    })
public final class Main {
  /** Commands whose log lines are their output; the client commands log nothing. */
  private static final Set<String> LOGGING_COMMANDS = Set.of("serve");

  private Main() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    if (args.length == 0 || !LOGGING_COMMANDS.contains(args[0])) {
      // the logback.xml of the server reads this; must be set before the first logger exists
      System.setProperty("TASKHUB_LOG_LEVEL", env.getOrDefault("TASKHUB_LOG_LEVEL", "OFF"));
    }
    Session session =
        new Session(
            Terminal.detect(env),
            env,
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
            Clock.systemUTC());
    PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = execute(session, out, err, args);
    out.flush();
    System.exit(code);
  }

  /**
   * Runs {@code taskhub args…} in a session, writing to {@code out} and {@code err}: its exit code.
   */
  static int execute(Session session, PrintWriter out, PrintWriter err, String... args) {
    if (args.length > 0 && args[0].equals("serve")) {
      return serveCommandLine(session, out, err).execute(Arrays.copyOfRange(args, 1, args.length));
    }
    return commandLine(session, out, err).execute(args);
  }

  /** The root command line for a session, writing to {@code out} and {@code err}. */
  static CommandLine commandLine(Session session, PrintWriter out, PrintWriter err) {
    return configure(new CommandLine(new Main(), new CommandFactory(session)), session, out, err);
  }

  /**
   * {@code taskhub serve} alone, for what the root would run as {@code serve ARGS}: without the
   * model of every other command, which picocli builds up front from their annotations, by
   * reflection, in its own classes — built for Java 5, those are verified the slow way and cannot
   * be in serve's AOT cache; with the rest from the cache, building all seventeen commands took
   * more of serve's start-up than anything else (a class-loading log's timeline showed it).
   */
  private static CommandLine serveCommandLine(Session session, PrintWriter out, PrintWriter err) {
    CommandLine serve =
        configure(
            new CommandLine(new ServeCommand(), new CommandFactory(session)), session, out, err);
    serve.setCommandName("taskhub serve");
    return serve;
  }

  private static CommandLine configure(
      CommandLine commandLine, Session session, PrintWriter out, PrintWriter err) {
    ExitCodes exitCodes = new ExitCodes();
    commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(exitCodes)
        .setParameterExceptionHandler(exitCodes)
        .setColorScheme(
            CommandLine.Help.defaultColorScheme(
                session.terminal().colour()
                    ? CommandLine.Help.Ansi.ON
                    : CommandLine.Help.Ansi.OFF));
    return commandLine;
  }
}
