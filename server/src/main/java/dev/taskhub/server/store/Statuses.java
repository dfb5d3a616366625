package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import java.util.EnumSet;
import java.util.Set;

/** Facts about the instance status state machine that several layers need. */
public final class Statuses {
  /**
   * Statuses an instance never leaves by itself. PENDING → RUNNING ⇄ SUSPENDED → one of these;
   * CONTINUED_AS_NEW is transient (the instance starts its next generation at once).
   */
  public static final Set<OrchestrationStatus> TERMINAL =
      EnumSet.of(
          OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED,
          OrchestrationStatus.ORCHESTRATION_STATUS_FAILED,
          OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED,
          OrchestrationStatus.ORCHESTRATION_STATUS_CANCELED);

  private Statuses() {}

  public static boolean isTerminal(OrchestrationStatus status) {
    return TERMINAL.contains(status);
  }
}
