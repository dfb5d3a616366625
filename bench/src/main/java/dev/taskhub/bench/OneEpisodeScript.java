package dev.taskhub.bench;

import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.TaskFailureDetails;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The orchestrations W6 fills the store with: each ends in its first episode, so an instance costs
 * the scheduler one create, one episode and one completing step, as a real short orchestration
 * does. {@value #COMPLETES} completes with its input as output; {@value #FAILS} fails with a {@code
 * BenchFailure} (so that a status filter has a minority to find).
 */
final class OneEpisodeScript {
  static final String COMPLETES = "BenchDone";
  static final String FAILS = "BenchFail";

  private OneEpisodeScript() {}

  /** Whether the request is an episode of one of these orchestrations. */
  static boolean handles(OrchestratorRequest request) {
    return name(request).filter(n -> n.equals(COMPLETES) || n.equals(FAILS)).isPresent();
  }

  /** The one action of the episode: the instance ends. */
  static List<OrchestratorAction> decide(OrchestratorRequest request) {
    HistoryEvent started = executionStarted(request).orElseThrow();
    CompleteOrchestrationAction.Builder end = CompleteOrchestrationAction.newBuilder();
    if (started.getExecutionStarted().getName().equals(FAILS)) {
      end.setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
          .setFailureDetails(
              TaskFailureDetails.newBuilder()
                  .setErrorType("BenchFailure")
                  .setErrorMessage("W6 fills the store with some failed instances"));
    } else {
      end.setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      if (started.getExecutionStarted().hasInput()) {
        end.setResult(started.getExecutionStarted().getInput());
      }
    }
    return List.of(OrchestratorAction.newBuilder().setId(0).setCompleteOrchestration(end).build());
  }

  private static Optional<String> name(OrchestratorRequest request) {
    return executionStarted(request).map(event -> event.getExecutionStarted().getName());
  }

  private static Optional<HistoryEvent> executionStarted(OrchestratorRequest request) {
    return Stream.concat(request.getPastEventsList().stream(), request.getNewEventsList().stream())
        .filter(HistoryEvent::hasExecutionStarted)
        .findFirst();
  }
}
