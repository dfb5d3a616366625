package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CleanEntityStorageRequest;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.EntityLockRequestedEvent;
import dev.taskhub.protocol.EntityOperationCalledEvent;
import dev.taskhub.protocol.EntityQuery;
import dev.taskhub.protocol.EntityRequest;
import dev.taskhub.protocol.GetEntityRequest;
import dev.taskhub.protocol.GetEntityResponse;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OperationResult;
import dev.taskhub.protocol.OperationResultSuccess;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.PurgeInstancesRequest;
import dev.taskhub.protocol.QueryEntitiesRequest;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.SendEntityMessageAction;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.protocol.WorkItemFilters;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entity work items over the raw protocol, answered by hand: what a worker is sent, what its
 * answers change, and how bad input and failing workers are handled without losing anything.
 */
class EntityWorkItemsTest {
  private static final GetWorkItemsRequest ENTITY_WORKER =
      GetWorkItemsRequest.newBuilder().setMaxConcurrentEntityWorkItems(4).build();

  private TestScheduler server;
  private ManagedChannel channel;
  private RawSidecar sidecar;

  @BeforeEach
  void start() {
    server = TestScheduler.builder().config(c -> c.withMaxPayloadBytes(1024)).start();
    channel = server.channel();
    sidecar = new RawSidecar(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  private void signal(String entity, String operation, String input) {
    SignalEntityRequest.Builder request =
        SignalEntityRequest.newBuilder().setInstanceId(entity).setName(operation);
    if (input != null) {
      request.setInput(StringValue.of(input));
    }
    sidecar.call().signalEntity(request.build());
  }

  private GetEntityResponse entity(String id) {
    return sidecar
        .call()
        .getEntity(GetEntityRequest.newBuilder().setInstanceId(id).setIncludeState(true).build());
  }

  private static List<String> operations(EntityRequest request) {
    return request.getOperationRequestsList().stream()
        .map(e -> e.getEntityOperationSignaled().getOperation())
        .toList();
  }

  private static EntityBatchResult answer(WorkItem item, String state, int results) {
    EntityBatchResult.Builder result =
        EntityBatchResult.newBuilder()
            .setCompletionToken(item.getCompletionToken())
            .setEntityState(StringValue.of(state));
    for (int i = 0; i < results; i++) {
      result.addResults(
          OperationResult.newBuilder().setSuccess(OperationResultSuccess.getDefaultInstance()));
    }
    return result.build();
  }

  @Test
  void signalsArriveInOrderAsOneBatchAndItsAnswerSetsTheState() throws Exception {
    signal("@Counter@one", "add", "1");
    signal("@counter@one", "add", "2");

    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel, ENTITY_WORKER)) {
      WorkItem item = worker.next();
      EntityRequest request = item.getEntityRequestV2();
      assertThat(request.getInstanceId()).isEqualTo("@counter@one");
      assertThat(request.hasEntityState()).isFalse();
      assertThat(operations(request)).containsExactly("add", "add");
      sidecar.call().completeEntityTask(answer(item, "3", 2));
    }

    GetEntityResponse entity = entity("@counter@one");
    assertThat(entity.getExists()).isTrue();
    assertThat(entity.getEntity().getSerializedState().getValue()).isEqualTo("3");
    assertThat(entity.getEntity().getBacklogQueueSize()).isZero();
  }

  @Test
  void aSecondAnswerToTheSameBatchIsRefusedAndChangesNothing() throws Exception {
    signal("@counter@one", "add", "1");
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel, ENTITY_WORKER)) {
      WorkItem item = worker.next();
      sidecar.call().completeEntityTask(answer(item, "1", 1));

      assertThatThrownBy(() -> sidecar.call().completeEntityTask(answer(item, "2", 1)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }
    assertThat(entity("@counter@one").getEntity().getSerializedState().getValue()).isEqualTo("1");
  }

  @Test
  void theBatchOfAWorkerThatVanishesGoesToTheNextWorkerUnchanged() throws Exception {
    signal("@counter@one", "add", "5");
    HandDrivenWorker first = HandDrivenWorker.connect(channel, ENTITY_WORKER);
    assertThat(operations(first.next().getEntityRequestV2())).containsExactly("add");
    first.disconnect();

    try (HandDrivenWorker second = HandDrivenWorker.connect(channel, ENTITY_WORKER)) {
      WorkItem again = second.next();
      assertThat(operations(again.getEntityRequestV2())).containsExactly("add");
      sidecar.call().completeEntityTask(answer(again, "5", 1));
    }
    assertThat(entity("@counter@one").getEntity().getSerializedState().getValue()).isEqualTo("5");
  }

  @Test
  void operationsAWorkerLeftUnansweredComeAgainWithTheNewState() throws Exception {
    signal("@counter@one", "add", "1");
    signal("@counter@one", "add", "2");
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel, ENTITY_WORKER)) {
      sidecar.call().completeEntityTask(answer(worker.next(), "1", 1));

      EntityRequest rest = worker.next().getEntityRequestV2();
      assertThat(rest.getEntityState().getValue()).isEqualTo("1");
      assertThat(rest.getOperationRequestsList())
          .extracting(e -> e.getEntityOperationSignaled().getInput().getValue())
          .containsExactly("2");
    }
  }

  @Test
  void aBatchTheWorkerCouldNotRunComesAgainAndIsNotLost() throws Exception {
    signal("@counter@one", "add", "1");
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel, ENTITY_WORKER)) {
      WorkItem item = worker.next();
      sidecar
          .call()
          .completeEntityTask(
              EntityBatchResult.newBuilder()
                  .setCompletionToken(item.getCompletionToken())
                  .setFailureDetails(
                      TaskFailureDetails.newBuilder().setErrorMessage("worker out of memory"))
                  .build());

      WorkItem again = worker.next(Duration.ofSeconds(15));
      assertThat(operations(again.getEntityRequestV2())).containsExactly("add");
    }
  }

  @Test
  void anOversizeStateFailsTheBatchsOperationsAndKeepsTheOldState() throws Exception {
    signal("@counter@one", "add", "1");
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel, ENTITY_WORKER)) {
      sidecar.call().completeEntityTask(answer(worker.next(), "1", 1));
      signal("@counter@one", "add", "2");

      sidecar.call().completeEntityTask(answer(worker.next(), "x".repeat(2000), 1));
    }
    GetEntityResponse entity = entity("@counter@one");
    assertThat(entity.getEntity().getSerializedState().getValue()).isEqualTo("1");
    assertThat(entity.getEntity().getBacklogQueueSize()).isZero();
  }

  @Test
  void aStreamThatStatesNoEntityCapacityIsSentNoEntityWork() throws Exception {
    signal("@counter@one", "add", "1");
    try (HandDrivenWorker oldSdk = HandDrivenWorker.connect(channel)) {
      oldSdk.receivesNothingWithin(Duration.ofMillis(500));
    }
    GetWorkItemsRequest filtered =
        GetWorkItemsRequest.newBuilder()
            .setWorkItemFilters(
                WorkItemFilters.newBuilder()
                    .addEntities(dev.taskhub.protocol.EntityFilter.newBuilder().setName("Counter")))
            .build();
    try (HandDrivenWorker namesCounters = HandDrivenWorker.connect(channel, filtered)) {
      assertThat(namesCounters.next().getEntityRequestV2().getInstanceId())
          .isEqualTo("@counter@one");
    }
  }

  @Test
  void aStreamHoldsNoMoreEntityBatchesThanItsCreditAndAFilterNamingOtherEntitiesGetsNone()
      throws Exception {
    signal("@counter@a", "add", "1");
    signal("@counter@b", "add", "1");
    GetWorkItemsRequest otherEntities =
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentEntityWorkItems(4)
            .setWorkItemFilters(
                WorkItemFilters.newBuilder()
                    .addEntities(dev.taskhub.protocol.EntityFilter.newBuilder().setName("account")))
            .build();
    try (HandDrivenWorker accounts = HandDrivenWorker.connect(channel, otherEntities);
        HandDrivenWorker oneAtATime =
            HandDrivenWorker.connect(
                channel,
                GetWorkItemsRequest.newBuilder().setMaxConcurrentEntityWorkItems(1).build())) {
      WorkItem first = oneAtATime.next();
      oneAtATime.receivesNothingWithin(Duration.ofMillis(500));
      sidecar.call().completeEntityTask(answer(first, "1", 1));

      WorkItem second = oneAtATime.next();
      assertThat(List.of(first, second))
          .extracting(item -> item.getEntityRequestV2().getInstanceId())
          .containsExactlyInAnyOrder("@counter@a", "@counter@b");
      accounts.receivesNothingWithin(Duration.ofMillis(200));
    }
  }

  @Test
  void aSignalScheduledForLaterIsSentNoEarlier() throws Exception {
    long at = System.currentTimeMillis() + 700;
    sidecar
        .call()
        .signalEntity(
            SignalEntityRequest.newBuilder()
                .setInstanceId("@counter@later")
                .setName("add")
                .setInput(StringValue.of("1"))
                .setScheduledTime(Events.timestamp(at))
                .build());
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel, ENTITY_WORKER)) {
      WorkItem item = worker.next();
      assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(at);
      HistoryEvent operation = item.getEntityRequestV2().getOperationRequests(0);
      assertThat(operation.getEntityOperationSignaled().getOperation()).isEqualTo("add");
    }
  }

  @Test
  void aLockHoldsOtherOperationsBackUntilItsOrchestrationEndsWithoutUnlocking() throws Exception {
    sidecar
        .call()
        .startInstance(
            CreateInstanceRequest.newBuilder().setInstanceId("locker").setName("Locker").build());
    GetWorkItemsRequest everything =
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(4)
            .setMaxConcurrentEntityWorkItems(4)
            .build();
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel, everything)) {
      assertThat(worker.next().hasOrchestratorRequest()).isTrue();
      sidecar.answer(
          "locker",
          OrchestratorAction.newBuilder()
              .setId(0)
              .setSendEntityMessage(
                  SendEntityMessageAction.newBuilder()
                      .setEntityLockRequested(
                          EntityLockRequestedEvent.newBuilder()
                              .setCriticalSectionId("cs-1")
                              .addLockSet("@counter@b")
                              .addLockSet("@counter@a")))
              .build());

      WorkItem granted = worker.next();
      assertThat(granted.getOrchestratorRequest().getNewEventsList())
          .anySatisfy(
              e -> assertThat(e.getEntityLockGranted().getCriticalSectionId()).isEqualTo("cs-1"));
      signal("@counter@a", "add", "1");
      worker.receivesNothingWithin(Duration.ofMillis(500)); // the lock holds the signal back

      sidecar.answer("locker", RawSidecar.complete(1, "\"done\""));

      WorkItem released = worker.next();
      assertThat(released.getEntityRequestV2().getInstanceId()).isEqualTo("@counter@a");
      assertThat(operations(released.getEntityRequestV2())).containsExactly("add");
    }
  }

  @Test
  void aBatchWhoseWorkersKeepVanishingFailsItsCallWithTheReasonPastThePoisonLimit()
      throws Exception {
    stop();
    server = TestScheduler.builder().config(c -> c.withPoisonLimit(2)).start();
    channel = server.channel();
    sidecar = new RawSidecar(channel);
    sidecar
        .call()
        .startInstance(
            CreateInstanceRequest.newBuilder().setInstanceId("caller").setName("Caller").build());
    GetWorkItemsRequest everything =
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(4)
            .setMaxConcurrentEntityWorkItems(4)
            .build();
    HandDrivenWorker first = HandDrivenWorker.connect(channel, everything);
    assertThat(first.next().hasOrchestratorRequest()).isTrue();
    sidecar.answer(
        "caller",
        OrchestratorAction.newBuilder()
            .setId(0)
            .setSendEntityMessage(
                SendEntityMessageAction.newBuilder()
                    .setEntityOperationCalled(
                        EntityOperationCalledEvent.newBuilder()
                            .setRequestId("r1")
                            .setOperation("add")
                            .setInput(StringValue.of("1"))
                            .setTargetInstanceId(StringValue.of("@counter@x"))))
            .build());
    assertThat(first.next().hasEntityRequestV2()).isTrue();
    first.disconnect();
    HandDrivenWorker second = HandDrivenWorker.connect(channel, everything);
    assertThat(second.next().hasEntityRequestV2()).isTrue();
    second.disconnect();

    try (HandDrivenWorker third = HandDrivenWorker.connect(channel, everything)) {
      WorkItem answer = third.next();
      assertThat(answer.getOrchestratorRequest().getNewEventsList())
          .anySatisfy(
              e -> {
                assertThat(e.getEntityOperationFailed().getRequestId()).isEqualTo("r1");
                assertThat(e.getEntityOperationFailed().getFailureDetails().getErrorType())
                    .isEqualTo("EntityBatchFailed");
              });
    }
    assertThat(entity("@counter@x").getExists()).isFalse();
  }

  @Test
  void anEntityIsNoOrchestrationToTheInstanceRpcs() {
    signal("@counter@one", "add", "1");

    assertThat(
            sidecar
                .call()
                .getInstance(GetInstanceRequest.newBuilder().setInstanceId("@counter@one").build())
                .getExists())
        .isFalse();
    assertThatThrownBy(
            () ->
                sidecar
                    .call()
                    .raiseEvent(
                        RaiseEventRequest.newBuilder()
                            .setInstanceId("@counter@one")
                            .setName("go")
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThat(
            sidecar
                .call()
                .purgeInstances(
                    PurgeInstancesRequest.newBuilder().setInstanceId("@counter@one").build())
                .getDeletedInstanceCount())
        .isZero();
    assertThat(
            sidecar
                .call()
                .queryEntities(
                    QueryEntitiesRequest.newBuilder()
                        .setQuery(EntityQuery.newBuilder().setIncludeTransient(true))
                        .build())
                .getEntitiesList())
        .singleElement()
        .satisfies(
            e -> assertThat(e.getBacklogQueueSize()).as("the signal, still queued").isEqualTo(1));
  }

  @Test
  void badInputIsRefusedWithAClearMessageAndChangesNothing() {
    assertInvalid(() -> signal("counter-one", "add", null), "'counter-one' is not an entity id");
    assertInvalid(() -> signal("@@key", "add", null), "is not an entity id");
    assertInvalid(() -> signal("@counter@one", "", null), "must name an operation");
    assertInvalid(
        () -> signal("@counter@one", "add", "\"" + "x".repeat(2000) + "\""), "over the limit");
    assertInvalid(
        () ->
            sidecar
                .call()
                .getEntity(GetEntityRequest.newBuilder().setInstanceId("counter").build()),
        "is not an entity id");
    assertInvalid(
        () ->
            sidecar
                .call()
                .queryEntities(
                    QueryEntitiesRequest.newBuilder()
                        .setQuery(
                            EntityQuery.newBuilder()
                                .setContinuationToken(StringValue.of("garbage")))
                        .build()),
        "not a continuation token");
    assertInvalid(
        () ->
            sidecar
                .call()
                .startInstance(
                    CreateInstanceRequest.newBuilder()
                        .setInstanceId("@counter@one")
                        .setName("Greet")
                        .build()),
        "name durable entities");
    assertThat(entity("@counter@one").getExists()).isFalse();
    assertThat(entity("@nobody@here").getExists()).isFalse();
    assertThat(
            sidecar
                .call()
                .cleanEntityStorage(
                    CleanEntityStorageRequest.newBuilder().setRemoveEmptyEntities(true).build())
                .getEmptyEntitiesRemoved())
        .isZero();
  }

  private static void assertInvalid(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }
}
