package dev.taskhub.cli;

/**
 * Input that parsed but does not make sense (JSON that is not JSON, a purge without a filter, a
 * status a purge cannot delete): exit code 2, like a usage error picocli finds.
 */
final class UsageError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageError(String message) {
    super(message);
  }
}
