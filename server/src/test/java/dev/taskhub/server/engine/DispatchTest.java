package dev.taskhub.server.engine;

import static dev.taskhub.server.engine.EngineCalls.awaitSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateTimerAction;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.sqlite.SqliteStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's behaviour through the engine, on a settable clock and in-memory sinks: credit
 * and fairness, lease expiry and give-back, the poison limit, flow control, durable timers and
 * scheduled starts. Nothing here waits for real time to pass.
 */
class DispatchTest {
  private static final String HUB = "default";
  private static final Duration LEASE = Duration.ofMinutes(1);

  private final SettableTimers timers = SettableTimers.startingAt2026();
  private final Store store = SqliteStore.inMemory();
  private Engine engine;

  private Engine start(ServerConfig config) {
    engine = new Engine(config, store, timers);
    engine.start();
    return engine;
  }

  private Engine start() {
    return start(ServerConfig.forTests().withLeaseTimeout(LEASE));
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    timers.close();
    store.close();
  }

  private record Worker(RecordingSink sink, WorkerStream stream) {}

  private Worker connect(int orchestrations, int activities) {
    RecordingSink sink = new RecordingSink();
    GetWorkItemsRequest request =
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(orchestrations)
            .setMaxConcurrentActivityWorkItems(activities)
            .build();
    return new Worker(sink, engine.connect(HUB, request, sink, "test"));
  }

  private void startInstance(String id) {
    engine.startInstance(
        HUB, CreateInstanceRequest.newBuilder().setInstanceId(id).setName("fan-out").build());
  }

  private void answer(WorkItem episode, List<OrchestratorAction> actions) {
    EngineCalls.answer(engine, HUB, episode, actions);
  }

  private void complete(WorkItem activity) {
    EngineCalls.complete(engine, HUB, activity);
  }

  private static OrchestratorAction scheduleTask(int id) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setScheduleTask(ScheduleTaskAction.newBuilder().setName("work"))
        .build();
  }

  @Test
  void activitiesAreSharedAcrossStreamsWithinEachStreamsCredit() {
    start();
    Worker first = connect(1, 1);
    Worker second = connect(1, 1);
    startInstance("i1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                first.sink().orchestrations().size() + second.sink().orchestrations().size() == 1);
    WorkItem episode =
        first.sink().orchestrations().isEmpty()
            ? second.sink().orchestrations().get(0)
            : first.sink().orchestrations().get(0);

    answer(episode, List.of(scheduleTask(0), scheduleTask(1), scheduleTask(2), scheduleTask(3)));

    WorkItem firstActivity = awaitSize(() -> first.sink().activities(), 1).get(0);
    awaitSize(() -> second.sink().activities(), 1);
    complete(firstActivity);
    awaitSize(() -> first.sink().activities(), 2);
    assertThat(second.sink().activities()).hasSize(1);
    assertThat(readyActivities()).isEqualTo(1);
  }

  private int readyActivities() {
    return engine.readyActivityCount(HUB);
  }

  @Test
  void anExpiredLeaseGoesToAnotherStreamAndTheSilentOneGetsNothingNew() {
    start();
    Worker silent = connect(1, 1);
    startInstance("i1");
    answer(awaitSize(() -> silent.sink().orchestrations(), 1).get(0), List.of(scheduleTask(0)));
    WorkItem leased = awaitSize(() -> silent.sink().activities(), 1).get(0);
    Worker other = connect(1, 1);

    timers.advance(LEASE.minusSeconds(1));
    assertThat(other.sink().activities()).isEmpty();
    timers.advance(Duration.ofSeconds(1));

    WorkItem redelivered = awaitSize(() -> other.sink().activities(), 1).get(0);
    assertThat(redelivered.getActivityRequest().getTaskId())
        .isEqualTo(leased.getActivityRequest().getTaskId());
    assertThat(redelivered.getCompletionToken()).isNotEqualTo(leased.getCompletionToken());
    complete(redelivered);
    WorkItem next = awaitSize(() -> other.sink().orchestrations(), 1).get(0);
    assertThat(next.getOrchestratorRequest().getNewEventsList())
        .anyMatch(HistoryEvent::hasTaskCompleted);
    // The silent stream still gets health pings, but no work.
    assertThat(silent.sink().activities()).hasSize(1);
    assertThat(silent.sink().orchestrations()).hasSize(1);
    assertThat(silent.sink().received()).filteredOn(WorkItem::hasHealthPing).hasSize(2);
  }

  @Test
  void anActivityGivenBackPastThePoisonLimitFailsItsTaskForTheOrchestratorToSee() {
    start(ServerConfig.forTests().withLeaseTimeout(LEASE).withPoisonLimit(2));
    Worker first = connect(1, 1);
    startInstance("i1");
    answer(awaitSize(() -> first.sink().orchestrations(), 1).get(0), List.of(scheduleTask(0)));
    awaitSize(() -> first.sink().activities(), 1);
    Worker second = connect(1, 1);
    engine.disconnect(first.stream());
    awaitSize(() -> second.sink().activities(), 1);

    engine.disconnect(second.stream());
    Worker third = connect(1, 1);

    WorkItem episode = awaitSize(() -> third.sink().orchestrations(), 1).get(0);
    HistoryEvent failed =
        episode.getOrchestratorRequest().getNewEventsList().stream()
            .filter(HistoryEvent::hasTaskFailed)
            .findFirst()
            .orElseThrow();
    assertThat(failed.getTaskFailed().getTaskScheduledId()).isZero();
    assertThat(failed.getTaskFailed().getFailureDetails().getErrorType())
        .isEqualTo("PoisonMessage");
    assertThat(third.sink().activities()).isEmpty();
  }

  @Test
  void aStreamThatIsNotReadyGetsWorkOnlyOnceItSaysItIs() {
    start();
    Worker worker = connect(1, 1);
    worker.sink().ready(false);
    startInstance("i1");
    assertThat(engine.readyInstanceCount(HUB)).isEqualTo(1);
    assertThat(worker.sink().received()).isEmpty();

    worker.sink().ready(true);
    engine.streamReady(worker.stream());

    awaitSize(() -> worker.sink().orchestrations(), 1);
    assertThat(engine.readyInstanceCount(HUB)).isZero();
  }

  @Test
  void aDurableTimerFiresAtItsInstantAndNotBefore() {
    start();
    Worker worker = connect(1, 1);
    startInstance("i1");
    long fireAt = timers.millis() + Duration.ofHours(2).toMillis();
    answer(
        awaitSize(() -> worker.sink().orchestrations(), 1).get(0),
        List.of(
            OrchestratorAction.newBuilder()
                .setId(0)
                .setCreateTimer(CreateTimerAction.newBuilder().setFireAt(Events.timestamp(fireAt)))
                .build()));

    timers.advance(Duration.ofHours(2).minusMillis(1));
    assertThat(worker.sink().orchestrations()).hasSize(1);
    timers.advance(Duration.ofMillis(1));

    WorkItem fired = awaitSize(() -> worker.sink().orchestrations(), 2).get(1);
    List<HistoryEvent> events = fired.getOrchestratorRequest().getNewEventsList();
    assertThat(Events.millis(events.get(0).getTimestamp())).isEqualTo(fireAt);
    assertThat(events.get(1).getTimerFired().getTimerId()).isZero();
    assertThat(Events.millis(events.get(1).getTimerFired().getFireAt())).isEqualTo(fireAt);
  }

  @Test
  void aScheduledStartRunsAtItsInstant() {
    start();
    Worker worker = connect(1, 1);
    long startAt = timers.millis() + Duration.ofMinutes(10).toMillis();
    engine.startInstance(
        HUB,
        CreateInstanceRequest.newBuilder()
            .setInstanceId("later")
            .setName("fan-out")
            .setScheduledStartTimestamp(Events.timestamp(startAt))
            .build());

    timers.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(engine.readyInstanceCount(HUB)).isZero();
    assertThat(worker.sink().orchestrations()).isEmpty();
    timers.advance(Duration.ofMillis(1));

    WorkItem episode = awaitSize(() -> worker.sink().orchestrations(), 1).get(0);
    assertThat(Events.millis(episode.getOrchestratorRequest().getNewEvents(0).getTimestamp()))
        .isEqualTo(startAt);
  }

  @Test
  void aStoppingEngineEndsItsStreamsSoWorkersReconnect() {
    start();
    Worker worker = connect(1, 1);

    engine.close();
    engine = null;

    assertThat(worker.sink().end()).isEqualTo(WorkItemSink.StreamEnd.SCHEDULER_STOPPING);
  }
}
