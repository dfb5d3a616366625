package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  private static RunMetrics run(long wallMillis, long serverMillis, Long databaseMillis) {
    CpuSample cpu =
        new CpuSample(
            Duration.ofMillis(100),
            Optional.of(Duration.ofMillis(serverMillis)),
            Optional.ofNullable(databaseMillis).map(Duration::ofMillis));
    return new RunMetrics(wallMillis * 1_000_000, 1000, cpu);
  }

  @Test
  void mediansOfCpuArePerActivityAndNeedEveryRunMeasured() {
    Medians measured =
        Medians.of(
            "W1 N=1000", List.of(run(2000, 300, 900L), run(1000, 100, 500L), run(4000, 200, 700L)));

    assertEquals(3, measured.runs());
    assertEquals(2000, measured.wallMillis());
    assertEquals(500, measured.activitiesPerSecond());
    assertEquals(OptionalDouble.of(0.1), measured.benchMillisPerActivity());
    assertEquals(OptionalDouble.of(0.2), measured.serverMillisPerActivity());
    assertEquals(OptionalDouble.of(0.7), measured.databaseMillisPerActivity());

    Medians partly = Medians.of("W1 N=1000", List.of(run(1000, 100, 500L), run(1000, 100, null)));
    assertEquals(OptionalDouble.empty(), partly.databaseMillisPerActivity());
    assertEquals(
        " %13s %13s %13s %15s".formatted("0.100", "0.100", "-", "-"), partly.usageColumns());
  }

  @Test
  void thePeakRssOfAWorkloadIsTheLargestOfItsRunsAndNeedsEveryRunMeasured() {
    CpuSample cpu = new CpuSample(Duration.ZERO, Optional.empty(), Optional.empty());
    RunMetrics small = new RunMetrics(1_000_000, 10, cpu, OptionalLong.of(100L << 20));
    RunMetrics large = new RunMetrics(1_000_000, 10, cpu, OptionalLong.of(300L << 20));
    RunMetrics unmeasured = new RunMetrics(1_000_000, 10, cpu);

    Medians measured = Medians.of("W1 N=10", List.of(small, large, small));
    assertEquals(OptionalLong.of(300L << 20), measured.serverPeakRssBytes());
    assertEquals("300", measured.usageColumns().strip().split(" +")[3]);
    assertEquals(
        OptionalLong.empty(),
        Medians.of("W1 N=10", List.of(large, unmeasured)).serverPeakRssBytes());
  }

  @Test
  void summaryLinesReadBackAsWritten() {
    Medians medians =
        new Medians(
            "W2 instances=500 worker=sdk",
            3,
            3626.4,
            413.7,
            OptionalDouble.of(0.66),
            OptionalDouble.of(1.7134),
            OptionalDouble.empty(),
            OptionalLong.of(412L << 20));
    List<String> lines =
        List.of(
            Comparison.resultLine("sqlite, 1 node", medians),
            "",
            Comparison.failureLine(
                "postgres, 2 nodes", "Instance x did not\tcomplete\nwithin PT2M"));

    Comparison read = Comparison.parse(lines);

    assertEquals(List.of("sqlite, 1 node", "postgres, 2 nodes"), read.configurations());
    assertEquals(List.of(new Comparison.Result("sqlite, 1 node", medians)), read.results());
    assertEquals(
        List.of(
            new Comparison.Failure("postgres, 2 nodes", "Instance x did not complete within PT2M")),
        read.failures());
  }

  @Test
  void aMalformedLineIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Comparison.parse(List.of("result\tx\t1")));
    assertThrows(
        IllegalArgumentException.class, () -> Comparison.parse(List.of("W1 N=1000 run=1")));
  }

  @Test
  void theTableShowsEachWorkloadForEveryConfigurationInTheOrderTheyRanThenTheFailures() {
    Medians sqlite =
        new Medians(
            "W1 N=10000 worker=sdk",
            3,
            4419,
            2263,
            OptionalDouble.of(0.2),
            OptionalDouble.of(0.35),
            OptionalDouble.empty(),
            OptionalLong.empty());
    Medians postgres =
        new Medians(
            "W1 N=10000 worker=sdk",
            3,
            6000,
            1667,
            OptionalDouble.of(0.2),
            OptionalDouble.of(0.5),
            OptionalDouble.of(0.25),
            OptionalLong.empty());
    Comparison comparison =
        Comparison.parse(
            List.of(
                Comparison.resultLine("sqlite, 1 node", sqlite),
                Comparison.failureLine("postgres, 1 node", "did not complete within PT2M"),
                Comparison.resultLine("postgres, 2 nodes", postgres)));

    String header =
        "workload               configuration      runs    wall ms activities/s  bench ms/act"
            + " server ms/act     db ms/act server peak MiB";
    assertEquals(
        String.join(
            "\n",
            "Comparison: medians of the measured runs; CPU in ms per activity; the scheduler's peak RSS"
                + " over the runs (- = not measured)",
            header,
            "W1 N=10000 worker=sdk  sqlite, 1 node        3       4419         2263         0.200"
                + "         0.350             -               -",
            "                       postgres, 1 node   no result",
            "                       postgres, 2 nodes     3       6000         1667         0.200"
                + "         0.500         0.250               -",
            "FAILED postgres, 1 node: did not complete within PT2M",
            ""),
        comparison.format());
  }

  @Test
  void aTableWithEntityWorkloadsSaysWhatTheirActivitiesAre() {
    Medians e1 =
        new Medians(
            "E1 signals=10000 entities=1 worker=sdk",
            3,
            5000,
            2000,
            OptionalDouble.of(0.2),
            OptionalDouble.of(0.3),
            OptionalDouble.empty(),
            OptionalLong.empty());

    String table = Comparison.parse(List.of(Comparison.resultLine("sqlite, 1 node", e1))).format();

    assertEquals(
        "E rows: activities are entity operations (E1, E2: signals; E3: orchestrations calling an"
            + " entity)",
        table.lines().toList().get(1));
  }
}
