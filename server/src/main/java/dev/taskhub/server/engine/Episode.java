package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.OrchestrationWorkItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One orchestrator episode as dispatched: the work item it was built from, the new events it
 * delivers ({@code OrchestratorStarted} first) and the request sent to the worker. An episode is
 * frozen once built: if its lease is lost it is sent again unchanged, so any worker's answer to it,
 * early or late, describes the same input.
 */
record Episode(
    OrchestrationWorkItem workItem, List<HistoryEvent> newEvents, OrchestratorRequest request) {

  /**
   * Builds the next episode of an instance, or empty if nothing can be delivered yet (an instance
   * that has not started only runs once its {@code ExecutionStarted} is visible).
   */
  static Optional<Episode> build(OrchestrationWorkItem workItem, long now) {
    return build(workItem, now, true);
  }

  /**
   * Builds an episode the server runs itself (termination): it may end an instance that never
   * started.
   */
  static Optional<Episode> buildForServer(OrchestrationWorkItem workItem, long now) {
    return build(workItem, now, false);
  }

  private static Optional<Episode> build(
      OrchestrationWorkItem workItem, long now, boolean requireStart) {
    List<InboxEvent> inbox = workItem.inbox();
    List<HistoryEvent> delivered = new ArrayList<>(inbox.size() + 1);
    delivered.add(Events.orchestratorStarted(now));
    boolean started = !workItem.history().isEmpty();
    boolean replayRequested = false;
    for (InboxEvent event : inbox) {
      if (event.event().hasOrchestratorStarted()) {
        // The server's own request for an episode (after a rewind): consumed, not delivered.
        replayRequested = true;
      } else if (event.event().hasExecutionStarted()) {
        // ExecutionStarted opens a generation: it goes right after OrchestratorStarted.
        delivered.add(1, event.event());
        started = true;
      } else {
        delivered.add(event.event());
      }
    }
    if ((requireStart && !started) || (delivered.size() == 1 && !replayRequested)) {
      return Optional.empty();
    }
    OrchestratorRequest.Builder request =
        OrchestratorRequest.newBuilder()
            .setInstanceId(workItem.instance().key().instanceId())
            .setExecutionId(StringValue.of(workItem.instance().executionId()))
            .addAllPastEvents(Events.replayable(workItem.history()))
            .addAllNewEvents(delivered);
    OrchestrationTraceContext span = workItem.instance().traceContext();
    if (span != null && span.hasSpanID()) {
      request.setOrchestrationTraceContext(span); // the span the worker opened, for every episode
    }
    return Optional.of(new Episode(workItem, List.copyOf(delivered), request.build()));
  }

  List<Long> consumedInboxIds() {
    return workItem.inbox().stream().map(InboxEvent::id).toList();
  }
}
