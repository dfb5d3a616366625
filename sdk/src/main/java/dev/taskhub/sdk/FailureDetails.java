package dev.taskhub.sdk;

import dev.taskhub.protocol.TaskFailureDetails;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * What went wrong in an activity, a sub-orchestration or an orchestration, as recorded in its
 * history: the error type (a Java class name when the failure came from Java code), the message,
 * the stack trace if known, and the failure that caused it.
 *
 * @param errorType the kind of error, e.g. {@code java.lang.IllegalStateException}
 * @param message the error message, never null (empty if there was none)
 * @param stackTrace the stack trace as text, or null
 * @param cause the nested failure, or null
 * @param nonRetriable true when the failure must not be retried
 */
public record FailureDetails(
    String errorType,
    String message,
    String stackTrace,
    FailureDetails cause,
    boolean nonRetriable) {

  public FailureDetails {
    Objects.requireNonNull(errorType, "errorType");
    message = message == null ? "" : message;
  }

  /** Describes a throwable and its causes. */
  public static FailureDetails of(Throwable error) {
    Throwable cause = error.getCause();
    return new FailureDetails(
        error.getClass().getName(),
        error.getMessage(),
        stackTraceOf(error),
        cause == null || cause == error ? null : of(cause),
        false);
  }

  /** True when this failure (not its causes) is of the given exception class or a type named so. */
  public boolean isCausedBy(Class<? extends Throwable> type) {
    return errorType.equals(type.getName());
  }

  /** Reads the protocol form. */
  public static FailureDetails fromProto(TaskFailureDetails proto) {
    return new FailureDetails(
        proto.getErrorType(),
        proto.getErrorMessage(),
        proto.hasStackTrace() ? proto.getStackTrace().getValue() : null,
        proto.hasInnerFailure() ? fromProto(proto.getInnerFailure()) : null,
        proto.getIsNonRetriable());
  }

  /** The protocol form. */
  public TaskFailureDetails toProto() {
    TaskFailureDetails.Builder builder =
        TaskFailureDetails.newBuilder()
            .setErrorType(errorType)
            .setErrorMessage(message)
            .setIsNonRetriable(nonRetriable);
    if (stackTrace != null) {
      builder.setStackTrace(com.google.protobuf.StringValue.of(stackTrace));
    }
    if (cause != null) {
      builder.setInnerFailure(cause.toProto());
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return message.isEmpty() ? errorType : errorType + ": " + message;
  }

  private static String stackTraceOf(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return text.toString();
  }
}
