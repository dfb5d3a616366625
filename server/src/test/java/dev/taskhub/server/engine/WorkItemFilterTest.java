package dev.taskhub.server.engine;

import static dev.taskhub.server.engine.EngineCalls.awaitSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityFilter;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.OrchestrationFilter;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.protocol.WorkItemFilters;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.WorkName;
import dev.taskhub.server.store.sqlite.SqliteStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Work-item filters through the engine, on a settable clock and in-memory sinks: a stream that
 * sends filters gets only the orchestrations and activities they name (and versions where listed);
 * work no stream takes waits, queued and pending, until one that takes it connects; one name's
 * backlog never delays another's.
 */
class WorkItemFilterTest {
  private static final String HUB = "default";

  private final SettableTimers timers = SettableTimers.startingAt2026();
  private final Store store = SqliteStore.inMemory();
  private Engine engine;

  @BeforeEach
  void start() {
    engine = new Engine(ServerConfig.forTests(), store, timers);
    engine.start();
  }

  @AfterEach
  void close() {
    engine.close();
    timers.close();
    store.close();
  }

  private record Worker(RecordingSink sink, WorkerStream stream) {}

  /** A stream taking the orchestrations and activities named (versions after '@'), 4 of each. */
  private Worker connect(List<String> orchestrations, List<String> activities) {
    WorkItemFilters.Builder filters = WorkItemFilters.newBuilder();
    for (String name : orchestrations) {
      String[] parts = name.split("@");
      OrchestrationFilter.Builder filter = OrchestrationFilter.newBuilder().setName(parts[0]);
      if (parts.length > 1) {
        filter.addVersions(parts[1]);
      }
      filters.addOrchestrations(filter);
    }
    activities.forEach(name -> filters.addActivities(ActivityFilter.newBuilder().setName(name)));
    return connect(
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(4)
            .setMaxConcurrentActivityWorkItems(4)
            .setWorkItemFilters(filters)
            .build());
  }

  private Worker connect(GetWorkItemsRequest request) {
    RecordingSink sink = new RecordingSink();
    return new Worker(sink, engine.connect(HUB, request, sink, "test"));
  }

  private void startInstance(String id, String name, String version) {
    CreateInstanceRequest.Builder request =
        CreateInstanceRequest.newBuilder().setInstanceId(id).setName(name);
    if (version != null) {
      request.setVersion(StringValue.of(version));
    }
    engine.startInstance(HUB, request.build());
  }

  private void answer(WorkItem episode, OrchestratorAction... actions) {
    EngineCalls.answer(engine, HUB, episode, List.of(actions));
  }

  private void complete(WorkItem activity) {
    EngineCalls.complete(engine, HUB, activity);
  }

  private static OrchestratorAction scheduleTask(int id, String name) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setScheduleTask(ScheduleTaskAction.newBuilder().setName(name))
        .build();
  }

  private static List<String> instanceIds(List<WorkItem> episodes) {
    return episodes.stream().map(e -> e.getOrchestratorRequest().getInstanceId()).toList();
  }

  private WaitingWork waiting(String kind, String name) {
    return engine.waitingWork(HUB).stream()
        .filter(w -> w.kind().equals(kind) && w.name().name().equals(name))
        .findFirst()
        .orElse(null);
  }

  private OrchestrationStatus status(String id) {
    return store.findInstance(new InstanceKey(HUB, id)).orElseThrow().status();
  }

  @Test
  void eachStreamGetsOnlyTheOrchestrationsAndActivitiesItsFiltersName() {
    Worker alpha = connect(List.of("alpha"), List.of("alpha-work"));
    Worker beta = connect(List.of("beta"), List.of("beta-work"));
    for (int i = 0; i < 3; i++) {
      startInstance("a" + i, "alpha", null);
      startInstance("b" + i, "beta", null);
    }

    List<WorkItem> alphaEpisodes = awaitSize(() -> alpha.sink().orchestrations(), 3);
    List<WorkItem> betaEpisodes = awaitSize(() -> beta.sink().orchestrations(), 3);
    assertThat(instanceIds(alphaEpisodes)).containsExactlyInAnyOrder("a0", "a1", "a2");
    assertThat(instanceIds(betaEpisodes)).containsExactlyInAnyOrder("b0", "b1", "b2");

    // Each orchestration schedules the other worker's activity too: it goes to that worker.
    answer(alphaEpisodes.get(0), scheduleTask(0, "alpha-work"), scheduleTask(1, "beta-work"));
    answer(betaEpisodes.get(0), scheduleTask(0, "beta-work"), scheduleTask(1, "alpha-work"));
    List<WorkItem> alphaActivities = awaitSize(() -> alpha.sink().activities(), 2);
    List<WorkItem> betaActivities = awaitSize(() -> beta.sink().activities(), 2);
    assertThat(alphaActivities)
        .allMatch(a -> a.getActivityRequest().getName().equals("alpha-work"));
    assertThat(betaActivities).allMatch(a -> a.getActivityRequest().getName().equals("beta-work"));

    alphaActivities.forEach(this::complete);
    betaActivities.forEach(this::complete);
    // The fan-ins follow their orchestrations' filters, whoever ran the activities. (The first
    // episodes are sent concurrently, so the one answered above may be any of the three.)
    assertThat(instanceIds(awaitSize(() -> alpha.sink().orchestrations(), 4)).get(3))
        .isEqualTo(alphaEpisodes.get(0).getOrchestratorRequest().getInstanceId());
    assertThat(instanceIds(awaitSize(() -> beta.sink().orchestrations(), 4)).get(3))
        .isEqualTo(betaEpisodes.get(0).getOrchestratorRequest().getInstanceId());
  }

  @Test
  void workNoStreamTakesWaitsPendingAndGoesOutOnceAStreamThatTakesItConnects() {
    Worker alpha = connect(List.of("alpha"), List.of("alpha-work"));
    startInstance("g1", "gamma", null);
    startInstance("a1", "alpha", null);
    awaitSize(() -> alpha.sink().orchestrations(), 1);

    timers.advance(Duration.ofMinutes(5));
    assertThat(alpha.sink().orchestrations()).hasSize(1);
    assertThat(status("g1")).isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);
    WaitingWork gamma = waiting("orchestration", "gamma");
    assertThat(gamma.waiting()).isEqualTo(1);
    assertThat(gamma.streamsTaking()).isZero();
    // An activity no stream takes waits the same way.
    answer(alpha.sink().orchestrations().get(0), scheduleTask(0, "delta-work"));
    await().until(() -> waiting("activity", "delta-work") != null);
    assertThat(alpha.sink().activities()).isEmpty();

    Worker other = connect(List.of("gamma"), List.of("delta-work"));
    assertThat(instanceIds(awaitSize(() -> other.sink().orchestrations(), 1)))
        .containsExactly("g1");
    assertThat(awaitSize(() -> other.sink().activities(), 1).get(0).getActivityRequest().getName())
        .isEqualTo("delta-work");
    assertThat(engine.waitingWork(HUB)).isEmpty();
  }

  @Test
  void aFilterThatListsVersionsTakesOnlyThoseAndFollowsAContinueAsNewToItsNewVersion() {
    Worker v1 = connect(List.of("order@1"), List.of());
    Worker v2 = connect(List.of("order@2"), List.of());
    startInstance("old", "order", "1");
    startInstance("new", "order", "2");
    startInstance("none", "order", null);

    assertThat(instanceIds(awaitSize(() -> v1.sink().orchestrations(), 1))).containsExactly("old");
    assertThat(instanceIds(awaitSize(() -> v2.sink().orchestrations(), 1))).containsExactly("new");
    assertThat(waiting("orchestration", "order").name()).isEqualTo(new WorkName("order", ""));

    answer(
        v1.sink().orchestrations().get(0),
        OrchestratorAction.newBuilder()
            .setId(0)
            .setCompleteOrchestration(
                CompleteOrchestrationAction.newBuilder()
                    .setOrchestrationStatus(
                        OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW)
                    .setNewVersion(StringValue.of("2")))
            .build());
    assertThat(instanceIds(awaitSize(() -> v2.sink().orchestrations(), 2)).get(1)).isEqualTo("old");
    assertThat(v1.sink().orchestrations()).hasSize(1);
    assertThat(store.findInstance(new InstanceKey(HUB, "old")).orElseThrow().version())
        .isEqualTo("2");
  }

  @Test
  void aBacklogOfOneNameDoesNotDelayAnother() {
    for (int i = 0; i < 50; i++) {
      startInstance("bulk-" + i, "bulk", null);
    }
    startInstance("urgent", "urgent", null);
    Worker worker =
        connect(
            GetWorkItemsRequest.newBuilder()
                .setMaxConcurrentOrchestrationWorkItems(2)
                .setMaxConcurrentActivityWorkItems(1)
                .build());

    assertThat(instanceIds(awaitSize(() -> worker.sink().orchestrations(), 2))).contains("urgent");
  }

  @Test
  void anInstanceWhoseNameIsNotKnownHereIsReadFromTheStoreBeforeAFilteredStreamTakesIt() {
    Worker alpha = connect(List.of("alpha"), List.of());
    startInstance("a1", "alpha", null);
    answer(awaitSize(() -> alpha.sink().orchestrations(), 1).get(0)); // waits for an event
    engine.close();
    engine = new Engine(ServerConfig.forTests(), store, timers); // forgets every name
    engine.start();
    Worker beta = connect(List.of("beta"), List.of());
    Worker alphaAgain = connect(List.of("alpha"), List.of());

    engine.raiseEvent(HUB, "a1", "go", StringValue.of("1"));

    WorkItem episode = awaitSize(() -> alphaAgain.sink().orchestrations(), 1).get(0);
    assertThat(episode.getOrchestratorRequest().getNewEventsList())
        .anyMatch(e -> e.hasEventRaised() && e.getEventRaised().getName().equals("go"));
    assertThat(beta.sink().orchestrations()).isEmpty();
  }

  @Test
  void anEpisodeAbandonedByTheOnlyStreamThatTakesItComesBackToIt() {
    Worker alpha = connect(List.of("alpha"), List.of());
    Worker beta = connect(List.of("beta"), List.of());
    startInstance("a1", "alpha", null);
    WorkItem refused = awaitSize(() -> alpha.sink().orchestrations(), 1).get(0);

    engine.abandonOrchestration(HUB, refused.getCompletionToken());
    timers.advance(Duration.ofSeconds(1));

    assertThat(instanceIds(awaitSize(() -> alpha.sink().orchestrations(), 2)).get(1))
        .isEqualTo("a1");
    assertThat(beta.sink().orchestrations()).isEmpty();
  }
}
