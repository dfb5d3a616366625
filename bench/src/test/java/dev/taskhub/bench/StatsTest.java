package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {
  /** 1, 2, ..., n in a shuffled order, so that the functions must sort. */
  private static double[] oneTo(int n) {
    return IntStream.rangeClosed(1, n).map(i -> (i * 7919) % n + 1).asDoubleStream().toArray();
  }

  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    assertEquals(5, Stats.median(9, 1, 5));
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    assertEquals(2.5, Stats.median(4, 1, 3, 2));
  }

  @Test
  void percentilesOf200LatenciesLeaveTheRightNumberAbove() {
    double[] latencies = oneTo(200);

    assertEquals(100, Stats.percentile(50, latencies));
    assertEquals(198, Stats.percentile(99, latencies));
    assertEquals(200, Stats.percentile(100, latencies));
  }

  @Test
  void percentileOfFewValuesIsOneOfThem() {
    assertEquals(7, Stats.percentile(99, 7));
    assertEquals(1, Stats.percentile(1, oneTo(10)));
    assertEquals(10, Stats.percentile(99, oneTo(10)));
  }

  @Test
  void noValuesOrAPercentOutOfRangeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Stats.median());
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(0, 1));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(101, 1));
  }
}
