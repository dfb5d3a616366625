package dev.taskhub.sdk.client;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.CleanEntityStorageRequest;
import dev.taskhub.protocol.CleanEntityStorageResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetEntityRequest;
import dev.taskhub.protocol.GetEntityResponse;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.ListInstanceIdsRequest;
import dev.taskhub.protocol.PurgeInstanceFilter;
import dev.taskhub.protocol.PurgeInstancesRequest;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.RestartInstanceRequest;
import dev.taskhub.protocol.ResumeRequest;
import dev.taskhub.protocol.RewindInstanceRequest;
import dev.taskhub.protocol.StreamInstanceHistoryRequest;
import dev.taskhub.protocol.SuspendRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.protocol.TerminateRequest;
import dev.taskhub.protocol.TraceContext;
import dev.taskhub.sdk.CallHeaders;
import dev.taskhub.sdk.ConnectionSettings;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.JacksonDataConverter;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.TraceContexts;
import dev.taskhub.sdk.entity.EntityInstanceId;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Starts and manages orchestration instances and entities. Thread-safe; create one per application
 * and close it at the end. (Over 500 lines: one documented method per operation of the protocol's
 * client side; the paging lives in {@code QueryPages}, {@code InstanceIdPages} and {@code
 * EntityPages}, the entity messages in {@code EntityRequests}.)
 *
 * <pre>{@code
 * try (TaskhubClient client = TaskhubClient.fromConnectionString(
 *     "Endpoint=http://localhost:8080;Authentication=None;TaskHub=default")) {
 *   String id = client.scheduleNewOrchestration("FanOutFanIn", List.of("a", "b"));
 *   Summary summary = client.waitForCompletion(id, Duration.ofMinutes(1)).readOutputAs(Summary.class);
 * }
 * }</pre>
 *
 * <p>Every method throws a {@link TaskhubException} subtype on failure: {@link
 * TaskhubException.InstanceNotFound}, {@link TaskhubException.InstanceAlreadyExists}, {@link
 * TaskhubException.FailedPrecondition} (e.g. raising an event on an ended instance), {@link
 * TaskhubException.Timeout}, {@link TaskhubException.Unavailable}, or the root type.
 */
public final class TaskhubClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final TaskHubSidecarServiceBlockingStub stub;
  private final DataConverter converter;
  private final Duration callTimeout;

  private TaskhubClient(Builder builder) {
    this.ownsChannel = builder.channel == null;
    this.channel = ownsChannel ? builder.connection.openChannel() : builder.channel;
    this.stub =
        TaskHubSidecarServiceGrpc.newBlockingStub(channel)
            .withInterceptors(
                CallHeaders.of(builder.connection).withAccessToken(builder.accessToken))
            .withMaxInboundMessageSize(ConnectionSettings.MAX_INBOUND_MESSAGE_BYTES);
    this.converter = builder.converter;
    this.callTimeout = builder.callTimeout;
  }

  /**
   * A client for a DTS-style connection string.
   *
   * @throws TaskhubException.InvalidConfiguration naming the offending key or value
   */
  public static TaskhubClient fromConnectionString(String connectionString) {
    return builder().connectionString(connectionString).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts an orchestration without input now; returns its (random) instance id. */
  public String scheduleNewOrchestration(String name) {
    return scheduleNewOrchestration(name, null, StartOptions.defaults());
  }

  /** Starts an orchestration now; returns its (random) instance id. */
  public String scheduleNewOrchestration(String name, Object input) {
    return scheduleNewOrchestration(name, input, StartOptions.defaults());
  }

  /**
   * Starts an orchestration.
   *
   * @return the instance id
   * @throws TaskhubException.InstanceAlreadyExists if an instance with the id has not ended
   */
  public String scheduleNewOrchestration(String name, Object input, StartOptions options) {
    Objects.requireNonNull(options, "options");
    return start(name, input == null ? null : StringValue.of(converter.serialize(input)), options);
  }

  private String start(String name, StringValue input, StartOptions options) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("The orchestration name must not be empty");
    }
    String instanceId =
        options.instanceId() != null
            ? options.instanceId()
            : UUID.randomUUID().toString().replace("-", "");
    CreateInstanceRequest.Builder request =
        CreateInstanceRequest.newBuilder()
            .setInstanceId(instanceId)
            .setName(name)
            .putAllTags(options.tags());
    if (input != null) {
      request.setInput(input);
    }
    if (options.version() != null) {
      request.setVersion(StringValue.of(options.version()));
    }
    if (options.startAt() != null) {
      request.setScheduledStartTimestamp(timestamp(options.startAt()));
    }
    TraceContext caller = TraceContexts.current();
    if (caller != null) {
      request.setParentTraceContext(caller); // the instance's spans join the caller's trace
    }
    return call("StartInstance", s -> s.startInstance(request.build())).getInstanceId();
  }

  /** The instance with its input, output and custom status, or empty if there is none. */
  public Optional<OrchestrationMetadata> getInstance(String instanceId) {
    return getInstance(instanceId, true);
  }

  /** The instance, with or without its payloads, or empty if there is none. */
  public Optional<OrchestrationMetadata> getInstance(String instanceId, boolean fetchPayloads) {
    GetInstanceResponse response =
        call("GetInstance", s -> s.getInstance(getRequest(instanceId, fetchPayloads)));
    return response.getExists()
        ? Optional.of(new OrchestrationMetadata(response.getOrchestrationState(), converter))
        : Optional.empty();
  }

  /**
   * Waits until the instance has started (or ended).
   *
   * @throws TaskhubException.Timeout if it has not started within {@code timeout}
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  public OrchestrationMetadata waitForStart(String instanceId, Duration timeout) {
    return waitFor("start", instanceId, timeout, s -> s::waitForInstanceStart);
  }

  /**
   * Waits until the instance has completed, failed or been terminated; returns it with payloads.
   *
   * @throws TaskhubException.Timeout if it has not ended within {@code timeout}
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  public OrchestrationMetadata waitForCompletion(String instanceId, Duration timeout) {
    return waitFor("completion", instanceId, timeout, s -> s::waitForInstanceCompletion);
  }

  private OrchestrationMetadata waitFor(
      String what,
      String instanceId,
      Duration timeout,
      Function<TaskHubSidecarServiceBlockingStub, Function<GetInstanceRequest, GetInstanceResponse>>
          rpc) {
    GetInstanceResponse response;
    try {
      response =
          rpc.apply(stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS))
              .apply(getRequest(instanceId, true));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw new TaskhubException.Timeout(
            "Instance '" + instanceId + "' did not reach " + what + " within " + timeout, e);
      }
      throw Errors.translate("Waiting for the " + what + " of '" + instanceId + "'", e);
    }
    if (!response.getExists()) {
      throw new TaskhubException.InstanceNotFound(
          "No instance with ID '" + instanceId + "' was found", null);
    }
    return new OrchestrationMetadata(response.getOrchestrationState(), converter);
  }

  /**
   * Raises an event on an instance; an orchestration waiting for it by name receives it.
   *
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   * @throws TaskhubException.FailedPrecondition if the instance has ended
   */
  public void raiseEvent(String instanceId, String eventName, Object payload) {
    RaiseEventRequest.Builder request =
        RaiseEventRequest.newBuilder().setInstanceId(instanceId).setName(eventName);
    if (payload != null) {
      request.setInput(StringValue.of(converter.serialize(payload)));
    }
    call("RaiseEvent", s -> s.raiseEvent(request.build()));
  }

  /** Terminates an instance with the given output; terminating an ended instance does nothing. */
  public void terminate(String instanceId, Object output) {
    terminate(instanceId, output, false);
  }

  /**
   * Terminates an instance, and with {@code recursive} its sub-orchestrations.
   *
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  public void terminate(String instanceId, Object output, boolean recursive) {
    TerminateRequest.Builder request =
        TerminateRequest.newBuilder().setInstanceId(instanceId).setRecursive(recursive);
    if (output != null) {
      request.setOutput(StringValue.of(converter.serialize(output)));
    }
    call("TerminateInstance", s -> s.terminateInstance(request.build()));
  }

  /**
   * Suspends an instance: it keeps receiving events but processes none until resumed.
   *
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  public void suspend(String instanceId, String reason) {
    SuspendRequest.Builder request = SuspendRequest.newBuilder().setInstanceId(instanceId);
    if (reason != null) {
      request.setReason(StringValue.of(reason));
    }
    call("SuspendInstance", s -> s.suspendInstance(request.build()));
  }

  /**
   * Resumes a suspended instance.
   *
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  public void resume(String instanceId, String reason) {
    ResumeRequest.Builder request = ResumeRequest.newBuilder().setInstanceId(instanceId);
    if (reason != null) {
      request.setReason(StringValue.of(reason));
    }
    call("ResumeInstance", s -> s.resumeInstance(request.build()));
  }

  /**
   * Rewinds a failed instance: its failed activities and sub-orchestrations run again and it
   * continues from there, keeping everything that succeeded.
   *
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   * @throws TaskhubException.FailedPrecondition if it has not failed
   */
  public void rewind(String instanceId, String reason) {
    RewindInstanceRequest.Builder request =
        RewindInstanceRequest.newBuilder().setInstanceId(instanceId);
    if (reason != null) {
      request.setReason(StringValue.of(reason));
    }
    call("RewindInstance", s -> s.rewindInstance(request.build()));
  }

  /**
   * Starts an ended instance again from the start with its original name, version and input. Uses
   * the {@code RestartInstance} RPC, or where the endpoint lacks it, reads the instance and starts
   * it anew.
   *
   * @param newInstanceId true to run under a new random id, false to replace the instance
   * @return the id the restarted instance runs under
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   * @throws TaskhubException.InstanceAlreadyExists if it has not ended (same-id restart)
   */
  public String restart(String instanceId, boolean newInstanceId) {
    RestartInstanceRequest request =
        RestartInstanceRequest.newBuilder()
            .setInstanceId(instanceId)
            .setRestartWithNewInstanceId(newInstanceId)
            .build();
    try {
      return timed().restartInstance(request).getInstanceId();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw Errors.translate("RestartInstance", e);
      }
    }
    OrchestrationMetadata old =
        getInstance(instanceId)
            .orElseThrow(
                () ->
                    new TaskhubException.InstanceNotFound(
                        "No instance with ID '" + instanceId + "' was found", null));
    StartOptions options =
        StartOptions.defaults()
            .withInstanceId(newInstanceId ? null : instanceId)
            .withVersion(old.version().orElse(null))
            .withTags(old.tags());
    String input = old.serializedInput();
    return start(old.name(), input == null ? null : StringValue.of(input), options);
  }

  /**
   * The instances matching the query, fetched page by page as the stream is consumed.
   *
   * @throws TaskhubException from the stream's operations if a page cannot be fetched
   */
  public Stream<OrchestrationMetadata> query(InstanceQuery query) {
    Objects.requireNonNull(query, "query");
    return QueryPages.stream(
        query,
        request -> call("QueryInstances", s -> s.queryInstances(request)),
        state -> new OrchestrationMetadata(state, converter));
  }

  /**
   * The ids of the ended instances with one of {@code statuses} (any terminal one when empty) that
   * completed in [{@code completedFrom}, {@code completedTo}] (null for an open end), in order of
   * completion, fetched {@code pageSize} at a time (0: the scheduler's default) as the stream is
   * consumed.
   *
   * @throws TaskhubException from the stream's operations if a page cannot be fetched
   */
  public Stream<String> listInstanceIds(
      Instant completedFrom, Instant completedTo, Set<OrchestrationStatus> statuses, int pageSize) {
    ListInstanceIdsRequest.Builder request =
        ListInstanceIdsRequest.newBuilder().setPageSize(pageSize);
    if (completedFrom != null) {
      request.setCompletedTimeFrom(timestamp(completedFrom));
    }
    if (completedTo != null) {
      request.setCompletedTimeTo(timestamp(completedTo));
    }
    statuses.forEach(status -> request.addRuntimeStatus(status.toProto()));
    return InstanceIdPages.stream(
        request, page -> call("ListInstanceIds", s -> s.listInstanceIds(page)));
  }

  /**
   * The history of the instance's current execution, as the scheduler streams it.
   *
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  public List<HistoryEvent> history(String instanceId) {
    StreamInstanceHistoryRequest request =
        StreamInstanceHistoryRequest.newBuilder().setInstanceId(instanceId).build();
    return call(
        "StreamInstanceHistory",
        s -> {
          List<HistoryEvent> events = new ArrayList<>();
          s.streamInstanceHistory(request)
              .forEachRemaining(chunk -> events.addAll(chunk.getEventsList()));
          return List.copyOf(events);
        });
  }

  /**
   * Deletes an ended instance and its history.
   *
   * @return whether an instance was deleted
   * @throws TaskhubException.FailedPrecondition if it has not ended
   */
  public boolean purge(String instanceId) {
    PurgeInstancesRequest request =
        PurgeInstancesRequest.newBuilder().setInstanceId(instanceId).build();
    return call("PurgeInstances", s -> s.purgeInstances(request)).getDeletedInstanceCount() > 0;
  }

  /**
   * Deletes every ended instance that matches the filter.
   *
   * @return how many were deleted
   */
  public int purge(PurgeFilter filter) {
    PurgeInstanceFilter.Builder proto = PurgeInstanceFilter.newBuilder();
    if (filter.createdFrom() != null) {
      proto.setCreatedTimeFrom(timestamp(filter.createdFrom()));
    }
    if (filter.createdTo() != null) {
      proto.setCreatedTimeTo(timestamp(filter.createdTo()));
    }
    filter.statuses().forEach(status -> proto.addRuntimeStatus(status.toProto()));
    PurgeInstancesRequest request =
        PurgeInstancesRequest.newBuilder().setPurgeInstanceFilter(proto).build();
    return call("PurgeInstances", s -> s.purgeInstances(request)).getDeletedInstanceCount();
  }

  /**
   * Sends a one-way operation to an entity, which runs it after the operations queued before it. An
   * entity that does not exist yet is created by its first operation.
   *
   * @throws TaskhubException if the scheduler refuses it (e.g. a malformed id)
   */
  public void signalEntity(EntityInstanceId id, String operation, Object input) {
    signalEntity(id, operation, input, null);
  }

  /**
   * Sends a one-way operation that the entity runs no earlier than {@code at} (null: now).
   *
   * @throws TaskhubException if the scheduler refuses it
   */
  public void signalEntity(EntityInstanceId id, String operation, Object input, Instant at) {
    var request =
        EntityRequests.signal(
            id,
            operation,
            input == null ? null : StringValue.of(converter.serialize(input)),
            at,
            Clock.systemUTC());
    call("SignalEntity", s -> s.signalEntity(request));
  }

  /**
   * An entity with its state read as {@code stateType} ({@code Void.class}: without its state), or
   * empty if it does not exist.
   *
   * @throws TaskhubException.DataConversion if the state cannot be read as {@code stateType}
   */
  public <S> Optional<EntityMetadata<S>> getEntity(EntityInstanceId id, Class<S> stateType) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(stateType, "stateType");
    GetEntityRequest request =
        GetEntityRequest.newBuilder()
            .setInstanceId(id.toString())
            .setIncludeState(stateType != Void.class)
            .build();
    GetEntityResponse response = call("GetEntity", s -> s.getEntity(request));
    return response.getExists()
        ? Optional.of(EntityRequests.metadata(response.getEntity(), stateType, converter))
        : Optional.empty();
  }

  /**
   * The entities matching the query, without their state, fetched page by page as the stream is
   * consumed.
   *
   * @throws TaskhubException from the stream's operations if a page cannot be fetched
   */
  public Stream<EntityMetadata<Void>> queryEntities(EntityQuery query) {
    return queryEntities(query, Void.class);
  }

  /**
   * The entities matching the query with their state read as {@code stateType}, fetched page by
   * page as the stream is consumed.
   *
   * @throws TaskhubException from the stream's operations if a page cannot be fetched, or
   *     DataConversion if a state cannot be read as {@code stateType}
   */
  public <S> Stream<EntityMetadata<S>> queryEntities(EntityQuery query, Class<S> stateType) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(stateType, "stateType");
    return EntityPages.stream(
        query,
        stateType != Void.class,
        request -> call("QueryEntities", s -> s.queryEntities(request)),
        proto -> EntityRequests.metadata(proto, stateType, converter));
  }

  /**
   * Cleans entity storage, pass after pass until the scheduler has no more to do: removes entities
   * that have no state, no queued operations and no lock, and releases locks held by orchestrations
   * that no longer run.
   *
   * @return what was removed and released, summed over the passes
   * @throws TaskhubException if a pass fails (what earlier passes did stays done)
   */
  public CleanEntityStorageResult cleanEntityStorage(
      boolean removeEmptyEntities, boolean releaseOrphanedLocks) {
    int removed = 0;
    int released = 0;
    String token = null;
    do {
      CleanEntityStorageRequest.Builder request =
          CleanEntityStorageRequest.newBuilder()
              .setRemoveEmptyEntities(removeEmptyEntities)
              .setReleaseOrphanedLocks(releaseOrphanedLocks);
      if (token != null) {
        request.setContinuationToken(StringValue.of(token));
      }
      CleanEntityStorageResponse response =
          call("CleanEntityStorage", s -> s.cleanEntityStorage(request.build()));
      removed += response.getEmptyEntitiesRemoved();
      released += response.getOrphanedLocksReleased();
      token =
          response.hasContinuationToken() && !response.getContinuationToken().getValue().isEmpty()
              ? response.getContinuationToken().getValue()
              : null;
    } while (token != null);
    return new CleanEntityStorageResult(removed, released);
  }

  /** Closes the channel (if the client opened it). */
  @Override
  public void close() {
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.shutdownNow();
      }
    }
  }

  private TaskHubSidecarServiceBlockingStub timed() {
    return stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(String operation, Function<TaskHubSidecarServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(timed());
    } catch (StatusRuntimeException e) {
      throw Errors.translate(operation, e);
    }
  }

  private static GetInstanceRequest getRequest(String instanceId, boolean payloads) {
    return GetInstanceRequest.newBuilder()
        .setInstanceId(instanceId)
        .setGetInputsAndOutputs(payloads)
        .build();
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  /** Configures a {@link TaskhubClient}. */
  public static final class Builder {
    private ConnectionSettings connection;
    private ManagedChannel channel;
    private DataConverter converter = new JacksonDataConverter();
    private Duration callTimeout = Duration.ofSeconds(30);
    private Supplier<String> accessToken;

    private Builder() {}

    /**
     * @throws TaskhubException.InvalidConfiguration naming the offending key or value
     */
    public Builder connectionString(String connectionString) {
      return connection(ConnectionSettings.fromConnectionString(connectionString));
    }

    /** Where to connect; the client opens and closes its own channel. */
    public Builder connection(ConnectionSettings settings) {
      this.connection = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Uses a channel the caller owns (and closes); {@code settings} still names the task hub. */
    public Builder channel(ManagedChannel managedChannel, ConnectionSettings settings) {
      this.channel = Objects.requireNonNull(managedChannel, "managedChannel");
      return connection(settings);
    }

    /**
     * Sends {@code authorization: Bearer <token>} on every call, the token taken from the supplier
     * each time (for endpoints behind an authenticating proxy).
     */
    public Builder accessToken(Supplier<String> token) {
      this.accessToken = Objects.requireNonNull(token, "token");
      return this;
    }

    public Builder dataConverter(DataConverter dataConverter) {
      this.converter = Objects.requireNonNull(dataConverter, "dataConverter");
      return this;
    }

    /** Deadline of each call other than the waits (default 30 s). */
    public Builder callTimeout(Duration timeout) {
      if (!timeout.isPositive()) {
        throw new IllegalArgumentException("callTimeout must be positive, was " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /**
     * @throws TaskhubException.InvalidConfiguration if no connection was given
     */
    public TaskhubClient build() {
      if (connection == null) {
        throw new TaskhubException.InvalidConfiguration(
            "A client needs a connection: call connectionString(...) or connection(...)");
      }
      return new TaskhubClient(this);
    }
  }
}
