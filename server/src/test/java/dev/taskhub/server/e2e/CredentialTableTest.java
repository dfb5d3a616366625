package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.nimbusds.jose.jwk.RSAKey;
import dev.taskhub.protocol.CleanEntityStorageRequest;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateTaskHubRequest;
import dev.taskhub.protocol.EntityQuery;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.InstanceBatch;
import dev.taskhub.protocol.InstanceQuery;
import dev.taskhub.protocol.PurgeInstancesRequest;
import dev.taskhub.protocol.QueryEntitiesRequest;
import dev.taskhub.protocol.QueryInstancesRequest;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.RestartInstanceRequest;
import dev.taskhub.protocol.ResumeRequest;
import dev.taskhub.protocol.RewindInstanceRequest;
import dev.taskhub.protocol.SignalEntityRequest;
import dev.taskhub.protocol.SkipGracefulOrchestrationTerminationsRequest;
import dev.taskhub.protocol.StreamInstanceHistoryRequest;
import dev.taskhub.protocol.SuspendRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TerminateRequest;
import dev.taskhub.server.config.OidcSettings;
import dev.taskhub.server.security.LocalIssuer;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table of the issue: every RPC of {@code TaskHubSidecarService} and every HTTP route, against
 * every credential that must be refused — none, a wrong token, an expired, wrong-audience,
 * wrong-issuer, badly signed, unknown-key or unsigned JWT (UNAUTHENTICATED, 401), a valid token or
 * JWT for another hub, and one without the role the call needs (PERMISSION_DENIED, 403) — on a
 * scheduler that takes both a token file and an issuer's JWTs. Each call asks for something that
 * would change the store (terminate, purge, recreate the hub, …) if it got through, and the store
 * is compared with a snapshot taken before.
 */
class CredentialTableTest {
  private static final String AUDIENCE = "api://taskhub";
  private static final String VICTIM = "victim-1";

  /** What each RPC needs besides admin, as the roles say; checked against the service. */
  private static final Map<String, Set<String>> RPC_ROLES =
      Map.ofEntries(
          Map.entry("Hello", Set.of("reader", "contributor", "worker")),
          Map.entry("GetInstance", Set.of("reader", "contributor")),
          Map.entry("WaitForInstanceStart", Set.of("reader", "contributor")),
          Map.entry("WaitForInstanceCompletion", Set.of("reader", "contributor")),
          Map.entry("QueryInstances", Set.of("reader", "contributor")),
          Map.entry("ListInstanceIds", Set.of("reader", "contributor")),
          Map.entry("GetEntity", Set.of("reader", "contributor")),
          Map.entry("QueryEntities", Set.of("reader", "contributor")),
          Map.entry("StreamInstanceHistory", Set.of("reader", "contributor", "worker")),
          Map.entry("StartInstance", Set.of("contributor")),
          Map.entry("RaiseEvent", Set.of("contributor")),
          Map.entry("TerminateInstance", Set.of("contributor")),
          Map.entry("SuspendInstance", Set.of("contributor")),
          Map.entry("ResumeInstance", Set.of("contributor")),
          Map.entry("RestartInstance", Set.of("contributor")),
          Map.entry("RewindInstance", Set.of("contributor")),
          Map.entry("PurgeInstances", Set.of("contributor")),
          Map.entry("SkipGracefulOrchestrationTerminations", Set.of("contributor")),
          Map.entry("SignalEntity", Set.of("contributor")),
          Map.entry("CleanEntityStorage", Set.of("contributor")),
          Map.entry("GetWorkItems", Set.of("worker")),
          Map.entry("CompleteActivityTask", Set.of("worker")),
          Map.entry("CompleteOrchestratorTask", Set.of("worker")),
          Map.entry("CompleteEntityTask", Set.of("worker")),
          Map.entry("AbandonTaskActivityWorkItem", Set.of("worker")),
          Map.entry("AbandonTaskOrchestratorWorkItem", Set.of("worker")),
          Map.entry("AbandonTaskEntityWorkItem", Set.of("worker")),
          Map.entry("CreateTaskHub", Set.of()),
          Map.entry("DeleteTaskHub", Set.of()));

  @TempDir static Path dir;
  private static LocalIssuer issuer;
  private static RSAKey key;
  private static TestScheduler server;
  private static ManagedChannel channel;
  private static List<TableCredentials.Credential> credentials;

  @BeforeAll
  static void start() throws Exception {
    issuer = new LocalIssuer();
    key = LocalIssuer.rsaKey("k1");
    issuer.publish(key);
    Path tokens = dir.resolve("tokens");
    TableCredentials.writeTokenFile(tokens);
    server =
        TestScheduler.builder()
            .http()
            .config(
                c ->
                    c.withAuthTokens(tokens)
                        .withOidc(
                            new OidcSettings(
                                issuer.url(), AUDIENCE, null, TableCredentials.HUBS_CLAIM))
                        .withTaskHubs(List.of("default", "other"))
                        .withHubManagement(true))
            .start();
    channel = server.channel();

    credentials = TableCredentials.all(issuer, key, AUDIENCE);

    admin(null)
        .startInstance(
            CreateInstanceRequest.newBuilder()
                .setInstanceId(VICTIM)
                .setName("nobody-hosts-it")
                .setInput(StringValue.of("\"keep me\""))
                .build());
    admin("other")
        .startInstance(
            CreateInstanceRequest.newBuilder()
                .setInstanceId("bystander-1")
                .setName("nobody-hosts-it")
                .build());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
    issuer.close();
  }

  /** The channel with {@code bearer} (none if null) and the {@code taskhub} header (if given). */
  private static Channel channel(String bearer, String hub) {
    Metadata headers = new Metadata();
    if (bearer != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
    }
    if (hub != null) {
      headers.put(Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER), hub);
    }
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub admin(String hub) {
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel(TableCredentials.ADMIN, hub));
  }

  /**
   * The request each RPC is called with: one that would change the store if it got through (the
   * victim terminated, purged, its hub recreated empty or deleted, a work item taken …), else
   * empty.
   */
  private static Message requestFor(MethodDescriptor<?, ?> method) {
    return switch (method.getBareMethodName()) {
      case "StartInstance" ->
          CreateInstanceRequest.newBuilder().setInstanceId("intruder-1").setName("flow").build();
      case "RaiseEvent" ->
          RaiseEventRequest.newBuilder().setInstanceId(VICTIM).setName("go").build();
      case "TerminateInstance" -> TerminateRequest.newBuilder().setInstanceId(VICTIM).build();
      case "SuspendInstance" -> SuspendRequest.newBuilder().setInstanceId(VICTIM).build();
      case "ResumeInstance" -> ResumeRequest.newBuilder().setInstanceId(VICTIM).build();
      case "RestartInstance" ->
          RestartInstanceRequest.newBuilder()
              .setInstanceId(VICTIM)
              .setRestartWithNewInstanceId(true)
              .build();
      case "RewindInstance" -> RewindInstanceRequest.newBuilder().setInstanceId(VICTIM).build();
      case "PurgeInstances" -> PurgeInstancesRequest.newBuilder().setInstanceId(VICTIM).build();
      case "SkipGracefulOrchestrationTerminations" ->
          SkipGracefulOrchestrationTerminationsRequest.newBuilder()
              .setInstanceBatch(InstanceBatch.newBuilder().addInstanceIds(VICTIM))
              .build();
      case "CreateTaskHub" -> CreateTaskHubRequest.newBuilder().setRecreateIfExists(true).build();
      case "GetWorkItems" ->
          GetWorkItemsRequest.newBuilder()
              .setMaxConcurrentOrchestrationWorkItems(10)
              .setMaxConcurrentActivityWorkItems(10)
              .build();
      case "GetInstance" ->
          GetInstanceRequest.newBuilder()
              .setInstanceId(VICTIM)
              .setGetInputsAndOutputs(true)
              .build();
      case "StreamInstanceHistory" ->
          StreamInstanceHistoryRequest.newBuilder().setInstanceId(VICTIM).build();
      case "SignalEntity" ->
          SignalEntityRequest.newBuilder().setInstanceId("@counter@victim").setName("add").build();
      case "CleanEntityStorage" ->
          CleanEntityStorageRequest.newBuilder()
              .setRemoveEmptyEntities(true)
              .setReleaseOrphanedLocks(true)
              .build();
      default ->
          (Message)
              ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                  .getMessagePrototype();
    };
  }

  /** Calls {@code method} with {@code bearer}; the status it ends with (OK if none). */
  @SuppressWarnings("unchecked")
  private static Status call(MethodDescriptor<?, ?> method, String bearer) {
    MethodDescriptor<Message, Message> typed = (MethodDescriptor<Message, Message>) method;
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.SECONDS);
    Channel calls = channel(bearer, null);
    try {
      if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
        ClientCalls.blockingServerStreamingCall(calls, typed, options, requestFor(method))
            .hasNext();
      } else {
        ClientCalls.blockingUnaryCall(calls, typed, options, requestFor(method));
      }
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /**
   * Everything a caller could change, as an admin reads it: hubs, instances, the victim's history.
   */
  private static String storeSnapshot() throws Exception {
    StringBuilder snapshot =
        new StringBuilder(
            http(new Route("GET", "/api/v1/info"), TableCredentials.ADMIN)
                .body()
                .replaceAll("\"serverTime\":\"[^\"]*\"", ""));
    for (String hub : List.of("default", "other")) {
      admin(hub)
          .queryInstances(
              QueryInstancesRequest.newBuilder()
                  .setQuery(
                      InstanceQuery.newBuilder()
                          .setFetchInputsAndOutputs(true)
                          .setMaxInstanceCount(100))
                  .build())
          .getOrchestrationStateList()
          .forEach(state -> snapshot.append(hub).append(": ").append(state));
      admin(hub)
          .queryEntities(
              QueryEntitiesRequest.newBuilder()
                  .setQuery(
                      EntityQuery.newBuilder().setIncludeState(true).setIncludeTransient(true))
                  .build())
          .getEntitiesList()
          .forEach(
              entity ->
                  snapshot
                      .append(hub)
                      .append(": ")
                      .append(entity.toBuilder().clearLastModifiedTime().build()));
    }
    admin(null)
        .streamInstanceHistory(
            StreamInstanceHistoryRequest.newBuilder().setInstanceId(VICTIM).build())
        .forEachRemaining(chunk -> snapshot.append(chunk));
    return snapshot.toString();
  }

  private static List<MethodDescriptor<?, ?>> rpcs() {
    return List.copyOf(TaskHubSidecarServiceGrpc.getServiceDescriptor().getMethods());
  }

  @Test
  void theRoleTableNamesEveryRpcOfTheService() {
    assertThat(RPC_ROLES.keySet())
        .isEqualTo(
            rpcs().stream().map(MethodDescriptor::getBareMethodName).collect(Collectors.toSet()));
  }

  @Test
  void everyRpcRefusesEveryBadCredentialWithTheRightCodeAndChangesNothing() throws Exception {
    String before = storeSnapshot();
    assertThat(before).contains(VICTIM, "keep me", "bystander-1");
    List<String> wrong = new ArrayList<>();
    int refusals = 0;
    for (MethodDescriptor<?, ?> method : rpcs()) {
      String rpc = method.getBareMethodName();
      for (TableCredentials.Credential credential : credentials) {
        Status.Code expected = expectedCode(rpc, credential);
        if (expected == null) {
          continue; // a role that may make this call
        }
        refusals++;
        Status status = call(method, credential.bearer());
        if (status.getCode() != expected) {
          wrong.add(rpc + " with " + credential + ": " + status + ", expected " + expected);
        }
        if (expected == Status.Code.PERMISSION_DENIED
            && !String.valueOf(status.getDescription()).contains("task hub 'default'")) {
          wrong.add(rpc + " with " + credential + ": no hub named: " + status.getDescription());
        }
        if (credential.bearer() != null
            && String.valueOf(status.getDescription()).contains(credential.bearer())) {
          wrong.add(rpc + " with " + credential + " echoes the credential");
        }
      }
    }
    String after = storeSnapshot();
    int refused = refusals;
    SoftAssertions.assertSoftly(
        softly -> {
          softly.assertThat(wrong).isEmpty();
          softly.assertThat(refused).as("calls refused").isGreaterThan(rpcs().size() * 11);
          softly.assertThat(after).as("the store after every refused call").isEqualTo(before);
        });
  }

  /** The code a call must be refused with, or null if the credential's role may make it. */
  private static Status.Code expectedCode(String rpc, TableCredentials.Credential credential) {
    return switch (credential.kind()) {
      case INVALID -> Status.Code.UNAUTHENTICATED;
      case OTHER_HUB -> Status.Code.PERMISSION_DENIED;
      case ROLE ->
          credential.role() != null && RPC_ROLES.get(rpc).contains(credential.role())
              ? null
              : Status.Code.PERMISSION_DENIED;
    };
  }

  // ---------------------------------------------------------------- HTTP

  private record Route(String method, String path) {
    /**
     * The roles (besides admin) that may use the route: reads need a reader, changes a contributor.
     */
    Set<String> roles() {
      if (path.equals("/api/v1/info")) {
        return Set.of("reader", "contributor", "worker");
      }
      return method.equals("GET") ? Set.of("reader", "contributor") : Set.of("contributor");
    }
  }

  private static final String INSTANCE = "/api/v1/hubs/default/instances/" + VICTIM;
  private static final String DF_INSTANCE = "/runtime/webhooks/durabletask/instances/" + VICTIM;
  private static final String ENTITY = "/api/v1/hubs/default/entities/counter/victim";
  private static final String DF_ENTITY = "/runtime/webhooks/durabletask/entities/counter/victim";

  /** Every route the HTTP port serves behind authentication. */
  private static final List<Route> ROUTES =
      List.of(
          new Route("GET", "/api/v1/info"),
          new Route("GET", "/api/v1/hubs/default/instances"),
          new Route("GET", "/api/v1/hubs/default/counts"),
          new Route("GET", "/api/v1/hubs/default/waiting"),
          new Route("GET", "/api/v1/hubs/default/live"),
          new Route("GET", INSTANCE),
          new Route("GET", INSTANCE + "/history"),
          new Route("GET", INSTANCE + "/timeline"),
          new Route("POST", INSTANCE + "/terminate"),
          new Route("POST", INSTANCE + "/suspend"),
          new Route("POST", INSTANCE + "/resume"),
          new Route("POST", INSTANCE + "/events/go"),
          new Route("POST", INSTANCE + "/restart"),
          new Route("DELETE", INSTANCE),
          new Route("DELETE", "/api/v1/hubs/default/instances?status=PENDING"),
          new Route("GET", "/runtime/webhooks/durabletask/instances"),
          new Route("GET", DF_INSTANCE),
          new Route("POST", DF_INSTANCE + "/terminate"),
          new Route("POST", DF_INSTANCE + "/suspend"),
          new Route("POST", DF_INSTANCE + "/resume"),
          new Route("POST", DF_INSTANCE + "/restart"),
          new Route("POST", DF_INSTANCE + "/rewind"),
          new Route("POST", DF_INSTANCE + "/raiseEvent/go"),
          new Route("DELETE", DF_INSTANCE),
          new Route("DELETE", "/runtime/webhooks/durabletask/instances?runtimeStatus=Pending"),
          new Route("GET", "/api/v1/hubs/default/entities"),
          new Route("GET", ENTITY),
          new Route("POST", ENTITY + "/signal"),
          new Route("POST", ENTITY + "/delete-state"),
          new Route("GET", "/runtime/webhooks/durabletask/entities/counter"),
          new Route("GET", DF_ENTITY),
          new Route("POST", DF_ENTITY + "?op=add"),
          new Route("GET", "/api/v1/hubs/default/retention"),
          new Route("PUT", "/api/v1/hubs/default/retention"),
          new Route("DELETE", "/api/v1/hubs/default/retention"),
          new Route("GET", "/metrics"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> http(Route route, String bearer) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.httpPort() + route.path()))
            .method(route.method(), HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json");
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyHttpRouteRefusesEveryBadCredentialWithTheRightStatusAndChangesNothing()
      throws Exception {
    String before = storeSnapshot();
    List<String> wrong = new ArrayList<>();
    for (Route route : ROUTES) {
      for (TableCredentials.Credential credential : credentials) {
        Integer expected =
            switch (credential.kind()) {
              case INVALID -> 401;
              case OTHER_HUB -> 403;
              case ROLE ->
                  credential.role() != null && route.roles().contains(credential.role())
                      ? null
                      : 403;
            };
        if (expected == null) {
          continue;
        }
        HttpResponse<String> answer = http(route, credential.bearer());
        if (answer.statusCode() != expected) {
          wrong.add(
              route + " with " + credential + ": " + answer.statusCode() + " " + answer.body());
        } else if (!answer.body().contains("\"status\":" + expected)) {
          wrong.add(route + " with " + credential + ": no problem JSON: " + answer.body());
        } else if (expected == 403 && !answer.body().contains("task hub 'default'")) {
          wrong.add(route + " with " + credential + ": no hub named: " + answer.body());
        } else if (expected == 401
            && !answer.headers().firstValue("WWW-Authenticate").orElse("").contains("Bearer")) {
          wrong.add(route + " with " + credential + ": 401 without WWW-Authenticate: Bearer");
        }
        if (credential.bearer() != null && answer.body().contains(credential.bearer())) {
          wrong.add(route + " with " + credential + " echoes the credential");
        }
      }
    }
    String after = storeSnapshot();
    SoftAssertions.assertSoftly(
        softly -> {
          softly.assertThat(wrong).isEmpty();
          softly.assertThat(after).as("the store after every refused request").isEqualTo(before);
        });
    assertThat(http(new Route("GET", "/health"), null).statusCode()).isEqualTo(200);
    HttpResponse<String> signIn = http(new Route("GET", "/api/v1/sign-in"), null);
    assertThat(signIn.statusCode())
        .as("how the dashboard signs in, asked before it can")
        .isEqualTo(200);
    assertThat(signIn.body()).contains("\"tokens\":true").doesNotContain("secret");
    assertThat(http(new Route("GET", "/"), null).statusCode()).as("the page").isEqualTo(200);
  }
}
