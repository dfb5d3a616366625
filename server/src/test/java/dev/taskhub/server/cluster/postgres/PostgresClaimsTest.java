package dev.taskhub.server.cluster.postgres;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.TaskScheduledEvent;
import dev.taskhub.protocol.TimerFiredEvent;
import dev.taskhub.server.cluster.WorkClaims;
import dev.taskhub.server.cluster.WorkClaims.ActivityKey;
import dev.taskhub.server.cluster.WorkClaims.Claimed;
import dev.taskhub.server.cluster.WorkClaims.RelayedCompletion;
import dev.taskhub.server.cluster.WorkClaims.RelayedCompletion.Kind;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.engine.WorkFilter;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstanceUpdate;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.store.WorkName;
import dev.taskhub.server.store.postgres.PostgresLocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Node-owned claims on a real PostgreSQL database (see {@link TestPostgres}): the SQL of {@link
 * PostgresClaims} decides which instances and activities a node wins, and these tests check what it
 * decided. Every test starts from empty tables; times are explicit epoch milliseconds around {@link
 * #T0}, so no clock is needed. Node ids are only strings: one {@link WorkClaims} serves every node
 * of a test, except where two nodes with pools of their own race for the same rows.
 *
 * <p>Over 500 lines: the whole {@link WorkClaims} contract on PostgreSQL in one place, with the
 * small fixtures it needs ({@code StoreFixtures} is private to the store package).
 */
class PostgresClaimsTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String HUB = "orders";
  private static final String OTHER_HUB = "billing";
  private static final String A = "node-a";
  private static final String B = "node-b";
  private static final String C = "node-c";
  private static final String D = "node-d";
  private static final String UNREGISTERED = "node-unregistered";
  private static final String EXEC = "exec-1";
  private static final long LONG_LIFE = 30L * 24 * 3_600_000;

  /** One schema for the class, emptied before each test: cheaper than migrating one per test. */
  private static String location;

  private static PostgresCluster.Shared shared;
  private static Store store;
  private static WorkClaims claims;

  /** Further nodes with pools of their own, closed after each test. */
  private final List<PostgresCluster.Shared> others = new ArrayList<>();

  @BeforeAll
  static void openTheDatabase() {
    location = TestPostgres.newSchema();
    shared = PostgresCluster.open(PostgresLocation.parse(location));
    store = shared.store();
    claims = shared.claims();
  }

  @AfterAll
  static void closeTheDatabase() {
    close(shared);
  }

  @BeforeEach
  void emptyTheDatabase() {
    TestPostgres.execute(
        location, "TRUNCATE instances, history, inbox, activities, nodes, relayed_completions");
    // Only registered, live nodes claim; tests about liveness register theirs again, shorter.
    for (String node : List.of(A, B, C, D)) {
      claims.registerNode(node, T0, T0 + LONG_LIFE);
    }
  }

  @AfterEach
  void closeTheOtherNodes() {
    others.forEach(PostgresClaimsTest::close);
  }

  // ---------------------------------------------------------------- instance claims

  @Test
  void onlyRunningUnownedInstancesWithVisibleEventsAreClaimed() {
    InstanceKey ready1 = key(HUB, "ready-1");
    InstanceKey ready2 = key(HUB, "ready-2");
    create(ready1, T0);
    create(ready2, T0);
    InstanceKey waiting = key(HUB, "waiting-for-timer");
    create(waiting, T0);
    long fireAt = T0 + 60_000;
    start(waiting, T0, List.of(), List.of(timer(waiting, fireAt)));
    InstanceKey later = key(HUB, "starts-later");
    create(later, fireAt);
    InstanceKey ended = key(HUB, "ended");
    create(ended, T0);
    end(ended, T0);
    // An event raised at an ended instance still lands in its inbox, visible at once.
    store.enqueueEvent(ended, null, Events.eventRaised("late", StringValue.of("1"), T0), T0);
    InstanceKey idle = key(HUB, "idle");
    create(idle, T0);
    start(idle, T0, List.of(), List.of());

    assertThat(claims.claim(HUB, A, T0 + 1, 10, 0, WorkFilter.ALL).instances())
        .containsExactlyInAnyOrder(ready1, ready2);
    assertThat(claims.claim(HUB, B, fireAt - 1, 10, 0, WorkFilter.ALL).instances()).isEmpty();
    assertThat(claims.claim(HUB, B, fireAt, 10, 0, WorkFilter.ALL).instances())
        .containsExactlyInAnyOrder(waiting, later);
    assertThat(claims.claim(HUB, C, fireAt + 3_600_000, 10, 10, WorkFilter.ALL).isEmpty()).isTrue();
    assertThat(claims.liveInstanceOwner(ended, T0)).isEmpty();
  }

  @Test
  void aClaimTakesOnlyTheNamesAndVersionsTheNodesWorkersTake() {
    InstanceKey greet = key(HUB, "greet");
    create(greet, T0);
    InstanceKey order1 = key(HUB, "order-1");
    createNamed(order1, "Order", "1");
    InstanceKey order2 = key(HUB, "order-2");
    createNamed(order2, "Order", "2");
    InstanceKey tasks = key(HUB, "tasks");
    create(tasks, T0);
    ActivityTask charge = activity(tasks, 2, "Charge");
    start(tasks, T0, List.of(activity(tasks, 1), charge), List.of());
    WorkFilter orderV2AndCharge =
        WorkFilter.of(Map.of("Order", List.of("2")), Map.of("Charge", List.of()));
    WorkFilter greetOnly = WorkFilter.of(Map.of("Greet", List.of()), Map.of());

    Claimed a = claims.claim(HUB, A, T0, 10, 10, orderV2AndCharge);
    Claimed b = claims.claim(HUB, B, T0, 10, 10, greetOnly);
    Claimed rest = claims.claim(HUB, C, T0, 10, 10, WorkFilter.ALL);

    assertThat(a.instances()).containsExactly(order2);
    assertThat(a.names()).containsEntry(order2, new WorkName("Order", "2"));
    assertThat(a.activities()).containsExactly(charge);
    assertThat(b.instances()).containsExactly(greet);
    assertThat(b.activities()).isEmpty();
    assertThat(rest.instances()).containsExactly(order1);
    assertThat(rest.activities()).containsExactly(activity(tasks, 1));
  }

  @Test
  void maxInstancesIsRespectedAndAnotherNodeGetsOnlyTheRest() {
    List<InstanceKey> all = createReady(HUB, 5);

    List<InstanceKey> first = claims.claim(HUB, A, T0, 3, 0, WorkFilter.ALL).instances();
    List<InstanceKey> second = claims.claim(HUB, B, T0, 10, 0, WorkFilter.ALL).instances();

    assertThat(first).hasSize(3).doesNotHaveDuplicates();
    assertThat(second).hasSize(2).doesNotContainAnyElementsOf(first);
    assertThat(union(first, second)).containsExactlyInAnyOrderElementsOf(all);
    assertThat(claims.claim(HUB, A, T0, 10, 0, WorkFilter.ALL).isEmpty()).isTrue();
    assertThat(claims.claim(HUB, A, T0, 0, 0, WorkFilter.ALL).isEmpty()).isTrue();
  }

  @Test
  void releasedInstancesAndActivitiesCanBeClaimedAgainButOnlyTheirOwnerCanReleaseThem() {
    createReady(HUB, 3);
    InstanceKey withTasks = key(HUB, "with-tasks");
    create(withTasks, T0);
    start(withTasks, T0, List.of(activity(withTasks, 1), activity(withTasks, 2)), List.of());
    enqueueRaised(withTasks, T0);
    Claimed won = claims.claim(HUB, A, T0, 10, 10, WorkFilter.ALL);
    assertThat(won.instances()).hasSize(4);
    assertThat(won.activities()).hasSize(2);

    claims.release(B, won.instances(), activityKeys(won.activities()));
    assertThat(claims.claim(HUB, B, T0, 10, 10, WorkFilter.ALL).isEmpty()).isTrue();

    claims.release(A, won.instances().subList(0, 2), activityKeys(won.activities().subList(0, 1)));
    Claimed again = claims.claim(HUB, B, T0, 10, 10, WorkFilter.ALL);
    assertThat(again.instances())
        .containsExactlyInAnyOrderElementsOf(won.instances().subList(0, 2));
    assertThat(again.activities()).containsExactlyElementsOf(won.activities().subList(0, 1));
    // Once A's registration lapses, none of its claims has a live owner.
    assertThat(claims.liveInstanceOwner(won.instances().get(3), T0)).contains(A);
    assertThat(claims.liveInstanceOwner(won.instances().get(3), T0 + LONG_LIFE)).isEmpty();
  }

  // ---------------------------------------------------------------- activity claims

  @Test
  void openActivitiesAreClaimedOldestScheduledFirstUpToTheMaximum() {
    // Inserted newest first, so that the order of the rows on disk is not the answer.
    InstanceKey newest = key(HUB, "newest");
    InstanceKey oldest = key(HUB, "oldest");
    InstanceKey middle = key(HUB, "middle");
    create(newest, T0);
    create(oldest, T0);
    create(middle, T0);
    start(newest, T0 + 300, List.of(activity(newest, 1)), List.of());
    start(oldest, T0 + 100, List.of(activity(oldest, 1)), List.of());
    start(middle, T0 + 200, List.of(activity(middle, 1)), List.of());

    assertThat(claims.claim(HUB, A, T0 + 400, 0, 2, WorkFilter.ALL).activities())
        .containsExactly(activity(oldest, 1), activity(middle, 1));
    assertThat(claims.claim(HUB, B, T0 + 400, 0, 2, WorkFilter.ALL).activities())
        .containsExactly(activity(newest, 1));
    assertThat(claims.claim(HUB, C, T0 + 400, 0, 2, WorkFilter.ALL).activities()).isEmpty();
  }

  @Test
  void completedActivitiesAreNeverClaimed() {
    InstanceKey key = key(HUB, "order-1");
    create(key, T0);
    start(key, T0, List.of(activity(key, 1), activity(key, 2), activity(key, 3)), List.of());
    complete(key, 2, T0 + 10);

    Claimed won = claims.claim(HUB, A, T0 + 20, 0, 10, WorkFilter.ALL);
    assertThat(won.activities()).containsExactlyInAnyOrder(activity(key, 1), activity(key, 3));

    claims.release(A, List.of(), activityKeys(won.activities()));
    complete(key, 1, T0 + 30);
    assertThat(claims.claim(HUB, B, T0 + 40, 0, 10, WorkFilter.ALL).activities())
        .containsExactly(activity(key, 3));
  }

  @Test
  void twoNodesClaimingFromManyThreadsAtOnceNeverWinTheSameActivity() throws Exception {
    int instances = 5;
    int perInstance = 100;
    Set<ActivityKey> scheduled = new HashSet<>();
    for (int i = 0; i < instances; i++) {
      InstanceKey key = key(HUB, "busy-" + i);
      create(key, T0);
      List<ActivityTask> tasks =
          IntStream.rangeClosed(1, perInstance).mapToObj(id -> activity(key, id)).toList();
      start(key, T0, tasks, List.of());
      scheduled.addAll(activityKeys(tasks));
    }
    Map<String, WorkClaims> nodes = Map.of(A, claims, B, openAnotherNode().claims());
    int threadsPerNode = 4;
    CountDownLatch go = new CountDownLatch(1);
    Map<String, List<Future<List<ActivityKey>>>> results =
        Map.of(A, new ArrayList<>(), B, new ArrayList<>());
    try (ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerNode)) {
      for (var node : nodes.entrySet()) {
        for (int t = 0; t < threadsPerNode; t++) {
          Callable<List<ActivityKey>> claimUntilEmpty =
              () -> {
                go.await();
                List<ActivityKey> won = new ArrayList<>();
                for (Claimed batch =
                        node.getValue().claim(HUB, node.getKey(), T0, 0, 16, WorkFilter.ALL);
                    !batch.isEmpty();
                    batch = node.getValue().claim(HUB, node.getKey(), T0, 0, 16, WorkFilter.ALL)) {
                  assertThat(batch.activities()).hasSizeLessThanOrEqualTo(16);
                  won.addAll(activityKeys(batch.activities()));
                }
                return won;
              };
          results.get(node.getKey()).add(threads.submit(claimUntilEmpty));
        }
      }
      go.countDown();
    }

    List<ActivityKey> wonByA = joined(results.get(A));
    List<ActivityKey> wonByB = joined(results.get(B));
    assertThat(wonByA).doesNotHaveDuplicates().doesNotContainAnyElementsOf(wonByB);
    assertThat(wonByB).doesNotHaveDuplicates();
    assertThat(union(wonByA, wonByB)).hasSize(instances * perInstance);
    assertThat(new HashSet<>(union(wonByA, wonByB))).isEqualTo(scheduled);
    assertThat(claims.claim(HUB, C, T0, 0, 1_000, WorkFilter.ALL).isEmpty()).isTrue();
  }

  // ---------------------------------------------------------------- hubs

  @Test
  void claimsOfOneHubNeverTouchAnotherHubsWorkEvenWithTheSameIds() {
    InstanceKey mine = key(HUB, "order-1");
    InstanceKey theirs = key(OTHER_HUB, "order-1");
    for (InstanceKey key : List.of(mine, theirs)) {
      create(key, T0);
      start(key, T0, List.of(activity(key, 1)), List.of());
      enqueueRaised(key, T0);
    }

    Claimed won = claims.claim(HUB, A, T0, 10, 10, WorkFilter.ALL);
    assertThat(won.instances()).containsExactly(mine);
    assertThat(won.activities()).containsExactly(activity(mine, 1));

    Claimed other = claims.claim(OTHER_HUB, B, T0, 10, 10, WorkFilter.ALL);
    assertThat(other.instances()).containsExactly(theirs);
    assertThat(other.activities()).containsExactly(activity(theirs, 1));

    // Releasing one hub's instance leaves the instance of the same id in the other hub owned.
    claims.release(A, List.of(mine), List.of(new ActivityKey(mine, 1)));
    assertThat(claims.claim(OTHER_HUB, C, T0, 10, 10, WorkFilter.ALL).isEmpty()).isTrue();
    assertThat(claims.claim(HUB, C, T0, 10, 10, WorkFilter.ALL).instances()).containsExactly(mine);
  }

  @Test
  void ownedInstancesWithVisibleEventsAreListedPerHubAndPerNode() {
    InstanceKey a1 = key(HUB, "a-1");
    InstanceKey b1 = key(HUB, "b-1");
    InstanceKey aOther = key(OTHER_HUB, "a-1");
    InstanceKey aTimer = key(HUB, "a-timer");
    create(a1, T0);
    create(aOther, T0);
    create(aTimer, T0);
    assertThat(claims.claim(HUB, A, T0, 10, 0, WorkFilter.ALL).instances())
        .containsExactlyInAnyOrder(a1, aTimer);
    assertThat(claims.claim(OTHER_HUB, A, T0, 10, 0, WorkFilter.ALL).instances())
        .containsExactly(aOther);
    create(b1, T0);
    assertThat(claims.claim(HUB, B, T0, 10, 0, WorkFilter.ALL).instances()).containsExactly(b1);
    long fireAt = T0 + 60_000;
    start(aTimer, T0 + 1, List.of(), List.of(timer(aTimer, fireAt)));

    assertThat(claims.ownedWithVisibleEvents(HUB, A, T0 + 1)).containsExactly(a1);
    assertThat(claims.ownedWithVisibleEvents(HUB, A, fireAt)).containsExactlyInAnyOrder(a1, aTimer);
    assertThat(claims.ownedWithVisibleEvents(OTHER_HUB, A, T0 + 1)).containsExactly(aOther);
    assertThat(claims.ownedWithVisibleEvents(HUB, B, T0 + 1)).containsExactly(b1);
    assertThat(claims.ownedWithVisibleEvents(OTHER_HUB, B, T0 + 1)).isEmpty();
    assertThat(claims.ownedWithVisibleEvents(HUB, C, fireAt)).isEmpty();

    // Once the events are consumed there is nothing to be woken for.
    start(a1, T0 + 2, List.of(), List.of());
    assertThat(claims.ownedWithVisibleEvents(HUB, A, T0 + 2)).isEmpty();
  }

  // ---------------------------------------------------------------- liveness

  @Test
  void aNodeIsAliveUntilItsRegistrationLapsesAndCannotRenewAfterwards() {
    claims.registerNode(A, T0, T0 + 10_000);
    assertThat(claims.isAlive(A, T0)).isTrue();
    assertThat(claims.isAlive(A, T0 + 9_999)).isTrue();
    assertThat(claims.isAlive(A, T0 + 10_000)).isFalse();
    assertThat(claims.isAlive(UNREGISTERED, T0)).isFalse();

    assertThat(claims.renewNode(A, T0 + 5_000, T0 + 20_000)).isTrue();
    assertThat(claims.isAlive(A, T0 + 19_999)).isTrue();
    assertThat(claims.renewNode(A, T0 + 20_000, T0 + 30_000)).isFalse();
    assertThat(claims.isAlive(A, T0 + 20_000)).isFalse();
    assertThat(claims.renewNode(UNREGISTERED, T0, T0 + 10_000)).isFalse();
    assertThat(claims.isAlive(UNREGISTERED, T0)).isFalse();

    claims.registerNode(A, T0 + 25_000, T0 + 35_000);
    assertThat(claims.isAlive(A, T0 + 30_000)).isTrue();
  }

  @Test
  void reapingRemovesLapsedOtherNodesAndFreesTheirClaimsOnly() {
    claims.registerNode(A, T0, T0 + 10_000); // the reaper, lapsed too
    claims.registerNode(B, T0, T0 + 10_000); // dead
    claims.registerNode(C, T0, T0 + 100_000); // alive
    Map<String, Claimed> won = new HashMap<>();
    for (String node : List.of(A, B, C)) {
      InstanceKey key = key(HUB, "of-" + node);
      create(key, T0);
      start(key, T0, List.of(activity(key, 1)), List.of());
      enqueueRaised(key, T0);
      won.put(node, claims.claim(HUB, node, T0, 10, 10, WorkFilter.ALL));
      assertThat(won.get(node).instances()).containsExactly(key);
      assertThat(won.get(node).activities()).containsExactly(activity(key, 1));
    }
    long now = T0 + 20_000;

    assertThat(claims.reapDeadNodes(A, now)).isEqualTo(1);

    assertThat(claims.renewNode(B, T0 + 5_000, now)).isFalse(); // removed
    assertThat(claims.isAlive(C, now)).isTrue();
    assertThat(claims.liveInstanceOwner(won.get(C).instances().get(0), now)).contains(C);
    Claimed takeover = claims.claim(HUB, C, now, 10, 10, WorkFilter.ALL);
    assertThat(takeover.instances()).containsExactlyElementsOf(won.get(B).instances());
    assertThat(takeover.activities()).containsExactlyElementsOf(won.get(B).activities());
    assertThat(claims.reapDeadNodes(A, now)).isZero();

    // Reaped by another node, A's claims go too.
    assertThat(claims.reapDeadNodes(C, now)).isEqualTo(1);
    Claimed afterA = claims.claim(HUB, D, now, 10, 10, WorkFilter.ALL);
    assertThat(afterA.instances()).containsExactlyElementsOf(won.get(A).instances());
    assertThat(afterA.activities()).containsExactlyElementsOf(won.get(A).activities());
  }

  @Test
  void aNodeWhoseRegistrationLapsedOrWasReapedClaimsNothingAndLeavesTheWorkToLiveNodes() {
    claims.registerNode(A, T0, T0 + 10_000);
    InstanceKey key = key(HUB, "order-1");
    create(key, T0);
    start(key, T0, List.of(activity(key, 1)), List.of());
    enqueueRaised(key, T0);
    long lapsed = T0 + 10_000;

    assertThat(claims.claim(HUB, A, lapsed, 10, 10, WorkFilter.ALL).isEmpty()).isTrue();
    assertThat(claims.reapDeadNodes(B, lapsed)).isEqualTo(1);
    // Reaped, its clock behind: still no claim, or its rows would belong to no registered node.
    assertThat(claims.claim(HUB, A, T0 + 1, 10, 10, WorkFilter.ALL).isEmpty()).isTrue();

    Claimed live = claims.claim(HUB, B, lapsed, 10, 10, WorkFilter.ALL);
    assertThat(live.instances()).containsExactly(key);
    assertThat(live.activities()).containsExactly(activity(key, 1));
  }

  @Test
  void deregisteringANodeReleasesAllItsClaimsAndNoOneElses() {
    claims.registerNode(A, T0, T0 + 100_000);
    claims.registerNode(B, T0, T0 + 100_000);
    InstanceKey ofA = key(HUB, "of-a");
    InstanceKey ofAOtherHub = key(OTHER_HUB, "of-a");
    InstanceKey ofB = key(HUB, "of-b");
    for (InstanceKey key : List.of(ofA, ofAOtherHub)) {
      create(key, T0);
      start(key, T0, List.of(activity(key, 1), activity(key, 2)), List.of());
      enqueueRaised(key, T0);
    }
    Claimed wonByA = claims.claim(HUB, A, T0, 10, 10, WorkFilter.ALL);
    Claimed wonByAOtherHub = claims.claim(OTHER_HUB, A, T0, 10, 10, WorkFilter.ALL);
    create(ofB, T0);
    start(ofB, T0, List.of(activity(ofB, 1)), List.of());
    enqueueRaised(ofB, T0);
    Claimed wonByB = claims.claim(HUB, B, T0, 10, 10, WorkFilter.ALL);
    assertThat(wonByA.instances()).containsExactly(ofA);
    assertThat(wonByB.instances()).containsExactly(ofB);

    claims.deregisterNode(A);

    assertThat(claims.isAlive(A, T0)).isFalse();
    assertThat(claims.renewNode(A, T0, T0 + 100_000)).isFalse();
    Claimed freed = claims.claim(HUB, C, T0, 10, 10, WorkFilter.ALL);
    assertThat(freed.instances()).containsExactly(ofA);
    assertThat(freed.activities()).containsExactlyInAnyOrderElementsOf(wonByA.activities());
    Claimed freedOtherHub = claims.claim(OTHER_HUB, C, T0, 10, 10, WorkFilter.ALL);
    assertThat(freedOtherHub.instances()).containsExactly(ofAOtherHub);
    assertThat(freedOtherHub.activities())
        .containsExactlyInAnyOrderElementsOf(wonByAOtherHub.activities());
    assertThat(claims.liveInstanceOwner(ofB, T0)).contains(B);
    assertThat(claims.liveActivityOwner(new ActivityKey(ofB, 1), T0)).contains(B);
  }

  // ---------------------------------------------------------------- live owners

  @Test
  void theLiveOwnerIsKnownWhileItLivesAndHoldsTheClaim() {
    claims.registerNode(A, T0, T0 + 10_000);
    InstanceKey key = key(HUB, "order-1");
    create(key, T0);
    start(key, T0, List.of(activity(key, 1), activity(key, 2), activity(key, 3)), List.of());
    enqueueRaised(key, T0);
    ActivityKey task1 = new ActivityKey(key, 1);
    ActivityKey task2 = new ActivityKey(key, 2);
    ActivityKey task3 = new ActivityKey(key, 3);
    assertThat(claims.liveInstanceOwner(key, T0)).isEmpty();
    assertThat(claims.liveActivityOwner(task1, T0)).isEmpty();
    claims.claim(HUB, A, T0, 1, 3, WorkFilter.ALL);

    assertThat(claims.liveInstanceOwner(key, T0 + 9_999)).contains(A);
    assertThat(claims.liveActivityOwner(task1, T0 + 9_999)).contains(A);
    assertThat(claims.liveInstanceOwner(key, T0 + 10_000)).isEmpty();
    assertThat(claims.liveActivityOwner(task1, T0 + 10_000)).isEmpty();
    assertThat(claims.liveInstanceOwner(key(OTHER_HUB, "order-1"), T0)).isEmpty();
    assertThat(claims.liveActivityOwner(new ActivityKey(key, 99), T0)).isEmpty();

    complete(key, 2, T0 + 1);
    assertThat(claims.liveActivityOwner(task2, T0 + 2)).isEmpty();
    assertThat(claims.liveActivityOwner(task3, T0 + 2)).contains(A);

    claims.release(A, List.of(key), List.of(task3));
    assertThat(claims.liveInstanceOwner(key, T0 + 2)).isEmpty();
    assertThat(claims.liveActivityOwner(task3, T0 + 2)).isEmpty();
    assertThat(claims.liveActivityOwner(task1, T0 + 2)).contains(A);
  }

  // ---------------------------------------------------------------- relays

  @Test
  void relayedCompletionsAreTakenOnceInOrderByTheirNodeOnly() {
    List<RelayedCompletion> forA =
        List.of(
            relayed(A, HUB, Kind.ACTIVITY, new byte[] {0, 1, (byte) 0xff, 0}, T0 + 3),
            relayed(A, OTHER_HUB, Kind.ORCHESTRATION, new byte[] {42}, T0 + 1),
            relayed(A, HUB, Kind.ORCHESTRATION, new byte[0], T0 + 2));
    RelayedCompletion forB = relayed(B, HUB, Kind.ACTIVITY, new byte[] {7, 7}, T0);
    claims.relay(forA.get(0));
    claims.relay(forB);
    claims.relay(forA.get(1));
    claims.relay(forA.get(2));

    assertThat(claims.takeRelayed(A))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(forA);
    assertThat(claims.takeRelayed(A)).isEmpty();
    assertThat(claims.takeRelayed(C)).isEmpty();
    assertThat(claims.takeRelayed(B))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(forB);
    assertThat(claims.takeRelayed(B)).isEmpty();
  }

  @Test
  void orphanedRelaysAreThoseOfNodesNoLongerAlive() {
    long now = T0 + 5_000;
    claims.registerNode(A, T0, T0 + 10_000); // alive
    claims.registerNode(B, T0, now); // lapsed at now
    RelayedCompletion forA = relayed(A, HUB, Kind.ACTIVITY, new byte[] {1}, T0);
    RelayedCompletion forB = relayed(B, HUB, Kind.ACTIVITY, new byte[] {2}, T0);
    RelayedCompletion forUnknown =
        relayed(UNREGISTERED, OTHER_HUB, Kind.ORCHESTRATION, new byte[] {3}, T0);
    RelayedCompletion forB2 = relayed(B, HUB, Kind.ORCHESTRATION, new byte[] {4}, T0);
    List.of(forA, forB, forUnknown, forB2).forEach(claims::relay);

    assertThat(claims.takeOrphanedRelays(now))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(forB, forUnknown, forB2);
    assertThat(claims.takeOrphanedRelays(now)).isEmpty();
    assertThat(claims.takeRelayed(A))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(forA);
  }

  // ---------------------------------------------------------------- fixtures

  private PostgresCluster.Shared openAnotherNode() {
    PostgresCluster.Shared node = PostgresCluster.open(PostgresLocation.parse(location));
    others.add(node);
    return node;
  }

  private static void close(PostgresCluster.Shared node) {
    node.store().close();
    node.bus().close();
  }

  private static InstanceKey key(String hub, String instanceId) {
    return new InstanceKey(hub, instanceId);
  }

  /** Creates an instance whose {@code ExecutionStarted} is visible from {@code startAt}. */
  private static void create(InstanceKey key, long startAt) {
    HistoryEvent started =
        HistoryEvent.newBuilder()
            .setEventId(Events.NO_EVENT_ID)
            .setTimestamp(Events.timestamp(startAt))
            .setExecutionStarted(
                ExecutionStartedEvent.newBuilder()
                    .setName("Greet")
                    .setOrchestrationInstance(instance(key)))
            .build();
    store.createInstance(
        new NewInstance(key, EXEC, "Greet", null, null, null, Map.of(), T0, startAt, started),
        Set.of());
  }

  /** Creates a ready instance of orchestration {@code name} at {@code version}. */
  private static void createNamed(InstanceKey key, String name, String version) {
    HistoryEvent started =
        HistoryEvent.newBuilder()
            .setEventId(Events.NO_EVENT_ID)
            .setTimestamp(Events.timestamp(T0))
            .setExecutionStarted(
                ExecutionStartedEvent.newBuilder()
                    .setName(name)
                    .setOrchestrationInstance(instance(key)))
            .build();
    store.createInstance(
        new NewInstance(key, EXEC, name, version, null, null, Map.of(), T0, T0, started), Set.of());
  }

  /** Creates {@code count} instances with their start visible at {@link #T0}. */
  private static List<InstanceKey> createReady(String hub, int count) {
    List<InstanceKey> keys = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      InstanceKey key = key(hub, "ready-" + i);
      create(key, T0);
      keys.add(key);
    }
    return keys;
  }

  /** Runs an episode at {@code now}: consumes the visible inbox, schedules tasks and messages. */
  private static void start(
      InstanceKey key, long now, List<ActivityTask> tasks, List<InboxMessage> messages) {
    apply(key, now, tasks, messages, false);
  }

  /** Runs an episode at {@code now} that ends the instance (its inbox and open tasks go). */
  private static void end(InstanceKey key, long now) {
    apply(key, now, List.of(), List.of(), true);
  }

  private static void apply(
      InstanceKey key,
      long now,
      List<ActivityTask> tasks,
      List<InboxMessage> messages,
      boolean terminal) {
    OrchestrationWorkItem item = store.loadWorkItem(key, now).orElseThrow();
    List<HistoryEvent> history = new ArrayList<>();
    item.inbox().forEach(row -> history.add(row.event()));
    for (ActivityTask task : tasks) {
      history.add(
          HistoryEvent.newBuilder()
              .setEventId(task.taskId())
              .setTimestamp(Events.timestamp(now))
              .setTaskScheduled(TaskScheduledEvent.newBuilder().setName("SayHello"))
              .build());
    }
    store.applyStep(
        new OrchestrationStep(
            key,
            item.instance().executionId(),
            item.instance().historyLength(),
            false,
            history,
            item.inbox().stream().map(InboxEvent::id).toList(),
            new InstanceUpdate(
                EXEC,
                terminal ? ORCHESTRATION_STATUS_COMPLETED : ORCHESTRATION_STATUS_RUNNING,
                null,
                terminal ? "\"done\"" : null,
                null,
                null,
                now,
                terminal ? now : 0),
            tasks,
            messages,
            List.of(),
            terminal));
  }

  private static InboxMessage timer(InstanceKey key, long fireAt) {
    HistoryEvent fired =
        HistoryEvent.newBuilder()
            .setEventId(Events.NO_EVENT_ID)
            .setTimestamp(Events.timestamp(fireAt))
            .setTimerFired(
                TimerFiredEvent.newBuilder().setTimerId(0).setFireAt(Events.timestamp(fireAt)))
            .build();
    return new InboxMessage(key, EXEC, fireAt, fired);
  }

  /** Puts an event raised at {@code now} into the instance's inbox, visible at once. */
  private static void enqueueRaised(InstanceKey key, long now) {
    store.enqueueEvent(key, null, Events.eventRaised("go", StringValue.of("\"go\""), now), now);
  }

  private static void complete(InstanceKey key, int taskId, long now) {
    assertThat(
            store.completeActivity(
                key, taskId, Events.taskCompleted(taskId, StringValue.of("\"ok\""), now), now))
        .isPresent();
  }

  private static ActivityTask activity(InstanceKey key, int taskId) {
    return activity(key, taskId, "SayHello");
  }

  private static ActivityTask activity(InstanceKey key, int taskId, String name) {
    ActivityRequest request =
        ActivityRequest.newBuilder()
            .setName(name)
            .setInput(StringValue.of("\"task " + taskId + "\""))
            .setTaskId(taskId)
            .setOrchestrationInstance(instance(key))
            .build();
    return new ActivityTask(key, EXEC, taskId, request);
  }

  private static OrchestrationInstance instance(InstanceKey key) {
    return OrchestrationInstance.newBuilder()
        .setInstanceId(key.instanceId())
        .setExecutionId(StringValue.of(EXEC))
        .build();
  }

  private static List<ActivityKey> activityKeys(List<ActivityTask> tasks) {
    return tasks.stream().map(task -> new ActivityKey(task.key(), task.taskId())).toList();
  }

  private static RelayedCompletion relayed(
      String nodeId, String hub, Kind kind, byte[] response, long createdAt) {
    return new RelayedCompletion(nodeId, hub, kind, response, createdAt);
  }

  private static <T> List<T> union(List<T> first, List<T> second) {
    List<T> both = new ArrayList<>(first);
    both.addAll(second);
    return both;
  }

  private static List<ActivityKey> joined(List<Future<List<ActivityKey>>> futures)
      throws Exception {
    List<ActivityKey> all = new ArrayList<>();
    for (Future<List<ActivityKey>> future : futures) {
      all.addAll(future.get());
    }
    return all;
  }
}
