package dev.taskhub.sdk.client;

import java.time.Instant;
import java.util.Map;

/**
 * Options for starting an orchestration: {@code
 * StartOptions.defaults().withInstanceId("order-42")}.
 *
 * @param instanceId the instance id, or null for a random one
 * @param startAt when to start, or null for now
 * @param version the orchestration version, or null
 * @param tags tags stored with the instance (never null)
 */
public record StartOptions(
    String instanceId, Instant startAt, String version, Map<String, String> tags) {

  public StartOptions {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** No options: a random id, start now, no version, no tags. */
  public static StartOptions defaults() {
    return new StartOptions(null, null, null, Map.of());
  }

  public StartOptions withInstanceId(String id) {
    return new StartOptions(id, startAt, version, tags);
  }

  public StartOptions withStartAt(Instant at) {
    return new StartOptions(instanceId, at, version, tags);
  }

  public StartOptions withVersion(String newVersion) {
    return new StartOptions(instanceId, startAt, newVersion, tags);
  }

  public StartOptions withTags(Map<String, String> newTags) {
    return new StartOptions(instanceId, startAt, version, newTags);
  }
}
