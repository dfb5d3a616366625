package dev.taskhub.server.grpc;

import com.google.protobuf.StringValue;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.PayloadLimit;
import java.util.Map;

/** Request checks shared by the RPCs; each failure names the offending field. */
final class Validation {
  private static final int MAX_NAME_LENGTH = 1024;

  private final PayloadLimit payloadLimit;

  Validation(PayloadLimit payloadLimit) {
    this.payloadLimit = payloadLimit;
  }

  static String instanceId(String instanceId) {
    if (instanceId.isEmpty()) {
      throw new TaskhubException.InvalidArgument("instanceId is required");
    }
    return optionalInstanceId(instanceId);
  }

  static String optionalInstanceId(String instanceId) {
    if (instanceId.length() > ServerConfig.MAX_INSTANCE_ID_LENGTH) {
      throw new TaskhubException.InvalidArgument(
          "instanceId is "
              + instanceId.length()
              + " characters long; the limit is "
              + ServerConfig.MAX_INSTANCE_ID_LENGTH);
    }
    if (instanceId.chars().anyMatch(Character::isISOControl)) {
      throw new TaskhubException.InvalidArgument("instanceId must not contain control characters");
    }
    return instanceId;
  }

  static String name(String field, String name) {
    if (name.isBlank()) {
      throw new TaskhubException.InvalidArgument(field + " is required");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new TaskhubException.InvalidArgument(
          field + " is " + name.length() + " characters long; the limit is " + MAX_NAME_LENGTH);
    }
    return name;
  }

  /** Tags of at most {@link PayloadLimit#MAX_TAGS_BYTES} bytes as a JSON object. */
  static void tags(String field, Map<String, String> tags) {
    String problem = PayloadLimit.checkTags(field, tags);
    if (problem != null) {
      throw new TaskhubException.InvalidArgument(problem);
    }
  }

  void payload(String field, boolean present, StringValue value) {
    String problem = present ? payloadLimit.check(field, value) : null;
    if (problem != null) {
      throw new TaskhubException.InvalidArgument(problem);
    }
  }
}
