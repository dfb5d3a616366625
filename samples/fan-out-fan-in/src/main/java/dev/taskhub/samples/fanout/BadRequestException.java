package dev.taskhub.samples.fanout;

/** A request the app refuses; its message says what is wrong and is shown to the caller. */
class BadRequestException extends RuntimeException {
  BadRequestException(String message) {
    super(message);
  }
}
