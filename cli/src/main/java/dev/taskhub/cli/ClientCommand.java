package dev.taskhub.cli;

import dev.taskhub.sdk.ConnectionSettings;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.TaskhubClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a scheduler: the connection and output options, a {@link TaskhubClient}
 * open while {@link #run} runs, and the session. A scheduler that does not answer becomes {@link
 * UnreachableServer} here, with the address tried.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;
  Session session;

  /** Where this run connects; set before {@link #run}. */
  ConnectionSettings settings;

  /** Runs the command with a client of the scheduler; returns its exit code. */
  abstract int run(TaskhubClient client);

  @Override
  public final Integer call() {
    settings = connection.settings(session.env());
    try (TaskhubClient client = TaskhubClient.builder().connection(settings).build()) {
      int code = run(client);
      out().flush();
      return code;
    } catch (TaskhubException.Unavailable e) {
      throw new UnreachableServer(settings.target(), e);
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  boolean json() {
    return output.json();
  }

  Terminal terminal() {
    return session.terminal();
  }

  /** A line for people only: in table mode, never in JSON. */
  void say(String line) {
    if (!json()) {
      out().println(line);
    }
  }

  /** The one-line JSON document of a command that changed one instance. */
  void printAction(String instanceId, String action) {
    if (json()) {
      out().println(Json.line(Json.object().put("instanceId", instanceId).put("action", action)));
    }
  }
}
