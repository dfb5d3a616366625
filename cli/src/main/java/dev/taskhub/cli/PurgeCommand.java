package dev.taskhub.cli;

import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.InstanceQuery;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code taskhub purge ID} or {@code taskhub purge --status … --older-than 7d}: deletes ended
 * instances with their history.
 *
 * <p>A filter purge first lists what matches (so it can say how many and ask), then purges those
 * ids {@link #IN_FLIGHT} at a time with a progress bar, rather than one filter call that would
 * answer only at the end; instances that match later are left alone, as they were not counted.
 */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = {
      "Delete ended instances and their history: one by id, or every one matching a filter.",
      "A filter purge says how many match and asks first, unless --yes."
    },
    footer = {
      "",
      "Examples:",
      "  taskhub purge 3f2a9c",
      "  taskhub purge --status completed,terminated --older-than 7d",
      "  taskhub purge --older-than 30d --yes"
    })
final class PurgeCommand extends ClientCommand {
  private static final int IN_FLIGHT = 8;
  private static final Set<OrchestrationStatus> ENDED =
      EnumSet.of(
          OrchestrationStatus.COMPLETED,
          OrchestrationStatus.FAILED,
          OrchestrationStatus.TERMINATED,
          OrchestrationStatus.CANCELED);

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ID",
      description = "The instance to purge; or give a filter instead.")
  String instanceId;

  @Option(
      names = "--status",
      split = ",",
      paramLabel = "STATUS",
      description =
          "Only these ended statuses: COMPLETED, FAILED, TERMINATED, CANCELED. Default: all")
  Set<OrchestrationStatus> statuses = new LinkedHashSet<>();

  @Option(
      names = "--older-than",
      paramLabel = "DURATION",
      converter = When.DurationConverter.class,
      description = "Only instances created more than DURATION ago (e.g. 7d, 12h).")
  Duration olderThan;

  @Option(
      names = "--created-after",
      paramLabel = "TIME",
      converter = When.Converter.class,
      description = "Only instances created at or after TIME.")
  When createdAfter;

  @Option(names = "--yes", description = "Do not ask before a filter purge.")
  boolean yes;

  @Override
  int run(TaskhubClient client) {
    boolean filtered = !statuses.isEmpty() || olderThan != null || createdAfter != null;
    if (instanceId != null && filtered) {
      throw new UsageError("give an instance ID or a filter, not both");
    }
    if (instanceId != null) {
      return purgeOne(client);
    }
    if (!filtered) {
      throw new UsageError(
          "give an instance ID, or a filter (--status, --older-than, --created-after)");
    }
    return purgeMatching(client);
  }

  private int purgeOne(TaskhubClient client) {
    if (!client.purge(instanceId)) {
      throw new TaskhubException.InstanceNotFound(
          "No instance with ID '" + instanceId + "' was found", null);
    }
    say("Purged " + instanceId);
    if (json()) {
      out().println(Json.line(Json.object().put("purged", 1).put("instanceId", instanceId)));
    }
    return ExitCodes.OK;
  }

  private int purgeMatching(TaskhubClient client) {
    Set<OrchestrationStatus> wanted = statuses.isEmpty() ? ENDED : statuses;
    if (!ENDED.containsAll(wanted)) {
      throw new UsageError(
          "purge deletes ended instances only; --status takes COMPLETED, FAILED, TERMINATED,"
              + " CANCELED");
    }
    Instant createdTo = olderThan == null ? null : session.clock().instant().minus(olderThan);
    Instant createdFrom = createdAfter == null ? null : createdAfter.ago(session.clock());
    List<String> ids =
        client
            .query(
                InstanceQuery.all()
                    .withStatuses(wanted.toArray(OrchestrationStatus[]::new))
                    .createdBetween(createdFrom, createdTo))
            .map(OrchestrationMetadata::instanceId)
            .toList();
    String what = describe(wanted, createdFrom, createdTo);
    if (ids.isEmpty()) {
      say("No instances to purge (" + what + ")");
      printCounts(0, 0);
      return ExitCodes.OK;
    }
    if (!yes && !confirmed(ids.size(), what)) {
      say("Nothing purged");
      printCounts(0, ids.size());
      return ExitCodes.FAILED;
    }
    int purged = purgeAll(client, ids);
    say("Purged " + purged + " of " + ids.size() + " instances");
    printCounts(purged, ids.size());
    return ExitCodes.OK;
  }

  private boolean confirmed(int count, String what) {
    if (!terminal().interactive()) {
      throw new UsageError(
          count + " instances match (" + what + "); add --yes to purge them without a terminal");
    }
    out().print("Purge " + count + " instances (" + what + ")? [y/N] ");
    out().flush();
    try {
      String answer = session.in().readLine();
      return answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int purgeAll(TaskhubClient client, List<String> ids) {
    ProgressBar bar = json() ? null : new ProgressBar(out(), terminal(), "purged");
    int purged = 0;
    int done = 0;
    try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int start = 0; start < ids.size(); start += IN_FLIGHT) {
        List<Future<Boolean>> batch = new ArrayList<>();
        for (String id : ids.subList(start, Math.min(ids.size(), start + IN_FLIGHT))) {
          batch.add(calls.submit(() -> client.purge(id)));
        }
        for (Future<Boolean> call : batch) {
          purged += join(call) ? 1 : 0;
          done++;
        }
        if (bar != null) {
          bar.update(done, ids.size(), "");
        }
      }
    }
    if (bar != null) {
      bar.finish();
    }
    return purged;
  }

  private static boolean join(Future<Boolean> call) {
    try {
      return call.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException refused) {
        throw refused;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while purging", e);
    }
  }

  private void printCounts(int purged, int matched) {
    if (json()) {
      out().println(Json.line(Json.object().put("purged", purged).put("matched", matched)));
    }
  }

  private static String describe(Set<OrchestrationStatus> wanted, Instant from, Instant to) {
    List<String> parts = new ArrayList<>();
    parts.add(
        Arrays.stream(OrchestrationStatus.values())
            .filter(wanted::contains)
            .map(Enum::name)
            .collect(Collectors.joining(",")));
    if (from != null) {
      parts.add("created after " + from);
    }
    if (to != null) {
      parts.add("created before " + to);
    }
    return String.join(", ", parts);
  }
}
