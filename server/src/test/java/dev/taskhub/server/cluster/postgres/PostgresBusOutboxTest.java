package dev.taskhub.server.cluster.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.cluster.ClusterMessage;
import dev.taskhub.server.cluster.postgres.PostgresBusOutbox.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages published between two sends are merged, and the outbox stays bounded. */
class PostgresBusOutboxTest {

  @Test
  void messagesPublishedBetweenTwoSendsAreMergedPerKindHubAndTarget() throws Exception {
    PostgresBusOutbox outbox = new PostgresBusOutbox(100);
    outbox.add(ClusterMessage.work("n", "hub-1"));
    outbox.add(ClusterMessage.wake("n", "hub-1", List.of("a", "b")));
    outbox.add(ClusterMessage.work("n", "hub-1"));
    outbox.add(ClusterMessage.wake("n", "hub-1", List.of("b", "c")));
    outbox.add(ClusterMessage.changed("n", "hub-1", List.of("a")));
    outbox.add(ClusterMessage.wake("n", "hub-2", List.of("a")));
    outbox.add(ClusterMessage.relay("n", "node-x"));
    outbox.add(ClusterMessage.relay("n", "node-x"));

    assertThat(outbox.takeAll())
        .containsExactly(
            ClusterMessage.work("n", "hub-1"),
            ClusterMessage.wake("n", "hub-1", List.of("a", "b", "c")),
            ClusterMessage.changed("n", "hub-1", List.of("a")),
            ClusterMessage.wake("n", "hub-2", List.of("a")),
            ClusterMessage.relay("n", "node-x"));
  }

  @Test
  void idsPastTheBoundBecomeAWorkForTheirHub() throws Exception {
    PostgresBusOutbox outbox = new PostgresBusOutbox(3);
    assertThat(outbox.add(ClusterMessage.wake("n", "hub-1", List.of("a", "b"))))
        .isEqualTo(Outcome.QUEUED);
    assertThat(outbox.add(ClusterMessage.changed("n", "hub-2", List.of("c", "d"))))
        .isEqualTo(Outcome.REPLACED_BY_WORK);

    assertThat(outbox.takeAll())
        .containsExactly(
            ClusterMessage.wake("n", "hub-1", List.of("a", "b")),
            ClusterMessage.work("n", "hub-2"));
    // Taking frees the room.
    assertThat(outbox.add(ClusterMessage.changed("n", "hub-2", List.of("c", "d"))))
        .isEqualTo(Outcome.QUEUED);
  }

  @Test
  void aClosedOutboxRefusesMessagesButHandsOverWhatItHolds() throws Exception {
    PostgresBusOutbox outbox = new PostgresBusOutbox(100);
    outbox.add(ClusterMessage.work("n", "hub-1"));
    outbox.close();

    assertThat(outbox.add(ClusterMessage.work("n", "hub-2"))).isEqualTo(Outcome.DROPPED);
    assertThat(outbox.takeAll()).containsExactly(ClusterMessage.work("n", "hub-1"));
    assertThat(outbox.takeAll()).isEmpty();
  }
}
