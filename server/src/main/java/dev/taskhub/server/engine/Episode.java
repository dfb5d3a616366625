package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import com.google.protobuf.Value;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.OrchestratorEntityParameters;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.server.store.InboxEvent;
import dev.taskhub.server.store.OrchestrationWorkItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One orchestrator episode as dispatched: the work item it was built from, the new events it
 * delivers ({@code OrchestratorStarted} first) and the request sent to the worker, without its past
 * events ({@link #base}), which each send adds: all of them ({@link #fullRequest}), or only those
 * after what a warm worker has seen ({@link #requestFrom}). An episode is frozen once built: if its
 * lease is lost it is sent again unchanged, so any worker's answer to it, early or late, describes
 * the same input.
 */
record Episode(
    OrchestrationWorkItem workItem, List<HistoryEvent> newEvents, OrchestratorRequest base) {

  /**
   * The request property that marks a request whose past events start at this index of the
   * instance's history (the ones before it omitted, the worker having seen them); absent, the past
   * events are the whole history.
   */
  static final String PAST_EVENTS_FROM = "taskhub.pastEventsFrom";

  /** The request with the instance's whole history as past events. */
  EpisodeRequest fullRequest() {
    List<HistoryEvent> past = Events.replayable(workItem.history());
    return new EpisodeRequest(base.toBuilder().addAllPastEvents(past).build(), past.size());
  }

  /**
   * The request for a worker that has seen the history up to {@code historyIndex} (of the stored
   * history, which is {@code pastEventIndex} in the past events it was sent): only what follows.
   */
  EpisodeRequest requestFrom(int historyIndex, int pastEventIndex) {
    List<HistoryEvent> history = workItem.history();
    List<HistoryEvent> unseen = Events.replayable(history.subList(historyIndex, history.size()));
    OrchestratorRequest request =
        base.toBuilder()
            .addAllPastEvents(unseen)
            .putProperties(
                PAST_EVENTS_FROM, Value.newBuilder().setNumberValue(pastEventIndex).build())
            .build();
    return new EpisodeRequest(request, pastEventIndex + unseen.size());
  }

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
    List<HistoryEvent> delivered = new ArrayList<>(workItem.inbox().size() + 1);
    delivered.add(Events.orchestratorStarted(now));
    deliveredInbox(workItem).forEach(event -> delivered.add(event.event()));
    boolean started =
        !workItem.history().isEmpty()
            || (delivered.size() > 1 && delivered.get(1).hasExecutionStarted());
    boolean replayRequested =
        workItem.inbox().stream().anyMatch(event -> event.event().hasOrchestratorStarted());
    if ((requireStart && !started) || (delivered.size() == 1 && !replayRequested)) {
      return Optional.empty();
    }
    OrchestratorRequest.Builder request =
        OrchestratorRequest.newBuilder()
            .setInstanceId(workItem.instance().key().instanceId())
            .setExecutionId(StringValue.of(workItem.instance().executionId()))
            .addAllNewEvents(delivered)
            // Announces entity support (the .NET SDK's orchestrations call entities only with it);
            // the inbox delivers in order, so no reorder window is needed.
            .setEntityParameters(
                OrchestratorEntityParameters.newBuilder()
                    .setEntityMessageReorderWindow(
                        com.google.protobuf.Duration.getDefaultInstance()));
    OrchestrationTraceContext span = workItem.instance().traceContext();
    if (span != null && span.hasSpanID()) {
      request.setOrchestrationTraceContext(span); // the span the worker opened, for every episode
    }
    return Optional.of(new Episode(workItem, List.copyOf(delivered), request.build()));
  }

  /**
   * The inbox events delivered as new events, in delivery order (after the episode's own {@code
   * OrchestratorStarted}): an {@code ExecutionStarted} first, since it opens a generation; the
   * server's own requests for an episode (an {@code OrchestratorStarted} in the inbox, after a
   * rewind) are consumed, not delivered.
   */
  private static List<InboxEvent> deliveredInbox(OrchestrationWorkItem workItem) {
    List<InboxEvent> delivered = new ArrayList<>(workItem.inbox().size());
    for (InboxEvent event : workItem.inbox()) {
      if (event.event().hasExecutionStarted()) {
        delivered.add(0, event);
      } else if (!event.event().hasOrchestratorStarted()) {
        delivered.add(event);
      }
    }
    return delivered;
  }

  List<Long> consumedInboxIds() {
    return workItem.inbox().stream().map(InboxEvent::id).toList();
  }

  /**
   * The inbox rows consumed when the worker processed only the first {@code processed} new events
   * ({@code numEventsProcessed}): those rows, and the server's own episode requests; the rest stay
   * in the inbox for the next episode.
   */
  List<Long> consumedInboxIds(int processed) {
    if (processed >= newEvents.size()) {
      return consumedInboxIds();
    }
    List<Long> consumed = new ArrayList<>();
    workItem.inbox().stream()
        .filter(event -> event.event().hasOrchestratorStarted())
        .forEach(event -> consumed.add(event.id()));
    List<InboxEvent> delivered = deliveredInbox(workItem);
    for (int i = 0; i < processed - 1 && i < delivered.size(); i++) {
      consumed.add(delivered.get(i).id());
    }
    return consumed;
  }
}
