package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which instances of one task hub a query reads or counts: the gRPC {@code QueryInstances} and
 * {@code ListInstanceIds}, the Durable Functions list, the {@code /api/v1} list and counts, purges
 * and the metrics all filter with it. An instance matches when it passes every part; an empty part
 * passes everything.
 *
 * @param hub the task hub
 * @param statuses statuses to include; empty for all
 * @param created when the instance was created
 * @param completed when the instance ended; a bounded range leaves out instances that have not
 *     ended
 * @param instanceIdPrefix only ids starting with it; empty (or null) for all
 * @param namePrefix only orchestration names starting with it; empty (or null) for all
 * @param tags tags the instance must all have, with exactly these values; empty for any
 * @param versions orchestration versions to include ({@code ""}: instances without a version);
 *     empty for all
 */
public record InstanceFilter(
    String hub,
    Set<OrchestrationStatus> statuses,
    TimeRange created,
    TimeRange completed,
    String instanceIdPrefix,
    String namePrefix,
    Map<String, String> tags,
    Set<String> versions) {

  /** A filter on any version. */
  public InstanceFilter(
      String hub,
      Set<OrchestrationStatus> statuses,
      TimeRange created,
      TimeRange completed,
      String instanceIdPrefix,
      String namePrefix,
      Map<String, String> tags) {
    this(hub, statuses, created, completed, instanceIdPrefix, namePrefix, tags, Set.of());
  }

  /** A filter on no tags. */
  public InstanceFilter(
      String hub,
      Set<OrchestrationStatus> statuses,
      TimeRange created,
      TimeRange completed,
      String instanceIdPrefix,
      String namePrefix) {
    this(hub, statuses, created, completed, instanceIdPrefix, namePrefix, Map.of());
  }

  public InstanceFilter {
    Objects.requireNonNull(hub, "hub");
    statuses = Set.copyOf(statuses);
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(completed, "completed");
    instanceIdPrefix = instanceIdPrefix == null ? "" : instanceIdPrefix;
    namePrefix = namePrefix == null ? "" : namePrefix;
    tags = Map.copyOf(tags);
    versions = Set.copyOf(versions);
  }

  /** Every instance of {@code hub}. */
  public static InstanceFilter everyInstanceOf(String hub) {
    return new InstanceFilter(hub, Set.of(), TimeRange.ANY, TimeRange.ANY, "", "");
  }
}
