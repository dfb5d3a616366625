package dev.taskhub.samples.fanout;

import com.sun.net.httpserver.HttpExchange;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.TaskhubClient;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The URIs of {@link CheckStatusResponse}, under {@value #BASE} as on a Functions host: status
 * (GET; 200 once ended, 202 while running), purge (DELETE), {@code raiseEvent/{eventName}}, {@code
 * terminate}, {@code suspend}, {@code resume} (POST; 202). They act through the SDK's client.
 */
final class ManagementEndpoints implements Exchanges.Route {
  static final String BASE = "/runtime/webhooks/durabletask/instances/";

  private final TaskhubClient client;

  ManagementEndpoints(TaskhubClient client) {
    this.client = client;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String[] path = exchange.getRequestURI().getPath().substring(BASE.length()).split("/", 3);
    String instanceId = path[0];
    String action = path.length > 1 ? path[1] : "";
    String reason = query(exchange).getOrDefault("reason", "");
    switch (action) {
      case "" -> instance(exchange, instanceId);
      case "raiseEvent" -> {
        Exchanges.requireMethod(exchange, "POST");
        if (path.length < 3 || path[2].isEmpty()) {
          throw new BadRequestException("The event name is missing: raiseEvent/{eventName}");
        }
        byte[] body = Exchanges.body(exchange);
        Object payload = body.length == 0 ? null : parse(body);
        requireExists(instanceId);
        client.raiseEvent(instanceId, path[2], payload);
        Exchanges.json(exchange, 202, Map.of("instanceId", instanceId, "eventName", path[2]));
      }
      case "terminate" -> {
        Exchanges.requireMethod(exchange, "POST");
        client.terminate(instanceId, reason);
        Exchanges.json(exchange, 202, Map.of("instanceId", instanceId, "action", action));
      }
      case "suspend", "resume" -> {
        Exchanges.requireMethod(exchange, "POST");
        if (action.equals("suspend")) {
          client.suspend(instanceId, reason);
        } else {
          client.resume(instanceId, reason);
        }
        Exchanges.json(exchange, 202, Map.of("instanceId", instanceId, "action", action));
      }
      default -> throw new Exchanges.NotFound(exchange.getRequestURI().getPath());
    }
  }

  private void instance(HttpExchange exchange, String instanceId) throws IOException {
    switch (exchange.getRequestMethod()) {
      case "GET" -> {
        StatusEndpoint.InstanceStatus status = StatusEndpoint.status(client, instanceId);
        boolean ended =
            switch (status.runtimeStatus()) {
              case "Completed", "Failed", "Terminated", "Canceled" -> true;
              default -> false;
            };
        Exchanges.json(exchange, ended ? 200 : 202, status);
      }
      case "DELETE" -> {
        if (!client.purge(instanceId)) {
          throw new TaskhubException.InstanceNotFound(
              "No ended instance with ID '" + instanceId + "' to purge", null);
        }
        Exchanges.json(exchange, 200, Map.of("instancesDeleted", 1));
      }
      default -> throw new Exchanges.MethodNotAllowed("GET, DELETE");
    }
  }

  private void requireExists(String instanceId) {
    if (client.getInstance(instanceId, false).isEmpty()) {
      throw new TaskhubException.InstanceNotFound(
          "No instance with ID '" + instanceId + "' was found", null);
    }
  }

  private static Object parse(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new BadRequestException("The event data is not valid JSON: " + e.getMessage());
    }
  }

  private static Map<String, String> query(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawQuery();
    java.util.HashMap<String, String> params = new java.util.HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        params.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return params;
  }
}
