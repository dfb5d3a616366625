package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateTaskHubRequest;
import dev.taskhub.protocol.DeleteTaskHubRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CreateTaskHub} and {@code DeleteTaskHub} over the raw protocol: off unless the server is
 * started to allow them; a created hub is served at once, survives a restart and is served by every
 * node on one PostgreSQL database; deleting a hub removes all of its data and ends its workers'
 * streams.
 */
class TaskHubManagementTest {
  @TempDir Path dir;

  private final List<TestScheduler> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(TestScheduler::close);
  }

  private TestScheduler start(TestScheduler.Builder builder) {
    TestScheduler server = builder.start();
    servers.add(server);
    return server;
  }

  private static TestScheduler.Builder managed() {
    return TestScheduler.builder().config(c -> c.withHubManagement(true));
  }

  /** The raw protocol in {@code hub} (the {@code taskhub} header). */
  private RawSidecar in(TestScheduler server, String hub) {
    return new RawSidecar(channelIn(server, hub));
  }

  private Channel channelIn(TestScheduler server, String hub) {
    ManagedChannel channel = server.channel();
    channels.add(channel);
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER), hub);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static void create(RawSidecar sidecar, boolean recreate) {
    sidecar
        .call()
        .createTaskHub(CreateTaskHubRequest.newBuilder().setRecreateIfExists(recreate).build());
  }

  private static void delete(RawSidecar sidecar) {
    sidecar.call().deleteTaskHub(DeleteTaskHubRequest.getDefaultInstance());
  }

  private static void startInstance(RawSidecar sidecar, String id) {
    sidecar
        .call()
        .startInstance(
            CreateInstanceRequest.newBuilder().setInstanceId(id).setName("flow").build());
  }

  private static boolean exists(RawSidecar sidecar, String id) {
    return sidecar
        .call()
        .getInstance(GetInstanceRequest.newBuilder().setInstanceId(id).build())
        .getExists();
  }

  private static void assertStatus(ThrowingCallable call, Status.Code code, String detail) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(detail);
            });
  }

  @Test
  void bothAreOffUnlessTheServerIsStartedToAllowThem() {
    TestScheduler server = start(TestScheduler.builder());

    assertStatus(
        () -> create(in(server, "billing"), false),
        Status.Code.UNIMPLEMENTED,
        "--allow-hub-management");
    assertStatus(
        () -> delete(in(server, "default")), Status.Code.UNIMPLEMENTED, "--allow-hub-management");
    assertStatus(
        () -> startInstance(in(server, "billing"), "i1"),
        Status.Code.NOT_FOUND,
        "Task hub not found");
  }

  @Test
  void aCreatedHubIsServedAtOnceAndKeptAcrossARestart() throws Exception {
    Path store = dir.resolve("hubs.db");
    TestScheduler first = start(managed().sqliteFile(store));
    RawSidecar billing = in(first, "billing");
    create(billing, false);
    startInstance(billing, "invoice-1");
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channelIn(first, "billing"))) {
      assertThat(worker.next().getOrchestratorRequest().getInstanceId()).isEqualTo("invoice-1");
    }
    assertThat(exists(in(first, "default"), "invoice-1")).as("hubs never share").isFalse();
    assertStatus(() -> create(billing, false), Status.Code.ALREADY_EXISTS, "billing");
    assertStatus(
        () -> create(in(first, "no spaces"), false), Status.Code.INVALID_ARGUMENT, "no spaces");
    first.close();

    TestScheduler second = start(managed().sqliteFile(store));
    RawSidecar again = in(second, "BILLING"); // hub names ignore case, as DTS's do
    assertThat(exists(again, "invoice-1")).isTrue();
    create(again, true); // recreated: empty
    assertThat(exists(again, "invoice-1")).isFalse();
  }

  @Test
  void deletingAHubRemovesItsDataAndEndsItsWorkersStreams() throws Exception {
    TestScheduler server = start(managed());
    RawSidecar billing = in(server, "billing");
    create(billing, false);
    startInstance(billing, "invoice-1");
    RawSidecar defaults = in(server, "default");
    startInstance(defaults, "kept-elsewhere");
    startInstance(defaults, "default-1");
    HandDrivenWorker worker = HandDrivenWorker.connect(channelIn(server, "billing"));
    worker.next();

    delete(billing);

    assertThatThrownBy(() -> worker.next(Duration.ofSeconds(5)))
        .hasMessageContaining("stream ended");
    assertStatus(() -> exists(billing, "invoice-1"), Status.Code.NOT_FOUND, "Task hub not found");
    assertStatus(() -> delete(billing), Status.Code.NOT_FOUND, "billing");
    assertThat(exists(defaults, "kept-elsewhere")).isTrue();
    // A hub named at start stays served when deleted, empty.
    delete(defaults);
    assertThat(exists(defaults, "default-1")).isFalse();
    startInstance(defaults, "after-delete");
    assertThat(defaults.status("after-delete"))
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);
  }

  @Test
  void aHubCreatedOnOneNodeIsServedByTheOthersOnTheSameDatabase() {
    String database = TestPostgres.newSchema();
    TestScheduler a = start(managed().postgres(database).nodeLease(Duration.ofSeconds(3)));
    TestScheduler b = start(managed().postgres(database).nodeLease(Duration.ofSeconds(3)));

    create(in(a, "shipping"), false);
    startInstance(in(a, "shipping"), "parcel-1");

    RawSidecar viaB = in(b, "shipping");
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> exists(viaB, "parcel-1"));
  }
}
