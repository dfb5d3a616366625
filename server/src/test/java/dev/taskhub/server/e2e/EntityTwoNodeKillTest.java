package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.GetEntityRequest;
import dev.taskhub.protocol.GetEntityResponse;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.CounterEntityWorker;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly once for entities with two nodes on one PostgreSQL schema, each with a counter worker:
 * 2,000 signals to 20 counters go to both nodes in turn, one node is SIGKILLed while the counters
 * work through them, and the other takes its entities over once the dead node's lease lapses. Every
 * counter ends at exactly the number of signals it was sent.
 */
@Timeout(150)
class EntityTwoNodeKillTest {
  private static final Duration NODE_LEASE = Duration.ofSeconds(3);
  private static final int COUNTERS = 20;
  private static final int SIGNALS_EACH = 100;

  private final List<TestScheduler> nodes = new ArrayList<>();
  private final List<CounterEntityWorker> workers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    workers.forEach(CounterEntityWorker::close);
    channels.forEach(ManagedChannel::shutdownNow);
    nodes.forEach(TestScheduler::close);
  }

  private TaskHubSidecarServiceBlockingStub client(TestScheduler node) {
    ManagedChannel channel = node.channel();
    channels.add(channel);
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel);
  }

  @Test
  void countersApplyEachSignalExactlyOnceWhenOneOfTwoNodesIsKilled() {
    String store = TestPostgres.newSchema();
    for (String name : List.of("A", "B")) {
      nodes.add(
          TestScheduler.builder()
              .name(name)
              .postgres(store)
              .childProcess()
              .nodeLease(NODE_LEASE)
              .launch());
    }
    nodes.forEach(TestScheduler::awaitReady);
    TestScheduler doomed = nodes.get(0);
    TestScheduler survivor = nodes.get(1);
    List<TaskHubSidecarServiceBlockingStub> clients = nodes.stream().map(this::client).toList();
    for (int round = 0; round < SIGNALS_EACH; round++) {
      for (int counter = 0; counter < COUNTERS; counter++) {
        clients
            .get((round + counter) % 2)
            .signalEntity(
                SignalEntityRequest.newBuilder()
                    .setInstanceId("@counter@c" + counter)
                    .setName("add")
                    .setInput(StringValue.of("1"))
                    .build());
      }
    }
    nodes.forEach(node -> workers.add(CounterEntityWorker.start(node.grpcPort())));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> workers.get(0).operationsRun() + workers.get(1).operationsRun() >= 400);

    doomed.kill();

    TaskHubSidecarServiceBlockingStub reader = clients.get(1);
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> IntStream.range(0, COUNTERS).allMatch(c -> settled(reader, c)));
    for (int counter = 0; counter < COUNTERS; counter++) {
      assertThat(entity(reader, counter).getEntity().getSerializedState().getValue())
          .as("counter c%d", counter)
          .isEqualTo(Integer.toString(SIGNALS_EACH));
    }
    assertThat(survivor.isAlive()).as("the surviving node runs").isTrue();
  }

  private static boolean settled(TaskHubSidecarServiceBlockingStub stub, int counter) {
    GetEntityResponse entity = entity(stub, counter);
    return entity.getExists() && entity.getEntity().getBacklogQueueSize() == 0;
  }

  private static GetEntityResponse entity(TaskHubSidecarServiceBlockingStub stub, int counter) {
    return stub.getEntity(
        GetEntityRequest.newBuilder()
            .setInstanceId("@counter@c" + counter)
            .setIncludeState(true)
            .build());
  }
}
