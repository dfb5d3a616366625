package dev.taskhub.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.SettableTimers;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The assembly of chunked orchestrator responses, on a settable clock. */
@SuppressWarnings("deprecation") // isPartial and chunkIndex, which SDKs still send
class ResponseChunksTest {
  private static final String HUB = "default";

  private final SettableTimers timers = SettableTimers.startingAt2026();
  private final ResponseChunks chunks =
      new ResponseChunks(timers.clock(), Duration.ofMinutes(10), 10_000, 25_000);

  @Test
  void aResponseThatIsNotChunkedPassesStraightThrough() {
    OrchestratorResponse whole = response("i1", "t1").addActions(task(0, 10)).build();

    assertThat(chunks.add(HUB, whole)).contains(whole);
    assertThat(chunks.openSeries()).isZero();
  }

  @Test
  void partsAreHeldUntilTheLastThenGivenWholeInOrderWithTheLastCustomStatus() {
    assertThat(chunks.add(HUB, part("i1", "t1", 0, true, task(0, 10), task(1, 10)))).isEmpty();
    assertThat(chunks.add(HUB, part("i1", "t1", 1, true, task(2, 10)))).isEmpty();
    assertThat(chunks.openSeries()).isEqualTo(1);

    Optional<OrchestratorResponse> whole =
        chunks.add(
            HUB,
            part("i1", "t1", 2, false, task(3, 10)).toBuilder()
                .setCustomStatus(StringValue.of("\"last\""))
                .build());

    assertThat(whole).isPresent();
    assertThat(whole.get().getActionsList())
        .extracting(OrchestratorAction::getId)
        .containsExactly(0, 1, 2, 3);
    assertThat(whole.get().getIsPartial()).isFalse();
    assertThat(whole.get().hasChunkIndex()).isFalse();
    assertThat(whole.get().getCompletionToken()).isEqualTo("t1");
    assertThat(whole.get().getCustomStatus().getValue()).isEqualTo("\"last\"");
    assertThat(chunks.openSeries()).isZero();
  }

  @Test
  void aSingleChunkWithIndexZeroAndNoMoreToComeIsWholeAtOnce() {
    assertThat(chunks.add(HUB, part("i1", "t1", 0, false, task(0, 10)))).isPresent();
  }

  @Test
  void partsOutOfOrderRepeatedOrWithoutAStartAreRefusedAndDropTheirSeries() {
    assertRefused(part("i1", "t1", 1, true, task(0, 10)), "continues no series");

    chunks.add(HUB, part("i1", "t1", 0, true, task(0, 10)));
    assertRefused(part("i1", "t1", 2, false, task(1, 10)), "chunk 1 was due");
    assertRefused(part("i1", "t1", 1, false, task(1, 10)), "continues no series");

    chunks.add(HUB, part("i1", "t2", 0, true, task(0, 10)));
    assertRefused(part("i1", "t2", 0, true, task(0, 10)), "arrived again");
    assertThat(chunks.openSeries()).isZero();
  }

  @Test
  void aPartWithoutTokenOrIndexIsRefused() {
    assertRefused(part("i1", "", 0, true, task(0, 10)), "completionToken");
    assertRefused(
        response("i1", "t1").setIsPartial(true).addActions(task(0, 10)).build(), "chunkIndex");
  }

  @Test
  void seriesOfDifferentTokensOrHubsAreKeptApart() {
    chunks.add(HUB, part("i1", "t1", 0, true, task(0, 10)));
    chunks.add("other", part("i1", "t1", 0, true, task(5, 10)));
    chunks.add(HUB, part("i1", "t9", 0, true, task(9, 10)));

    assertThat(
            chunks.add(HUB, part("i1", "t1", 1, false, task(1, 10))).orElseThrow().getActionsList())
        .extracting(OrchestratorAction::getId)
        .containsExactly(0, 1);
    assertThat(chunks.openSeries()).isEqualTo(2);
  }

  @Test
  void aResponseOverItsLimitOrOverTheLimitOfAllIsRefusedAndDropped() {
    chunks.add(HUB, part("i1", "t1", 0, true, task(0, 6_000)));
    assertRefused(part("i1", "t1", 1, true, task(1, 6_000)), "more than 10000 bytes");

    chunks.add(HUB, part("i2", "t2", 0, true, task(0, 9_000)));
    chunks.add(HUB, part("i3", "t3", 0, true, task(0, 9_000)));
    assertRefused(part("i4", "t4", 0, true, task(0, 9_000)), "too many unfinished");
    assertThat(chunks.openSeries()).isEqualTo(2);
  }

  @Test
  void aSeriesThatOutlivesTheLeaseIsDropped() {
    chunks.add(HUB, part("i1", "t1", 0, true, task(0, 10)));
    timers.advance(Duration.ofMinutes(10).plusMillis(1));

    assertRefused(part("i1", "t1", 1, false, task(1, 10)), "continues no series");
    assertThat(chunks.openSeries()).isZero();
  }

  private void assertRefused(OrchestratorResponse part, String problem) {
    assertThatThrownBy(() -> chunks.add(HUB, part))
        .isInstanceOf(TaskhubException.InvalidArgument.class)
        .hasMessageContaining(part.getInstanceId())
        .hasMessageContaining(problem);
  }

  private static OrchestratorResponse.Builder response(String instanceId, String token) {
    return OrchestratorResponse.newBuilder().setInstanceId(instanceId).setCompletionToken(token);
  }

  private static OrchestratorResponse part(
      String instanceId, String token, int index, boolean partial, OrchestratorAction... actions) {
    OrchestratorResponse.Builder part =
        response(instanceId, token).setChunkIndex(Int32Value.of(index)).setIsPartial(partial);
    for (OrchestratorAction action : actions) {
      part.addActions(action);
    }
    return part.build();
  }

  private static OrchestratorAction task(int id, int inputChars) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setScheduleTask(
            ScheduleTaskAction.newBuilder()
                .setName("work")
                .setInput(StringValue.of("x".repeat(inputChars))))
        .build();
  }
}
