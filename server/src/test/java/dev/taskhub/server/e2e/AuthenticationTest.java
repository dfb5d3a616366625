package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.taskhub.protocol.QueryInstancesRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.server.security.TokenFile;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens and roles (--auth-tokens): every RPC of the service and every HTTP route refuses a call
 * without credentials, with a wrong token, with a token for another hub and with a token without
 * the role, with the right code and without changing anything; the official SDK 1.5.0 with a worker
 * and contributor token runs the seed's fan-out.
 */
class AuthenticationTest {
  private static final String ADMIN = "admin-token";
  private static final String CONTRIBUTOR = "contributor-token";
  private static final String READER = "reader-token";
  private static final String WORKER = "worker-token";
  private static final String OTHER_HUB = "other-hub-token";

  @TempDir static Path dir;
  private static TestScheduler server;
  private static final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(
        tokens,
        String.join(
            "\n",
            "# name sha256 roles hubs",
            "ops " + TokenFile.hashHex(ADMIN) + " admin *",
            "app " + TokenFile.hashHex(CONTRIBUTOR) + " worker,contributor default",
            "viewer " + TokenFile.hashHex(READER) + " reader default",
            "runner " + TokenFile.hashHex(WORKER) + " worker default",
            "elsewhere " + TokenFile.hashHex(OTHER_HUB) + " admin other",
            ""));
    server =
        TestScheduler.builder()
            .http()
            .config(c -> c.withAuthTokens(tokens).withTaskHubs(List.of("default", "other")))
            .start();
  }

  @AfterAll
  static void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  /** A channel that sends {@code token} as a bearer on every call (none if null). */
  private static io.grpc.Channel channel(String token) {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("localhost", server.grpcPort()).usePlaintext().build();
    channels.add(channel);
    if (token == null) {
      return channel;
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Calls {@code method} with an empty request; the status it ends with (OK if none). */
  @SuppressWarnings("unchecked")
  private static Status.Code call(io.grpc.Channel channel, MethodDescriptor<?, ?> method) {
    MethodDescriptor<Message, Message> typed = (MethodDescriptor<Message, Message>) method;
    Message request =
        (Message)
            ((MethodDescriptor.PrototypeMarshaller<?>) typed.getRequestMarshaller())
                .getMessagePrototype();
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS);
    try {
      if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
        ClientCalls.blockingServerStreamingCall(channel, typed, options, request).hasNext();
      } else {
        ClientCalls.blockingUnaryCall(channel, typed, options, request);
      }
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getDescription()).doesNotContain("token-");
      return e.getStatus().getCode();
    }
  }

  private static List<MethodDescriptor<?, ?>> rpcs() {
    return List.copyOf(TaskHubSidecarServiceGrpc.getServiceDescriptor().getMethods());
  }

  private static boolean isReadOnly(MethodDescriptor<?, ?> method) {
    return List.of(
            "GetInstance",
            "WaitForInstanceStart",
            "WaitForInstanceCompletion",
            "QueryInstances",
            "ListInstanceIds",
            "GetEntity",
            "QueryEntities",
            "StreamInstanceHistory",
            "Hello")
        .contains(method.getBareMethodName());
  }

  @Test
  void everyRpcRefusesMissingWrongForeignAndUnderprivilegedCredentials() {
    for (MethodDescriptor<?, ?> method : rpcs()) {
      String rpc = method.getBareMethodName();
      assertThat(call(channel(null), method))
          .as("%s without credentials", rpc)
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(call(channel("not-a-token"), method))
          .as("%s with a wrong token", rpc)
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(call(channel(OTHER_HUB), method))
          .as("%s with another hub's token", rpc)
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      if (!isReadOnly(method)) {
        assertThat(call(channel(READER), method))
            .as("%s by a reader", rpc)
            .isEqualTo(Status.Code.PERMISSION_DENIED);
      }
    }
    assertThat(call(channel(WORKER), method("StartInstance")))
        .as("a worker cannot start instances")
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(call(channel(CONTRIBUTOR), method("CreateTaskHub")))
        .as("only an admin manages hubs")
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(call(channel(READER), method("GetWorkItems")))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // Nothing any refused call tried to do happened (the audit test starts one on purpose).
    assertThat(
            TaskHubSidecarServiceGrpc.newBlockingStub(channel(ADMIN))
                .queryInstances(QueryInstancesRequest.getDefaultInstance())
                .getOrchestrationStateList())
        .allMatch(state -> state.getInstanceId().equals("audited-1"));
  }

  private static MethodDescriptor<?, ?> method(String name) {
    return rpcs().stream()
        .filter(m -> m.getBareMethodName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theOfficialSdkWithAWorkerAndContributorTokenRunsTheSeedsFanOut() throws Exception {
    SeedActivities.runFanOutOver(channel(CONTRIBUTOR));
  }

  @Test
  void changesAreAuditedOnceWithCallerHubInstanceAndOutcome() throws Exception {
    ch.qos.logback.classic.Logger audit =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("taskhub.audit");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    audit.addAppender(lines);
    try {
      TaskHubSidecarServiceGrpc.newBlockingStub(channel(CONTRIBUTOR))
          .startInstance(
              dev.taskhub.protocol.CreateInstanceRequest.newBuilder()
                  .setInstanceId("audited-1")
                  .setName("nobody-hosts-it")
                  .build());
      call(channel(READER), method("TerminateInstance"));
      HttpResponse<String> raised =
          http(
              new Route("POST", "/api/v1/hubs/default/instances/audited-1/events/go"), CONTRIBUTOR);
      // 202, or 409 if a worker of another test already failed the instance: audited either way.
      assertThat(raised.statusCode()).as(raised.body()).isIn(202, 409);
      http(new Route("GET", "/api/v1/hubs/default/instances/audited-1"), CONTRIBUTOR);

      List<String> messages =
          lines.list.stream()
              .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
              .toList();
      assertThat(messages)
          .containsExactly(
              "StartInstance by app in hub default on audited-1: OK",
              "POST /api/v1/hubs/default/instances/audited-1/events/go by app in hub default: "
                  + raised.statusCode());
      assertThat(String.join("\n", messages)).doesNotContain(CONTRIBUTOR);
    } finally {
      audit.detachAppender(lines);
    }
  }

  // ---------------------------------------------------------------- HTTP

  private record Route(String method, String path) {}

  private static final List<Route> ROUTES =
      List.of(
          new Route("GET", "/api/v1/info"),
          new Route("GET", "/api/v1/hubs/default/instances"),
          new Route("GET", "/api/v1/hubs/default/counts"),
          new Route("GET", "/api/v1/hubs/default/waiting"),
          new Route("GET", "/api/v1/hubs/default/instances/nope"),
          new Route("GET", "/api/v1/hubs/default/instances/nope/history"),
          new Route("GET", "/api/v1/hubs/default/instances/nope/timeline"),
          new Route("POST", "/api/v1/hubs/default/instances/nope/terminate"),
          new Route("POST", "/api/v1/hubs/default/instances/nope/suspend"),
          new Route("POST", "/api/v1/hubs/default/instances/nope/resume"),
          new Route("POST", "/api/v1/hubs/default/instances/nope/events/go"),
          new Route("POST", "/api/v1/hubs/default/instances/nope/restart"),
          new Route("DELETE", "/api/v1/hubs/default/instances/nope"),
          new Route("DELETE", "/api/v1/hubs/default/instances?status=COMPLETED"),
          new Route("GET", "/runtime/webhooks/durabletask/instances"),
          new Route("GET", "/runtime/webhooks/durabletask/instances/nope"),
          new Route("POST", "/runtime/webhooks/durabletask/instances/nope/terminate"),
          new Route("POST", "/runtime/webhooks/durabletask/instances/nope/raiseEvent/go"),
          new Route("DELETE", "/runtime/webhooks/durabletask/instances/nope"),
          new Route("GET", "/metrics"));

  private static HttpResponse<String> http(Route route, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.httpPort() + route.path()))
            .method(route.method(), HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyHttpRouteRefusesMissingWrongForeignAndUnderprivilegedCredentials() throws Exception {
    for (Route route : ROUTES) {
      HttpResponse<String> none = http(route, null);
      assertThat(none.statusCode()).as("%s without credentials", route).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(none.body()).contains("\"status\":401");
      assertThat(http(route, "not-a-token").statusCode())
          .as("%s wrong token", route)
          .isEqualTo(401);
      if (!route.path().equals("/api/v1/info")) {
        HttpResponse<String> foreign = http(route, OTHER_HUB);
        assertThat(foreign.statusCode()).as("%s with another hub's token", route).isEqualTo(403);
        assertThat(foreign.body()).contains("'default'").doesNotContain(OTHER_HUB);
      }
      if (!route.method().equals("GET")) {
        HttpResponse<String> reader = http(route, READER);
        assertThat(reader.statusCode()).as("%s by a reader", route).isEqualTo(403);
        assertThat(reader.body()).contains("contributor or admin", "'default'");
      } else {
        assertThat(http(route, READER).statusCode()).as("%s by a reader", route).isNotIn(401, 403);
      }
    }
    assertThat(http(new Route("GET", "/health"), null).statusCode()).isEqualTo(200);
    assertThat(http(new Route("GET", "/"), null).statusCode())
        .as("the dashboard page")
        .isEqualTo(200);
  }
}
