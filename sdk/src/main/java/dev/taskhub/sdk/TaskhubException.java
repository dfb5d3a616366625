package dev.taskhub.sdk;

/**
 * The root of every exception the Taskhub SDK throws. All are unchecked; the nested subtypes name
 * the conditions a caller can act on. Messages name the operation and the instance or key involved.
 */
public class TaskhubException extends RuntimeException {

  public TaskhubException(String message) {
    super(message);
  }

  public TaskhubException(String message, Throwable cause) {
    super(message, cause);
  }

  /** No orchestration instance has the given id (in the connected task hub). */
  public static final class InstanceNotFound extends TaskhubException {
    public InstanceNotFound(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A new instance was requested with the id of one that is still running. */
  public static final class InstanceAlreadyExists extends TaskhubException {
    public InstanceAlreadyExists(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The instance is in a state that does not allow the operation (for example it has ended). */
  public static final class FailedPrecondition extends TaskhubException {
    public FailedPrecondition(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Something awaited did not happen in time: a client wait, or an external event in an
   * orchestration.
   */
  public static final class Timeout extends TaskhubException {
    public Timeout(String message) {
      super(message);
    }

    public Timeout(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The scheduler could not be reached, or answered that it is unavailable. */
  public static final class Unavailable extends TaskhubException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A connection string or a setting is malformed, incomplete or not supported. */
  public static final class InvalidConfiguration extends TaskhubException {
    public InvalidConfiguration(String message) {
      super(message);
    }
  }

  /** A value could not be converted to or from its serialized (JSON) form. */
  public static final class DataConversion extends TaskhubException {
    public DataConversion(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** No recurring schedule has the given id (in the connected task hub). */
  public static final class ScheduleNotFound extends TaskhubException {
    public ScheduleNotFound(String message) {
      super(message);
    }
  }

  /** A schedule was created with the id of one the task hub has. */
  public static final class ScheduleAlreadyExists extends TaskhubException {
    public ScheduleAlreadyExists(String message) {
      super(message);
    }
  }

  /** The scheduler refused a request as invalid; the message says which field and why. */
  public static final class InvalidRequest extends TaskhubException {
    public InvalidRequest(String message) {
      super(message);
    }
  }
}
