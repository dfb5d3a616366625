package dev.taskhub.bench;

import java.util.List;

/**
 * How much slower W1 ran while the purger ran than on the idle store, from runs taken in pairs (an
 * idle run, then a purging run, then the next pair), so that a change of load on a shared machine
 * hits both sides alike.
 *
 * @param medianRatio the purging runs' median activities/s over the idle runs'
 * @param pairedRatio the median over the pairs of (purging activities/s / idle activities/s)
 */
record Slowdown(double medianRatio, double pairedRatio) {
  /** The bound issue #16 sets: at most 10% below the idle store. */
  static final double BOUND = 0.9;

  /**
   * The slowdown of {@code purging} against {@code idle}; pair i is the i-th run of each (the
   * shorter list sets the number of pairs).
   *
   * @throws IllegalArgumentException if either list is empty
   */
  static Slowdown of(List<RunMetrics> idle, List<RunMetrics> purging) {
    if (idle.isEmpty() || purging.isEmpty()) {
      throw new IllegalArgumentException("A slowdown needs idle and purging runs");
    }
    double medianRatio =
        Stats.median(purging.stream().mapToDouble(RunMetrics::activitiesPerSecond).toArray())
            / Stats.median(idle.stream().mapToDouble(RunMetrics::activitiesPerSecond).toArray());
    int pairs = Math.min(idle.size(), purging.size());
    double[] ratios = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      ratios[i] = purging.get(i).activitiesPerSecond() / idle.get(i).activitiesPerSecond();
    }
    return new Slowdown(medianRatio, Stats.median(ratios));
  }

  /** True when both ratios are within the bound: the purge cost W1 at most 10%. */
  boolean withinBound() {
    return medianRatio >= BOUND && pairedRatio >= BOUND;
  }

  /** {@code "0.947 (-5.3%)"}. */
  static String describe(double ratio) {
    return String.format("%.3f (%+.1f%%)", ratio, (ratio - 1) * 100);
  }
}
