package dev.taskhub.cli;

/** The scheduler did not answer at all (nothing listens, DNS, TLS handshake): exit code 3. */
final class UnreachableServer extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnreachableServer(String target, Throwable cause) {
    super("cannot reach the scheduler at " + target + " (" + cause.getMessage() + ")", cause);
  }
}
