package dev.taskhub.sdk.worker;

import java.util.Objects;

/**
 * Which orchestration versions a worker runs, and what it does with the others: the worker's own
 * {@code version}, a {@link Match} strategy, and a {@link OnMismatch} strategy. With {@link
 * Match#STRICT} and work-item filters on, the worker's filters list its version, so the scheduler
 * sends it nothing else.
 *
 * @param version the worker's version (compared part by part: {@code 1.10 > 1.9}; parts that are
 *     not numbers compare as text)
 */
public record Versioning(String version, Match match, OnMismatch onMismatch) {
  /** How an instance's version must relate to the worker's. */
  public enum Match {
    /** Every version runs. */
    NONE,
    /** Only the worker's version runs (an instance without a version does not). */
    STRICT,
    /** The worker's version and older ones run (an instance without a version counts as oldest). */
    CURRENT_OR_OLDER
  }

  /** What happens to an episode of a version the worker does not run. */
  public enum OnMismatch {
    /** Abandoned, so that the scheduler gives it to another worker (it never fails). */
    REJECT,
    /** The orchestration fails with {@code VersionMismatch}. */
    FAIL
  }

  public Versioning {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(onMismatch, "onMismatch");
    if (version.isBlank()) {
      throw new IllegalArgumentException("The worker's version must not be empty");
    }
  }

  /** Runs only {@code version}; rejects the rest. */
  public static Versioning strict(String version) {
    return new Versioning(version, Match.STRICT, OnMismatch.REJECT);
  }

  /** Whether an episode of an instance at {@code instanceVersion} (null or empty: none) runs. */
  public boolean accepts(String instanceVersion) {
    String other = instanceVersion == null ? "" : instanceVersion;
    return switch (match) {
      case NONE -> true;
      case STRICT -> version.equals(other);
      case CURRENT_OR_OLDER -> other.isEmpty() || compare(other, version) <= 0;
    };
  }

  /** Compares versions part by part ({@code .}-separated), numerically where both parts are. */
  static int compare(String a, String b) {
    String[] left = a.split("\\.");
    String[] right = b.split("\\.");
    for (int i = 0; i < Math.max(left.length, right.length); i++) {
      String l = i < left.length ? left[i] : "0";
      String r = i < right.length ? right[i] : "0";
      int order =
          l.matches("\\d{1,18}") && r.matches("\\d{1,18}")
              ? Long.compare(Long.parseLong(l), Long.parseLong(r))
              : l.compareTo(r);
      if (order != 0) {
        return order;
      }
    }
    return 0;
  }
}
