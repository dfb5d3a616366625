package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import java.util.Map;

/**
 * The largest payload (input, output, event data, custom status) the server accepts, in UTF-8
 * bytes; and the largest set of tags (on an instance, an activity, a sub-orchestration), {@value
 * #MAX_TAGS_BYTES} bytes as a JSON object, as the protocol documents.
 */
public record PayloadLimit(int maxBytes) {
  public static final int MAX_TAGS_BYTES = 1000;

  /** Returns a message if the tags, as a JSON object, are over {@link #MAX_TAGS_BYTES}. */
  public static String checkTags(String field, Map<String, String> tags) {
    if (tags.isEmpty()) {
      return null;
    }
    long bytes = 1; // {
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      bytes += jsonStringBytes(tag.getKey()) + 1 + jsonStringBytes(tag.getValue()) + 1; // : ,
    }
    return bytes <= MAX_TAGS_BYTES
        ? null
        : field
            + " are "
            + bytes
            + " bytes as JSON, over the limit of "
            + MAX_TAGS_BYTES
            + " bytes";
  }

  /** A string's size as a JSON string literal, quotes and escapes included. */
  private static long jsonStringBytes(String value) {
    long bytes = 2 + utf8Length(value);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
        bytes += 1;
      } else if (c < 0x20) {
        bytes += 5;
      }
    }
    return bytes;
  }

  /** Returns a message naming the first payload over the limit, or null if all fit. */
  public String check(String field, String value) {
    if (value == null) {
      return null;
    }
    // A UTF-8 string is at most 3 bytes per char; count exactly only when it might be over.
    if ((long) value.length() * 3 <= maxBytes) {
      return null;
    }
    int bytes = utf8Length(value);
    return bytes <= maxBytes
        ? null
        : field + " is " + bytes + " bytes, over the limit of " + maxBytes + " bytes";
  }

  public String check(String field, StringValue value) {
    return value == null ? null : check(field, value.getValue());
  }

  String firstOversizeField(OrchestratorResponse response) {
    String problem =
        response.hasCustomStatus() ? check("customStatus", response.getCustomStatus()) : null;
    for (OrchestratorAction action : response.getActionsList()) {
      if (problem != null) {
        return problem;
      }
      String where = "action " + action.getId();
      problem =
          switch (action.getOrchestratorActionTypeCase()) {
            case SCHEDULETASK -> {
              String input = check(where + " activity input", action.getScheduleTask().getInput());
              yield input != null
                  ? input
                  : checkTags(where + " activity tags", action.getScheduleTask().getTagsMap());
            }
            case CREATESUBORCHESTRATION -> {
              String input =
                  check(
                      where + " sub-orchestration input",
                      action.getCreateSubOrchestration().getInput());
              yield input != null
                  ? input
                  : checkTags(
                      where + " sub-orchestration tags",
                      action.getCreateSubOrchestration().getTagsMap());
            }
            case SENDEVENT -> check(where + " event data", action.getSendEvent().getData());
            case SENDENTITYMESSAGE -> {
              var message = action.getSendEntityMessage();
              yield message.hasEntityOperationSignaled()
                  ? check(
                      where + " entity signal input",
                      message.getEntityOperationSignaled().getInput())
                  : message.hasEntityOperationCalled()
                      ? check(
                          where + " entity call input",
                          message.getEntityOperationCalled().getInput())
                      : null;
            }
            case COMPLETEORCHESTRATION ->
                check("orchestration output", action.getCompleteOrchestration().getResult());
            default -> null;
          };
    }
    return problem;
  }

  private static int utf8Length(String value) {
    int bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
