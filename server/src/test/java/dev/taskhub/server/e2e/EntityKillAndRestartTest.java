package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.GetEntityRequest;
import dev.taskhub.protocol.GetEntityResponse;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.server.testing.CounterEntityWorker;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once for entities: 2,000 signals to 20 counters are acknowledged, the scheduler is
 * SIGKILLed while the worker works through them, and started again on the same SQLite file. Every
 * counter ends at exactly the number of signals it was sent: an operation cut off by the kill runs
 * again in the worker, but its effect is recorded once.
 */
class EntityKillAndRestartTest {
  private static final int COUNTERS = 20;
  private static final int SIGNALS_EACH = 100;

  @TempDir Path dir;

  private TestScheduler scheduler;
  private CounterEntityWorker worker;

  @AfterEach
  void cleanUp() {
    if (worker != null) {
      worker.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
  }

  @Test
  void everyCounterAppliesEachSignalExactlyOnceAcrossAKill() {
    scheduler =
        TestScheduler.builder().sqliteFile(dir.resolve("taskhub.db")).childProcess().start();
    ManagedChannel channel = scheduler.channel();
    var client = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
    for (int round = 0; round < SIGNALS_EACH; round++) {
      for (int counter = 0; counter < COUNTERS; counter++) {
        client.signalEntity(
            SignalEntityRequest.newBuilder()
                .setInstanceId("@counter@c" + counter)
                .setName("add")
                .setInput(StringValue.of("1"))
                .build());
      }
    }
    channel.shutdownNow();
    worker = CounterEntityWorker.start(scheduler.grpcPort());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> worker.operationsRun() >= COUNTERS * SIGNALS_EACH / 3);

    scheduler.kill();
    int runBeforeKill = worker.operationsRun();
    scheduler.restart();

    ManagedChannel after = scheduler.channel();
    var reader = TaskHubSidecarServiceGrpc.newBlockingStub(after);
    // Done when no counter has anything queued any more; then each must hold exactly its count.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> IntStream.range(0, COUNTERS).allMatch(c -> settled(reader, c)));

    assertThat(runBeforeKill)
        .as("operations run before the kill")
        .isLessThan(COUNTERS * SIGNALS_EACH);
    for (int counter = 0; counter < COUNTERS; counter++) {
      assertThat(entity(reader, counter).getEntity().getSerializedState().getValue())
          .as("counter c%d", counter)
          .isEqualTo(Integer.toString(SIGNALS_EACH));
    }
    after.shutdownNow();
  }

  private static boolean settled(
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, int counter) {
    GetEntityResponse entity = entity(stub, counter);
    return entity.getExists() && entity.getEntity().getBacklogQueueSize() == 0;
  }

  private static GetEntityResponse entity(
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, int counter) {
    return stub.getEntity(
        GetEntityRequest.newBuilder()
            .setInstanceId("@counter@c" + counter)
            .setIncludeState(true)
            .build());
  }
}
