package dev.taskhub.bench;

/**
 * A bench counter's state: how many {@code add} operations it applied and the sum of their amounts.
 * Every operation of a run adds a distinct amount, so a lost or a duplicated operation shows in the
 * count, and one lost and another duplicated in the sum.
 */
record Tally(long count, long sum) {
  /** A counter that has applied nothing. */
  static final Tally EMPTY = new Tally(0, 0);

  /** This tally after one more operation adding {@code amount}. */
  Tally add(long amount) {
    return new Tally(count + 1, sum + amount);
  }

  /** The tally of this one's operations and {@code other}'s together. */
  Tally plus(Tally other) {
    return new Tally(count + other.count, sum + other.sum);
  }
}
