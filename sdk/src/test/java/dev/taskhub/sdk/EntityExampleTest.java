package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.EntityMetadata;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.entity.EntityInstanceId;
import dev.taskhub.sdk.entity.TaskEntity;
import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The entity example in the README ("Durable entities in Java"): a counter entity signalled from
 * the client and called from an orchestration. {@link ReadmeExampleTest} checks that the README
 * shows this very code.
 */
class EntityExampleTest {

  // An entity: its public methods are its operations; `state` is read before and saved after each.
  public static class Counter extends TaskEntity<Integer> {
    public int add(int amount) {
      state += amount;
      return state;
    }

    public int get() {
      return state;
    }
  }

  // An orchestration calls the entity and waits for each result.
  static final Orchestration ADD_TEN =
      ctx -> {
        EntityInstanceId counter = EntityInstanceId.of("Counter", ctx.getInput(String.class));
        ctx.callEntity(counter, "add", 10, Integer.class).await();
        return ctx.callEntity(counter, "get", null, Integer.class).await();
      };

  private TestScheduler scheduler;

  @BeforeEach
  void startScheduler() {
    scheduler = TestScheduler.builder().start();
  }

  @AfterEach
  void stopScheduler() {
    scheduler.close();
  }

  @Test
  void aCounterSignalledByTheClientAndCalledByAnOrchestrationCountsExactly() {
    String connectionString = Sdk.connectionString(scheduler); // Endpoint=http://localhost:…

    TaskhubWorker worker =
        TaskhubWorker.builder()
            .connectionString(connectionString)
            .addEntity("Counter", Counter::new)
            .addOrchestration("AddTen", ADD_TEN)
            .build();
    worker.start();

    try (TaskhubClient client = TaskhubClient.fromConnectionString(connectionString)) {
      EntityInstanceId counter = EntityInstanceId.of("Counter", "visits");
      for (int i = 0; i < 3; i++) {
        client.signalEntity(counter, "add", 5); // one-way, queued in order
      }
      String id = client.scheduleNewOrchestration("AddTen", "visits");
      int afterCall =
          client.waitForCompletion(id, Duration.ofSeconds(30)).readOutputAs(Integer.class);
      EntityMetadata<Integer> entity = client.getEntity(counter, Integer.class).orElseThrow();

      assertThat(afterCall).isEqualTo(25);
      assertThat(entity.state()).isEqualTo(25);
      assertThat(entity.id()).hasToString("@counter@visits");
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
  }
}
