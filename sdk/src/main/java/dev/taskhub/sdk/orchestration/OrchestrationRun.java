package dev.taskhub.sdk.orchestration;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.FailureDetails;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One execution of an orchestrator, as a coroutine on a virtual thread of its own.
 *
 * <p>The orchestrator's code pulls history: {@link Task#await()} applies the next event until its
 * task is done. When no event is left, the run <em>yields</em>: it parks, and the driver (the
 * worker's episode thread, blocked in {@link #advance}) takes the actions recorded so far. The
 * driver then either feeds the next episode's events and lets the run continue (a warm run), or
 * {@link #abort}s it, which unwinds the orchestrator's stack with {@link RunSignal.Abort}. Exactly
 * one of the two threads runs at a time; the lock hands over the state between them.
 *
 * <p>Phases: {@code NEW → RUNNING ⇄ YIELDED}, then {@code FINISHED} (the orchestrator returned,
 * failed, continued as new or was terminated), {@code STALE} (a warm run found history that does
 * not match what it sent; the episode must be replayed from scratch), {@code ABORTED}, or {@code
 * CRASHED}: a {@link VirtualMachineError} (out of memory, stack overflow) escaped the run. That
 * says nothing about the orchestration, only about this JVM, so it is no outcome: {@link #advance}
 * rethrows it, the episode goes unanswered, and the scheduler hands the work item out again when
 * its lease or the worker's stream ends.
 */
final class OrchestrationRun {
  enum Phase {
    NEW,
    RUNNING,
    YIELDED,
    FINISHED,
    STALE,
    ABORTED,
    CRASHED
  }

  /** What an episode produced. */
  record Outcome(List<OrchestratorAction> actions, StringValue customStatus, Phase phase) {}

  private final String instanceId;
  private final String executionId;
  private final Map<String, Orchestration> orchestrations;
  private final RuntimeContext context;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private Phase phase = Phase.NEW;
  private boolean abortRequested;
  private Thread thread;

  // Owned by whichever side runs (handed over under the lock).
  private final ArrayDeque<HistoryEvent> source = new ArrayDeque<>();
  private ArrayDeque<HistoryEvent> reapplied = new ArrayDeque<>();
  private int replayRemaining;
  private RunSignal signal;
  private OrchestratorAction completion;
  private VirtualMachineError crash;
  private long replayedEvents;
  private long newEvents;
  private int historyPosition;
  private int lastFreshStart;
  private List<HistoryEvent> lastFresh = List.of();

  OrchestrationRun(
      String instanceId,
      String executionId,
      Map<String, Orchestration> orchestrations,
      DataConverter converter) {
    this.instanceId = instanceId;
    this.executionId = executionId;
    this.orchestrations = orchestrations;
    this.context = new RuntimeContext(this, converter);
  }

  // ---------------------------------------------------------------- driver side

  /**
   * Whether this (yielded) run can take the request's episode: same execution, and the request's
   * past events contain, where this run left off, the new events it last applied (an episode's new
   * events begin with its own OrchestratorStarted, so they identify it). History only grows by
   * appending, so everything before them is what this run applied too. Costs O(one episode), and a
   * cached run keeps only that episode's new events, not the history.
   */
  boolean canContinue(String requestExecutionId, List<HistoryEvent> pastEvents) {
    return phase == Phase.YIELDED
        && executionId.equals(requestExecutionId)
        && historyPosition > 0
        && historyPosition <= pastEvents.size()
        && pastEvents.subList(lastFreshStart, historyPosition).equals(lastFresh);
  }

  /**
   * Whether this run can go on with a request whose past events start at index {@code from} of the
   * history (the scheduler left out those before it, this worker having seen them).
   */
  boolean canContinueFrom(String requestExecutionId, int from) {
    return phase == Phase.YIELDED
        && executionId.equals(requestExecutionId)
        && historyPosition > 0
        && historyPosition == from;
  }

  /** How many of the instance's history events this run has applied. */
  int historyPosition() {
    return historyPosition;
  }

  long replayedEvents() {
    return replayedEvents;
  }

  long newEvents() {
    return newEvents;
  }

  /**
   * Feeds events (the unseen part of past events, then the new ones) and runs the orchestrator
   * until it yields or finishes.
   */
  Outcome advance(List<HistoryEvent> past, List<HistoryEvent> fresh) {
    context.beginEpisode();
    source.addAll(past);
    source.addAll(fresh);
    replayRemaining += past.size();
    lastFreshStart = historyPosition + past.size();
    lastFresh = fresh;
    historyPosition = lastFreshStart + fresh.size();
    lock.lock();
    try {
      if (phase == Phase.NEW) {
        phase = Phase.RUNNING;
        thread = Thread.ofVirtual().name("orchestration " + instanceId).unstarted(this::body);
        thread.start();
      } else if (phase == Phase.YIELDED) {
        phase = Phase.RUNNING;
        changed.signalAll();
      } else {
        throw new IllegalStateException("Cannot advance a run that is " + phase);
      }
      while (phase == Phase.RUNNING) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    if (phase == Phase.CRASHED) {
      throw crash;
    }
    List<OrchestratorAction> actions = new ArrayList<>(context.actions().drainOutbox());
    if (completion != null) {
      if (completion.getCompleteOrchestration().getOrchestrationStatus()
          == OrchestrationStatus.ORCHESTRATION_STATUS_FAILED) {
        actions.clear();
      }
      actions.add(completion);
    }
    return new Outcome(List.copyOf(actions), context.customStatus(), phase);
  }

  /** Unwinds a yielded run (or stops one that has not started); harmless on a finished run. */
  void abort() {
    lock.lock();
    try {
      abortRequested = true;
      if (phase == Phase.YIELDED) {
        changed.signalAll();
      } else if (phase == Phase.NEW) {
        phase = Phase.ABORTED;
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- run side

  private void body() {
    OrchestratorAction result = null;
    try {
      while (!context.started()) {
        processNextEvent();
      }
      Orchestration orchestration = orchestrations.get(context.name());
      if (orchestration == null) {
        throw signal(
            new RunSignal.Failed(
                new FailureDetails(
                    "OrchestrationNotRegistered",
                    "No orchestration named '"
                        + context.name()
                        + "' is registered with this worker",
                    null,
                    null,
                    true)));
      }
      Object output = orchestration.run(context);
      if (signal == null) {
        context.entities().closeOpenSection();
      }
      result =
          signal == null
              ? complete(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED, context.write(output))
              : null;
    } catch (VirtualMachineError fatal) {
      // Not the orchestrator's failure (see the class comment): handed to the driver instead.
      crash = fatal;
    } catch (Throwable error) {
      if (signal == null) {
        result = failed(failureOf(error));
      }
    }
    if (signal != null && crash == null) {
      result = outcomeOf(signal);
    }
    lock.lock();
    try {
      completion = result;
      phase =
          crash != null
              ? Phase.CRASHED
              : switch (signal) {
                case RunSignal.Abort abort -> Phase.ABORTED;
                case RunSignal.StaleState stale -> Phase.STALE;
                case null, default -> Phase.FINISHED;
              };
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private OrchestratorAction outcomeOf(RunSignal first) {
    return switch (first) {
      case RunSignal.Abort abort -> null;
      case RunSignal.StaleState stale -> null;
      case RunSignal.Failed failed -> failed(failed.failure);
      case RunSignal.Terminated terminated ->
          complete(OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED, terminated.output);
      case RunSignal.ContinueAsNew next -> continueAsNew(next);
    };
  }

  /**
   * The orchestration's failure: the exception that escaped it; for a task failure, with the task's
   * own failure (the activity's type, message and stack trace) as its cause.
   */
  private static FailureDetails failureOf(Throwable error) {
    FailureDetails details = FailureDetails.of(error);
    FailureDetails cause =
        switch (error) {
          case TaskFailedException failed -> failed.failure();
          case EntityOperationFailedException failed -> failed.failure();
          default -> null;
        };
    return cause == null
        ? details
        : new FailureDetails(
            details.errorType(),
            details.message(),
            details.stackTrace(),
            cause,
            details.nonRetriable());
  }

  private OrchestratorAction complete(OrchestrationStatus status, StringValue output) {
    CompleteOrchestrationAction.Builder complete =
        CompleteOrchestrationAction.newBuilder().setOrchestrationStatus(status);
    if (output != null) {
      complete.setResult(output);
    }
    return action(complete);
  }

  private OrchestratorAction failed(FailureDetails failure) {
    return action(
        CompleteOrchestrationAction.newBuilder()
            .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
            .setFailureDetails(failure.toProto()));
  }

  private OrchestratorAction continueAsNew(RunSignal.ContinueAsNew next) {
    CompleteOrchestrationAction.Builder complete =
        CompleteOrchestrationAction.newBuilder()
            .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW);
    if (next.input != null) {
      complete.setResult(next.input);
    }
    if (next.preserveUnprocessedEvents) {
      complete.addAllCarryoverEvents(unconsumedEvents());
    }
    return action(complete);
  }

  /**
   * External events this execution received but did not consume, oldest first: kept for a later
   * wait, held while suspended, or not applied yet (the code continued as new before reaching
   * them).
   */
  private List<HistoryEvent> unconsumedEvents() {
    List<HistoryEvent> events = new ArrayList<>(context.unconsumedEvents());
    reapplied.stream().filter(HistoryEvent::hasEventRaised).forEach(events::add);
    source.stream().skip(replayRemaining).filter(HistoryEvent::hasEventRaised).forEach(events::add);
    return events;
  }

  private OrchestratorAction action(CompleteOrchestrationAction.Builder complete) {
    return OrchestratorAction.newBuilder()
        .setId(context.actions().nextId())
        .setCompleteOrchestration(complete)
        .build();
  }

  /** Records the first signal of the run and returns it for throwing. */
  RunSignal signal(RunSignal newSignal) {
    if (signal == null) {
      signal = newSignal;
    }
    return signal;
  }

  /** True once a signal unwinds the run. */
  boolean unwinding() {
    return signal != null;
  }

  /** Context calls must come from this run's thread, and not after a signal unwound it. */
  void checkCaller() {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException(
          "Orchestration code of '"
              + instanceId
              + "' must run on its own thread: do not use other threads or executors in an"
              + " orchestrator");
    }
    if (signal != null) {
      throw signal;
    }
  }

  /** Applies the next event, yielding to the driver first if none is left. */
  void processNextEvent() {
    if (signal != null) {
      throw signal;
    }
    HistoryEvent event = reapplied.poll();
    if (event == null) {
      while (source.isEmpty()) {
        yieldForEvents();
      }
      event = source.poll();
      boolean replaying = replayRemaining > 0;
      if (replaying) {
        replayRemaining--;
        replayedEvents++;
      } else {
        newEvents++;
      }
      context.setReplaying(replaying);
    }
    context.apply(event);
  }

  /** Queues events to be applied before any further history (held while suspended). */
  void applyNext(Collection<HistoryEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    ArrayDeque<HistoryEvent> next = new ArrayDeque<>(events);
    next.addAll(reapplied);
    reapplied = next;
  }

  private void yieldForEvents() {
    lock.lock();
    try {
      phase = Phase.YIELDED;
      changed.signalAll();
      while (phase == Phase.YIELDED && !abortRequested) {
        changed.awaitUninterruptibly();
      }
      if (abortRequested) {
        throw signal(new RunSignal.Abort());
      }
    } finally {
      lock.unlock();
    }
  }
}
