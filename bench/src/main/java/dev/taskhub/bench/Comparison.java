package dev.taskhub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The results of several configurations (SQLite, PostgreSQL with one node, with two...) side by
 * side. Each bench run given {@code --summary FILE} appends one tab-separated line per workload
 * ({@link #resultLine}) and one for its failure ({@link #failureLine}), which {@code bench/run}
 * also writes when a configuration could not start; {@link #main} reads the file and prints the
 * table.
 *
 * @param configurations in the order they first appear in the file: the order they ran
 * @param results the medians, in file order
 * @param failures why a configuration stopped, in file order
 */
record Comparison(List<String> configurations, List<Result> results, List<Failure> failures) {
  /** One workload's medians in one configuration. */
  record Result(String configuration, Medians medians) {}

  /** Why a configuration stopped early. */
  record Failure(String configuration, String message) {}

  private static final String RESULT = "result";
  private static final String FAILURE = "failure";
  private static final String NONE = "-";

  /** Prints the table for the summary file named by the one argument; exits 2 on bad usage. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("Usage: Comparison SUMMARY-FILE");
      System.exit(2);
    }
    System.out.print(parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)).format());
  }

  /** The summary line of one workload's medians in {@code configuration}. */
  static String resultLine(String configuration, Medians medians) {
    return String.join(
        "\t",
        RESULT,
        clean(configuration),
        clean(medians.workload()),
        Integer.toString(medians.runs()),
        String.format(Locale.ROOT, "%.3f", medians.wallMillis()),
        String.format(Locale.ROOT, "%.3f", medians.activitiesPerSecond()),
        number(medians.benchMillisPerActivity()),
        number(medians.serverMillisPerActivity()),
        number(medians.databaseMillisPerActivity()),
        medians.serverPeakRssBytes().isPresent()
            ? Long.toString(medians.serverPeakRssBytes().getAsLong())
            : NONE);
  }

  /** The summary line of a configuration that stopped early. */
  static String failureLine(String configuration, String message) {
    return String.join("\t", FAILURE, clean(configuration), clean(message));
  }

  /** Appends lines to a summary file, creating it if needed. */
  static void append(Path file, List<String> lines) throws IOException {
    Files.write(
        file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * Reads summary lines; blank lines are skipped.
   *
   * @throws IllegalArgumentException for a line that is neither a result nor a failure
   */
  static Comparison parse(List<String> lines) {
    Set<String> configurations = new LinkedHashSet<>();
    List<Result> results = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length > 1) {
        configurations.add(fields[1]);
      }
      if (fields[0].equals(RESULT) && fields.length == 10) {
        try {
          Medians medians =
              new Medians(
                  fields[2],
                  Integer.parseInt(fields[3]),
                  Double.parseDouble(fields[4]),
                  Double.parseDouble(fields[5]),
                  optional(fields[6]),
                  optional(fields[7]),
                  optional(fields[8]),
                  fields[9].equals(NONE)
                      ? OptionalLong.empty()
                      : OptionalLong.of(Long.parseLong(fields[9])));
          results.add(new Result(fields[1], medians));
          continue;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Malformed summary line: " + line, e);
        }
      }
      if (fields[0].equals(FAILURE) && fields.length == 3) {
        failures.add(new Failure(fields[1], fields[2]));
        continue;
      }
      throw new IllegalArgumentException("Malformed summary line: " + line);
    }
    return new Comparison(List.copyOf(configurations), results, failures);
  }

  /**
   * The table: one row per workload and configuration, workloads in the order they first appear,
   * configurations in the order they ran; a configuration that has no result for a workload another
   * one has shows {@code no result}. The failures follow.
   */
  String format() {
    Map<String, Map<String, Medians>> byWorkload = new LinkedHashMap<>();
    for (Result result : results) {
      byWorkload
          .computeIfAbsent(result.medians().workload(), k -> new LinkedHashMap<>())
          .put(result.configuration(), result.medians());
    }
    int workloadWidth = width("workload", byWorkload.keySet());
    int configurationWidth = width("configuration", configurations);
    String rowFormat = "%-" + workloadWidth + "s  %-" + configurationWidth + "s  %s%n";

    StringBuilder table = new StringBuilder();
    table.append(
        "Comparison: medians of the measured runs; CPU in ms per activity; the scheduler's peak RSS"
            + " over the runs (- = not measured)\n");
    if (byWorkload.keySet().stream().anyMatch(workload -> workload.matches("E\\d .*"))) {
      // The entity workloads' medians share the columns: their activity is one operation.
      table.append(
          "E rows: activities are entity operations (E1, E2: signals; E3: orchestrations calling an"
              + " entity)\n");
    }
    table.append(
        String.format(
            rowFormat,
            "workload",
            "configuration",
            String.format("%4s %10s %12s", "runs", "wall ms", "activities/s")
                + Medians.usageHeaders()));
    byWorkload.forEach(
        (workload, medians) -> {
          String label = workload;
          for (String configuration : configurations) {
            Medians row = medians.get(configuration);
            String values =
                row == null
                    ? "no result"
                    : String.format(
                            "%4d %10.0f %12.0f",
                            row.runs(), row.wallMillis(), row.activitiesPerSecond())
                        + row.usageColumns();
            table.append(String.format(rowFormat, label, configuration, values));
            label = "";
          }
        });
    if (results.isEmpty()) {
      table.append("(no results)\n");
    }
    for (Failure failure : failures) {
      table.append("FAILED ").append(failure.configuration()).append(": ");
      table.append(failure.message()).append('\n');
    }
    return table.toString();
  }

  private static int width(String header, Collection<String> values) {
    return Math.max(header.length(), values.stream().mapToInt(String::length).max().orElse(0));
  }

  /** Tabs and line breaks would break the line format; a message keeps its words. */
  private static String clean(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  private static String number(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.6f", value.getAsDouble()) : NONE;
  }

  private static OptionalDouble optional(String field) {
    return field.equals(NONE)
        ? OptionalDouble.empty()
        : OptionalDouble.of(Double.parseDouble(field));
  }
}
