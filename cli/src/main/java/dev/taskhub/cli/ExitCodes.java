package dev.taskhub.cli;

import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.OrchestrationStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where outcomes become exit codes and errors become the one line a user reads on
 * standard error ({@code taskhub status: No instance with ID 'x' was found}):
 *
 * <ul>
 *   <li>{@link #OK} 0: done; an instance the command looked at or followed did not fail;
 *   <li>{@link #FAILED} 1: the instance failed, was terminated or canceled, or the scheduler
 *       refused the call (unknown id, wrong state, permission);
 *   <li>{@link #USAGE} 2: the command line was wrong (unknown flag, missing argument, JSON that
 *       does not parse, a bad connection string);
 *   <li>{@link #UNREACHABLE} 3: the scheduler could not be reached.
 * </ul>
 */
final class ExitCodes implements IExecutionExceptionHandler, IParameterExceptionHandler {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  /** 1 for an instance that ended without completing, else 0. */
  static int of(OrchestrationStatus status) {
    return switch (status) {
      case FAILED, TERMINATED, CANCELED -> FAILED;
      default -> OK;
    };
  }

  /** The exit code of an exception a command threw. */
  static int of(Throwable error) {
    return switch (error) {
      case UsageError e -> USAGE;
      case TaskhubException.InvalidConfiguration e -> USAGE;
      case IllegalArgumentException e -> USAGE;
      case UnreachableServer e -> UNREACHABLE;
      case TaskhubException.Unavailable e -> UNREACHABLE;
      case StatusRuntimeException e ->
          e.getStatus().getCode() == Status.Code.UNAVAILABLE ? UNREACHABLE : FAILED;
      default -> FAILED;
    };
  }

  @Override
  public int handleExecutionException(Exception error, CommandLine command, ParseResult parsed) {
    int code = of(error);
    if (code == FAILED
        && !(error instanceof TaskhubException || error instanceof StatusRuntimeException)) {
      // not a refusal of the scheduler's: a bug of ours, worth its stack trace
      error.printStackTrace(command.getErr());
    }
    report(command, error.getMessage());
    return code;
  }

  @Override
  public int handleParseException(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    report(
        command,
        error.getMessage() + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
    return USAGE;
  }

  private static void report(CommandLine command, String message) {
    String oneLine =
        message == null ? "unexpected error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + oneLine);
    command.getErr().flush();
  }
}
