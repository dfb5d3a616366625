package dev.taskhub.sdk.client;

import dev.taskhub.sdk.TaskhubException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The one place that turns gRPC statuses into the SDK's exceptions. */
final class Errors {
  private Errors() {}

  static TaskhubException translate(String operation, StatusRuntimeException error) {
    Status status = error.getStatus();
    String description = status.getDescription() == null ? "" : status.getDescription();
    String message =
        operation
            + " failed: "
            + status.getCode()
            + (description.isEmpty() ? "" : ": " + description);
    return switch (status.getCode()) {
      case NOT_FOUND ->
          description.startsWith("Task hub not found")
              ? new TaskhubException.InvalidConfiguration(message)
              : new TaskhubException.InstanceNotFound(message, error);
      case ALREADY_EXISTS -> new TaskhubException.InstanceAlreadyExists(message, error);
      case FAILED_PRECONDITION -> new TaskhubException.FailedPrecondition(message, error);
      case DEADLINE_EXCEEDED -> new TaskhubException.Timeout(message, error);
      case UNAVAILABLE -> new TaskhubException.Unavailable(message, error);
      default -> new TaskhubException(message, error);
    };
  }
}
