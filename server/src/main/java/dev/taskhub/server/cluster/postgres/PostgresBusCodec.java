package dev.taskhub.server.cluster.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.cluster.ClusterMessage;
import dev.taskhub.server.cluster.ClusterMessage.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterMessage}s as NOTIFY payloads: compact JSON, one message split over several payloads
 * when its instance ids do not fit in one.
 *
 * <p>PostgreSQL rejects a payload of 8000 bytes or more, counted in the database's encoding.
 * Non-ASCII characters are therefore written as {@code \}{@code uXXXX} escapes: a payload is plain
 * ASCII, its length in characters is its length in bytes in every server encoding, and no character
 * can fail to convert into the database's encoding.
 */
final class PostgresBusCodec {
  private static final Logger log = LoggerFactory.getLogger(PostgresBusCodec.class);

  /** What a payload is filled up to: well under the limit, whatever the last id added. */
  static final int TARGET_PAYLOAD_BYTES = 7_000;

  /** PostgreSQL's limit: a payload must be shorter than this. */
  static final int MAX_PAYLOAD_BYTES = 8_000;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          // A newer node may add fields; an older one reads what it knows.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** The wire form: one-letter keys, absent when null or empty. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record Payload(
      @JsonProperty("f") String fromNode,
      @JsonProperty("k") Kind kind,
      @JsonProperty("h") String hub,
      @JsonProperty("i") List<String> instanceIds,
      @JsonProperty("t") String targetNode) {

    static Payload of(ClusterMessage message, List<String> instanceIds) {
      return new Payload(
          message.fromNode(), message.kind(), message.hub(), instanceIds, message.targetNode());
    }
  }

  private PostgresBusCodec() {}

  /**
   * The payloads that carry {@code message}: one, or for many instance ids several, each with the
   * same sender, kind and hub and a share of the ids, each at most {@value #TARGET_PAYLOAD_BYTES}
   * bytes unless a single id with its envelope is longer. A payload PostgreSQL would reject (a hub
   * or node name thousands of characters long) is left out.
   */
  static List<String> encode(ClusterMessage message) {
    List<String> ids = message.instanceIds();
    if (ids.isEmpty()) {
      return withinLimit(List.of(json(Payload.of(message, ids))));
    }
    // Everything but the ids: the payload of one empty id, less that id's two quotes.
    int envelope = json(Payload.of(message, List.of(""))).length() - 2;
    List<String> payloads = new ArrayList<>();
    List<String> share = new ArrayList<>();
    int size = envelope;
    for (String id : ids) {
      int cost = jsonLengthAtMost(id) + (share.isEmpty() ? 0 : 1);
      if (!share.isEmpty() && size + cost > TARGET_PAYLOAD_BYTES) {
        payloads.add(json(Payload.of(message, share)));
        share = new ArrayList<>();
        size = envelope;
        cost -= 1;
      }
      share.add(id);
      size += cost;
    }
    payloads.add(json(Payload.of(message, share)));
    return withinLimit(payloads);
  }

  /** The message a payload carries, or empty if it is not one this codec wrote. */
  static Optional<ClusterMessage> decode(String payload) {
    try {
      Payload read = JSON.readValue(payload, Payload.class);
      if (read == null
          || read.kind() == null
          || read.kind() == Kind.RESYNC
          || (read.instanceIds() != null && read.instanceIds().contains(null))) {
        return Optional.empty();
      }
      return Optional.of(
          new ClusterMessage(
              read.fromNode(), read.kind(), read.hub(), read.instanceIds(), read.targetNode()));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static List<String> withinLimit(List<String> payloads) {
    List<String> sendable = new ArrayList<>(payloads.size());
    for (String payload : payloads) {
      if (payload.length() < MAX_PAYLOAD_BYTES) {
        sendable.add(payload);
      } else {
        log.warn(
            "A cluster message payload of {} bytes is over PostgreSQL's NOTIFY limit; not sent",
            payload.length());
      }
    }
    return sendable;
  }

  /**
   * The most characters {@code text} can take as a JSON string here, quotes included: counted
   * rather than written, since a send may measure tens of thousands of ids.
   */
  static int jsonLengthAtMost(String text) {
    int length = 2;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // A quote or backslash takes 2; a control character or a non-ASCII UTF-16 unit at most 6
      // (a backslash, a 'u' and four hex digits).
      length += c == '"' || c == '\\' ? 2 : c < 0x20 || c >= 0x7f ? 6 : 1;
    }
    return length;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // Strings, lists of strings and enums always serialize; this would be a Jackson bug.
      throw new TaskhubException("Cannot encode a cluster message", e);
    }
  }
}
