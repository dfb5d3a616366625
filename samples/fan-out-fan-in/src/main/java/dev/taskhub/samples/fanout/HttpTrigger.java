package dev.taskhub.samples.fanout;

import com.sun.net.httpserver.HttpExchange;
import dev.taskhub.sdk.client.TaskhubClient;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/fan_out_fan_in} (the seed's function {@code fan_out_fan_in}): starts {@link
 * Orchestrator} on the body's work items and answers 202 with where to follow it. A body it refuses
 * starts nothing.
 */
final class HttpTrigger implements Exchanges.Route {
  static final String PATH = "/api/fan_out_fan_in";
  private static final Logger log = LoggerFactory.getLogger(HttpTrigger.class);

  private final TaskhubClient client;
  private final SampleConfig config;

  HttpTrigger(TaskhubClient client, SampleConfig config) {
    this.client = client;
    this.config = config;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(PATH)) {
      throw new Exchanges.NotFound(exchange.getRequestURI().getPath());
    }
    Exchanges.requireMethod(exchange, "POST");
    List<String> items =
        WorkItemsRequest.parse(
            Exchanges.body(exchange), config.defaultWorkItems(), config.maxWorkItems());
    String instanceId = client.scheduleNewOrchestration(Orchestrator.NAME, items);
    log.info("Started {} instance={} with {} items", Orchestrator.NAME, instanceId, items.size());
    CheckStatusResponse answer = CheckStatusResponse.of(Exchanges.baseUri(exchange), instanceId);
    exchange.getResponseHeaders().set("Location", answer.statusQueryGetUri());
    Exchanges.json(exchange, 202, answer);
  }
}
