package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;
import java.util.List;

/**
 * A history the caller already holds for one generation of an instance. History only grows within a
 * generation, so the generation and the length identify it. {@code events} must not change.
 */
public record KnownHistory(String executionId, List<HistoryEvent> events) {

  /** True if this is the history of the given generation at the given length. */
  public boolean matches(String currentExecutionId, int historyLength) {
    return executionId.equals(currentExecutionId) && events.size() == historyLength;
  }
}
