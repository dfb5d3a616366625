package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.sdk.client.EntityMetadata;
import dev.taskhub.sdk.client.EntityQuery;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.entity.EntityInstanceId;
import dev.taskhub.sdk.entity.TaskEntity;
import dev.taskhub.sdk.orchestration.EntityLock;
import dev.taskhub.sdk.orchestration.EntityOperationFailedException;
import dev.taskhub.sdk.orchestration.OrchestrationContext;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entities through the real scheduler: critical sections that conserve money under concurrency,
 * queries over pages, storage cleaning, and operation failures reaching the calling orchestration.
 * Each test has a scheduler of its own, so counts are exact.
 */
class EntityEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final EntityInstanceId ALICE = EntityInstanceId.of("Account", "alice");
  private static final EntityInstanceId BOB = EntityInstanceId.of("Account", "bob");

  /** A bank account; overdrawing fails the operation (and leaves the balance as it was). */
  public static class Account extends TaskEntity<Integer> {
    public int deposit(int amount) {
      state += amount;
      return state;
    }

    public int withdraw(int amount) {
      if (amount > state) {
        throw new IllegalStateException("Insufficient funds: " + state + " < " + amount);
      }
      state -= amount;
      return state;
    }

    public int balance() {
      return state;
    }
  }

  public static class Counter extends TaskEntity<Integer> {
    public int add(int amount) {
      state += amount;
      return state;
    }
  }

  record Transfer(EntityInstanceId from, EntityInstanceId to, int amount) {}

  /** Moves money inside a critical section, so no other transfer interleaves. */
  @SuppressWarnings("try") // the lock is held for its scope; its close sends the unlocks
  static boolean transfer(OrchestrationContext ctx) {
    Transfer transfer = ctx.getInput(Transfer.class);
    try (EntityLock lock = ctx.lockEntities(transfer.from(), transfer.to()).await()) {
      int available = ctx.callEntity(transfer.from(), "balance", null, Integer.class).await();
      if (available < transfer.amount()) {
        return false;
      }
      ctx.callEntity(transfer.from(), "withdraw", transfer.amount(), Integer.class).await();
      ctx.callEntity(transfer.to(), "deposit", transfer.amount(), Integer.class).await();
      return true;
    }
  }

  record Caught(String entity, String operation, String errorType, String message) {}

  private TestScheduler scheduler;
  private TaskhubClient client;

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .addEntity("Account", Account::new)
            .addEntity("Counter", Counter::new)
            .addOrchestration("Transfer", EntityEndToEndTest::transfer)
            .addOrchestration(
                "Overdraw",
                ctx -> {
                  try {
                    return ctx.callEntity(ALICE, "withdraw", 1_000_000, Integer.class).await();
                  } catch (EntityOperationFailedException e) {
                    return new Caught(
                        e.entityId().toString(),
                        e.operation(),
                        e.failure().errorType(),
                        e.failure().message());
                  }
                })
            .addOrchestration(
                "OverdrawUncaught",
                ctx -> ctx.callEntity(ALICE, "withdraw", 1_000_000, Integer.class).await()));
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private int balance(EntityInstanceId account) {
    return client.getEntity(account, Integer.class).map(EntityMetadata::state).orElse(0);
  }

  @Test
  void tenConcurrentTransfersInBothDirectionsConserveTheTotalExactly() {
    client.signalEntity(ALICE, "deposit", 1000);
    client.signalEntity(BOB, "deposit", 1000);
    await().atMost(WAIT).until(() -> balance(ALICE) == 1000 && balance(BOB) == 1000);

    List<String> ids = new ArrayList<>();
    int expectedAlice = 1000;
    for (int i = 0; i < 10; i++) {
      boolean aliceToBob = i % 2 == 0;
      int amount = 10 + 7 * i;
      expectedAlice += aliceToBob ? -amount : amount;
      ids.add(
          client.scheduleNewOrchestration(
              "Transfer",
              aliceToBob ? new Transfer(ALICE, BOB, amount) : new Transfer(BOB, ALICE, amount)));
    }
    for (String id : ids) {
      OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
      assertThat(done.status()).as("%s", done.failure()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(done.readOutputAs(Boolean.class)).isTrue();
    }

    assertThat(balance(ALICE)).isEqualTo(expectedAlice);
    assertThat(balance(BOB)).isEqualTo(2000 - expectedAlice);
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.getEntity(ALICE, Void.class).orElseThrow().lockOwner().isEmpty()
                    && client.getEntity(BOB, Void.class).orElseThrow().lockOwner().isEmpty());
  }

  @Test
  void aQueryByNamePrefixReturnsExactlyThatNamesEntitiesOverSeveralPages() {
    List<EntityInstanceId> counters =
        IntStream.range(0, 7).mapToObj(i -> EntityInstanceId.of("Counter", "k" + i)).toList();
    counters.forEach(counter -> client.signalEntity(counter, "add", 1));
    client.signalEntity(ALICE, "deposit", 5);
    client.signalEntity(BOB, "deposit", 5);
    await()
        .atMost(WAIT)
        .until(
            () ->
                counters.stream().allMatch(c -> client.getEntity(c, Void.class).isPresent())
                    && balance(ALICE) == 5
                    && balance(BOB) == 5);

    List<EntityMetadata<Integer>> found =
        client
            .queryEntities(
                EntityQuery.all().withInstanceIdPrefix("Counter").withPageSize(3), Integer.class)
            .toList();
    List<EntityMetadata<Void>> accounts =
        client.queryEntities(EntityQuery.all().withInstanceIdPrefix("@ACCOUNT@b")).toList();

    assertThat(found).extracting(EntityMetadata::id).containsExactlyInAnyOrderElementsOf(counters);
    assertThat(found).extracting(EntityMetadata::state).containsOnly(1);
    assertThat(accounts).extracting(EntityMetadata::id).containsExactly(BOB);
    assertThat(accounts.getFirst().state()).isNull();
  }

  @Test
  void cleaningStorageRemovesExactlyTheEntitiesWhoseStateWasDeleted() {
    List<EntityInstanceId> counters =
        IntStream.range(0, 5).mapToObj(i -> EntityInstanceId.of("Counter", "c" + i)).toList();
    counters.forEach(counter -> client.signalEntity(counter, "add", 1));
    await().atMost(WAIT).until(() -> counters.stream().allMatch(c -> balanceOf(c) == 1));
    List<EntityInstanceId> emptied = counters.subList(0, 3);
    emptied.forEach(counter -> client.signalEntity(counter, "delete", null));
    await()
        .atMost(WAIT)
        .until(
            () ->
                emptied.stream()
                    .allMatch(
                        c ->
                            client
                                .getEntity(c, Integer.class)
                                .map(m -> !m.hasState())
                                .orElse(true)));

    var cleaned = client.cleanEntityStorage(true, true);

    assertThat(cleaned.emptyEntitiesRemoved()).isEqualTo(3);
    assertThat(cleaned.orphanedLocksReleased()).isZero();
    assertThat(client.queryEntities(EntityQuery.all().withTransient()).map(EntityMetadata::id))
        .containsExactlyInAnyOrderElementsOf(counters.subList(3, 5));
    assertThat(emptied).allSatisfy(c -> assertThat(client.getEntity(c, Void.class)).isEmpty());
    assertThat(client.cleanEntityStorage(true, true).emptyEntitiesRemoved()).isZero();
  }

  private int balanceOf(EntityInstanceId counter) {
    return client.getEntity(counter, Integer.class).map(EntityMetadata::state).orElse(0);
  }

  @Test
  void anOperationThatThrowsFailsTheCallWithItsDetailsAndLeavesTheStateAsItWas() {
    client.signalEntity(ALICE, "deposit", 50);
    await().atMost(WAIT).until(() -> balance(ALICE) == 50);

    OrchestrationMetadata caught =
        client.waitForCompletion(client.scheduleNewOrchestration("Overdraw"), WAIT);
    OrchestrationMetadata uncaught =
        client.waitForCompletion(client.scheduleNewOrchestration("OverdrawUncaught"), WAIT);

    assertThat(caught.status()).as("%s", caught.failure()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(caught.readOutputAs(Caught.class))
        .isEqualTo(
            new Caught(
                "@account@alice",
                "withdraw",
                IllegalStateException.class.getName(),
                "Insufficient funds: 50 < 1000000"));
    assertThat(uncaught.status()).isEqualTo(OrchestrationStatus.FAILED);
    var failure = uncaught.failure().orElseThrow();
    assertThat(failure.errorType()).isEqualTo(EntityOperationFailedException.class.getName());
    assertThat(failure.cause().errorType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(failure.cause().message()).isEqualTo("Insufficient funds: 50 < 1000000");
    assertThat(balance(ALICE)).isEqualTo(50);
  }
}
