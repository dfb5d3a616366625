package dev.taskhub.sdk.client;

import java.time.Instant;
import java.util.Locale;

/**
 * Which entities {@link TaskhubClient#queryEntities} returns; every criterion is optional.
 *
 * @param instanceIdPrefix entity id prefix: {@code counter} or {@code @counter} (every counter),
 *     {@code @counter@user-} (counters whose key starts so), or null for all; the name part is
 *     matched ignoring case, the key part exactly
 * @param lastModifiedFrom earliest last modification, or null
 * @param lastModifiedTo latest last modification, or null
 * @param includeTransient whether to include entities that have no state but exist for now (queued
 *     operations, a held lock)
 * @param pageSize entities fetched per round trip
 */
public record EntityQuery(
    String instanceIdPrefix,
    Instant lastModifiedFrom,
    Instant lastModifiedTo,
    boolean includeTransient,
    int pageSize) {

  /**
   * @throws IllegalArgumentException if the page size is not positive
   */
  public EntityQuery {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, was " + pageSize);
    }
  }

  /** Every entity with state, 100 per page. */
  public static EntityQuery all() {
    return new EntityQuery(null, null, null, false, 100);
  }

  /** The entities of one name ({@code "counter"}) or id prefix ({@code "@counter@eu-"}). */
  public EntityQuery withInstanceIdPrefix(String prefix) {
    return new EntityQuery(prefix, lastModifiedFrom, lastModifiedTo, includeTransient, pageSize);
  }

  public EntityQuery lastModifiedBetween(Instant from, Instant to) {
    return new EntityQuery(instanceIdPrefix, from, to, includeTransient, pageSize);
  }

  public EntityQuery withTransient() {
    return new EntityQuery(instanceIdPrefix, lastModifiedFrom, lastModifiedTo, true, pageSize);
  }

  public EntityQuery withPageSize(int size) {
    return new EntityQuery(
        instanceIdPrefix, lastModifiedFrom, lastModifiedTo, includeTransient, size);
  }

  /**
   * The prefix as the scheduler matches it: starting with {@code @}, the name part (up to the
   * second {@code @}) lowercase, as entity ids store it; null if there is none.
   */
  String normalizedPrefix() {
    if (instanceIdPrefix == null) {
      return null;
    }
    String prefixed = instanceIdPrefix.startsWith("@") ? instanceIdPrefix : "@" + instanceIdPrefix;
    int separator = prefixed.indexOf('@', 1);
    return separator < 0
        ? prefixed.toLowerCase(Locale.ROOT)
        : prefixed.substring(0, separator).toLowerCase(Locale.ROOT) + prefixed.substring(separator);
  }
}
