package dev.taskhub.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.testing.TestScheduler;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code taskhub …} in the test's JVM as {@link Main} would, with its own output, input,
 * terminal and environment, and gives back the exit code and what it wrote.
 */
final class Cli {
  private final Terminal terminal;
  private final Map<String, String> env;
  private final String stdin;
  private final List<String> connection;

  private Cli(Terminal terminal, Map<String, String> env, String stdin, List<String> connection) {
    this.terminal = terminal;
    this.env = env;
    this.stdin = stdin;
    this.connection = connection;
  }

  /** Client commands against {@code scheduler} (its port as {@code --endpoint}), piped output. */
  static Cli against(TestScheduler scheduler) {
    return new Cli(
        Terminal.PIPE, Map.of(), "", List.of("--endpoint", "localhost:" + scheduler.grpcPort()));
  }

  /** No connection options, no environment: what a bare command line does. */
  static Cli bare() {
    return new Cli(Terminal.PIPE, Map.of(), "", List.of());
  }

  /** The same, as if on a terminal (progress bars, questions) with colours or not. */
  Cli onTerminal(boolean colour) {
    return new Cli(new Terminal(true, colour), env, stdin, connection);
  }

  /** The same, with this environment. */
  Cli withEnv(Map<String, String> newEnv) {
    return new Cli(terminal, newEnv, stdin, connection);
  }

  /** The same, with this typed on standard input. */
  Cli typing(String input) {
    return new Cli(terminal, env, input, connection);
  }

  /** Runs {@code taskhub args…} plus the connection options at the end. */
  Result run(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(connection);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Session session =
        new Session(terminal, env, new BufferedReader(new StringReader(stdin)), Clock.systemUTC());
    int code =
        Main.execute(
            session,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  /** What a command did: its exit code and what it wrote. */
  record Result(int code, String out, String err) {
    /** Standard output as one JSON document. */
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(out);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException("Not one JSON document:\n" + out, e);
      }
    }

    /** Standard output as JSON lines. */
    List<JsonNode> jsonLines() {
      return out.lines()
          .filter(line -> !line.isBlank())
          .map(
              line -> {
                try {
                  return Json.MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                  throw new UncheckedIOException("Not a JSON line: " + line, e);
                }
              })
          .toList();
    }

    /** Standard error's lines. */
    List<String> errLines() {
      return err.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
