package dev.taskhub.sdk.orchestration;

import java.util.Map;

/**
 * Options for one activity or sub-orchestration call.
 *
 * @param retryPolicy how failures are retried, or null for no retries
 * @param version the version to request, or null
 * @param tags tags recorded with the scheduled task (never null)
 */
public record TaskOptions(RetryPolicy retryPolicy, String version, Map<String, String> tags) {
  public static final TaskOptions NONE = new TaskOptions(null, null, Map.of());

  public TaskOptions {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** Options that retry failures as the policy says. */
  public static TaskOptions withRetry(RetryPolicy policy) {
    return new TaskOptions(policy, null, Map.of());
  }

  public TaskOptions withVersion(String newVersion) {
    return new TaskOptions(retryPolicy, newVersion, tags);
  }

  public TaskOptions withTags(Map<String, String> newTags) {
    return new TaskOptions(retryPolicy, version, newTags);
  }
}
