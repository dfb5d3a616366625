package dev.taskhub.server.tracing;

import dev.taskhub.server.store.InstanceKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ids of the spans that start on one node and may end on another: derived from what the store
 * keeps (hub, instance, execution, task id), so whichever node ends a span, after however many
 * restarts, names the same span its children were given as their parent, and no node remembers
 * anything between a span's start and its end.
 */
final class SpanIds {
  private static final HexFormat HEX = HexFormat.of();

  /** The span of one execution (generation) of an instance. */
  static String instanceSpan(InstanceKey key, String executionId) {
    return HEX.formatHex(digest("instance", key, executionId, ""), 0, 8);
  }

  /** The trace of an execution started with no trace context of its caller's. */
  static String instanceTrace(InstanceKey key, String executionId) {
    return HEX.formatHex(digest("trace", key, executionId, ""), 0, 16);
  }

  /** The span of one activity, from scheduled to completed. */
  static String activitySpan(InstanceKey key, String executionId, int taskId) {
    return HEX.formatHex(digest("activity", key, executionId, Integer.toString(taskId)), 0, 8);
  }

  private static byte[] digest(String kind, InstanceKey key, String executionId, String task) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    // NUL separates the parts: none of them can contain it (ids are checked strings).
    String text =
        kind + '\0' + key.hub() + '\0' + key.instanceId() + '\0' + executionId + '\0' + task;
    return sha.digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private SpanIds() {}
}
