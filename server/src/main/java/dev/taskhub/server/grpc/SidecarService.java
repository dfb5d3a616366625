package dev.taskhub.server.grpc;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Empty;
import com.google.protobuf.StringValue;
import dev.taskhub.protocol.AbandonActivityTaskRequest;
import dev.taskhub.protocol.AbandonActivityTaskResponse;
import dev.taskhub.protocol.AbandonEntityTaskRequest;
import dev.taskhub.protocol.AbandonEntityTaskResponse;
import dev.taskhub.protocol.AbandonOrchestrationTaskRequest;
import dev.taskhub.protocol.AbandonOrchestrationTaskResponse;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CleanEntityStorageRequest;
import dev.taskhub.protocol.CleanEntityStorageResponse;
import dev.taskhub.protocol.CompleteTaskResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateInstanceResponse;
import dev.taskhub.protocol.CreateTaskHubRequest;
import dev.taskhub.protocol.CreateTaskHubResponse;
import dev.taskhub.protocol.DeleteTaskHubRequest;
import dev.taskhub.protocol.DeleteTaskHubResponse;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.GetEntityRequest;
import dev.taskhub.protocol.GetEntityResponse;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryChunk;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.ListInstanceIdsRequest;
import dev.taskhub.protocol.ListInstanceIdsResponse;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.PurgeInstanceFilter;
import dev.taskhub.protocol.PurgeInstancesRequest;
import dev.taskhub.protocol.PurgeInstancesResponse;
import dev.taskhub.protocol.QueryEntitiesRequest;
import dev.taskhub.protocol.QueryEntitiesResponse;
import dev.taskhub.protocol.QueryInstancesRequest;
import dev.taskhub.protocol.QueryInstancesResponse;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.RaiseEventResponse;
import dev.taskhub.protocol.RestartInstanceRequest;
import dev.taskhub.protocol.RestartInstanceResponse;
import dev.taskhub.protocol.ResumeRequest;
import dev.taskhub.protocol.ResumeResponse;
import dev.taskhub.protocol.RewindInstanceRequest;
import dev.taskhub.protocol.RewindInstanceResponse;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.protocol.SignalEntityResponse;
import dev.taskhub.protocol.SkipGracefulOrchestrationTerminationsRequest;
import dev.taskhub.protocol.SkipGracefulOrchestrationTerminationsResponse;
import dev.taskhub.protocol.StreamInstanceHistoryRequest;
import dev.taskhub.protocol.SuspendRequest;
import dev.taskhub.protocol.SuspendResponse;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TerminateRequest;
import dev.taskhub.protocol.TerminateResponse;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.protocol.WorkerCapability;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.engine.WorkerStream;
import dev.taskhub.server.store.InstanceIdPage;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.PurgeResult;
import dev.taskhub.server.store.Statuses;
import dev.taskhub.server.store.TimeRange;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code TaskHubSidecarService}: validates each request, hands it to the {@link Engine} and maps
 * the outcome. RPCs not overridden here answer UNIMPLEMENTED; the entity RPCs' requests and answers
 * are shaped by {@link EntityRpcs}.
 *
 * <p>Over 500 lines: one method per RPC of the service (gRPC wants them on one class), each only
 * validating, calling the engine and shaping the answer; the longer pieces live beside it ({@link
 * Queries}, {@link States}, {@link HistoryChunks}, {@link ResponseChunks}).
 */
final class SidecarService extends TaskHubSidecarServiceGrpc.TaskHubSidecarServiceImplBase {
  static final int MAX_SKIP_GRACEFUL_IDS = 500;

  private final Engine engine;
  private final ResponseChunks chunks;
  private final Validation validation;
  private final Clock clock;

  SidecarService(Engine engine, Clock clock, ResponseChunks chunks) {
    this.engine = engine;
    this.chunks = chunks;
    this.validation = new Validation(engine.payloadLimit());
    this.clock = clock;
  }

  private static String hub() {
    return TaskHubInterceptor.HUB.get();
  }

  private static <T> void unary(String rpc, StreamObserver<T> observer, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (RuntimeException e) {
      observer.onError(Errors.toStatus(rpc, e));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  public void hello(Empty request, StreamObserver<Empty> observer) {
    unary("Hello", observer, Empty::getDefaultInstance);
  }

  @Override
  public void startInstance(
      CreateInstanceRequest request, StreamObserver<CreateInstanceResponse> observer) {
    unary(
        "StartInstance",
        observer,
        () -> {
          Validation.optionalInstanceId(request.getInstanceId());
          Validation.name("name", request.getName());
          validation.payload("input", request.hasInput(), request.getInput());
          Validation.tags("tags", request.getTagsMap());
          String id = engine.startInstance(hub(), request);
          return CreateInstanceResponse.newBuilder().setInstanceId(id).build();
        });
  }

  @Override
  public void restartInstance(
      RestartInstanceRequest request, StreamObserver<RestartInstanceResponse> observer) {
    unary(
        "RestartInstance",
        observer,
        () -> {
          String id =
              engine.restart(
                  hub(),
                  Validation.instanceId(request.getInstanceId()),
                  request.getRestartWithNewInstanceId());
          return RestartInstanceResponse.newBuilder().setInstanceId(id).build();
        });
  }

  @Override
  public void rewindInstance(
      RewindInstanceRequest request, StreamObserver<RewindInstanceResponse> observer) {
    unary(
        "RewindInstance",
        observer,
        () -> {
          validation.payload("reason", request.hasReason(), request.getReason());
          engine.rewind(hub(), Validation.instanceId(request.getInstanceId()));
          return RewindInstanceResponse.getDefaultInstance();
        });
  }

  @Override
  public void getInstance(
      GetInstanceRequest request, StreamObserver<GetInstanceResponse> observer) {
    unary(
        "GetInstance",
        observer,
        () -> {
          Optional<InstanceRecord> instance =
              engine.getInstance(hub(), Validation.instanceId(request.getInstanceId()));
          return States.response(instance, request.getGetInputsAndOutputs());
        });
  }

  @Override
  public void waitForInstanceStart(
      GetInstanceRequest request, StreamObserver<GetInstanceResponse> observer) {
    unary(
        "WaitForInstanceStart",
        observer,
        () ->
            waitFor(request, status -> status != OrchestrationStatus.ORCHESTRATION_STATUS_PENDING));
  }

  @Override
  public void waitForInstanceCompletion(
      GetInstanceRequest request, StreamObserver<GetInstanceResponse> observer) {
    unary("WaitForInstanceCompletion", observer, () -> waitFor(request, Statuses::isTerminal));
  }

  private GetInstanceResponse waitFor(
      GetInstanceRequest request, Predicate<OrchestrationStatus> awaited) {
    String hub = hub();
    String instanceId = Validation.instanceId(request.getInstanceId());
    Context context = Context.current();
    Deadline deadline = context.getDeadline();
    long deadlineMillis =
        deadline == null
            ? Long.MAX_VALUE
            : clock.millis() + deadline.timeRemaining(TimeUnit.MILLISECONDS);
    Context.CancellationListener wake = cancelled -> engine.wakeWaiters(hub, instanceId);
    context.addListener(wake, Runnable::run);
    try {
      Optional<InstanceRecord> instance =
          engine.waitFor(hub, instanceId, awaited, deadlineMillis, context::isCancelled);
      return States.response(instance, request.getGetInputsAndOutputs());
    } finally {
      context.removeListener(wake);
    }
  }

  @Override
  public void queryInstances(
      QueryInstancesRequest request, StreamObserver<QueryInstancesResponse> observer) {
    unary(
        "QueryInstances",
        observer,
        () -> {
          InstancePageRequest pageRequest = Queries.page(request.getQuery());
          InstancePage page = engine.query(Queries.filter(hub(), request.getQuery()), pageRequest);
          QueryInstancesResponse.Builder response = QueryInstancesResponse.newBuilder();
          for (InstanceRecord instance : page.instances()) {
            response.addOrchestrationState(
                States.state(instance, request.getQuery().getFetchInputsAndOutputs()));
          }
          if (page.continuationToken() != null) {
            response.setContinuationToken(StringValue.of(page.continuationToken()));
          }
          return response.build();
        });
  }

  @Override
  public void listInstanceIds(
      ListInstanceIdsRequest request, StreamObserver<ListInstanceIdsResponse> observer) {
    unary(
        "ListInstanceIds",
        observer,
        () -> {
          InstancePageRequest pageRequest = Queries.page(request);
          InstanceIdPage page = engine.queryIds(Queries.filter(hub(), request), pageRequest);
          ListInstanceIdsResponse.Builder response =
              ListInstanceIdsResponse.newBuilder().addAllInstanceIds(page.instanceIds());
          if (page.continuationToken() != null) {
            response.setLastInstanceKey(StringValue.of(page.continuationToken()));
          }
          return response.build();
        });
  }

  /**
   * The instance's history (of its current execution: earlier ones were replaced by
   * continue-as-new) in chunks under {@link HistoryChunks#BUDGET_BYTES}. Unknown instances, and an
   * execution id that is not the current one, answer NOT_FOUND.
   */
  @Override
  public void streamInstanceHistory(
      StreamInstanceHistoryRequest request, StreamObserver<HistoryChunk> observer) {
    List<HistoryChunk> chunks;
    try {
      String instanceId = Validation.instanceId(request.getInstanceId());
      String hub = hub();
      InstanceRecord instance =
          engine
              .getInstance(hub, instanceId)
              .orElseThrow(
                  () ->
                      new TaskhubException.NotFound(
                          "No instance with ID '" + instanceId + "' was found"));
      if (request.hasExecutionId()
          && !request.getExecutionId().getValue().isEmpty()
          && !request.getExecutionId().getValue().equals(instance.executionId())) {
        throw new TaskhubException.NotFound(
            "Instance '"
                + instanceId
                + "' has no execution '"
                + request.getExecutionId().getValue()
                + "' (only its current execution keeps a history)");
      }
      List<HistoryEvent> history = engine.history(hub, instanceId);
      if (request.getForWorkItemProcessing()) {
        history = Events.replayable(history); // exactly the past events of a work item
      }
      chunks = HistoryChunks.split(history, HistoryChunks.BUDGET_BYTES);
    } catch (RuntimeException e) {
      observer.onError(Errors.toStatus("StreamInstanceHistory", e));
      return;
    }
    chunks.forEach(observer::onNext);
    observer.onCompleted();
  }

  @Override
  public void purgeInstances(
      PurgeInstancesRequest request, StreamObserver<PurgeInstancesResponse> observer) {
    unary(
        "PurgeInstances",
        observer,
        () -> {
          String hub = hub();
          PurgeResult result =
              switch (request.getRequestCase()) {
                case INSTANCEID ->
                    new PurgeResult(
                        engine.purge(
                            hub,
                            Validation.instanceId(request.getInstanceId()),
                            request.getRecursive()),
                        true);
                case INSTANCEBATCH -> {
                  int count = 0;
                  for (String id : request.getInstanceBatch().getInstanceIdsList()) {
                    count += engine.purge(hub, Validation.instanceId(id), request.getRecursive());
                  }
                  yield new PurgeResult(count, true);
                }
                case PURGEINSTANCEFILTER -> {
                  PurgeInstanceFilter filter = request.getPurgeInstanceFilter();
                  yield engine.purge(
                      hub,
                      new TimeRange(
                          filter.hasCreatedTimeFrom()
                              ? Events.millis(filter.getCreatedTimeFrom())
                              : 0,
                          filter.hasCreatedTimeTo()
                              ? Events.millis(filter.getCreatedTimeTo())
                              : Long.MAX_VALUE),
                      Queries.statuses(filter.getRuntimeStatusList()),
                      request.getRecursive(),
                      timeout(filter));
                }
                case REQUEST_NOT_SET ->
                    throw new TaskhubException.InvalidArgument(
                        "one of instanceId, purgeInstanceFilter or instanceBatch is required");
              };
          return PurgeInstancesResponse.newBuilder()
              .setDeletedInstanceCount(result.deleted())
              .setIsComplete(BoolValue.of(result.complete()))
              .build();
        });
  }

  /** A filter purge's time limit: none when absent or zero. */
  private static Duration timeout(PurgeInstanceFilter filter) {
    if (!filter.hasTimeout()) {
      return null;
    }
    com.google.protobuf.Duration timeout = filter.getTimeout();
    if (timeout.getSeconds() < 0 || timeout.getNanos() < 0) {
      throw new TaskhubException.InvalidArgument(
          "purgeInstanceFilter.timeout must not be negative");
    }
    Duration limit = Duration.ofSeconds(timeout.getSeconds(), timeout.getNanos());
    return limit.isZero() ? null : limit;
  }

  /** Off unless the server was started with {@code --allow-hub-management}. */
  @Override
  public void createTaskHub(
      CreateTaskHubRequest request, StreamObserver<CreateTaskHubResponse> observer) {
    unary(
        "CreateTaskHub",
        observer,
        () -> {
          engine.createHub(hub(), request.getRecreateIfExists());
          return CreateTaskHubResponse.getDefaultInstance();
        });
  }

  /** Off unless the server was started with {@code --allow-hub-management}. */
  @Override
  public void deleteTaskHub(
      DeleteTaskHubRequest request, StreamObserver<DeleteTaskHubResponse> observer) {
    unary(
        "DeleteTaskHub",
        observer,
        () -> {
          engine.deleteHub(hub());
          return DeleteTaskHubResponse.getDefaultInstance();
        });
  }

  /** Up to {@link #MAX_SKIP_GRACEFUL_IDS} ids a call, as the protocol documents. */
  @Override
  public void skipGracefulOrchestrationTerminations(
      SkipGracefulOrchestrationTerminationsRequest request,
      StreamObserver<SkipGracefulOrchestrationTerminationsResponse> observer) {
    unary(
        "SkipGracefulOrchestrationTerminations",
        observer,
        () -> {
          List<String> ids = request.getInstanceBatch().getInstanceIdsList();
          if (ids.size() > MAX_SKIP_GRACEFUL_IDS) {
            throw new TaskhubException.InvalidArgument(
                "at most "
                    + MAX_SKIP_GRACEFUL_IDS
                    + " instance ids may be terminated in one call, got "
                    + ids.size());
          }
          ids.forEach(Validation::instanceId);
          validation.payload("reason", request.hasReason(), request.getReason());
          StringValue reason = request.hasReason() ? request.getReason() : null;
          SkipGracefulOrchestrationTerminationsResponse.Builder response =
              SkipGracefulOrchestrationTerminationsResponse.newBuilder();
          String hub = hub();
          for (String id : ids) {
            if (!engine.terminateOnServer(hub, id, reason)) {
              response.addUnterminatedInstanceIds(id);
            }
          }
          return response.build();
        });
  }

  @Override
  public void raiseEvent(RaiseEventRequest request, StreamObserver<RaiseEventResponse> observer) {
    unary(
        "RaiseEvent",
        observer,
        () -> {
          String instanceId = Validation.instanceId(request.getInstanceId());
          Validation.name("name", request.getName());
          validation.payload("input", request.hasInput(), request.getInput());
          engine.raiseEvent(
              hub(), instanceId, request.getName(), request.hasInput() ? request.getInput() : null);
          return RaiseEventResponse.getDefaultInstance();
        });
  }

  @Override
  public void terminateInstance(
      TerminateRequest request, StreamObserver<TerminateResponse> observer) {
    unary(
        "TerminateInstance",
        observer,
        () -> {
          String instanceId = Validation.instanceId(request.getInstanceId());
          validation.payload("output", request.hasOutput(), request.getOutput());
          engine.terminate(
              hub(),
              instanceId,
              request.hasOutput() ? request.getOutput() : null,
              request.getRecursive());
          return TerminateResponse.getDefaultInstance();
        });
  }

  @Override
  public void suspendInstance(SuspendRequest request, StreamObserver<SuspendResponse> observer) {
    unary(
        "SuspendInstance",
        observer,
        () -> {
          engine.suspend(
              hub(),
              Validation.instanceId(request.getInstanceId()),
              reason(request.hasReason(), request.getReason()));
          return SuspendResponse.getDefaultInstance();
        });
  }

  @Override
  public void resumeInstance(ResumeRequest request, StreamObserver<ResumeResponse> observer) {
    unary(
        "ResumeInstance",
        observer,
        () -> {
          engine.resume(
              hub(),
              Validation.instanceId(request.getInstanceId()),
              reason(request.hasReason(), request.getReason()));
          return ResumeResponse.getDefaultInstance();
        });
  }

  private StringValue reason(boolean present, StringValue reason) {
    validation.payload("reason", present, reason);
    return present ? reason : null;
  }

  @Override
  public void getWorkItems(GetWorkItemsRequest request, StreamObserver<WorkItem> responseObserver) {
    ServerCallStreamObserver<WorkItem> observer =
        (ServerCallStreamObserver<WorkItem>) responseObserver;
    WorkerStream stream;
    try {
      stream =
          engine.connect(
              hub(),
              request,
              new GrpcWorkItemSink(
                  observer,
                  request
                      .getCapabilitiesList()
                      .contains(WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING)),
              TaskHubInterceptor.USER_AGENT.get(),
              Boolean.TRUE.equals(TaskHubInterceptor.WARM_RUNS.get()));
    } catch (RuntimeException e) {
      observer.onError(Errors.toStatus("GetWorkItems", e));
      return;
    }
    observer.setOnCancelHandler(() -> engine.disconnect(stream));
    observer.setOnReadyHandler(() -> engine.streamReady(stream));
  }

  @Override
  public void completeOrchestratorTask(
      OrchestratorResponse request, StreamObserver<CompleteTaskResponse> observer) {
    unary(
        "CompleteOrchestratorTask",
        observer,
        () -> {
          Validation.instanceId(request.getInstanceId());
          String hub = hub();
          chunks.add(hub, request).ifPresent(whole -> engine.completeOrchestration(hub, whole));
          return CompleteTaskResponse.getDefaultInstance();
        });
  }

  @Override
  public void completeActivityTask(
      ActivityResponse request, StreamObserver<CompleteTaskResponse> observer) {
    unary(
        "CompleteActivityTask",
        observer,
        () -> {
          Validation.instanceId(request.getInstanceId());
          engine.completeActivity(hub(), request);
          return CompleteTaskResponse.getDefaultInstance();
        });
  }

  @Override
  public void abandonTaskOrchestratorWorkItem(
      AbandonOrchestrationTaskRequest request,
      StreamObserver<AbandonOrchestrationTaskResponse> observer) {
    unary(
        "AbandonTaskOrchestratorWorkItem",
        observer,
        () -> {
          engine.abandonOrchestration(
              hub(), Validation.name("completionToken", request.getCompletionToken()));
          return AbandonOrchestrationTaskResponse.getDefaultInstance();
        });
  }

  @Override
  public void abandonTaskActivityWorkItem(
      AbandonActivityTaskRequest request, StreamObserver<AbandonActivityTaskResponse> observer) {
    unary(
        "AbandonTaskActivityWorkItem",
        observer,
        () -> {
          engine.abandonActivity(
              hub(), Validation.name("completionToken", request.getCompletionToken()));
          return AbandonActivityTaskResponse.getDefaultInstance();
        });
  }

  // ---------------------------------------------------------------- durable entities

  @Override
  public void signalEntity(
      SignalEntityRequest request, StreamObserver<SignalEntityResponse> observer) {
    unary(
        "SignalEntity",
        observer,
        () -> {
          engine.entities().signal(hub(), request);
          return SignalEntityResponse.getDefaultInstance();
        });
  }

  @Override
  public void getEntity(GetEntityRequest request, StreamObserver<GetEntityResponse> observer) {
    unary("GetEntity", observer, () -> EntityRpcs.get(engine.entities(), hub(), request));
  }

  @Override
  public void queryEntities(
      QueryEntitiesRequest request, StreamObserver<QueryEntitiesResponse> observer) {
    unary("QueryEntities", observer, () -> EntityRpcs.query(engine.entities(), hub(), request));
  }

  @Override
  public void cleanEntityStorage(
      CleanEntityStorageRequest request, StreamObserver<CleanEntityStorageResponse> observer) {
    unary(
        "CleanEntityStorage", observer, () -> EntityRpcs.clean(engine.entities(), hub(), request));
  }

  @Override
  public void completeEntityTask(
      EntityBatchResult request, StreamObserver<CompleteTaskResponse> observer) {
    unary(
        "CompleteEntityTask",
        observer,
        () -> {
          Validation.name("completionToken", request.getCompletionToken());
          engine.completeEntity(hub(), request);
          return CompleteTaskResponse.getDefaultInstance();
        });
  }

  @Override
  public void abandonTaskEntityWorkItem(
      AbandonEntityTaskRequest request, StreamObserver<AbandonEntityTaskResponse> observer) {
    unary(
        "AbandonTaskEntityWorkItem",
        observer,
        () -> {
          engine.abandonEntity(
              hub(), Validation.name("completionToken", request.getCompletionToken()));
          return AbandonEntityTaskResponse.getDefaultInstance();
        });
  }
}
