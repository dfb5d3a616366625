package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
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
 * Tokens and roles (--auth-tokens): the official SDK 1.5.0 with a worker and contributor token runs
 * the seed's fan-out, and changes are audited once. That every RPC and route refuses every bad
 * credential is {@link CredentialTableTest}'s table.
 */
class AuthenticationTest {
  private static final String CONTRIBUTOR = "contributor-token";
  private static final String READER = "reader-token";

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
            "app " + TokenFile.hashHex(CONTRIBUTOR) + " worker,contributor default",
            "viewer " + TokenFile.hashHex(READER) + " reader default",
            ""));
    server = TestScheduler.builder().http().config(c -> c.withAuthTokens(tokens)).start();
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
}
