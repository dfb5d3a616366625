package dev.taskhub.server.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every change made through the APIs (start, raise, terminate, suspend, resume,
 * restart, rewind, purge, signal, hub changes), logged once under {@code taskhub.audit} with the
 * caller's name, the hub, the instance and the outcome. Never the credentials or the payloads.
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger("taskhub.audit");

  private Audit() {}

  /**
   * @param operation the RPC or {@code METHOD path}
   * @param instanceId the instance it names, or null
   * @param outcome {@code OK} or the refusal's code
   */
  public static void change(
      Caller caller, String hub, String operation, String instanceId, String outcome) {
    log.info(
        "{} by {} in hub {}{}: {}",
        operation,
        caller.name(),
        hub,
        instanceId == null || instanceId.isEmpty() ? "" : " on " + instanceId,
        outcome);
  }
}
