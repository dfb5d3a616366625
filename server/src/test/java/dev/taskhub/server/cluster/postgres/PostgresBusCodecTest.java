package dev.taskhub.server.cluster.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.cluster.ClusterMessage;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** NOTIFY payloads: what a node writes, another reads back, within PostgreSQL's size limit. */
class PostgresBusCodecTest {
  private static final String ODD = "\"quoted\" back\\slash ü 東京 🚀 \t '%_";

  @Test
  void everyKindReadsBackAsWritten() {
    List<ClusterMessage> messages =
        List.of(
            ClusterMessage.work("node " + ODD, "hub " + ODD),
            ClusterMessage.wake("node-a", "hub", List.of(ODD, "plain")),
            ClusterMessage.changed("node-a", "hub", List.of("x")),
            ClusterMessage.relay("node-a", "node " + ODD));
    for (ClusterMessage message : messages) {
      List<String> payloads = PostgresBusCodec.encode(message);
      assertThat(payloads).hasSize(1);
      assertThat(payloads.getFirst()).isASCII();
      assertThat(PostgresBusCodec.decode(payloads.getFirst())).contains(message);
    }
  }

  @Test
  void manyIdsAreSplitIntoPayloadsUnderTheLimitThatTogetherHoldThemAll() {
    // 100 characters that each take 12 bytes escaped: the worst an id can be.
    List<String> ids =
        IntStream.range(0, 2_000).mapToObj(i -> (i + "🚀".repeat(50)).substring(0, 100)).toList();
    ClusterMessage message = ClusterMessage.wake("node-a", "hub " + ODD, ids);

    List<String> payloads = PostgresBusCodec.encode(message);

    assertThat(payloads).hasSizeGreaterThan(1);
    assertThat(payloads)
        .allSatisfy(
            payload -> {
              assertThat(payload).isASCII();
              assertThat(payload.length())
                  .isLessThanOrEqualTo(PostgresBusCodec.TARGET_PAYLOAD_BYTES);
            });
    List<String> readBack =
        payloads.stream()
            .flatMap(
                payload -> PostgresBusCodec.decode(payload).orElseThrow().instanceIds().stream())
            .toList();
    assertThat(readBack).isEqualTo(ids);
  }

  @Test
  void theCountedLengthOfAnIdIsNeverLessThanItsWrittenLength() {
    for (String id :
        List.of("", "plain", ODD, "\u0000\u001f\u007f\u0080\n\r\b\f/<>&", "🚀".repeat(50))) {
      String written =
          PostgresBusCodec.encode(ClusterMessage.wake(null, null, List.of(id))).getFirst();
      String envelope =
          PostgresBusCodec.encode(ClusterMessage.wake(null, null, List.of(""))).getFirst();
      assertThat(PostgresBusCodec.jsonLengthAtMost(id))
          .as(id)
          .isGreaterThanOrEqualTo(written.length() - envelope.length() + 2);
    }
  }

  @Test
  void aPayloadThatIsNotAMessageIsSkipped() {
    assertThat(PostgresBusCodec.decode("not json")).isEmpty();
    assertThat(PostgresBusCodec.decode("{\"f\":\"node-a\"}")).isEmpty();
    assertThat(PostgresBusCodec.decode("{\"k\":\"NEW_KIND\"}")).isEmpty();
    assertThat(PostgresBusCodec.decode("{\"k\":\"RESYNC\"}")).isEmpty();
    assertThat(PostgresBusCodec.decode("{\"k\":\"WAKE\",\"i\":[null]}")).isEmpty();
    assertThat(PostgresBusCodec.decode("null")).isEmpty();
  }

  @Test
  void fieldsANewerNodeAddsAreIgnored() {
    assertThat(PostgresBusCodec.decode("{\"k\":\"WORK\",\"h\":\"hub\",\"z\":[1,2]}"))
        .contains(ClusterMessage.work(null, "hub"));
  }
}
