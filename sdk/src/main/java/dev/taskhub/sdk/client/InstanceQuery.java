package dev.taskhub.sdk.client;

import java.time.Instant;
import java.util.Set;

/**
 * Which instances {@link TaskhubClient#query} returns; every criterion is optional.
 *
 * @param statuses statuses to include (empty for all)
 * @param createdFrom earliest creation time, or null
 * @param createdTo latest creation time, or null
 * @param instanceIdPrefix instance id prefix, or null
 * @param pageSize instances fetched per round trip
 * @param fetchInputsAndOutputs whether to include input, output and custom status
 */
public record InstanceQuery(
    Set<OrchestrationStatus> statuses,
    Instant createdFrom,
    Instant createdTo,
    String instanceIdPrefix,
    int pageSize,
    boolean fetchInputsAndOutputs) {

  public InstanceQuery {
    statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, was " + pageSize);
    }
  }

  /** Every instance, 100 per page, without payloads. */
  public static InstanceQuery all() {
    return new InstanceQuery(Set.of(), null, null, null, 100, false);
  }

  public InstanceQuery withStatuses(OrchestrationStatus... newStatuses) {
    return new InstanceQuery(
        Set.of(newStatuses),
        createdFrom,
        createdTo,
        instanceIdPrefix,
        pageSize,
        fetchInputsAndOutputs);
  }

  public InstanceQuery createdBetween(Instant from, Instant to) {
    return new InstanceQuery(statuses, from, to, instanceIdPrefix, pageSize, fetchInputsAndOutputs);
  }

  public InstanceQuery withInstanceIdPrefix(String prefix) {
    return new InstanceQuery(
        statuses, createdFrom, createdTo, prefix, pageSize, fetchInputsAndOutputs);
  }

  public InstanceQuery withPageSize(int size) {
    return new InstanceQuery(
        statuses, createdFrom, createdTo, instanceIdPrefix, size, fetchInputsAndOutputs);
  }

  public InstanceQuery withInputsAndOutputs() {
    return new InstanceQuery(statuses, createdFrom, createdTo, instanceIdPrefix, pageSize, true);
  }
}
