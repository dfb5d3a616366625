package dev.taskhub.sdk.client;

/**
 * Where an orchestration instance is in its life.
 *
 * <pre>
 * PENDING ──first episode──▶ RUNNING ⇄ SUSPENDED
 *                               ├──▶ COMPLETED | FAILED | TERMINATED   (terminal)
 *                               └──▶ CONTINUED_AS_NEW ──▶ RUNNING (new execution)
 * </pre>
 */
public enum OrchestrationStatus {
  RUNNING(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING),
  COMPLETED(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED),
  CONTINUED_AS_NEW(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW),
  FAILED(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED),
  CANCELED(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_CANCELED),
  TERMINATED(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED),
  PENDING(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING),
  SUSPENDED(dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED);

  private final dev.taskhub.protocol.OrchestrationStatus proto;

  OrchestrationStatus(dev.taskhub.protocol.OrchestrationStatus proto) {
    this.proto = proto;
  }

  /** COMPLETED, FAILED, TERMINATED and CANCELED: the instance will not run again by itself. */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == TERMINATED || this == CANCELED;
  }

  dev.taskhub.protocol.OrchestrationStatus toProto() {
    return proto;
  }

  static OrchestrationStatus fromProto(dev.taskhub.protocol.OrchestrationStatus status) {
    for (OrchestrationStatus candidate : values()) {
      if (candidate.proto == status) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("Unknown orchestration status " + status);
  }
}
