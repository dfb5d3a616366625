package dev.taskhub.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;

class StreamRosterTest {
  private final StreamRoster roster = new StreamRoster();

  private static WorkerStream stream(long id, int orchestrations, int activities, int total) {
    return new WorkerStream(
        id,
        "default",
        new RecordingSink(),
        Clock.systemUTC(),
        orchestrations,
        activities,
        0,
        total,
        WorkFilter.ALL,
        true);
  }

  @Test
  void eachRoundStartsOneStreamFurther() {
    WorkerStream a = stream(1, 1, 1, 2);
    WorkerStream b = stream(2, 1, 1, 2);
    WorkerStream c = stream(3, 1, 1, 2);
    roster.add(a);
    roster.add(b);
    roster.add(c);

    assertThat(roster.nextRound()).containsExactly(a, b, c);
    assertThat(roster.nextRound()).containsExactly(b, c, a);
    assertThat(roster.nextRound()).containsExactly(c, a, b);
    roster.remove(b);
    assertThat(roster.nextRound()).hasSize(2).containsExactlyInAnyOrder(a, c);
  }

  @Test
  void queueTargetsFollowTheStreamsCreditWithinBounds() {
    assertThat(roster.wantedInstances()).isEqualTo(4);
    assertThat(roster.wantedActivities()).isEqualTo(8);

    roster.add(stream(1, 10, 100, 50));
    roster.add(stream(2, 2, 3, 4));

    assertThat(roster.wantedInstances()).isEqualTo(10 + 2);
    assertThat(roster.wantedActivities()).isEqualTo(2 * (50 + 3));
    roster.add(stream(3, 1000, 1000, 1000));
    assertThat(roster.wantedInstances()).isEqualTo(StreamRoster.MAX_CLAIM_BATCH);
    assertThat(roster.wantedActivities()).isEqualTo(StreamRoster.MAX_CLAIM_BATCH);
  }
}
