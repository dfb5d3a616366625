package dev.taskhub.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.function.Function;

/**
 * Selects the task hub of each call from the {@code taskhub} metadata header, as DTS does. A call
 * without the header uses the default hub (the official Java SDK 1.5.0 sends no headers); an
 * unknown hub fails with NOT_FOUND before the call reaches the service, except for {@code
 * CreateTaskHub}, which is given the name as sent. It also passes on the user agent and the Taskhub
 * SDK's {@code taskhub-warm-runs} (the size of a worker's cache of warm orchestrations). Other
 * headers (authorization, x-user-agent, workerid) are accepted and ignored.
 */
final class TaskHubInterceptor implements ServerInterceptor {
  static final Context.Key<String> HUB = Context.key("taskhub");
  static final Context.Key<String> USER_AGENT = Context.key("user-agent");
  private static final Metadata.Key<String> USER_AGENT_HEADER =
      Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);

  /** Sent by workers that keep orchestrations warm: their warm-run cache size. */
  static final Context.Key<Boolean> WARM_RUNS = Context.key("taskhub-warm-runs");

  private static final Metadata.Key<String> WARM_RUNS_HEADER =
      Metadata.Key.of("taskhub-warm-runs", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> HEADER =
      Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER);

  private static final String CREATE_TASK_HUB = "CreateTaskHub";

  private final String defaultHub;
  private final Function<String, Optional<String>> hubs;

  /**
   * @param hubs the served hub of a name, case ignored
   */
  TaskHubInterceptor(String defaultHub, Function<String, Optional<String>> hubs) {
    this.defaultHub = defaultHub;
    this.hubs = hubs;
  }

  /** A positive cache size; anything else (absent, zero, not a number) means no warm runs. */
  private static boolean keepsRunsWarm(String cacheSize) {
    if (cacheSize == null) {
      return false;
    }
    try {
      return Integer.parseInt(cacheSize.trim()) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String requested = headers.get(HEADER);
    String hub =
        requested == null || requested.isEmpty()
            ? defaultHub
            : hubs.apply(requested)
                .orElse(
                    call.getMethodDescriptor().getBareMethodName().equals(CREATE_TASK_HUB)
                        ? requested
                        : null);
    if (hub == null) {
      call.close(
          Status.NOT_FOUND.withDescription("Task hub not found: " + requested), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context =
        Context.current()
            .withValues(
                HUB,
                hub,
                USER_AGENT,
                headers.get(USER_AGENT_HEADER),
                WARM_RUNS,
                keepsRunsWarm(headers.get(WARM_RUNS_HEADER)));
    return Contexts.interceptCall(context, call, headers, next);
  }
}
