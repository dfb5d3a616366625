package dev.taskhub.server;

/**
 * Root of every error the scheduler raises on purpose. Subtypes say what went wrong so that the
 * gRPC and HTTP layers can each map them to a status in one place; messages name the operation and
 * the key.
 */
public class TaskhubException extends RuntimeException {
  public TaskhubException(String message) {
    super(message);
  }

  public TaskhubException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The named instance (or task, or work item) does not exist. */
  public static final class NotFound extends TaskhubException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** An instance with that id exists and may not be replaced. */
  public static final class AlreadyExists extends TaskhubException {
    public AlreadyExists(String message) {
      super(message);
    }
  }

  /** A request is malformed or over a limit; the message names the field. */
  public static final class InvalidArgument extends TaskhubException {
    public InvalidArgument(String message) {
      super(message);
    }
  }

  /**
   * The target is in a state that does not allow the operation (e.g. purging a running instance).
   */
  public static final class FailedPrecondition extends TaskhubException {
    public FailedPrecondition(String message) {
      super(message);
    }
  }

  /**
   * The caller no longer holds the work item it completes: its lease expired, its stream went away,
   * or the instance moved on. Nothing was applied.
   */
  public static final class LeaseLost extends TaskhubException {
    public LeaseLost(String message) {
      super(message);
    }
  }

  /** The store could not be reached or failed; the operation did not take effect. */
  public static final class StoreUnavailable extends TaskhubException {
    public StoreUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A wait ended before its condition held. */
  public static final class DeadlineExceeded extends TaskhubException {
    public DeadlineExceeded(String message) {
      super(message);
    }
  }

  /** The operation is not offered by this server as it is configured. */
  public static final class Unimplemented extends TaskhubException {
    public Unimplemented(String message) {
      super(message);
    }
  }

  /** The caller went away before the operation finished. */
  public static final class Cancelled extends TaskhubException {
    public Cancelled(String message) {
      super(message);
    }
  }
}
