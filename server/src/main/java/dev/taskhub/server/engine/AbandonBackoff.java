package dev.taskhub.server.engine;

/**
 * How long an abandoned work item waits before it is offered again. The first abandon sends it on
 * at once (to another stream, if one is connected); a worker that keeps refusing it (its version,
 * say, with no other worker around) then sees it again after 100 ms, 200 ms, … up to 5 s, never in
 * a hot loop, and never failed for it: abandons do not count toward the poison limit.
 */
final class AbandonBackoff {
  static final long FIRST_DELAY_MILLIS = 100;
  static final long MAX_DELAY_MILLIS = 5_000;

  private AbandonBackoff() {}

  /** The wait after the {@code abandons}-th abandon in a row (1 for the first). */
  static long delayMillis(int abandons) {
    if (abandons <= 1) {
      return 0;
    }
    int doublings = Math.min(abandons - 2, 20);
    return Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << doublings);
  }
}
