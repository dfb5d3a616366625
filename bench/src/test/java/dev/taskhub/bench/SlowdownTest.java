package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlowdownTest {
  /** A W1 run of 10,000 activities at {@code perSecond}. */
  private static RunMetrics run(double perSecond) {
    long wallNanos = Math.round(10_000 / perSecond * 1e9);
    return new RunMetrics(
        wallNanos, 10_000, new CpuSample(Duration.ZERO, Optional.empty(), Optional.empty()));
  }

  @Test
  void comparesTheMediansAndEachPair() {
    Slowdown slowdown =
        Slowdown.of(
            List.of(run(5000), run(4000), run(6000)), List.of(run(4500), run(4000), run(5400)));

    assertEquals(0.9, slowdown.medianRatio(), 1e-6); // 4500 / 5000
    assertEquals(0.9, slowdown.pairedRatio(), 1e-6); // 0.9, 1.0, 0.9
    assertTrue(slowdown.withinBound());
  }

  @Test
  void pairsCatchASlowdownThatAChangeOfLoadHidesFromTheMedians() {
    // The machine got busier halfway: idle runs fast then slow, purging runs the same.
    Slowdown slowdown =
        Slowdown.of(
            List.of(run(8000), run(8000), run(4000), run(4000)),
            List.of(run(7000), run(7000), run(3000), run(3000)));

    assertEquals(5000.0 / 6000, slowdown.medianRatio(), 1e-6);
    assertEquals((0.875 + 0.75) / 2, slowdown.pairedRatio(), 1e-6);
    assertFalse(slowdown.withinBound());
  }

  @Test
  void moreThanTenPercentSlowerIsOutOfBound() {
    assertFalse(Slowdown.of(List.of(run(1000)), List.of(run(899))).withinBound());
  }

  @Test
  void needsRunsOnBothSides() {
    assertThrows(IllegalArgumentException.class, () -> Slowdown.of(List.of(), List.of(run(1))));
  }

  @Test
  void describesTheRatioAsAChange() {
    assertEquals("0.947 (-5.3%)", Slowdown.describe(0.947));
  }
}
