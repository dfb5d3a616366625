package dev.taskhub.sdk.orchestration;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The actions an orchestration takes, numbered in call order, and their matching against history.
 *
 * <p>An action that the scheduler records in history ({@code ScheduleTask}, {@code CreateTimer},
 * {@code CreateSubOrchestration}, {@code SendEntityMessage}) waits here, by id, for its record
 * ({@code TaskScheduled}, {@code TimerCreated}, {@code SubOrchestrationInstanceCreated}, the entity
 * message's own event, with {@code eventId} = action id). A record whose action is missing or
 * different is non-determinism. An action taken while replaying was sent in an earlier episode, so
 * it is not sent again; one taken on new events goes to the outbox. Fire-and-forget actions ({@code
 * SendEvent}, terminating another instance) are never awaited: backends differ in whether they
 * record them.
 *
 * <p>When replay reaches the new events, an action taken during replay that history does not record
 * was not carried out: it is sent now, as a new action, ahead of those taken on the new events.
 * That is how rewind works (the scheduler drops a failed task's records so that replay schedules it
 * again), and what the official SDKs do. All operations are O(1) except the last step of {@link
 * #replayReachedNewEvents()}, which is O(actions left unrecorded).
 */
final class ActionLog {
  private final Map<Integer, Pending> awaitingRecord = new HashMap<>();
  private final List<OrchestratorAction> outbox = new ArrayList<>();
  private int nextId;
  private int unrecordedFromReplay;
  private int unrecordedSent;

  private record Pending(OrchestratorAction action, boolean takenInReplay) {}

  int nextId() {
    return nextId++;
  }

  /** Adds an action numbered with {@link #nextId()}. */
  void add(OrchestratorAction action, boolean replaying) {
    boolean recorded = Actions.isRecorded(action);
    if (!replaying) {
      outbox.add(action);
    }
    if (recorded) {
      awaitingRecord.put(action.getId(), new Pending(action, replaying));
      if (replaying) {
        unrecordedFromReplay++;
      } else {
        unrecordedSent++;
      }
    }
  }

  /**
   * Matches a history record to the action with its id.
   *
   * @throws NonDeterministicOrchestrationException if there is no such action or it differs
   */
  void record(HistoryEvent event) {
    int id = event.getEventId();
    Pending pending = awaitingRecord.get(id);
    if (pending == null) {
      throw new NonDeterministicOrchestrationException(
          "history records "
              + Actions.describe(event)
              + " as action "
              + id
              + ", but the orchestrator "
              + (id < nextId
                  ? "took a different action with that id"
                  : "took no action " + id + " (it took " + nextId + " actions before waiting)"));
    }
    if (!Actions.matches(pending.action(), event)) {
      throw new NonDeterministicOrchestrationException(
          "at action "
              + id
              + " the history expects "
              + Actions.describe(event)
              + ", but the orchestrator took "
              + Actions.describe(pending.action()));
    }
    awaitingRecord.remove(id);
    if (pending.takenInReplay()) {
      unrecordedFromReplay--;
    } else {
      unrecordedSent--;
    }
  }

  /**
   * Called when replay reaches new events: actions taken during replay that history does not record
   * go to the outbox, in id order, to be sent with this episode's answer.
   *
   * @throws RunSignal.StaleState if an action sent by this run in an earlier episode has no record
   *     (a warm run whose history went elsewhere; the episode is replayed cold instead)
   */
  void replayReachedNewEvents() {
    if (unrecordedSent > 0) {
      throw new RunSignal.StaleState(
          "history does not record "
              + Actions.describe(firstUnrecorded(false).action())
              + " sent in an earlier episode");
    }
    if (unrecordedFromReplay > 0) {
      List<Pending> retaken = new ArrayList<>();
      for (Pending pending : awaitingRecord.values()) {
        if (pending.takenInReplay()) {
          retaken.add(pending);
        }
      }
      retaken.sort(Comparator.comparingInt(pending -> pending.action().getId()));
      List<OrchestratorAction> first = new ArrayList<>(retaken.size() + outbox.size());
      for (Pending pending : retaken) {
        first.add(pending.action());
        awaitingRecord.put(pending.action().getId(), new Pending(pending.action(), false));
      }
      first.addAll(outbox);
      outbox.clear();
      outbox.addAll(first);
      unrecordedSent += retaken.size();
      unrecordedFromReplay = 0;
    }
  }

  private Pending firstUnrecorded(boolean takenInReplay) {
    Pending first = null;
    for (Pending pending : awaitingRecord.values()) {
      if (pending.takenInReplay() == takenInReplay
          && (first == null || pending.action().getId() < first.action().getId())) {
        first = pending;
      }
    }
    return first;
  }

  /** The actions taken on new events since the last call, in order; clears them. */
  List<OrchestratorAction> drainOutbox() {
    List<OrchestratorAction> drained = List.copyOf(outbox);
    outbox.clear();
    return drained;
  }
}
