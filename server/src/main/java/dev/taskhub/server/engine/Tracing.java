package dev.taskhub.server.engine;

import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.TraceContext;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import java.util.List;

/**
 * What the engine tells a tracer: the moments a span ends, with everything the span needs taken
 * from durable data (history timestamps, the trace contexts stored with events and activities), so
 * a span that started on another node or before a restart still ends whole and nothing is kept in
 * memory between its start and its end. The engine knows no tracing library; {@link #NONE} is what
 * runs without one, and every call on it returns at once with nothing built.
 *
 * <p>Calls come from dispatch and completion paths, after the store committed; implementations must
 * be quick, thread-safe and must not call back into the engine. They must not throw.
 */
public interface Tracing {
  /** Traces nothing: the engine's default, and the server's unless an OTLP endpoint is set. */
  Tracing NONE = new Tracing() {};

  /**
   * The trace context an activity is scheduled under when its orchestrator sent none: the span of
   * the instance's execution, so the activity's span joins the instance's trace. Stored with the
   * activity, it is the activity span's parent when the activity completes, on whichever node.
   *
   * @param workItem the instance the episode was built from (its execution's {@code
   *     ExecutionStarted} is in its history or in {@code delivered})
   * @param delivered the episode's new events
   * @return the context, or null to store none (tracing off)
   */
  default TraceContext activityParent(
      OrchestrationWorkItem workItem, List<HistoryEvent> delivered) {
    return null;
  }

  /**
   * The activity request as sent to a worker: with tracing on, its {@code parentTraceContext} names
   * the activity's own span, so the worker's span of the run is its child.
   */
  default ActivityRequest dispatching(ActivityTask task) {
    return task.request();
  }

  /**
   * A worker's answer to an episode was committed: the episode's span (dispatch → commit), spans
   * for the timers that fired and the external events delivered in it, and the execution's span
   * when the step ended it.
   *
   * @param workItem what the episode was built from
   * @param delivered the episode's new events ({@code OrchestratorStarted} first, stamped when the
   *     episode was built for dispatch)
   * @param step what was committed
   * @param committedAt when it was committed (epoch ms)
   */
  default void episodeCommitted(
      OrchestrationWorkItem workItem,
      List<HistoryEvent> delivered,
      OrchestrationStep step,
      long committedAt) {}

  /**
   * One dispatch of an episode ended without its answer being committed: its lease expired, its
   * worker abandoned it or went away. The episode's span, from dispatch to {@code endedAt}, with an
   * error status and the reason.
   *
   * @param workItem what the episode was built from
   * @param delivered the episode's new events ({@code OrchestratorStarted} first, stamped when the
   *     episode was built for dispatch)
   * @param reason {@code lease expired}, {@code abandoned} or {@code worker gone}
   */
  default void episodeAbandoned(
      OrchestrationWorkItem workItem, List<HistoryEvent> delivered, long endedAt, String reason) {}

  /**
   * A step the server decided itself (no worker's answer: a termination of an instance no worker
   * runs, a rewind) was committed: when it ended the instance, the execution's span, with its final
   * status.
   *
   * @param workItem the instance as loaded for the step
   * @param step what was committed (its history holds the events it consumed)
   * @param committedAt when it was committed (epoch ms)
   */
  default void serverStepCommitted(
      OrchestrationWorkItem workItem, OrchestrationStep step, long committedAt) {}

  /**
   * One dispatch of an activity ended: its result was recorded, or it was given back.
   *
   * @param attempt which dispatch of the activity this was, from 1
   * @param outcome {@code completed}, or why it was given back: {@code lease expired}, {@code
   *     abandoned} or {@code worker gone} (an error status then)
   */
  default void activityAttemptEnded(
      ActivityTask task, int attempt, long dispatchedAt, long endedAt, String outcome) {}

  /**
   * An activity's result was committed (its first): the activity's span, from when it was scheduled
   * ({@link ActivityTask#scheduledAt()}) to now.
   *
   * @param result the {@code TaskCompleted} or {@code TaskFailed} event
   */
  default void activityCompleted(ActivityTask task, HistoryEvent result, long completedAt) {}

  /** Exports what is buffered and stops; called once when the server stops. */
  default void close() {}
}
