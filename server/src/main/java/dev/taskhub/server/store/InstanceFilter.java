package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import java.util.Objects;
import java.util.Set;

/**
 * Which instances of one task hub a query reads or counts: the gRPC {@code QueryInstances}, the
 * Durable Functions list, the {@code /api/v1} list and counts, and the metrics all filter with it.
 * An instance matches when it passes every part; an empty part passes everything.
 *
 * @param hub the task hub
 * @param statuses statuses to include; empty for all
 * @param createdFrom inclusive lower bound of the creation time (epoch ms), 0 for none
 * @param createdTo inclusive upper bound of the creation time (epoch ms), {@code Long.MAX_VALUE}
 *     for none
 * @param instanceIdPrefix only ids starting with it; empty (or null) for all
 * @param namePrefix only orchestration names starting with it; empty (or null) for all
 */
public record InstanceFilter(
    String hub,
    Set<OrchestrationStatus> statuses,
    long createdFrom,
    long createdTo,
    String instanceIdPrefix,
    String namePrefix) {

  public InstanceFilter {
    Objects.requireNonNull(hub, "hub");
    statuses = Set.copyOf(statuses);
    instanceIdPrefix = instanceIdPrefix == null ? "" : instanceIdPrefix;
    namePrefix = namePrefix == null ? "" : namePrefix;
  }

  /** Every instance of {@code hub}. */
  public static InstanceFilter everyInstanceOf(String hub) {
    return new InstanceFilter(hub, Set.of(), 0, Long.MAX_VALUE, "", "");
  }
}
