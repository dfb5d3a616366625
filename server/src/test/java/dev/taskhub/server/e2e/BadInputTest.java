package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Empty;
import com.google.protobuf.StringValue;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.ListInstanceIdsRequest;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.PurgeInstanceFilter;
import dev.taskhub.protocol.PurgeInstancesRequest;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.protocol.TerminateRequest;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Malformed and out-of-limit calls over the raw protocol get a precise status naming the problem,
 * change nothing, and leave the server serving: the last test runs a normal fan-out on the same
 * server after all the others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
  private static final int MAX_PAYLOAD_BYTES = 1024;

  /** Started before any worker connects, so none of its work items is in flight. */
  private static final String EXISTING = "bad-input-existing";

  private ServerConfig config;
  private TestScheduler server;
  private ManagedChannel channel;

  @BeforeAll
  void start() {
    config = ServerConfig.forTests().withPorts(0, -1).withMaxPayloadBytes(MAX_PAYLOAD_BYTES);
    server = TestScheduler.builder().config(test -> config).start();
    channel = server.channel();
    sidecar().startInstance(seedFanOut(EXISTING, "[\"Task1\"]"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private TaskHubSidecarServiceBlockingStub sidecar() {
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static CreateInstanceRequest seedFanOut(String instanceId, String input) {
    return CreateInstanceRequest.newBuilder()
        .setInstanceId(instanceId)
        .setName(SeedActivities.ORCHESTRATOR)
        .setInput(StringValue.of(input))
        .build();
  }

  private static AbstractThrowableAssert<?, StatusRuntimeException> assertStatus(
      Supplier<?> call, Status.Code code) {
    StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::get);
    assertThat(error).as("the call fails with %s", code).isNotNull();
    assertThat(error.getStatus().getCode()).isEqualTo(code);
    return assertThat(error);
  }

  private static void assertRejected(Supplier<?> call, Status.Code code, String descriptionPart) {
    assertStatus(call, code)
        .extracting(e -> e.getStatus().getDescription())
        .asString()
        .contains(descriptionPart);
  }

  @Test
  void startingWithoutANameIsRejectedNamingTheField() {
    assertRejected(
        () -> sidecar().startInstance(CreateInstanceRequest.newBuilder().setName("").build()),
        Status.Code.INVALID_ARGUMENT,
        "name");
  }

  @Test
  void anInstanceIdOverOneHundredCharactersIsRejectedAndOneOfExactlyOneHundredIsAccepted() {
    assertRejected(
        () -> sidecar().startInstance(seedFanOut("x".repeat(101), "[\"Task1\"]")),
        Status.Code.INVALID_ARGUMENT,
        "instanceId");

    String longest = "y".repeat(100);
    assertThat(sidecar().startInstance(seedFanOut(longest, "[\"Task2\"]")).getInstanceId())
        .isEqualTo(longest);
    assertThat(getInstance(longest).getExists()).isTrue();
  }

  @Test
  void tagsOverOneThousandBytesOfJsonAreRejectedAndTagsOfExactlyThatAreKept() {
    // {"team":"<990 x>"} is 1,001 bytes as JSON.
    assertRejected(
        () ->
            sidecar()
                .startInstance(
                    seedFanOut("tags-over", "[\"Task1\"]").toBuilder()
                        .putTags("team", "x".repeat(990))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "tags are 1001 bytes as JSON, over the limit of 1000 bytes");
    assertThat(getInstance("tags-over").getExists()).isFalse();

    sidecar()
        .startInstance(
            seedFanOut("tags-at-limit", "[\"Task1\"]").toBuilder()
                .putTags("team", "x".repeat(989))
                .build());
    assertThat(getInstance("tags-at-limit").getOrchestrationState().getTagsMap().get("team"))
        .hasSize(989);
  }

  @Test
  void malformedListAndPurgeRequestsAreRejectedNamingTheField() {
    assertRejected(
        () ->
            sidecar().listInstanceIds(ListInstanceIdsRequest.newBuilder().setPageSize(-1).build()),
        Status.Code.INVALID_ARGUMENT,
        "pageSize");
    assertRejected(
        () ->
            sidecar()
                .listInstanceIds(
                    ListInstanceIdsRequest.newBuilder()
                        .setLastInstanceKey(StringValue.of("not-a-key"))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "not-a-key");
    assertRejected(
        () ->
            sidecar()
                .listInstanceIds(
                    ListInstanceIdsRequest.newBuilder()
                        .setCompletedTimeFrom(Events.timestamp(2_000))
                        .setCompletedTimeTo(Events.timestamp(1_000))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "completedTimeFrom");
    assertRejected(
        () ->
            sidecar()
                .purgeInstances(
                    PurgeInstancesRequest.newBuilder()
                        .setPurgeInstanceFilter(
                            PurgeInstanceFilter.newBuilder()
                                .setTimeout(
                                    com.google.protobuf.Duration.newBuilder().setSeconds(-1)))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "timeout");
    // A filter purge with time to spare finishes and says so (this one matches nothing: 1970).
    assertThat(
            sidecar()
                .purgeInstances(
                    PurgeInstancesRequest.newBuilder()
                        .setPurgeInstanceFilter(
                            PurgeInstanceFilter.newBuilder()
                                .setCreatedTimeTo(Events.timestamp(1_000))
                                .setTimeout(
                                    com.google.protobuf.Duration.newBuilder().setSeconds(30)))
                        .build())
                .getIsComplete()
                .getValue())
        .isTrue();
  }

  @Test
  void anUnknownInstanceDoesNotExistRatherThanBeingAnError() {
    GetInstanceResponse response = getInstance("no-such-instance");

    assertThat(response.getExists()).isFalse();
    assertThat(response.getOrchestrationState().getInstanceId()).isEmpty();
  }

  @Test
  void raisingAnEventForOrTerminatingAnUnknownInstanceIsNotFound() {
    assertRejected(
        () ->
            sidecar()
                .raiseEvent(
                    RaiseEventRequest.newBuilder()
                        .setInstanceId("no-such-instance")
                        .setName("approval")
                        .build()),
        Status.Code.NOT_FOUND,
        "no-such-instance");
    assertRejected(
        () ->
            sidecar()
                .terminateInstance(
                    TerminateRequest.newBuilder().setInstanceId("no-such-instance").build()),
        Status.Code.NOT_FOUND,
        "no-such-instance");
  }

  @Test
  void completingAnActivityOfAnUnknownInstanceOrAnUnknownTaskIsNotFound() {
    assertRejected(
        () ->
            sidecar()
                .completeActivityTask(
                    ActivityResponse.newBuilder()
                        .setInstanceId("no-such-instance")
                        .setTaskId(0)
                        .setResult(StringValue.of("1"))
                        .build()),
        Status.Code.NOT_FOUND,
        "no-such-instance");
    assertRejected(
        () ->
            sidecar()
                .completeActivityTask(
                    ActivityResponse.newBuilder()
                        .setInstanceId(EXISTING)
                        .setTaskId(99)
                        .setResult(StringValue.of("1"))
                        .build()),
        Status.Code.NOT_FOUND,
        "99");
  }

  @Test
  void completingAnOrchestratorTaskThatWasNeverHandedOutIsRefused() {
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                sidecar()
                    .completeOrchestratorTask(
                        OrchestratorResponse.newBuilder().setInstanceId(EXISTING).build()));

    assertThat(error).isNotNull();
    assertThat(error.getStatus().getCode())
        .isIn(Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND);
    assertThat(error.getStatus().getDescription()).contains(EXISTING).contains("in flight");
    assertRejected(
        () ->
            sidecar()
                .completeOrchestratorTask(
                    OrchestratorResponse.newBuilder().setInstanceId("no-such-instance").build()),
        Status.Code.NOT_FOUND,
        "no-such-instance");
  }

  @Test
  void anInputOverThePayloadLimitIsRejectedNamingTheField() {
    String twoKib = "\"" + "a".repeat(2046) + "\"";
    assertRejected(
        () -> sidecar().startInstance(seedFanOut("too-big", twoKib)),
        Status.Code.INVALID_ARGUMENT,
        "input");
    assertThat(getInstance("too-big").getExists()).isFalse();
    assertRejected(
        () ->
            sidecar()
                .raiseEvent(
                    RaiseEventRequest.newBuilder()
                        .setInstanceId(EXISTING)
                        .setName("approval")
                        .setInput(StringValue.of(twoKib))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "input");
  }

  @Test
  void aMessageOverTheGrpcLimitIsRefusedAndTheConnectionKeepsWorking() {
    String overMessageLimit = "\"" + "m".repeat(config.maxMessageBytes() + 1024) + "\"";
    assertStatus(
        () -> sidecar().startInstance(seedFanOut("huge", overMessageLimit)),
        Status.Code.RESOURCE_EXHAUSTED);

    assertThat(sidecar().hello(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
    assertThat(getInstance("huge").getExists()).isFalse();
  }

  @Test
  void anUnknownTaskHubIsNotFound() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER), "nope");
    TaskHubSidecarServiceBlockingStub otherHub =
        sidecar().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

    assertRejected(
        () -> otherHub.startInstance(seedFanOut("elsewhere", "[\"Task1\"]")),
        Status.Code.NOT_FOUND,
        "Task hub not found: nope");
    assertRejected(
        () -> otherHub.getInstance(GetInstanceRequest.newBuilder().setInstanceId(EXISTING).build()),
        Status.Code.NOT_FOUND,
        "Task hub not found: nope");
  }

  /** Runs last: everything above left the server and the instances it touched intact. */
  @Test
  @Order(Integer.MAX_VALUE)
  void afterAllTheBadInputAFanOutStillCompletes() throws Exception {
    SeedActivities.startWorker(server);
    DurableTaskClient client = OfficialSdk.client(server);

    String id =
        client.scheduleNewOrchestrationInstance(
            SeedActivities.ORCHESTRATOR, List.of("Task1", "Task2", "Task3"));
    OrchestrationMetadata done = client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    Map<?, ?> summary = done.readOutputAs(Map.class);
    assertThat(summary.get("total_value")).isEqualTo(55 + 65 + 75);
    OrchestrationMetadata existing =
        client.waitForInstanceCompletion(EXISTING, Duration.ofSeconds(30), true);
    assertThat(existing.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(existing.readOutputAs(Map.class).get("total_value")).isEqualTo(55);
  }

  private GetInstanceResponse getInstance(String instanceId) {
    return sidecar().getInstance(GetInstanceRequest.newBuilder().setInstanceId(instanceId).build());
  }
}
