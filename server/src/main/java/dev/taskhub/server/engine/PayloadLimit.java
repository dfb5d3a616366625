package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;

/**
 * The largest payload (input, output, event data, custom status) the server accepts, in UTF-8
 * bytes.
 */
public record PayloadLimit(int maxBytes) {

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
            case SCHEDULETASK ->
                check(where + " activity input", action.getScheduleTask().getInput());
            case CREATESUBORCHESTRATION ->
                check(
                    where + " sub-orchestration input",
                    action.getCreateSubOrchestration().getInput());
            case SENDEVENT -> check(where + " event data", action.getSendEvent().getData());
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
