package dev.taskhub.server.engine;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateSubOrchestrationAction;
import dev.taskhub.protocol.CreateTimerAction;
import dev.taskhub.protocol.EntityLockRequestedEvent;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.EntityOperationSignaledEvent;
import dev.taskhub.protocol.EntityUnlockSentEvent;
import dev.taskhub.protocol.EventRaisedEvent;
import dev.taskhub.protocol.EventSentEvent;
import dev.taskhub.protocol.ExecutionCompletedEvent;
import dev.taskhub.protocol.ExecutionResumedEvent;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.ExecutionSuspendedEvent;
import dev.taskhub.protocol.ExecutionTerminatedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.OrchestratorStartedEvent;
import dev.taskhub.protocol.ParentInstanceInfo;
import dev.taskhub.protocol.RewindOrchestrationAction;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.SendEntityMessageAction;
import dev.taskhub.protocol.SendEventAction;
import dev.taskhub.protocol.SubOrchestrationInstanceCompletedEvent;
import dev.taskhub.protocol.SubOrchestrationInstanceCreatedEvent;
import dev.taskhub.protocol.SubOrchestrationInstanceFailedEvent;
import dev.taskhub.protocol.TaskCompletedEvent;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.protocol.TaskScheduledEvent;
import dev.taskhub.protocol.TerminateOrchestrationAction;
import dev.taskhub.protocol.TimerCreatedEvent;
import dev.taskhub.protocol.TimerFiredEvent;
import dev.taskhub.protocol.TraceContext;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.ChildInstance;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceUpdate;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How a worker's answer to an episode becomes the step the store applies (§2.3 and §2.4 of the
 * protocol notes). Pure values in, pure values out: no store, no server, no clock.
 *
 * <p>Long because {@link StepPlanner} is the one place every orchestrator action becomes history
 * and messages; one {@code @Nested} group per action kind (then the bad inputs, {@code fail} and
 * {@code terminate}) keeps it navigable, and the factories at the top are shared by all of them.
 */
class StepPlannerTest {
  private static final String HUB = "default";
  private static final String INSTANCE_ID = "order-7";
  private static final InstanceKey KEY = new InstanceKey(HUB, INSTANCE_ID);
  private static final String EXECUTION_ID = "exec-1";
  private static final String NAME = "ProcessOrder";
  private static final String VERSION = "2.0";
  private static final String STORED_CUSTOM_STATUS = "\"stored status\"";
  private static final long T0 = 1_700_000_000_000L;
  private static final long NOW = T0 + 60_000;
  private static final int LIMIT = 1024;

  // The parent of the instance in the sub-orchestration tests, and the id of the action that
  // created it there.
  private static final InstanceKey PARENT = new InstanceKey(HUB, "order-1");
  private static final String PARENT_EXECUTION_ID = "parent-exec";
  private static final int PARENT_TASK_ID = 4;

  private final StepPlanner planner = new StepPlanner(new PayloadLimit(LIMIT));

  // ---- the instance, its history and its inbox ----------------------------------------------

  private static HistoryEvent.Builder event(int eventId, long at) {
    return HistoryEvent.newBuilder().setEventId(eventId).setTimestamp(Events.timestamp(at));
  }

  private static HistoryEvent orchestratorStarted(long at) {
    return event(Events.NO_EVENT_ID, at)
        .setOrchestratorStarted(OrchestratorStartedEvent.getDefaultInstance())
        .build();
  }

  private static OrchestrationInstance orchestrationInstance(String instanceId, String execution) {
    OrchestrationInstance.Builder instance =
        OrchestrationInstance.newBuilder().setInstanceId(instanceId);
    if (execution != null) {
      instance.setExecutionId(StringValue.of(execution));
    }
    return instance.build();
  }

  /** This instance's ExecutionStarted: "ProcessOrder" v2.0, input "order", a tag. */
  private static ExecutionStartedEvent.Builder started() {
    return ExecutionStartedEvent.newBuilder()
        .setName(NAME)
        .setVersion(StringValue.of(VERSION))
        .setInput(StringValue.of("\"order\""))
        .setOrchestrationInstance(orchestrationInstance(INSTANCE_ID, EXECUTION_ID))
        .putTags("team", "sales");
  }

  /** The ExecutionStarted of this instance as a sub-orchestration of {@link #PARENT}. */
  private static ExecutionStartedEvent.Builder startedAsChild(String parentExecutionId) {
    return started()
        .setParentInstance(
            ParentInstanceInfo.newBuilder()
                .setTaskScheduledId(PARENT_TASK_ID)
                .setName(StringValue.of("Orders"))
                .setOrchestrationInstance(
                    orchestrationInstance(PARENT.instanceId(), parentExecutionId)));
  }

  private static HistoryEvent executionStarted(ExecutionStartedEvent.Builder started) {
    return event(Events.NO_EVENT_ID, T0).setExecutionStarted(started).build();
  }

  private static HistoryEvent taskScheduled(int id, String name) {
    return event(id, T0).setTaskScheduled(TaskScheduledEvent.newBuilder().setName(name)).build();
  }

  private static HistoryEvent taskCompleted(int taskScheduledId, String result) {
    return event(Events.NO_EVENT_ID, T0 + 1)
        .setTaskCompleted(
            TaskCompletedEvent.newBuilder()
                .setTaskScheduledId(taskScheduledId)
                .setResult(StringValue.of(result)))
        .build();
  }

  private static HistoryEvent childCreated(int id, String childId) {
    return event(id, T0)
        .setSubOrchestrationInstanceCreated(
            SubOrchestrationInstanceCreatedEvent.newBuilder()
                .setInstanceId(childId)
                .setName("ShipOrder"))
        .build();
  }

  private static HistoryEvent executionTerminated(String reason, boolean recurse) {
    ExecutionTerminatedEvent.Builder terminated =
        ExecutionTerminatedEvent.newBuilder().setRecurse(recurse);
    if (reason != null) {
      terminated.setInput(StringValue.of(reason));
    }
    return event(Events.NO_EVENT_ID, T0 + 2).setExecutionTerminated(terminated).build();
  }

  private static HistoryEvent raised(String name) {
    return event(Events.NO_EVENT_ID, T0 + 3)
        .setEventRaised(EventRaisedEvent.newBuilder().setName(name))
        .build();
  }

  private static InstanceRecord instance(
      OrchestrationStatus status, String version, int historyLength) {
    return new InstanceRecord(
        KEY,
        EXECUTION_ID,
        NAME,
        version,
        status,
        "\"order\"",
        null,
        STORED_CUSTOM_STATUS,
        null,
        null,
        Map.of("team", "sales"),
        T0,
        T0,
        0,
        T0,
        historyLength,
        null);
  }

  private static OrchestrationWorkItem workItem(
      InstanceRecord instance, List<HistoryEvent> history, HistoryEvent... inbox) {
    List<InboxEvent> events = new ArrayList<>();
    for (HistoryEvent event : inbox) {
      events.add(new InboxEvent(100 + events.size(), EXECUTION_ID, T0, event));
    }
    return new OrchestrationWorkItem(instance, history, events, List.of());
  }

  /** A new instance: no history yet, its ExecutionStarted waiting in the inbox (inbox id 100). */
  private static OrchestrationWorkItem freshInstance() {
    return workItem(
        instance(ORCHESTRATION_STATUS_PENDING, VERSION, 0), List.of(), executionStarted(started()));
  }

  /** A running instance with the given history and inbox. */
  private static OrchestrationWorkItem running(List<HistoryEvent> history, HistoryEvent... inbox) {
    return workItem(
        instance(ORCHESTRATION_STATUS_RUNNING, VERSION, history.size()), history, inbox);
  }

  /**
   * A running instance whose first episode scheduled activity 0, with that activity's result in its
   * inbox: the actions of its next episode start at id 1.
   */
  private static OrchestrationWorkItem runningWithResult() {
    return running(startedHistory(started()), taskCompleted(0, "\"paid\""));
  }

  /** The same, as a sub-orchestration of {@link #PARENT}. */
  private static OrchestrationWorkItem runningChildWithResult(String parentExecutionId) {
    return running(startedHistory(startedAsChild(parentExecutionId)), taskCompleted(0, "\"paid\""));
  }

  private static List<HistoryEvent> startedHistory(ExecutionStartedEvent.Builder started) {
    return List.of(orchestratorStarted(T0), executionStarted(started), taskScheduled(0, "Pay"));
  }

  private static List<HistoryEvent> concat(List<HistoryEvent> first, HistoryEvent... rest) {
    List<HistoryEvent> all = new ArrayList<>(first);
    all.addAll(Arrays.asList(rest));
    return all;
  }

  private static Episode episode(OrchestrationWorkItem workItem) {
    return Episode.build(workItem, NOW).orElseThrow();
  }

  // ---- the worker's answer ------------------------------------------------------------------

  private OrchestrationStep plan(OrchestrationWorkItem workItem, OrchestratorAction... actions) {
    return planner.plan(episode(workItem), response(actions).build(), NOW);
  }

  private static OrchestratorResponse.Builder response(OrchestratorAction... actions) {
    return OrchestratorResponse.newBuilder()
        .setInstanceId(INSTANCE_ID)
        .addAllActions(Arrays.asList(actions));
  }

  private static OrchestratorAction scheduleTask(int id, String name, String input) {
    ScheduleTaskAction.Builder task = ScheduleTaskAction.newBuilder().setName(name);
    if (input != null) {
      task.setInput(StringValue.of(input));
    }
    return OrchestratorAction.newBuilder().setId(id).setScheduleTask(task).build();
  }

  private static OrchestratorAction createTimer(int id, long fireAt) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setCreateTimer(CreateTimerAction.newBuilder().setFireAt(Events.timestamp(fireAt)))
        .build();
  }

  private static OrchestratorAction sendEvent(int id, String target, String name, String data) {
    SendEventAction.Builder send =
        SendEventAction.newBuilder().setInstance(orchestrationInstance(target, null)).setName(name);
    if (data != null) {
      send.setData(StringValue.of(data));
    }
    return OrchestratorAction.newBuilder().setId(id).setSendEvent(send).build();
  }

  private static OrchestratorAction terminateOrchestration(
      int id, String target, String reason, boolean recurse) {
    TerminateOrchestrationAction.Builder terminate =
        TerminateOrchestrationAction.newBuilder().setInstanceId(target).setRecurse(recurse);
    if (reason != null) {
      terminate.setReason(StringValue.of(reason));
    }
    return OrchestratorAction.newBuilder().setId(id).setTerminateOrchestration(terminate).build();
  }

  private static OrchestratorAction createSubOrchestration(
      int id, String instanceId, String name, String input) {
    CreateSubOrchestrationAction.Builder create =
        CreateSubOrchestrationAction.newBuilder().setInstanceId(instanceId).setName(name);
    if (input != null) {
      create.setInput(StringValue.of(input));
    }
    return OrchestratorAction.newBuilder().setId(id).setCreateSubOrchestration(create).build();
  }

  private static OrchestratorAction complete(int id, CompleteOrchestrationAction.Builder complete) {
    return OrchestratorAction.newBuilder().setId(id).setCompleteOrchestration(complete).build();
  }

  private static OrchestratorAction complete(int id, OrchestrationStatus status, String result) {
    CompleteOrchestrationAction.Builder complete =
        CompleteOrchestrationAction.newBuilder().setOrchestrationStatus(status);
    if (result != null) {
      complete.setResult(StringValue.of(result));
    }
    return complete(id, complete);
  }

  // ---- expected values ----------------------------------------------------------------------

  private static HistoryEvent executionCompleted(
      int eventId, OrchestrationStatus status, String result, TaskFailureDetails failure) {
    ExecutionCompletedEvent.Builder completed =
        ExecutionCompletedEvent.newBuilder().setOrchestrationStatus(status);
    if (result != null) {
      completed.setResult(StringValue.of(result));
    }
    if (failure != null) {
      completed.setFailureDetails(failure);
    }
    return event(eventId, NOW).setExecutionCompleted(completed).build();
  }

  private static TaskFailureDetails failure(String type, String message) {
    return TaskFailureDetails.newBuilder().setErrorType(type).setErrorMessage(message).build();
  }

  private static HistoryEvent childFailed(int taskScheduledId, TaskFailureDetails failure) {
    return event(Events.NO_EVENT_ID, NOW)
        .setSubOrchestrationInstanceFailed(
            SubOrchestrationInstanceFailedEvent.newBuilder()
                .setTaskScheduledId(taskScheduledId)
                .setFailureDetails(failure))
        .build();
  }

  private static InboxMessage terminationOf(String instanceId, String output) {
    return new InboxMessage(
        new InstanceKey(HUB, instanceId),
        null,
        NOW,
        event(Events.NO_EVENT_ID, NOW)
            .setExecutionTerminated(executionTerminated(output, true).getExecutionTerminated())
            .build());
  }

  private static List<HistoryEvent.EventTypeCase> types(OrchestrationStep step) {
    return step.history().stream().map(HistoryEvent::getEventTypeCase).toList();
  }

  private static List<Integer> eventIds(OrchestrationStep step) {
    return step.history().stream().map(HistoryEvent::getEventId).toList();
  }

  private static String assertIsUuid(String id) {
    assertThat(UUID.fromString(id).toString()).isEqualTo(id);
    return id;
  }

  // ---- tests --------------------------------------------------------------------------------

  @Nested
  class HistoryAndStatus {
    @Test
    void firstEpisodeWithoutActionsAppendsItsNewEventsAndMarksTheInstanceRunning() {
      OrchestrationStep step = plan(freshInstance());

      assertThat(step.history())
          .containsExactly(orchestratorStarted(NOW), executionStarted(started()));
      assertThat(step.key()).isEqualTo(KEY);
      assertThat(step.expectedExecutionId()).isEqualTo(EXECUTION_ID);
      assertThat(step.expectedHistoryLength()).isZero();
      assertThat(step.resetHistory()).isFalse();
      assertThat(step.consumedInboxIds()).containsExactly(100L);
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  EXECUTION_ID, ORCHESTRATION_STATUS_RUNNING, null, null, null, null, NOW, 0));
      assertThat(step.activities()).isEmpty();
      assertThat(step.messages()).isEmpty();
      assertThat(step.children()).isEmpty();
      assertThat(step.terminal()).isFalse();
    }

    @Test
    void aStepExpectsTheGenerationAndHistoryLengthItsEpisodeWasBuiltFrom() {
      OrchestrationWorkItem workItem =
          running(startedHistory(started()), taskCompleted(0, "\"paid\""), raised("Go"));

      OrchestrationStep step = plan(workItem);

      assertThat(step.expectedExecutionId()).isEqualTo(EXECUTION_ID);
      assertThat(step.expectedHistoryLength()).isEqualTo(3);
      assertThat(step.consumedInboxIds()).containsExactly(100L, 101L);
      assertThat(step.history())
          .containsExactly(orchestratorStarted(NOW), taskCompleted(0, "\"paid\""), raised("Go"));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
    }

    @Test
    void actionEventsFollowTheNewEventsInActionOrderWithTheActionIdsAsEventIds() {
      OrchestrationStep step =
          plan(
              freshInstance(),
              scheduleTask(0, "CountWords", "\"a b\""),
              createTimer(1, NOW + 1_000),
              createSubOrchestration(2, "child-1", "ShipOrder", null),
              sendEvent(3, "shipping-3", "OrderPaid", null),
              scheduleTask(4, "CountWords", "\"c\""));

      assertThat(types(step))
          .containsExactly(
              HistoryEvent.EventTypeCase.ORCHESTRATORSTARTED,
              HistoryEvent.EventTypeCase.EXECUTIONSTARTED,
              HistoryEvent.EventTypeCase.TASKSCHEDULED,
              HistoryEvent.EventTypeCase.TIMERCREATED,
              HistoryEvent.EventTypeCase.SUBORCHESTRATIONINSTANCECREATED,
              HistoryEvent.EventTypeCase.EVENTSENT,
              HistoryEvent.EventTypeCase.TASKSCHEDULED);
      assertThat(eventIds(step)).containsExactly(-1, -1, 0, 1, 2, 3, 4);
      assertThat(step.history().subList(2, 7))
          .allSatisfy(event -> assertThat(event.getTimestamp()).isEqualTo(Events.timestamp(NOW)));
    }

    @Test
    void executionSuspendedAmongTheNewEventsMarksTheInstanceSuspended() {
      HistoryEvent suspended =
          event(Events.NO_EVENT_ID, T0 + 5)
              .setExecutionSuspended(
                  ExecutionSuspendedEvent.newBuilder().setInput(StringValue.of("\"pause\"")))
              .build();

      OrchestrationStep step = plan(running(startedHistory(started()), suspended));

      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_SUSPENDED);
      assertThat(step.history()).containsExactly(orchestratorStarted(NOW), suspended);
      assertThat(step.terminal()).isFalse();
    }

    @Test
    void executionResumedAmongTheNewEventsMarksASuspendedInstanceRunning() {
      HistoryEvent resumed =
          event(Events.NO_EVENT_ID, T0 + 5)
              .setExecutionResumed(ExecutionResumedEvent.getDefaultInstance())
              .build();
      List<HistoryEvent> history = startedHistory(started());
      OrchestrationWorkItem workItem =
          workItem(
              instance(ORCHESTRATION_STATUS_SUSPENDED, VERSION, history.size()), history, resumed);

      assertThat(plan(workItem).update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
    }

    @Test
    void aSuspendedInstanceStaysSuspendedWhileNoResumeArrives() {
      List<HistoryEvent> history = startedHistory(started());
      OrchestrationWorkItem workItem =
          workItem(
              instance(ORCHESTRATION_STATUS_SUSPENDED, VERSION, history.size()),
              history,
              raised("Go"));

      assertThat(plan(workItem).update().status()).isEqualTo(ORCHESTRATION_STATUS_SUSPENDED);
    }

    @Test
    void aContinuedAsNewInstanceRunsAgainOnceItsNewExecutionStartedIsDelivered() {
      OrchestrationWorkItem workItem =
          workItem(
              instance(ORCHESTRATION_STATUS_CONTINUED_AS_NEW, VERSION, 0),
              List.of(),
              executionStarted(started()));

      assertThat(plan(workItem).update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
    }
  }

  @Nested
  class ScheduleTask {
    @Test
    void scheduleTaskAppendsTaskScheduledWithTheActionIdAndQueuesTheActivity() {
      TraceContext trace =
          TraceContext.newBuilder().setTraceParent("00-0af7651916cd43dd-b7ad6b71-01").build();
      OrchestratorAction action =
          OrchestratorAction.newBuilder()
              .setId(0)
              .setScheduleTask(
                  ScheduleTaskAction.newBuilder()
                      .setName("ChargeCard")
                      .setVersion(StringValue.of("1.1"))
                      .setInput(StringValue.of("\"card\""))
                      .putTags("priority", "high")
                      .setParentTraceContext(trace))
              .build();

      OrchestrationStep step = plan(freshInstance(), action);

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              executionStarted(started()),
              event(0, NOW)
                  .setTaskScheduled(
                      TaskScheduledEvent.newBuilder()
                          .setName("ChargeCard")
                          .setVersion(StringValue.of("1.1"))
                          .setInput(StringValue.of("\"card\""))
                          .putTags("priority", "high")
                          .setParentTraceContext(trace))
                  .build());
      assertThat(step.activities())
          .containsExactly(
              new ActivityTask(
                  KEY,
                  EXECUTION_ID,
                  0,
                  ActivityRequest.newBuilder()
                      .setName("ChargeCard")
                      .setVersion(StringValue.of("1.1"))
                      .setInput(StringValue.of("\"card\""))
                      .setOrchestrationInstance(orchestrationInstance(INSTANCE_ID, EXECUTION_ID))
                      .setTaskId(0)
                      .putTags("priority", "high")
                      .setParentTraceContext(trace)
                      .build(),
                  NOW));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
      assertThat(step.terminal()).isFalse();
    }

    @Test
    void aFanOutQueuesOneActivityPerActionWithItsOwnTaskId() {
      // §2.4, episode 1.
      OrchestrationStep step =
          plan(
              freshInstance(),
              scheduleTask(0, "CountWords", "\"a b\""),
              scheduleTask(1, "CountWords", "\"c\""),
              scheduleTask(2, "CountWords", "\"d e f\""));

      assertThat(step.activities())
          .extracting(ActivityTask::taskId, task -> task.request().getInput().getValue())
          .containsExactly(tuple(0, "\"a b\""), tuple(1, "\"c\""), tuple(2, "\"d e f\""));
      assertThat(step.activities())
          .allSatisfy(
              task -> {
                assertThat(task.key()).isEqualTo(KEY);
                assertThat(task.executionId()).isEqualTo(EXECUTION_ID);
                assertThat(task.request().getTaskId()).isEqualTo(task.taskId());
              });
      assertThat(eventIds(step)).containsExactly(-1, -1, 0, 1, 2);
    }

    @Test
    void anActivityWithoutInputOrVersionIsScheduledWithoutThem() {
      OrchestrationStep step = plan(freshInstance(), scheduleTask(0, "Ping", null));

      TaskScheduledEvent scheduled = step.history().get(2).getTaskScheduled();
      assertThat(scheduled.hasInput()).isFalse();
      assertThat(scheduled.hasVersion()).isFalse();
      ActivityRequest request = step.activities().get(0).request();
      assertThat(request.hasInput()).isFalse();
      assertThat(request.hasVersion()).isFalse();
      assertThat(request.getName()).isEqualTo("Ping");
    }
  }

  @Nested
  class CreateTimer {
    @Test
    void createTimerAppendsTimerCreatedAndQueuesTimerFiredVisibleAtFireAt() {
      long fireAt = NOW + 30_250;

      OrchestrationStep step = plan(runningWithResult(), createTimer(1, fireAt));

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              taskCompleted(0, "\"paid\""),
              event(1, NOW)
                  .setTimerCreated(
                      TimerCreatedEvent.newBuilder().setFireAt(Events.timestamp(fireAt)))
                  .build());
      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  KEY,
                  EXECUTION_ID,
                  fireAt,
                  event(Events.NO_EVENT_ID, fireAt)
                      .setTimerFired(
                          TimerFiredEvent.newBuilder()
                              .setTimerId(1)
                              .setFireAt(Events.timestamp(fireAt)))
                      .build()));
      assertThat(step.activities()).isEmpty();
    }

    @Test
    void aTimerWithoutFireAtIsDueAtTheEpoch() {
      OrchestratorAction action =
          OrchestratorAction.newBuilder()
              .setId(1)
              .setCreateTimer(CreateTimerAction.getDefaultInstance())
              .build();

      OrchestrationStep step = plan(runningWithResult(), action);

      assertThat(step.messages()).singleElement().extracting(InboxMessage::visibleAt).isEqualTo(0L);
      assertThat(step.history().get(2).getTimerCreated().getFireAt())
          .isEqualTo(Timestamp.getDefaultInstance());
    }
  }

  @Nested
  class SendEvent {
    @Test
    void sendEventRaisesTheEventAtTheTargetAndKeepsEventSentInOurHistory() {
      OrchestrationStep step =
          plan(runningWithResult(), sendEvent(1, "shipping-3", "OrderPaid", "42"));

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              taskCompleted(0, "\"paid\""),
              event(1, NOW)
                  .setEventSent(
                      EventSentEvent.newBuilder()
                          .setInstanceId("shipping-3")
                          .setName("OrderPaid")
                          .setInput(StringValue.of("42")))
                  .build());
      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  new InstanceKey(HUB, "shipping-3"),
                  null,
                  NOW,
                  event(Events.NO_EVENT_ID, NOW)
                      .setEventRaised(
                          EventRaisedEvent.newBuilder()
                              .setName("OrderPaid")
                              .setInput(StringValue.of("42")))
                      .build()));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
    }

    @Test
    void sendEventWithoutDataRaisesAnEventWithoutInput() {
      OrchestrationStep step = plan(runningWithResult(), sendEvent(1, "shipping-3", "Ping", null));

      assertThat(step.history().get(2).getEventSent().hasInput()).isFalse();
      assertThat(step.messages().get(0).event().getEventRaised())
          .isEqualTo(EventRaisedEvent.newBuilder().setName("Ping").build());
    }
  }

  @Nested
  class TerminateOrchestration {
    @Test
    void terminateOrchestrationSendsExecutionTerminatedToTheTargetAndRecordsNoHistory() {
      OrchestrationStep step =
          plan(runningWithResult(), terminateOrchestration(1, "shipping-3", "\"late\"", true));

      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  new InstanceKey(HUB, "shipping-3"),
                  null,
                  NOW,
                  event(Events.NO_EVENT_ID, NOW)
                      .setExecutionTerminated(
                          ExecutionTerminatedEvent.newBuilder()
                              .setInput(StringValue.of("\"late\""))
                              .setRecurse(true))
                      .build()));
      assertThat(step.history())
          .containsExactly(orchestratorStarted(NOW), taskCompleted(0, "\"paid\""));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
      assertThat(step.terminal()).isFalse();
    }

    @Test
    void terminateOrchestrationWithoutAReasonSendsATerminationWithoutOutput() {
      OrchestrationStep step =
          plan(runningWithResult(), terminateOrchestration(1, "shipping-3", null, false));

      assertThat(step.messages().get(0).event().getExecutionTerminated())
          .isEqualTo(ExecutionTerminatedEvent.getDefaultInstance());
    }

    @Test
    void aTerminateOrchestrationSentAgainInALaterEpisodeIsSentAgain() {
      // Nothing in history marks it as done, so the re-send rule cannot recognise it.
      OrchestrationWorkItem later =
          running(
              concat(startedHistory(started()), orchestratorStarted(T0 + 1)),
              taskCompleted(0, "\"paid\""));

      OrchestrationStep step = plan(later, terminateOrchestration(1, "shipping-3", null, false));

      assertThat(step.messages())
          .extracting(InboxMessage::target)
          .containsExactly(new InstanceKey(HUB, "shipping-3"));
    }
  }

  @Nested
  class CreateSubOrchestration {
    @Test
    void createSubOrchestrationRecordsTheChildAndCreatesItWithItsExecutionStartedAndParent() {
      TraceContext trace = TraceContext.newBuilder().setTraceParent("00-abc-def-01").build();
      OrchestratorAction action =
          OrchestratorAction.newBuilder()
              .setId(5)
              .setCreateSubOrchestration(
                  CreateSubOrchestrationAction.newBuilder()
                      .setInstanceId("child-1")
                      .setName("ShipOrder")
                      .setVersion(StringValue.of("3.0"))
                      .setInput(StringValue.of("\"parcel\""))
                      .putTags("carrier", "post")
                      .setParentTraceContext(trace))
              .build();

      OrchestrationStep step = plan(runningWithResult(), action);

      assertThat(step.history().get(2))
          .isEqualTo(
              event(5, NOW)
                  .setSubOrchestrationInstanceCreated(
                      SubOrchestrationInstanceCreatedEvent.newBuilder()
                          .setInstanceId("child-1")
                          .setName("ShipOrder")
                          .setVersion(StringValue.of("3.0"))
                          .setInput(StringValue.of("\"parcel\""))
                          .putTags("carrier", "post"))
                  .build());
      assertThat(step.children()).hasSize(1);
      ChildInstance child = step.children().get(0);
      String childExecutionId = assertIsUuid(child.instance().executionId());
      HistoryEvent childStarted =
          event(Events.NO_EVENT_ID, NOW)
              .setExecutionStarted(
                  ExecutionStartedEvent.newBuilder()
                      .setName("ShipOrder")
                      .setVersion(StringValue.of("3.0"))
                      .setInput(StringValue.of("\"parcel\""))
                      .setOrchestrationInstance(orchestrationInstance("child-1", childExecutionId))
                      .setParentInstance(
                          ParentInstanceInfo.newBuilder()
                              .setTaskScheduledId(5)
                              .setName(StringValue.of(NAME))
                              .setVersion(StringValue.of(VERSION))
                              .setOrchestrationInstance(
                                  orchestrationInstance(INSTANCE_ID, EXECUTION_ID)))
                      .putTags("carrier", "post")
                      .setParentTraceContext(trace))
              .build();
      assertThat(child)
          .isEqualTo(
              new ChildInstance(
                  new NewInstance(
                      new InstanceKey(HUB, "child-1"),
                      childExecutionId,
                      "ShipOrder",
                      "3.0",
                      "\"parcel\"",
                      INSTANCE_ID,
                      Map.of("carrier", "post"),
                      NOW,
                      NOW,
                      childStarted),
                  KEY,
                  childFailed(
                      5,
                      failure(
                          "InstanceAlreadyExists",
                          "Cannot start sub-orchestration 'child-1': an instance with that ID"
                              + " exists and has not ended"))));
      assertThat(step.messages()).isEmpty();
      assertThat(step.activities()).isEmpty();
    }

    @Test
    void aSubOrchestrationWithoutAnIdIsNamedAfterTheParentAndTheActionIdInFourHexDigits() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              createSubOrchestration(10, "", "ShipOrder", null),
              createSubOrchestration(0x1f2, "", "ShipOrder", null),
              createSubOrchestration(70_000, "", "ShipOrder", null));

      assertThat(step.children())
          .extracting(child -> child.instance().key().instanceId())
          .containsExactly("order-7:000a", "order-7:01f2", "order-7:11170");
      assertThat(step.history())
          .filteredOn(HistoryEvent::hasSubOrchestrationInstanceCreated)
          .extracting(event -> event.getSubOrchestrationInstanceCreated().getInstanceId())
          .containsExactly("order-7:000a", "order-7:01f2", "order-7:11170");
      assertThat(step.children().get(0).instance().executionStarted().getExecutionStarted())
          .extracting(started -> started.getOrchestrationInstance().getInstanceId())
          .isEqualTo("order-7:000a");
    }

    @Test
    void everyChildStartsItsOwnGeneration() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              createSubOrchestration(1, "child-a", "ShipOrder", null),
              createSubOrchestration(2, "child-b", "ShipOrder", null));

      List<String> executionIds =
          step.children().stream().map(child -> child.instance().executionId()).toList();
      assertThat(executionIds).doesNotHaveDuplicates().doesNotContain(EXECUTION_ID);
      executionIds.forEach(StepPlannerTest::assertIsUuid);
    }

    @Test
    void aChildOfAnUnversionedParentCarriesNoParentVersion() {
      List<HistoryEvent> history = startedHistory(started().clearVersion());
      OrchestrationWorkItem workItem =
          workItem(
              instance(ORCHESTRATION_STATUS_RUNNING, null, history.size()),
              history,
              taskCompleted(0, "\"paid\""));

      OrchestrationStep step =
          plan(workItem, createSubOrchestration(1, "child-1", "ShipOrder", null));

      NewInstance child = step.children().get(0).instance();
      assertThat(child.executionStarted().getExecutionStarted().getParentInstance().hasVersion())
          .isFalse();
      assertThat(child.version()).isNull();
      assertThat(child.input()).isNull();
    }

    @Test
    void aSubOrchestrationIdIsTakenAsGivenEvenWhenClientsCouldNotUseIt() {
      // StartInstance rejects ids over 100 characters or with control characters; the planner
      // does not check the ids workers choose for children.
      String overlong = "c".repeat(150);

      OrchestrationStep step =
          plan(
              runningWithResult(),
              createSubOrchestration(1, overlong, "ShipOrder", null),
              createSubOrchestration(2, "bad\nid", "", null));

      assertThat(step.children())
          .extracting(child -> child.instance().key())
          .containsExactly(new InstanceKey(HUB, overlong), new InstanceKey(HUB, "bad\nid"));
      assertThat(step.children().get(1).instance().name()).isEmpty();
      assertThat(step.terminal()).isFalse();
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
    }
  }

  @Nested
  class CompleteOrchestration {
    @Test
    void completedRecordsExecutionCompletedWithTheActionIdAndStoresTheOutput() {
      OrchestrationStep step =
          plan(runningWithResult(), complete(1, ORCHESTRATION_STATUS_COMPLETED, "\"done\""));

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              taskCompleted(0, "\"paid\""),
              executionCompleted(1, ORCHESTRATION_STATUS_COMPLETED, "\"done\"", null));
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  EXECUTION_ID,
                  ORCHESTRATION_STATUS_COMPLETED,
                  null,
                  "\"done\"",
                  null,
                  null,
                  NOW,
                  NOW));
      assertThat(step.terminal()).isTrue();
      assertThat(step.resetHistory()).isFalse();
      assertThat(step.messages()).isEmpty();
      assertThat(step.consumedInboxIds()).containsExactly(100L);
    }

    @Test
    void completedWithoutAResultStoresNoOutput() {
      OrchestrationStep step =
          plan(runningWithResult(), complete(1, ORCHESTRATION_STATUS_COMPLETED, null));

      assertThat(step.history().get(2))
          .isEqualTo(executionCompleted(1, ORCHESTRATION_STATUS_COMPLETED, null, null));
      assertThat(step.update().output()).isNull();
    }

    @Test
    void failedRecordsAndStoresTheFailureDetails() {
      TaskFailureDetails failure =
          failure("IllegalStateException", "card declined").toBuilder()
              .setStackTrace(StringValue.of("at Pay.run(Pay.java:12)"))
              .build();
      OrchestrationStep step =
          plan(
              runningWithResult(),
              complete(
                  1,
                  CompleteOrchestrationAction.newBuilder()
                      .setOrchestrationStatus(ORCHESTRATION_STATUS_FAILED)
                      .setFailureDetails(failure)));

      assertThat(step.history().get(2))
          .isEqualTo(executionCompleted(1, ORCHESTRATION_STATUS_FAILED, null, failure));
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  EXECUTION_ID, ORCHESTRATION_STATUS_FAILED, null, null, null, failure, NOW, NOW));
      assertThat(step.terminal()).isTrue();
    }

    @Test
    void failedWithoutFailureDetailsEndsTheInstanceFailedWithoutDetails() {
      // dapr-js sends these (§2.3.6).
      OrchestrationStep step =
          plan(runningWithResult(), complete(1, ORCHESTRATION_STATUS_FAILED, null));

      assertThat(step.history().get(2))
          .isEqualTo(executionCompleted(1, ORCHESTRATION_STATUS_FAILED, null, null));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_FAILED);
      assertThat(step.update().failure()).isNull();
      assertThat(step.terminal()).isTrue();
    }

    @Test
    void terminatedEndsTheInstanceTerminatedWithTheResultAsOutput() {
      OrchestrationStep step =
          plan(
              running(startedHistory(started()), executionTerminated("\"stopped\"", false)),
              complete(1, ORCHESTRATION_STATUS_TERMINATED, "\"stopped\""));

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              executionTerminated("\"stopped\"", false),
              executionCompleted(1, ORCHESTRATION_STATUS_TERMINATED, "\"stopped\"", null));
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  EXECUTION_ID,
                  ORCHESTRATION_STATUS_TERMINATED,
                  null,
                  "\"stopped\"",
                  null,
                  null,
                  NOW,
                  NOW));
      assertThat(step.terminal()).isTrue();
      assertThat(step.messages()).isEmpty();
    }

    @Test
    void theOtherActionsOfAFinalResponseAreAppliedBeforeTheCompletionWhereverItStands() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              complete(1, ORCHESTRATION_STATUS_COMPLETED, "\"done\""),
              sendEvent(2, "shipping-3", "OrderPaid", null));

      assertThat(eventIds(step)).containsExactly(-1, -1, 2, 1);
      assertThat(step.history().get(2).hasEventSent()).isTrue();
      assertThat(step.history().get(3).hasExecutionCompleted()).isTrue();
      assertThat(step.messages())
          .extracting(InboxMessage::target)
          .containsExactly(new InstanceKey(HUB, "shipping-3"));
    }

    @Test
    void endingDropsTheInstancesOwnActivitiesTimersAndMessagesButKeepsThoseForOthers() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              scheduleTask(1, "Pay", null),
              createTimer(2, NOW + 1_000),
              sendEvent(3, INSTANCE_ID, "ToMyself", null),
              sendEvent(4, "shipping-3", "OrderPaid", null),
              terminateOrchestration(5, "audit-9", null, false),
              createSubOrchestration(6, "child-1", "ShipOrder", null),
              complete(7, ORCHESTRATION_STATUS_COMPLETED, null));

      assertThat(eventIds(step)).containsExactly(-1, -1, 1, 2, 3, 4, 6, 7);
      assertThat(step.activities()).isEmpty();
      assertThat(step.messages())
          .extracting(InboxMessage::target)
          .containsExactly(new InstanceKey(HUB, "shipping-3"), new InstanceKey(HUB, "audit-9"));
      assertThat(step.children())
          .extracting(child -> child.instance().key().instanceId())
          .containsExactly("child-1");
      assertThat(step.terminal()).isTrue();
    }

    @Test
    void theLastOfSeveralCompleteOrchestrationActionsDecides() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              complete(1, ORCHESTRATION_STATUS_FAILED, null),
              complete(2, ORCHESTRATION_STATUS_COMPLETED, "\"done\""));

      assertThat(step.history().subList(2, step.history().size()))
          .containsExactly(executionCompleted(2, ORCHESTRATION_STATUS_COMPLETED, "\"done\"", null));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_COMPLETED);
    }

    @Test
    void aCompletionWithoutAStatusEndsTheInstanceWithStatusRunning() {
      // The status enum's zero is RUNNING; the planner takes it as given.
      OrchestrationStep step =
          plan(
              runningWithResult(),
              complete(1, CompleteOrchestrationAction.newBuilder().setResult(StringValue.of("1"))));

      assertThat(step.history().get(2))
          .isEqualTo(executionCompleted(1, ORCHESTRATION_STATUS_RUNNING, "1", null));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
      assertThat(step.update().completedAt()).isEqualTo(NOW);
      assertThat(step.terminal()).isTrue();
    }
  }

  @Nested
  class ParentNotification {
    @Test
    void aCompletedChildSendsItsResultToTheParentsGeneration() {
      OrchestrationStep step =
          plan(
              runningChildWithResult(PARENT_EXECUTION_ID),
              complete(1, ORCHESTRATION_STATUS_COMPLETED, "\"shipped\""));

      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  PARENT,
                  PARENT_EXECUTION_ID,
                  NOW,
                  event(Events.NO_EVENT_ID, NOW)
                      .setSubOrchestrationInstanceCompleted(
                          SubOrchestrationInstanceCompletedEvent.newBuilder()
                              .setTaskScheduledId(PARENT_TASK_ID)
                              .setResult(StringValue.of("\"shipped\"")))
                      .build()));
    }

    @Test
    void aFailedChildSendsItsFailureDetailsToTheParent() {
      TaskFailureDetails failure = failure("IllegalStateException", "no parcel");

      OrchestrationStep step =
          plan(
              runningChildWithResult(PARENT_EXECUTION_ID),
              complete(
                  1,
                  CompleteOrchestrationAction.newBuilder()
                      .setOrchestrationStatus(ORCHESTRATION_STATUS_FAILED)
                      .setFailureDetails(failure)));

      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  PARENT, PARENT_EXECUTION_ID, NOW, childFailed(PARENT_TASK_ID, failure)));
    }

    @Test
    void aChildFailedWithoutDetailsSendsTheParentAnOrchestrationFailed() {
      OrchestrationStep step =
          plan(
              runningChildWithResult(PARENT_EXECUTION_ID),
              complete(1, ORCHESTRATION_STATUS_FAILED, null));

      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  PARENT,
                  PARENT_EXECUTION_ID,
                  NOW,
                  childFailed(
                      PARENT_TASK_ID,
                      failure("OrchestrationFailed", "Sub-orchestration 'order-7' failed"))));
    }

    @Test
    void aTerminatedChildFailsTheParentsTaskWithOrchestrationTerminated() {
      OrchestrationStep step =
          plan(
              runningChildWithResult(PARENT_EXECUTION_ID),
              complete(1, ORCHESTRATION_STATUS_TERMINATED, "\"stopped\""));

      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  PARENT,
                  PARENT_EXECUTION_ID,
                  NOW,
                  childFailed(
                      PARENT_TASK_ID,
                      failure(
                          "OrchestrationTerminated",
                          "Sub-orchestration 'order-7' was terminated: \"stopped\""))));
    }

    @Test
    void aChildTerminatedWithoutOutputSaysOnlyThatItWasTerminated() {
      OrchestrationStep step =
          plan(
              runningChildWithResult(PARENT_EXECUTION_ID),
              complete(1, ORCHESTRATION_STATUS_TERMINATED, null));

      assertThat(step.messages().get(0).event().getSubOrchestrationInstanceFailed())
          .extracting(failed -> failed.getFailureDetails().getErrorMessage())
          .isEqualTo("Sub-orchestration 'order-7' was terminated");
    }

    @Test
    void aParentNamedWithoutExecutionIdIsToldInWhicheverGenerationIsCurrent() {
      OrchestrationStep step =
          plan(runningChildWithResult(null), complete(1, ORCHESTRATION_STATUS_COMPLETED, null));

      assertThat(step.messages())
          .singleElement()
          .satisfies(
              message -> {
                assertThat(message.target()).isEqualTo(PARENT);
                assertThat(message.executionId()).isNull();
                assertThat(message.event().getSubOrchestrationInstanceCompleted().hasResult())
                    .isFalse();
              });
    }

    @Test
    void aChildThatHasNotEndedSendsTheParentNothing() {
      OrchestrationStep step =
          plan(runningChildWithResult(PARENT_EXECUTION_ID), scheduleTask(1, "Ship", null));

      assertThat(step.messages()).isEmpty();
    }
  }

  @Nested
  class ContinueAsNew {
    private OrchestrationWorkItem child() {
      return runningChildWithResult(PARENT_EXECUTION_ID);
    }

    @Test
    void continueAsNewStartsANewGenerationWithTheResultAsItsInputAndResetsHistory() {
      HistoryEvent carried = raised("Later");
      ExecutionStartedEvent.Builder scheduled =
          startedAsChild(PARENT_EXECUTION_ID)
              .setScheduledStartTimestamp(Events.timestamp(T0 - 1_000));
      OrchestrationWorkItem workItem =
          running(startedHistory(scheduled), taskCompleted(0, "\"paid\""));

      OrchestrationStep step =
          planner.plan(
              episode(workItem),
              response(
                      complete(
                          1,
                          CompleteOrchestrationAction.newBuilder()
                              .setOrchestrationStatus(ORCHESTRATION_STATUS_CONTINUED_AS_NEW)
                              .setResult(StringValue.of("\"next\""))
                              .addCarryoverEvents(carried)))
                  .setCustomStatus(StringValue.of("\"round 2\""))
                  .build(),
              NOW);

      String newExecutionId = assertIsUuid(step.update().executionId());
      assertThat(newExecutionId).isNotEqualTo(EXECUTION_ID);
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  newExecutionId,
                  ORCHESTRATION_STATUS_CONTINUED_AS_NEW,
                  "\"next\"",
                  null,
                  "\"round 2\"",
                  null,
                  NOW,
                  0,
                  // The new generation's span is its own: the stored one is cleared.
                  OrchestrationTraceContext.getDefaultInstance()));
      assertThat(step.resetHistory()).isTrue();
      assertThat(step.history()).isEmpty();
      assertThat(step.expectedExecutionId()).isEqualTo(EXECUTION_ID);
      assertThat(step.expectedHistoryLength()).isEqualTo(3);
      assertThat(step.consumedInboxIds()).containsExactly(100L);
      assertThat(step.terminal()).isFalse();
      HistoryEvent nextStarted =
          event(Events.NO_EVENT_ID, NOW)
              .setExecutionStarted(
                  startedAsChild(PARENT_EXECUTION_ID)
                      .setInput(StringValue.of("\"next\""))
                      .setOrchestrationInstance(orchestrationInstance(INSTANCE_ID, newExecutionId)))
              .build();
      // The parent hears nothing: the instance has not ended.
      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(KEY, newExecutionId, NOW, nextStarted),
              new InboxMessage(KEY, newExecutionId, NOW, carried));
    }

    @Test
    void continueAsNewWithANewVersionStartsTheNextGenerationOnIt() {
      OrchestrationStep step =
          plan(
              child(),
              complete(
                  1,
                  CompleteOrchestrationAction.newBuilder()
                      .setOrchestrationStatus(ORCHESTRATION_STATUS_CONTINUED_AS_NEW)
                      .setNewVersion(StringValue.of("3.0"))));

      assertThat(step.messages().get(0).event().getExecutionStarted().getVersion())
          .isEqualTo(StringValue.of("3.0"));
    }

    @Test
    void continueAsNewWithoutAResultStartsTheNextGenerationWithoutInput() {
      OrchestrationStep step =
          plan(child(), complete(1, ORCHESTRATION_STATUS_CONTINUED_AS_NEW, null));

      ExecutionStartedEvent next = step.messages().get(0).event().getExecutionStarted();
      assertThat(next.hasInput()).isFalse();
      assertThat(next.getVersion()).isEqualTo(StringValue.of(VERSION));
      // A null input keeps the stored one (see InstanceUpdate).
      assertThat(step.update().input()).isNull();
    }

    @Test
    void continueAsNewDropsItsOwnActivitiesTimersAndChildrenButStillMessagesOthers() {
      OrchestrationStep step =
          plan(
              child(),
              scheduleTask(1, "Pay", null),
              createTimer(2, NOW + 1_000),
              createSubOrchestration(3, "child-1", "ShipOrder", null),
              sendEvent(4, "shipping-3", "OrderPaid", null),
              terminateOrchestration(5, "audit-9", null, false),
              complete(6, ORCHESTRATION_STATUS_CONTINUED_AS_NEW, "\"next\""));

      assertThat(step.activities()).isEmpty();
      assertThat(step.children()).isEmpty();
      assertThat(step.history()).isEmpty();
      assertThat(step.messages())
          .extracting(InboxMessage::target, message -> message.event().getEventTypeCase())
          .containsExactly(
              tuple(new InstanceKey(HUB, "shipping-3"), HistoryEvent.EventTypeCase.EVENTRAISED),
              tuple(
                  new InstanceKey(HUB, "audit-9"), HistoryEvent.EventTypeCase.EXECUTIONTERMINATED),
              tuple(KEY, HistoryEvent.EventTypeCase.EXECUTIONSTARTED));
    }

    @Test
    void continueAsNewOfAnInstanceThatNeverStartedIsRejected() {
      // Only a server-built episode can lack the ExecutionStarted; no worker ever sees one.
      OrchestrationWorkItem notStarted =
          workItem(instance(ORCHESTRATION_STATUS_PENDING, VERSION, 0), List.of(), raised("Go"));
      Episode episode = Episode.buildForServer(notStarted, NOW).orElseThrow();

      assertThatThrownBy(
              () ->
                  planner.plan(
                      episode,
                      response(complete(0, ORCHESTRATION_STATUS_CONTINUED_AS_NEW, null)).build(),
                      NOW))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("default/order-7 continued as new before starting");
    }
  }

  @Nested
  class CustomStatus {
    private OrchestrationStep planWithCustomStatus(StringValue customStatus) {
      OrchestratorResponse.Builder response = response(scheduleTask(1, "Pay", null));
      if (customStatus != null) {
        response.setCustomStatus(customStatus);
      }
      return planner.plan(episode(runningWithResult()), response.build(), NOW);
    }

    @Test
    void theResponsesCustomStatusIsStored() {
      assertThat(planWithCustomStatus(StringValue.of("\"half way\"")).update().customStatus())
          .isEqualTo("\"half way\"");
    }

    @Test
    void anEmptyOrAbsentCustomStatusClearsIt() {
      // Java 1.5.0 sends "" every episode.
      assertThat(planWithCustomStatus(StringValue.of("")).update().customStatus()).isNull();
      assertThat(planWithCustomStatus(null).update().customStatus()).isNull();
    }

    @Test
    void aFinalResponseStoresItsCustomStatusToo() {
      OrchestrationStep step =
          planner.plan(
              episode(runningWithResult()),
              response(complete(1, ORCHESTRATION_STATUS_COMPLETED, null))
                  .setCustomStatus(StringValue.of("\"all done\""))
                  .build(),
              NOW);

      assertThat(step.update().customStatus()).isEqualTo("\"all done\"");
    }
  }

  @Nested
  class ResentActions {
    @Test
    void actionsWhoseEventIsAlreadyInHistoryAreIgnored() {
      // Java 1.5.0 re-sends every SendEvent on every later episode (§2.3.4).
      List<HistoryEvent> history =
          List.of(
              orchestratorStarted(T0),
              executionStarted(started()),
              taskScheduled(0, "Pay"),
              event(1, T0)
                  .setTimerCreated(
                      TimerCreatedEvent.newBuilder().setFireAt(Events.timestamp(T0 + 5)))
                  .build(),
              childCreated(2, "child-a"),
              event(3, T0)
                  .setEventSent(
                      EventSentEvent.newBuilder().setInstanceId("shipping-3").setName("OrderPaid"))
                  .build());

      OrchestrationStep step =
          plan(
              running(history, taskCompleted(0, "\"paid\"")),
              scheduleTask(0, "Pay", null),
              createTimer(1, T0 + 5),
              createSubOrchestration(2, "child-a", "ShipOrder", null),
              sendEvent(3, "shipping-3", "OrderPaid", null),
              scheduleTask(4, "Ship", null));

      assertThat(eventIds(step)).containsExactly(-1, -1, 4);
      assertThat(step.activities()).extracting(ActivityTask::taskId).containsExactly(4);
      assertThat(step.messages()).isEmpty();
      assertThat(step.children()).isEmpty();
    }

    @Test
    void anActionIdRepeatedWithinOneResponseIsAppliedOnce() {
      OrchestrationStep step =
          plan(runningWithResult(), scheduleTask(1, "Pay", null), scheduleTask(1, "Ship", null));

      assertThat(eventIds(step)).containsExactly(-1, -1, 1);
      assertThat(step.activities())
          .extracting(task -> task.request().getName())
          .containsExactly("Pay");
    }

    @Test
    void aCompletionIsAppliedEvenIfItsIdIsAlreadyInHistory() {
      OrchestrationStep step =
          plan(runningWithResult(), complete(0, ORCHESTRATION_STATUS_COMPLETED, null));

      assertThat(step.history().get(2))
          .isEqualTo(executionCompleted(0, ORCHESTRATION_STATUS_COMPLETED, null, null));
      assertThat(step.terminal()).isTrue();
    }
  }

  @Nested
  class PayloadLimits {
    static Stream<Arguments> oversizePayloads() {
      String big = "x".repeat(LIMIT + 1);
      String over = " is 1025 bytes, over the limit of 1024 bytes";
      return Stream.of(
          Arguments.of(
              "custom status",
              response(scheduleTask(1, "Pay", null)).setCustomStatus(StringValue.of(big)),
              "customStatus" + over),
          Arguments.of(
              "activity input",
              response(scheduleTask(1, "Pay", null), scheduleTask(3, "Pay", big)),
              "action 3 activity input" + over),
          Arguments.of(
              "sub-orchestration input",
              response(
                  scheduleTask(1, "Pay", null), createSubOrchestration(3, "c", "ShipOrder", big)),
              "action 3 sub-orchestration input" + over),
          Arguments.of(
              "event data",
              response(scheduleTask(1, "Pay", null), sendEvent(3, "shipping-3", "Paid", big)),
              "action 3 event data" + over),
          Arguments.of(
              "entity call input",
              response(
                  scheduleTask(1, "Pay", null),
                  OrchestratorAction.newBuilder()
                      .setId(3)
                      .setSendEntityMessage(
                          SendEntityMessageAction.newBuilder()
                              .setEntityOperationCalled(
                                  EntityOperationCalledEvent.newBuilder()
                                      .setOperation("add")
                                      .setInput(StringValue.of(big))
                                      .setTargetInstanceId(StringValue.of("@counter@one"))))
                      .build()),
              "action 3 entity call input" + over),
          Arguments.of(
              "orchestration output",
              response(
                  scheduleTask(1, "Pay", null), complete(3, ORCHESTRATION_STATUS_COMPLETED, big)),
              "orchestration output" + over),
          Arguments.of(
              "continue-as-new input",
              response(
                  scheduleTask(1, "Pay", null),
                  complete(3, ORCHESTRATION_STATUS_CONTINUED_AS_NEW, big)),
              "orchestration output" + over),
          // {"t":"<993 x>"} is 1,001 bytes: one over the tags limit.
          Arguments.of(
              "activity tags",
              response(
                  scheduleTask(1, "Pay", null),
                  OrchestratorAction.newBuilder()
                      .setId(3)
                      .setScheduleTask(
                          ScheduleTaskAction.newBuilder()
                              .setName("Pay")
                              .putTags("t", "x".repeat(993)))
                      .build()),
              "action 3 activity tags are 1001 bytes as JSON, over the limit of 1000 bytes"),
          Arguments.of(
              "sub-orchestration tags",
              response(
                  scheduleTask(1, "Pay", null),
                  OrchestratorAction.newBuilder()
                      .setId(3)
                      .setCreateSubOrchestration(
                          CreateSubOrchestrationAction.newBuilder()
                              .setInstanceId("c")
                              .setName("ShipOrder")
                              .putTags("t", "x".repeat(993)))
                      .build()),
              "action 3 sub-orchestration tags are 1001 bytes as JSON, over the limit of 1000 bytes"));
    }

    @Test
    void tagsOfExactlyTheLimitAreAccepted() {
      OrchestratorResponse response =
          response(
                  OrchestratorAction.newBuilder()
                      .setId(3)
                      .setScheduleTask(
                          ScheduleTaskAction.newBuilder()
                              .setName("Pay")
                              .putTags("t", "x".repeat(992)))
                      .build())
              .build();

      OrchestrationStep step = planner.plan(episode(runningWithResult()), response, NOW);

      assertThat(step.activities()).singleElement();
      assertThat(step.activities().get(0).request().getTagsMap().get("t")).hasSize(992);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizePayloads")
    void anOversizePayloadFailsTheInstanceWithPayloadTooLargeAndAppliesNoAction(
        String payload, OrchestratorResponse.Builder response, String message) {
      OrchestrationStep step = planner.plan(episode(runningWithResult()), response.build(), NOW);

      TaskFailureDetails tooLarge = failure("PayloadTooLarge", message);
      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              taskCompleted(0, "\"paid\""),
              executionCompleted(Events.NO_EVENT_ID, ORCHESTRATION_STATUS_FAILED, null, tooLarge));
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  EXECUTION_ID,
                  ORCHESTRATION_STATUS_FAILED,
                  null,
                  null,
                  STORED_CUSTOM_STATUS,
                  tooLarge,
                  NOW,
                  NOW));
      assertThat(step.activities()).isEmpty();
      assertThat(step.messages()).isEmpty();
      assertThat(step.children()).isEmpty();
      assertThat(step.terminal()).isTrue();
      assertThat(step.resetHistory()).isFalse();
    }

    @Test
    void aPayloadOfExactlyTheLimitIsAccepted() {
      OrchestrationStep step = plan(runningWithResult(), scheduleTask(1, "Pay", "x".repeat(LIMIT)));

      assertThat(step.terminal()).isFalse();
      assertThat(step.activities()).hasSize(1);
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
      OrchestrationStep fits = plan(runningWithResult(), scheduleTask(1, "Pay", "€".repeat(341)));
      OrchestrationStep tooLarge =
          plan(runningWithResult(), scheduleTask(1, "Pay", "€".repeat(342)));

      assertThat(fits.terminal()).isFalse();
      assertThat(tooLarge.update().failure())
          .isEqualTo(
              failure(
                  "PayloadTooLarge",
                  "action 1 activity input is 1026 bytes, over the limit of 1024 bytes"));
    }

    @Test
    void anOversizeChildTellsItsParentItFailed() {
      OrchestrationStep step =
          plan(
              runningChildWithResult(PARENT_EXECUTION_ID),
              scheduleTask(1, "Pay", "x".repeat(LIMIT + 1)));

      assertThat(step.messages())
          .extracting(InboxMessage::target, message -> message.event().getEventTypeCase())
          .containsExactly(
              tuple(PARENT, HistoryEvent.EventTypeCase.SUBORCHESTRATIONINSTANCEFAILED));
    }
  }

  @Nested
  class EntityMessages {
    private OrchestratorAction entityAction(int id, SendEntityMessageAction.Builder message) {
      return OrchestratorAction.newBuilder().setId(id).setSendEntityMessage(message).build();
    }

    @Test
    void aCallIsRecordedAsSentAndGoesToTheEntityWithTheServersOwnParentIds() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              entityAction(
                  1,
                  SendEntityMessageAction.newBuilder()
                      .setEntityOperationCalled(
                          EntityOperationCalledEvent.newBuilder()
                              .setRequestId("r1")
                              .setOperation("add")
                              .setInput(StringValue.of("5"))
                              .setParentInstanceId(StringValue.of("someone-else"))
                              .setTargetInstanceId(StringValue.of("@Counter@one")))));

      HistoryEvent recorded = step.history().getLast();
      assertThat(recorded.getEventId()).isEqualTo(1);
      assertThat(recorded.getEntityOperationCalled().getRequestId()).isEqualTo("r1");
      assertThat(step.messages()).hasSize(1);
      InboxMessage message = step.messages().getFirst();
      assertThat(message.target()).isEqualTo(new InstanceKey(HUB, "@counter@one"));
      assertThat(message.event().getEntityOperationCalled().getParentInstanceId().getValue())
          .isEqualTo(INSTANCE_ID);
      assertThat(message.event().getEntityOperationCalled().getParentExecutionId().getValue())
          .isEqualTo(EXECUTION_ID);
    }

    @Test
    void aLockSetIsSortedAndDeduplicatedAndGoesToItsFirstEntity() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              entityAction(
                  1,
                  SendEntityMessageAction.newBuilder()
                      .setEntityLockRequested(
                          EntityLockRequestedEvent.newBuilder()
                              .setCriticalSectionId("cs-1")
                              .addLockSet("@account@b")
                              .addLockSet("@account@a")
                              .addLockSet("@account@b"))));

      InboxMessage message = step.messages().getFirst();
      assertThat(message.target()).isEqualTo(new InstanceKey(HUB, "@account@a"));
      assertThat(message.event().getEntityLockRequested().getLockSetList())
          .containsExactly("@account@a", "@account@b");
      assertThat(message.event().getEntityLockRequested().getParentInstanceId().getValue())
          .isEqualTo(INSTANCE_ID);
    }

    @Test
    void anOrchestrationThatEndsInsideACriticalSectionUnlocksEveryEntityOfIt() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              entityAction(
                  1,
                  SendEntityMessageAction.newBuilder()
                      .setEntityLockRequested(
                          EntityLockRequestedEvent.newBuilder()
                              .setCriticalSectionId("cs-1")
                              .addLockSet("@account@a")
                              .addLockSet("@account@b"))),
              entityAction(
                  2,
                  SendEntityMessageAction.newBuilder()
                      .setEntityUnlockSent(
                          EntityUnlockSentEvent.newBuilder()
                              .setCriticalSectionId("cs-1")
                              .setTargetInstanceId(StringValue.of("@account@a")))),
              complete(3, ORCHESTRATION_STATUS_COMPLETED, "\"done\""));

      assertThat(step.messages())
          .filteredOn(m -> m.event().hasEntityUnlockSent())
          .extracting(m -> m.target().instanceId())
          .containsExactly("@account@a", "@account@b");
    }

    @Test
    void aMalformedEntityIdFailsTheInstanceAndSendsNothing() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              entityAction(
                  1,
                  SendEntityMessageAction.newBuilder()
                      .setEntityOperationSignaled(
                          EntityOperationSignaledEvent.newBuilder()
                              .setOperation("add")
                              .setTargetInstanceId(StringValue.of("counter-without-at")))));

      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_FAILED);
      assertThat(step.update().failure().getErrorType()).isEqualTo("InvalidEntityMessage");
      assertThat(step.update().failure().getErrorMessage()).contains("counter-without-at");
      assertThat(step.messages()).isEmpty();
    }

    @Test
    void anEmptyEntityMessageFailsTheInstance() {
      OrchestrationStep step =
          plan(runningWithResult(), entityAction(1, SendEntityMessageAction.newBuilder()));

      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_FAILED);
      assertThat(step.update().failure().getErrorType()).isEqualTo("InvalidEntityMessage");
    }
  }

  @Nested
  class MalformedActions {
    static Stream<Arguments> unsupportedActions() {
      return Stream.of(
          Arguments.of(
              OrchestratorAction.newBuilder().setId(2).build(), "ORCHESTRATORACTIONTYPE_NOT_SET"),
          Arguments.of(
              OrchestratorAction.newBuilder()
                  .setId(2)
                  .setRewindOrchestration(RewindOrchestrationAction.getDefaultInstance())
                  .build(),
              "REWINDORCHESTRATION"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unsupportedActions")
    void anActionOfNoSupportedKindFailsTheInstanceWithUnsupportedActionAndAppliesNone(
        OrchestratorAction action, String kind) {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              scheduleTask(1, "Pay", null),
              action,
              complete(3, ORCHESTRATION_STATUS_COMPLETED, "\"done\""));

      TaskFailureDetails unsupported =
          failure(
              "UnsupportedAction",
              "Taskhub does not support orchestrator action " + kind + " yet (action id 2)");
      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              taskCompleted(0, "\"paid\""),
              executionCompleted(
                  Events.NO_EVENT_ID, ORCHESTRATION_STATUS_FAILED, null, unsupported));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_FAILED);
      assertThat(step.update().failure()).isEqualTo(unsupported);
      assertThat(step.update().output()).isNull();
      assertThat(step.update().customStatus()).isEqualTo(STORED_CUSTOM_STATUS);
      assertThat(step.activities()).isEmpty();
      assertThat(step.terminal()).isTrue();
    }

    @Test
    void anActionWithNoKindWhoseIdIsAlreadyInHistoryIsIgnoredAsAResend() {
      OrchestrationStep step =
          plan(runningWithResult(), OrchestratorAction.newBuilder().setId(0).build());

      assertThat(step.terminal()).isFalse();
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_RUNNING);
      assertThat(step.history())
          .containsExactly(orchestratorStarted(NOW), taskCompleted(0, "\"paid\""));
    }

    @Test
    void messagesToAnEmptyInstanceIdAreAddressedToTheEmptyId() {
      OrchestrationStep step =
          plan(
              runningWithResult(),
              sendEvent(1, "", "Ping", null),
              terminateOrchestration(2, "", null, false));

      assertThat(step.messages())
          .extracting(InboxMessage::target)
          .containsExactly(new InstanceKey(HUB, ""), new InstanceKey(HUB, ""));
      assertThat(step.terminal()).isFalse();
    }
  }

  @Nested
  class Fail {
    private final TaskFailureDetails poison = failure("PoisonMessage", "delivered 5 times");

    @Test
    void failEndsTheInstanceFailedWithTheNewEventsAndTheGivenFailure() {
      OrchestrationStep step = planner.fail(episode(runningWithResult()), NOW, poison);

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              taskCompleted(0, "\"paid\""),
              executionCompleted(Events.NO_EVENT_ID, ORCHESTRATION_STATUS_FAILED, null, poison));
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  EXECUTION_ID,
                  ORCHESTRATION_STATUS_FAILED,
                  null,
                  null,
                  STORED_CUSTOM_STATUS,
                  poison,
                  NOW,
                  NOW));
      assertThat(step.expectedHistoryLength()).isEqualTo(3);
      assertThat(step.consumedInboxIds()).containsExactly(100L);
      assertThat(step.activities()).isEmpty();
      assertThat(step.messages()).isEmpty();
      assertThat(step.children()).isEmpty();
      assertThat(step.terminal()).isTrue();
    }

    @Test
    void failOfAFreshInstanceRecordsItsStartBeforeTheFailure() {
      OrchestrationStep step = planner.fail(episode(freshInstance()), NOW, poison);

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              executionStarted(started()),
              executionCompleted(Events.NO_EVENT_ID, ORCHESTRATION_STATUS_FAILED, null, poison));
    }

    @Test
    void failOfAChildFailsTheParentsTaskWithTheSameFailure() {
      OrchestrationStep step =
          planner.fail(episode(runningChildWithResult(PARENT_EXECUTION_ID)), NOW, poison);

      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  PARENT, PARENT_EXECUTION_ID, NOW, childFailed(PARENT_TASK_ID, poison)));
    }
  }

  @Nested
  class Terminate {
    private OrchestrationStep terminate(OrchestrationWorkItem workItem) {
      return planner.terminate(Episode.buildForServer(workItem, NOW).orElseThrow(), NOW);
    }

    @Test
    void terminateEndsTheInstanceTerminatedWithTheReasonAsOutput() {
      OrchestrationStep step =
          terminate(running(startedHistory(started()), executionTerminated("\"stop\"", false)));

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              executionTerminated("\"stop\"", false),
              executionCompleted(
                  Events.NO_EVENT_ID, ORCHESTRATION_STATUS_TERMINATED, "\"stop\"", null));
      assertThat(step.update())
          .isEqualTo(
              new InstanceUpdate(
                  EXECUTION_ID,
                  ORCHESTRATION_STATUS_TERMINATED,
                  null,
                  "\"stop\"",
                  STORED_CUSTOM_STATUS,
                  null,
                  NOW,
                  NOW));
      assertThat(step.terminal()).isTrue();
      assertThat(step.messages()).isEmpty();
    }

    @Test
    void terminateWithoutAReasonStoresNoOutput() {
      OrchestrationStep step =
          terminate(running(startedHistory(started()), executionTerminated(null, false)));

      assertThat(step.history().get(2))
          .isEqualTo(
              executionCompleted(Events.NO_EVENT_ID, ORCHESTRATION_STATUS_TERMINATED, null, null));
      assertThat(step.update().output()).isNull();
    }

    @Test
    void terminateEndsAnInstanceThatNeverStarted() {
      OrchestrationWorkItem notStarted =
          workItem(
              instance(ORCHESTRATION_STATUS_PENDING, VERSION, 0),
              List.of(),
              executionTerminated("\"never mind\"", false));
      assertThat(Episode.build(notStarted, NOW)).isEmpty();

      OrchestrationStep step = terminate(notStarted);

      assertThat(step.history())
          .containsExactly(
              orchestratorStarted(NOW),
              executionTerminated("\"never mind\"", false),
              executionCompleted(
                  Events.NO_EVENT_ID, ORCHESTRATION_STATUS_TERMINATED, "\"never mind\"", null));
      assertThat(step.update().status()).isEqualTo(ORCHESTRATION_STATUS_TERMINATED);
      assertThat(step.messages()).isEmpty();
    }

    @Test
    void terminateOfAChildFailsTheParentsTaskWithOrchestrationTerminated() {
      OrchestrationStep step =
          terminate(
              running(
                  startedHistory(startedAsChild(PARENT_EXECUTION_ID)),
                  executionTerminated("\"stop\"", false)));

      assertThat(step.messages())
          .containsExactly(
              new InboxMessage(
                  PARENT,
                  PARENT_EXECUTION_ID,
                  NOW,
                  childFailed(
                      PARENT_TASK_ID,
                      failure(
                          "OrchestrationTerminated",
                          "Sub-orchestration 'order-7' was terminated: \"stop\""))));
    }

    private List<HistoryEvent> historyWithChildren() {
      return concat(
          startedHistory(started()),
          childCreated(1, "c-open"),
          childCreated(2, "c-completed"),
          event(Events.NO_EVENT_ID, T0 + 1)
              .setSubOrchestrationInstanceCompleted(
                  SubOrchestrationInstanceCompletedEvent.newBuilder().setTaskScheduledId(2))
              .build(),
          childCreated(3, "c-failed"),
          childFailed(3, failure("Boom", "boom")),
          childCreated(4, "c-also-open"));
    }

    @Test
    void aRecursiveTerminateTerminatesEveryChildStillRunning() {
      OrchestrationStep step =
          terminate(running(historyWithChildren(), executionTerminated("\"stop\"", true)));

      assertThat(step.messages())
          .containsExactlyInAnyOrder(
              terminationOf("c-open", "\"stop\""), terminationOf("c-also-open", "\"stop\""));
    }

    @Test
    void aNonRecursiveTerminateLeavesTheChildrenRunning() {
      OrchestrationStep step =
          terminate(running(historyWithChildren(), executionTerminated("\"stop\"", false)));

      assertThat(step.messages()).isEmpty();
    }

    @Test
    void aWorkersTerminatedCompletionAfterARecursiveTerminateTerminatesTheOpenChildren() {
      OrchestrationStep step =
          plan(
              running(historyWithChildren(), executionTerminated("\"stop\"", true)),
              complete(5, ORCHESTRATION_STATUS_TERMINATED, "\"stop\""));

      assertThat(step.messages())
          .containsExactlyInAnyOrder(
              terminationOf("c-open", "\"stop\""), terminationOf("c-also-open", "\"stop\""));
    }

    @Test
    void aRecursiveTerminateDoesNotCascadeWhenTheWorkerCompletesInstead() {
      OrchestrationStep step =
          plan(
              running(historyWithChildren(), executionTerminated("\"stop\"", true)),
              complete(5, ORCHESTRATION_STATUS_COMPLETED, null));

      assertThat(step.messages()).isEmpty();
    }
  }
}
