package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Empty;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What goes over the wire, seen by a minimal recording sidecar: every call carries the task hub,
 * the SDK's user agent and the access token; workers add their id and state their concurrency.
 */
class ProtocolHeadersTest {
  private static final Metadata.Key<String> TASK_HUB = key("taskhub");
  private static final Metadata.Key<String> USER_AGENT = key("x-user-agent");
  private static final Metadata.Key<String> WORKER_ID = key("workerid");
  private static final Metadata.Key<String> AUTHORIZATION = key("authorization");

  private final Map<String, Metadata> headersByMethod = new ConcurrentHashMap<>();
  private final AtomicReference<GetWorkItemsRequest> workItemsRequest = new AtomicReference<>();
  private Server sidecar;

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** Answers Hello and GetInstance; keeps GetWorkItems streams open without sending anything. */
  private final class RecordingSidecar
      extends TaskHubSidecarServiceGrpc.TaskHubSidecarServiceImplBase {
    @Override
    public void hello(Empty request, StreamObserver<Empty> observer) {
      observer.onNext(Empty.getDefaultInstance());
      observer.onCompleted();
    }

    @Override
    public void getInstance(
        GetInstanceRequest request, StreamObserver<GetInstanceResponse> observer) {
      observer.onNext(GetInstanceResponse.newBuilder().setExists(false).build());
      observer.onCompleted();
    }

    @Override
    public void getWorkItems(GetWorkItemsRequest request, StreamObserver<WorkItem> observer) {
      workItemsRequest.set(request);
    }
  }

  @BeforeEach
  void startSidecar() throws IOException {
    ServerInterceptor recorder =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            headersByMethod.put(call.getMethodDescriptor().getBareMethodName(), headers);
            return next.startCall(call, headers);
          }
        };
    sidecar =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(new RecordingSidecar(), recorder))
            .build()
            .start();
  }

  @AfterEach
  void stopSidecar() {
    sidecar.shutdownNow();
  }

  private ConnectionSettings connection() {
    return ConnectionSettings.plaintext("localhost", sidecar.getPort()).withTaskHub("sales");
  }

  @Test
  void workerCallsCarryTaskHubUserAgentWorkerIdAndToken() {
    try (TaskhubWorker worker =
        TaskhubWorker.builder()
            .connection(connection())
            .accessToken(() -> "token-1")
            .maxConcurrentActivities(7)
            .maxConcurrentOrchestrations(3)
            .closeTimeout(Duration.ofSeconds(1))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> workItemsRequest.get() != null);

      for (String method : new String[] {"Hello", "GetWorkItems"}) {
        Metadata headers = headersByMethod.get(method);
        assertThat(headers.get(TASK_HUB)).as(method).isEqualTo("sales");
        assertThat(headers.get(USER_AGENT)).as(method).startsWith("taskhub-sdk-java/");
        assertThat(headers.get(WORKER_ID)).as(method).isNotBlank();
        assertThat(headers.get(AUTHORIZATION)).as(method).isEqualTo("Bearer token-1");
      }
      assertThat(workItemsRequest.get().getMaxConcurrentActivityWorkItems()).isEqualTo(7);
      assertThat(workItemsRequest.get().getMaxConcurrentOrchestrationWorkItems()).isEqualTo(3);
      assertThat(worker.isConnected()).isTrue();
    }
  }

  @Test
  void clientCallsCarryTaskHubUserAgentAndToken() {
    try (TaskhubClient client =
        TaskhubClient.builder().connection(connection()).accessToken(() -> "token-2").build()) {
      assertThat(client.getInstance("anything")).isEmpty();

      Metadata headers = headersByMethod.get("GetInstance");
      assertThat(headers.get(TASK_HUB)).isEqualTo("sales");
      assertThat(headers.get(USER_AGENT)).startsWith("taskhub-sdk-java/");
      assertThat(headers.get(AUTHORIZATION)).isEqualTo("Bearer token-2");
      assertThat(headers.get(WORKER_ID)).isNull();
    }
  }
}
