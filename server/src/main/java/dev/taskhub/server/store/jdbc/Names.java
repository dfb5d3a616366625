package dev.taskhub.server.store.jdbc;

import dev.taskhub.protocol.OrchestrationStatus;

/** Human-readable names for wire enums in error messages. */
final class Names {
  private Names() {}

  static String status(OrchestrationStatus status) {
    return status.name().replace("ORCHESTRATION_STATUS_", "");
  }
}
