package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.sdk.client.EntityMetadata;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.entity.EntityInstanceId;
import dev.taskhub.server.engine.SettableTimers;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A signal scheduled for later runs when the scheduler's clock reaches its time, not before. */
class EntityDelayedSignalTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final EntityInstanceId COUNTER = EntityInstanceId.of("Counter", "later");

  private final SettableTimers timers = SettableTimers.startingAt2026();
  private TestScheduler scheduler;
  private TaskhubClient client;

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().timers(timers).start();
    client = Sdk.client(scheduler);
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler).addEntity("Counter", EntityEndToEndTest.Counter::new));
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private int value() {
    return client.getEntity(COUNTER, Integer.class).map(EntityMetadata::state).orElse(0);
  }

  @Test
  void aDelayedSignalWaitsForItsTimeWhileLaterImmediateOnesRun() {
    client.signalEntity(COUNTER, "add", 100, timers.clock().instant().plus(Duration.ofHours(1)));
    client.signalEntity(COUNTER, "add", 1);

    // The immediate signal ran; the delayed one, sent first, had not.
    await().atMost(WAIT).until(() -> value() != 0);
    assertThat(value()).isEqualTo(1);

    timers.advance(Duration.ofHours(1));

    await().atMost(WAIT).until(() -> value() == 101);
  }
}
