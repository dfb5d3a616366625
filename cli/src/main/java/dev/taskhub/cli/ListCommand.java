package dev.taskhub.cli;

import dev.taskhub.sdk.client.InstanceQuery;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code taskhub list}: instances in creation order, filtered. Status, id prefix and creation range
 * go to the scheduler ({@code QueryInstances}); the protocol has no name or tag filter, so those
 * are applied here to the pages as they arrive.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List instances, oldest first (JSON lines with -o json).",
    footer = {
      "",
      "Examples:",
      "  taskhub list --status running,pending",
      "  taskhub list --name FanOut --created-after 2h --limit 20",
      "  taskhub list --id-prefix order- --tag team=ops -o json"
    })
final class ListCommand extends ClientCommand {
  @Option(
      names = "--status",
      split = ",",
      paramLabel = "STATUS",
      description = "Only these statuses (comma-separated): ${COMPLETION-CANDIDATES}")
  Set<OrchestrationStatus> statuses = new LinkedHashSet<>();

  @Option(names = "--name", paramLabel = "PREFIX", description = "Names starting with PREFIX.")
  String namePrefix;

  @Option(names = "--id-prefix", paramLabel = "PREFIX", description = "Ids starting with PREFIX.")
  String idPrefix;

  @Option(
      names = "--created-after",
      paramLabel = "TIME",
      converter = When.Converter.class,
      description = "Created at or after TIME: an instant, a date, or a duration ago (2h, 7d).")
  When createdAfter;

  @Option(
      names = "--created-before",
      paramLabel = "TIME",
      converter = When.Converter.class,
      description = "Created at or before TIME: an instant, a date, or a duration ago.")
  When createdBefore;

  @Option(
      names = "--tag",
      paramLabel = "KEY=VALUE",
      description = "Only instances with this tag; repeat for more (all must match).")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N instances; 0 for all. Default: ${DEFAULT-VALUE}")
  int limit = 100;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      description = "Instances fetched per call to the scheduler. Default: ${DEFAULT-VALUE}")
  int pageSize = 100;

  @Override
  int run(TaskhubClient client) {
    if (limit < 0 || pageSize < 1) {
      throw new UsageError("--limit must be 0 or more and --page-size 1 or more");
    }
    InstanceQuery query =
        InstanceQuery.all()
            .withStatuses(statuses.toArray(OrchestrationStatus[]::new))
            .createdBetween(
                createdAfter == null ? null : createdAfter.ago(session.clock()),
                createdBefore == null ? null : createdBefore.ago(session.clock()))
            .withInstanceIdPrefix(idPrefix)
            .withPageSize(pageSize);
    Predicate<OrchestrationMetadata> wanted =
        instance ->
            (namePrefix == null || instance.name().startsWith(namePrefix))
                && instance.tags().entrySet().containsAll(tags.entrySet());
    // one more than the limit tells whether there are more
    List<OrchestrationMetadata> found =
        client.query(query).filter(wanted).limit(limit == 0 ? Long.MAX_VALUE : limit + 1L).toList();
    boolean more = limit > 0 && found.size() > limit;
    List<OrchestrationMetadata> shown = more ? found.subList(0, limit) : found;
    if (json()) {
      shown.forEach(instance -> out().println(Json.line(Json.instance(instance))));
      return ExitCodes.OK;
    }
    Instant now = session.clock().instant();
    Table table = new Table("INSTANCE ID", "NAME", "STATUS", "CREATED", "UPDATED");
    for (OrchestrationMetadata instance : shown) {
      table.row(
          instance.instanceId(),
          instance.name(),
          InstanceView.status(terminal(), instance.status()),
          RelativeTime.of(instance.createdAt(), now),
          RelativeTime.of(instance.lastUpdatedAt(), now));
    }
    if (table.isEmpty()) {
      out().println("No instances match.");
    } else {
      table.print(out());
    }
    if (more) {
      out()
          .println(
              terminal()
                  .paint(Terminal.Colour.GREY, "… more; raise --limit (0 for all) to see them"));
    }
    return ExitCodes.OK;
  }
}
