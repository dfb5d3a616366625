package dev.taskhub.samples.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.TaskhubClient;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code GET /api/status/{instanceId}}: an instance's state in Durable Functions' shape; 404 for an
 * unknown id.
 */
final class StatusEndpoint implements Exchanges.Route {
  static final String PATH = "/api/status/";

  /** The status JSON, with Durable Functions' names ({@code runtimeStatus} is e.g. "Completed"). */
  record InstanceStatus(
      String name,
      String instanceId,
      String runtimeStatus,
      JsonNode input,
      JsonNode output,
      JsonNode customStatus,
      Instant createdTime,
      Instant lastUpdatedTime) {}

  private final TaskhubClient client;

  StatusEndpoint(TaskhubClient client) {
    this.client = client;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Exchanges.requireMethod(exchange, "GET");
    String instanceId = exchange.getRequestURI().getPath().substring(PATH.length());
    Exchanges.json(exchange, 200, status(client, instanceId));
  }

  /**
   * @throws TaskhubException.InstanceNotFound if there is no such instance
   */
  static InstanceStatus status(TaskhubClient client, String instanceId) {
    if (instanceId.isEmpty()) {
      throw new BadRequestException("The instance id is missing: use " + PATH + "{instanceId}");
    }
    OrchestrationMetadata instance =
        client
            .getInstance(instanceId)
            .orElseThrow(
                () ->
                    new TaskhubException.InstanceNotFound(
                        "No instance with ID '" + instanceId + "' was found", null));
    return new InstanceStatus(
        instance.name(),
        instance.instanceId(),
        runtimeStatus(instance),
        Json.tree(instance.serializedInput()),
        Json.tree(instance.serializedOutput()),
        Json.tree(instance.serializedCustomStatus()),
        instance.createdAt(),
        instance.lastUpdatedAt());
  }

  /**
   * COMPLETED → "Completed", CONTINUED_AS_NEW → "ContinuedAsNew", as Durable Functions names them.
   */
  static String runtimeStatus(OrchestrationMetadata instance) {
    return Arrays.stream(instance.status().name().split("_"))
        .map(word -> word.charAt(0) + word.substring(1).toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.joining());
  }
}
