package dev.taskhub.server.grpc;

import dev.taskhub.server.TaskhubException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns exceptions into gRPC statuses. */
final class Errors {
  private static final Logger log = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  static StatusRuntimeException toStatus(String rpc, RuntimeException error) {
    Status status =
        switch (error) {
          case TaskhubException.NotFound e -> Status.NOT_FOUND;
          case TaskhubException.AlreadyExists e -> Status.ALREADY_EXISTS;
          case TaskhubException.InvalidArgument e -> Status.INVALID_ARGUMENT;
          case TaskhubException.FailedPrecondition e -> Status.FAILED_PRECONDITION;
          case TaskhubException.LeaseLost e -> Status.FAILED_PRECONDITION;
          case TaskhubException.DeadlineExceeded e -> Status.DEADLINE_EXCEEDED;
          case TaskhubException.Cancelled e -> Status.CANCELLED;
          case TaskhubException.Unimplemented e -> Status.UNIMPLEMENTED;
          case TaskhubException.StoreUnavailable e -> Status.UNAVAILABLE;
          case StatusRuntimeException e -> e.getStatus();
          default -> null;
        };
    if (status == null) {
      log.error("{} failed unexpectedly", rpc, error);
      return Status.INTERNAL
          .withDescription(rpc + " failed: " + error)
          .withCause(error)
          .asRuntimeException();
    }
    if (status.getCode() == Status.Code.UNAVAILABLE) {
      log.warn("{} failed: {}", rpc, error.getMessage());
    } else {
      log.debug("{} rejected: {}", rpc, error.getMessage());
    }
    return status.withDescription(error.getMessage()).asRuntimeException();
  }
}
