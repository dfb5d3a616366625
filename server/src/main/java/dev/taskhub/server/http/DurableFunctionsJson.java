package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.store.InstanceRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Instances in the shapes of the Durable Functions HTTP management API: PascalCase runtime
 * statuses, times to the second, and a history in which each result carries its task's name and
 * scheduled time (scheduling and episode markers are folded away, as Durable Functions does).
 */
final class DurableFunctionsJson {
  private DurableFunctionsJson() {}

  static String runtimeStatus(OrchestrationStatus status) {
    StringBuilder name = new StringBuilder();
    for (String word : Json.status(status).split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase());
    }
    return name.toString();
  }

  static String time(long epochMillis) {
    return epochMillis <= 0
        ? null
        : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static ObjectNode status(InstanceRecord instance, boolean showInput) {
    ObjectNode json = Json.NODES.objectNode();
    json.put("name", instance.name());
    json.put("instanceId", instance.key().instanceId());
    json.put("runtimeStatus", runtimeStatus(instance.status()));
    json.set("input", showInput ? Json.payload(instance.input()) : Json.NODES.nullNode());
    json.set("customStatus", Json.payload(instance.customStatus()));
    json.set("output", output(instance));
    json.put("createdTime", time(instance.createdAt()));
    json.put("lastUpdatedTime", time(instance.lastUpdatedAt()));
    return json;
  }

  /** A failed instance's output is its failure message, as Durable Functions reports it. */
  private static com.fasterxml.jackson.databind.JsonNode output(InstanceRecord instance) {
    if (instance.output() == null && instance.failure() != null) {
      return Json.NODES.textNode(instance.failure().getErrorMessage());
    }
    return Json.payload(instance.output());
  }

  static ArrayNode history(List<HistoryEvent> events, boolean showOutput) {
    Map<Integer, HistoryEvent> scheduled = new HashMap<>();
    ArrayNode json = Json.NODES.arrayNode();
    for (HistoryEvent event : events) {
      ObjectNode item = Json.NODES.objectNode();
      item.put("EventType", HistoryJson.eventType(event));
      switch (event.getEventTypeCase()) {
        case ORCHESTRATORSTARTED, ORCHESTRATORCOMPLETED, EVENTSENT -> {
          continue;
        }
        case TASKSCHEDULED, SUBORCHESTRATIONINSTANCECREATED, TIMERCREATED -> {
          scheduled.put(event.getEventId(), event);
          continue;
        }
        case EXECUTIONSTARTED -> item.put("FunctionName", event.getExecutionStarted().getName());
        case TASKCOMPLETED -> {
          var completed = event.getTaskCompleted();
          task(item, scheduled.get(completed.getTaskScheduledId()));
          if (showOutput) {
            item.set(
                "Result",
                Json.payload(completed.hasResult() ? completed.getResult().getValue() : null));
          }
        }
        case TASKFAILED -> {
          var failed = event.getTaskFailed();
          task(item, scheduled.get(failed.getTaskScheduledId()));
          failure(item, failed.getFailureDetails());
        }
        case SUBORCHESTRATIONINSTANCECOMPLETED -> {
          var completed = event.getSubOrchestrationInstanceCompleted();
          task(item, scheduled.get(completed.getTaskScheduledId()));
          if (showOutput) {
            item.set(
                "Result",
                Json.payload(completed.hasResult() ? completed.getResult().getValue() : null));
          }
        }
        case SUBORCHESTRATIONINSTANCEFAILED -> {
          var failed = event.getSubOrchestrationInstanceFailed();
          task(item, scheduled.get(failed.getTaskScheduledId()));
          failure(item, failed.getFailureDetails());
        }
        case TIMERFIRED ->
            item.put("FireAt", time(Events.millis(event.getTimerFired().getFireAt())));
        case EVENTRAISED -> {
          item.put("Name", event.getEventRaised().getName());
          if (showOutput && event.getEventRaised().hasInput()) {
            item.set("Input", Json.payload(event.getEventRaised().getInput().getValue()));
          }
        }
        case EXECUTIONCOMPLETED -> {
          var completed = event.getExecutionCompleted();
          item.put("OrchestrationStatus", runtimeStatus(completed.getOrchestrationStatus()));
          if (showOutput && completed.hasResult()) {
            item.set("Result", Json.payload(completed.getResult().getValue()));
          }
          if (completed.hasFailureDetails()) {
            failure(item, completed.getFailureDetails());
          }
        }
        case EXECUTIONTERMINATED -> {
          var terminated = event.getExecutionTerminated();
          if (showOutput && terminated.hasInput()) {
            item.set("Input", Json.payload(terminated.getInput().getValue()));
          }
        }
        default -> {}
      }
      item.put("Timestamp", Json.time(Events.millis(event.getTimestamp())));
      json.add(item);
    }
    return json;
  }

  private static void task(ObjectNode item, HistoryEvent scheduledEvent) {
    if (scheduledEvent == null) {
      return;
    }
    String name =
        scheduledEvent.hasTaskScheduled()
            ? scheduledEvent.getTaskScheduled().getName()
            : scheduledEvent.getSubOrchestrationInstanceCreated().getName();
    item.put("FunctionName", name);
    item.put("ScheduledTime", Json.time(Events.millis(scheduledEvent.getTimestamp())));
  }

  private static void failure(ObjectNode item, TaskFailureDetails failure) {
    item.put("Reason", failure.getErrorMessage());
    item.put("Details", failure.getErrorType());
  }
}
