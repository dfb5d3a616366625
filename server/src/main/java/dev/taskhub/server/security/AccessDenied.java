package dev.taskhub.server.security;

import dev.taskhub.server.TaskhubException;

/** A call refused before it reached the engine; nothing was changed. */
public abstract sealed class AccessDenied extends TaskhubException {
  AccessDenied(String message) {
    super(message);
  }

  /** No credentials, or credentials that do not check out (gRPC UNAUTHENTICATED, HTTP 401). */
  public static final class Unauthenticated extends AccessDenied {
    public Unauthenticated(String message) {
      super(message);
    }
  }

  /** A known caller without the role or the hub (gRPC PERMISSION_DENIED, HTTP 403). */
  public static final class Forbidden extends AccessDenied {
    public Forbidden(String message) {
      super(message);
    }
  }
}
