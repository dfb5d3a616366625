package dev.taskhub.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.sdk.client.OverlapPolicy;
import dev.taskhub.sdk.client.Schedule;
import dev.taskhub.sdk.client.ScheduleSpec;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.client.TaskhubSchedules;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code taskhub schedule create|list|get|update|pause|resume|trigger|delete}: recurring schedules,
 * through the SDK's {@link TaskhubSchedules} (the scheduler's HTTP API: schedules are not in the
 * protocol).
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = "Recurring schedules: start an orchestration on a cron expression or interval.",
    subcommands = {
      ScheduleCommand.Create.class,
      ScheduleCommand.ListSchedules.class,
      ScheduleCommand.Get.class,
      ScheduleCommand.Update.class,
      ScheduleCommand.Pause.class,
      ScheduleCommand.Resume.class,
      ScheduleCommand.Trigger.class,
      ScheduleCommand.Delete.class
    },
    footer = {
      "",
      "Examples:",
      "  taskhub schedule create nightly-report --orchestration Report --cron '0 2 * * *' \\",
      "      --time-zone Europe/Berlin --input '{\"region\": \"eu\"}' --overlap skip",
      "  taskhub schedule create heartbeat --orchestration Ping --every 5m",
      "  taskhub schedule list",
      "  taskhub schedule trigger nightly-report",
      "  taskhub schedule pause nightly-report"
    })
final class ScheduleCommand {
  private ScheduleCommand() {}

  /** A schedule command: the HTTP endpoint option and the schedules client. */
  abstract static class ScheduleSubcommand extends ClientCommand {
    @Option(
        names = "--http-endpoint",
        paramLabel = "URL",
        description = "The scheduler's HTTP API. Default: the gRPC endpoint's host, port 8082")
    String httpEndpoint;

    @Override
    final int run(TaskhubClient client) {
      try (TaskhubSchedules schedules =
          TaskhubSchedules.connect(
              settings,
              httpEndpoint == null ? null : URI.create(httpEndpoint),
              settings.trustedCertificates() == null
                  ? null
                  : TrustedCertificates.sslContext(settings.trustedCertificates()))) {
        return run(schedules);
      }
    }

    abstract int run(TaskhubSchedules schedules);

    /** One schedule: a JSON line, or its fields as a table. */
    void print(Schedule schedule) {
      if (json()) {
        out().println(Json.line(toJson(schedule)));
        return;
      }
      Instant now = session.clock().instant();
      ScheduleSpec spec = schedule.spec();
      Table lines = new Table("Schedule", spec.id());
      lines.row("Orchestration", spec.orchestration());
      lines.row("When", when(spec));
      lines.row("Status", schedule.status());
      lines.row("Next run", time(schedule.nextRunAt(), now));
      lines.row("Last run", time(schedule.lastRunAt(), now));
      lines.row(
          "Last instance", schedule.lastInstanceId() == null ? "-" : schedule.lastInstanceId());
      lines.row("Overlap", spec.overlap().name().toLowerCase(Locale.ROOT));
      lines.row(
          "Runs",
          schedule.runs()
              + " (skipped "
              + schedule.skipped()
              + ", missed "
              + schedule.missed()
              + ")");
      lines.print(out());
    }
  }

  static String when(ScheduleSpec spec) {
    return spec.cron() != null
        ? spec.cron() + " (" + spec.timeZone() + ")"
        : "every " + spec.interval().toString().substring(2).toLowerCase(Locale.ROOT);
  }

  static String time(Instant at, Instant now) {
    return at == null ? "-" : RelativeTime.full(at, now);
  }

  static ObjectNode toJson(Schedule schedule) {
    ScheduleSpec spec = schedule.spec();
    ObjectNode node = Json.object();
    node.put("id", spec.id());
    node.put("orchestration", spec.orchestration());
    node.put("version", spec.version());
    node.set("input", Json.payload(spec.inputJson()));
    node.put("cron", spec.cron());
    node.put("interval", spec.interval() == null ? null : spec.interval().toString());
    node.put("timeZone", spec.timeZone().getId());
    node.put("startAt", spec.startAt() == null ? null : spec.startAt().toString());
    node.put("endAt", spec.endAt() == null ? null : spec.endAt().toString());
    node.put("overlap", spec.overlap().name().toLowerCase(Locale.ROOT));
    node.put("catchUpWindow", spec.catchUpWindow().toString());
    node.put("status", schedule.status());
    node.put("nextRunAt", schedule.nextRunAt() == null ? null : schedule.nextRunAt().toString());
    node.put("lastRunAt", schedule.lastRunAt() == null ? null : schedule.lastRunAt().toString());
    node.put("lastInstanceId", schedule.lastInstanceId());
    node.put("runs", schedule.runs());
    node.put("skipped", schedule.skipped());
    node.put("missed", schedule.missed());
    return node;
  }

  /** When a schedule fires: exactly one of a cron expression and an interval. */
  static final class Timing {
    @Option(
        names = "--cron",
        paramLabel = "EXPR",
        required = true,
        description = "Five-field cron: minute hour day-of-month month day-of-week.")
    String cron;

    @Option(
        names = "--every",
        paramLabel = "DURATION",
        required = true,
        converter = When.DurationConverter.class,
        description = "A fixed interval (30s, 5m, 1h, PT1H).")
    Duration every;
  }

  /** What {@code create} and {@code update} take. */
  static final class SpecOptions {
    // Not mixinStandardHelpOptions on create and update: its -V/--version would take --version.
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;

    @Option(
        names = "--orchestration",
        paramLabel = "NAME",
        required = true,
        description = "The orchestration each run starts.")
    String orchestration;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Timing timing;

    @Option(
        names = "--time-zone",
        paramLabel = "ZONE",
        description = "The zone cron fields are read in (e.g. Europe/Berlin). Default: UTC")
    String timeZone;

    @Option(names = "--input", paramLabel = "JSON", description = "The runs' input: JSON or @file.")
    String input;

    @Option(names = "--version", paramLabel = "VERSION", description = "The runs' version.")
    String version;

    @Option(
        names = "--start",
        paramLabel = "TIME",
        description = "No run before this ISO-8601 instant.")
    Instant start;

    @Option(names = "--end", paramLabel = "TIME", description = "No run after this instant.")
    Instant end;

    @Option(
        names = "--overlap",
        paramLabel = "POLICY",
        description =
            "When the previous run still goes: skip, buffer_one, allow_all, terminate_previous."
                + " Default: skip")
    String overlap;

    @Option(
        names = "--catch-up",
        paramLabel = "DURATION",
        converter = When.DurationConverter.class,
        description = "Fire times missed by less than this (scheduler down) still run. Default: 1m")
    Duration catchUp;

    ScheduleSpec spec(String id) {
      ScheduleSpec spec =
          timing.cron != null
              ? ScheduleSpec.cron(id, orchestration, timing.cron)
              : ScheduleSpec.every(id, orchestration, timing.every);
      if (timeZone != null) {
        try {
          spec = spec.withTimeZone(ZoneId.of(timeZone));
        } catch (DateTimeException e) {
          throw new UsageError(
              "--time-zone '" + timeZone + "' is no time zone (e.g. Europe/Berlin)");
        }
      }
      if (input != null) {
        spec = spec.withInputJson(JsonInput.parse("--input", input).toString());
      }
      if (overlap != null) {
        try {
          spec = spec.withOverlap(OverlapPolicy.valueOf(overlap.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new UsageError(
              "--overlap '"
                  + overlap
                  + "' is not skip, buffer_one, allow_all or terminate_previous");
        }
      }
      return spec.withVersion(version).withWindow(start, end).withCatchUpWindow(catchUp);
    }
  }

  /** {@code taskhub schedule create ID …}. */
  @Command(
      name = "create",
      description = "Create a schedule; its first run is at the first fire time after now.",
      footer = {
        "",
        "Example:",
        "  taskhub schedule create nightly-report --orchestration Report --cron '0 2 * * *'"
      })
  static final class Create extends ScheduleSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Mixin SpecOptions options;

    @Override
    int run(TaskhubSchedules schedules) {
      Schedule created = schedules.create(options.spec(id));
      say("Created schedule " + id);
      print(created);
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub schedule update ID …}: the whole spec again. */
  @Command(
      name = "update",
      description = "Replace a schedule's spec (counts and its last run are kept).",
      footer = {
        "",
        "Example:",
        "  taskhub schedule update heartbeat --orchestration Ping --every 10m"
      })
  static final class Update extends ScheduleSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Mixin SpecOptions options;

    @Override
    int run(TaskhubSchedules schedules) {
      Schedule updated = schedules.update(options.spec(id));
      say("Updated schedule " + id);
      print(updated);
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub schedule list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the task hub's schedules (JSON lines with -o json).",
      footer = {"", "Example:", "  taskhub schedule list"})
  static final class ListSchedules extends ScheduleSubcommand {
    @Override
    int run(TaskhubSchedules schedules) {
      List<Schedule> found = schedules.list();
      if (json()) {
        found.forEach(schedule -> out().println(Json.line(toJson(schedule))));
        return ExitCodes.OK;
      }
      if (found.isEmpty()) {
        out().println("No schedules.");
        return ExitCodes.OK;
      }
      Instant now = session.clock().instant();
      Table table =
          new Table("SCHEDULE", "ORCHESTRATION", "WHEN", "STATUS", "NEXT RUN", "LAST RUN", "RUNS");
      for (Schedule schedule : found) {
        table.row(
            schedule.spec().id(),
            schedule.spec().orchestration(),
            when(schedule.spec()),
            schedule.status(),
            schedule.nextRunAt() == null ? "-" : RelativeTime.of(schedule.nextRunAt(), now),
            schedule.lastRunAt() == null ? "-" : RelativeTime.of(schedule.lastRunAt(), now),
            String.valueOf(schedule.runs()));
      }
      table.print(out());
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub schedule get ID}. */
  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Show a schedule: when it fires, its next and last runs.",
      footer = {"", "Example:", "  taskhub schedule get nightly-report -o json"})
  static final class Get extends ScheduleSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Override
    int run(TaskhubSchedules schedules) {
      print(
          schedules
              .get(id)
              .orElseThrow(
                  () ->
                      new dev.taskhub.sdk.TaskhubException.ScheduleNotFound(
                          "No schedule with ID '" + id + "' was found")));
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub schedule pause ID}. */
  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop a schedule firing until it is resumed.")
  static final class Pause extends ScheduleSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Override
    int run(TaskhubSchedules schedules) {
      Schedule paused = schedules.pause(id);
      say("Paused schedule " + id);
      print(paused);
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub schedule resume ID}. */
  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Fire again from now on (times passed while paused are not caught up).")
  static final class Resume extends ScheduleSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Override
    int run(TaskhubSchedules schedules) {
      Schedule resumed = schedules.resume(id);
      say("Resumed schedule " + id);
      print(resumed);
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub schedule trigger ID}. */
  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description = "Start a run now, whatever the overlap policy; prints its instance id.")
  static final class Trigger extends ScheduleSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Override
    int run(TaskhubSchedules schedules) {
      String instanceId = schedules.trigger(id);
      if (json()) {
        out().println(Json.line(Json.object().put("instanceId", instanceId).put("schedule", id)));
      } else {
        out().println(instanceId);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code taskhub schedule delete ID}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a schedule; the runs it started are left alone.")
  static final class Delete extends ScheduleSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Override
    int run(TaskhubSchedules schedules) {
      schedules.delete(id);
      say("Deleted schedule " + id);
      if (json()) {
        out().println(Json.line(Json.object().put("schedule", id).put("action", "delete")));
      }
      return ExitCodes.OK;
    }
  }
}
