package dev.taskhub.bench;

import java.util.Arrays;

/** Order statistics for the result lines: medians across runs, percentiles of latencies. */
final class Stats {
  private Stats() {}

  /**
   * The median: the middle value, or the mean of the two middle values of an even count.
   *
   * @throws IllegalArgumentException if there are no values
   */
  static double median(double... values) {
    double[] sorted = sorted(values);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /**
   * The nearest-rank percentile: the smallest value that at least {@code percent}% of the values
   * are less than or equal to. It is always one of the values (never interpolated), so the p99 of
   * 200 latencies is the 198th smallest: the two slowest are above it.
   *
   * @throws IllegalArgumentException if there are no values or {@code percent} is not in (0, 100]
   */
  static double percentile(double percent, double... values) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("A percentile must be in (0, 100], was " + percent);
    }
    double[] sorted = sorted(values);
    int rank = (int) Math.ceil(percent / 100 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  private static double[] sorted(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("No values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted;
  }
}
