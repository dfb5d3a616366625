package dev.taskhub.sdk.orchestration;

import com.google.protobuf.StringValue;
import dev.taskhub.sdk.FailureDetails;

/**
 * Control flow that unwinds orchestrator code: thrown from inside {@link Task#await()} or a context
 * call, and caught by {@link OrchestrationRun} around the orchestrator. These are {@link Error}s so
 * that orchestrator code which catches {@code Exception} cannot swallow them; a run also remembers
 * the first signal it threw, so even code that catches {@code Throwable} cannot change the outcome.
 */
abstract sealed class RunSignal extends Error {

  RunSignal(String message) {
    super(message, null, false, false);
  }

  /** The run is no longer wanted (end of a cold episode, cache eviction, worker stop). */
  static final class Abort extends RunSignal {
    Abort() {
      super("orchestration run abandoned");
    }
  }

  /** The orchestrator called continueAsNew. */
  static final class ContinueAsNew extends RunSignal {
    final StringValue input;
    final boolean preserveUnprocessedEvents;

    ContinueAsNew(StringValue input, boolean preserveUnprocessedEvents) {
      super("continue as new");
      this.input = input;
      this.preserveUnprocessedEvents = preserveUnprocessedEvents;
    }
  }

  /** An ExecutionTerminated event was processed. */
  static final class Terminated extends RunSignal {
    final StringValue output;

    Terminated(StringValue output) {
      super("terminated");
      this.output = output;
    }
  }

  /** The instance must fail whatever the orchestrator does (non-determinism, unknown name). */
  static final class Failed extends RunSignal {
    final FailureDetails failure;

    Failed(FailureDetails failure) {
      super(failure.toString());
      this.failure = failure;
    }
  }

  /**
   * A warm run found that the history does not record an action it sent earlier: its state cannot
   * be trusted, so the episode is replayed from scratch instead.
   */
  static final class StaleState extends RunSignal {
    StaleState(String reason) {
      super(reason);
    }
  }
}
