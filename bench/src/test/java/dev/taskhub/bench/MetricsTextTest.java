package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MetricsTextTest {
  private static final String SCRAPE =
      """
      # HELP taskhub_instances Instances by status
      # TYPE taskhub_instances gauge
      taskhub_instances{hub="default",status="TERMINATED"} 95000.0
      taskhub_instances{hub="default",status="COMPLETED"} 12.0
      taskhub_instances{hub="other",status="TERMINATED"} 7.0
      taskhub_instances_created_total{hub="default"} 3.0
      taskhub_retention_purged_total{hub="default",node="a",status="TERMINATED",} 100.0
      taskhub_retention_purged_total{hub="default",node="b",status="TERMINATED",} 250.0
      taskhub_up 1.0 1700000000000
      """;

  @Test
  void readsTheSampleWithTheGivenLabels() {
    assertEquals(
        OptionalDouble.of(95000),
        MetricsText.sum(
            SCRAPE, "taskhub_instances", Map.of("hub", "default", "status", "TERMINATED")));
  }

  @Test
  void sumsTheSeriesThatFurtherLabelsSplit() {
    assertEquals(
        OptionalDouble.of(350),
        MetricsText.sum(SCRAPE, "taskhub_retention_purged_total", Map.of("hub", "default")));
  }

  @Test
  void aMetricWhoseNameOnlyStartsTheSameIsAnother() {
    assertEquals(
        OptionalDouble.of(95012 + 7), MetricsText.sum(SCRAPE, "taskhub_instances", Map.of()));
  }

  @Test
  void readsASampleWithoutLabelsAndWithATimestamp() {
    assertEquals(OptionalDouble.of(1), MetricsText.sum(SCRAPE, "taskhub_up", Map.of()));
  }

  @Test
  void noMatchingSeriesIsEmptyNotZero() {
    assertEquals(
        OptionalDouble.empty(),
        MetricsText.sum(SCRAPE, "taskhub_instances", Map.of("hub", "missing")));
  }

  @Test
  void labelValuesMayHoldEscapedQuotesAndCommas() {
    String text = "m{a=\"x\\\",y\",b=\"z\"} 2\n";
    assertEquals(OptionalDouble.of(2), MetricsText.sum(text, "m", Map.of("a", "x\",y")));
  }

  @Test
  void aMalformedSampleIsAnError() {
    assertThrows(
        IllegalArgumentException.class, () -> MetricsText.sum("m{a=\"x\"} many\n", "m", Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> MetricsText.sum("m{a=x} 1\n", "m", Map.of()));
  }
}
