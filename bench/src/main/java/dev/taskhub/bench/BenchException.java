package dev.taskhub.bench;

/** A run that failed, hung or produced a wrong result; the message says which and why. */
final class BenchException extends RuntimeException {
  BenchException(String message) {
    super(message);
  }

  BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
