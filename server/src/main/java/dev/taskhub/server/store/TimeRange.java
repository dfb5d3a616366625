package dev.taskhub.server.store;

/**
 * An inclusive range of instants in epoch milliseconds, either end open.
 *
 * @param from the first instant in the range, 0 for no lower bound
 * @param to the last instant in the range, {@code Long.MAX_VALUE} for no upper bound
 */
public record TimeRange(long from, long to) {
  /** Every instant. */
  public static final TimeRange ANY = new TimeRange(0, Long.MAX_VALUE);

  public boolean hasFrom() {
    return from > 0;
  }

  public boolean hasTo() {
    return to < Long.MAX_VALUE;
  }
}
