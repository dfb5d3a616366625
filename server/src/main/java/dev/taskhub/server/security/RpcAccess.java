package dev.taskhub.server.security;

import java.util.Map;

/**
 * What each RPC of {@code TaskHubSidecarService} needs, by its bare method name. An RPC not listed
 * needs {@link Access#MANAGE}: deny by default.
 */
public final class RpcAccess {
  private static final Map<String, Access> NEEDS =
      Map.ofEntries(
          Map.entry("Hello", Access.ANY),
          Map.entry("GetInstance", Access.READ),
          Map.entry("WaitForInstanceStart", Access.READ),
          Map.entry("WaitForInstanceCompletion", Access.READ),
          Map.entry("QueryInstances", Access.READ),
          Map.entry("ListInstanceIds", Access.READ),
          Map.entry("GetEntity", Access.READ),
          Map.entry("QueryEntities", Access.READ),
          Map.entry("StreamInstanceHistory", Access.READ_OR_WORK),
          Map.entry("StartInstance", Access.CHANGE),
          Map.entry("RaiseEvent", Access.CHANGE),
          Map.entry("TerminateInstance", Access.CHANGE),
          Map.entry("SuspendInstance", Access.CHANGE),
          Map.entry("ResumeInstance", Access.CHANGE),
          Map.entry("RestartInstance", Access.CHANGE),
          Map.entry("RewindInstance", Access.CHANGE),
          Map.entry("PurgeInstances", Access.CHANGE),
          Map.entry("SkipGracefulOrchestrationTerminations", Access.CHANGE),
          Map.entry("SignalEntity", Access.CHANGE),
          Map.entry("CleanEntityStorage", Access.CHANGE),
          Map.entry("GetWorkItems", Access.WORK),
          Map.entry("CompleteActivityTask", Access.WORK),
          Map.entry("CompleteOrchestratorTask", Access.WORK),
          Map.entry("CompleteEntityTask", Access.WORK),
          Map.entry("AbandonTaskActivityWorkItem", Access.WORK),
          Map.entry("AbandonTaskOrchestratorWorkItem", Access.WORK),
          Map.entry("AbandonTaskEntityWorkItem", Access.WORK),
          Map.entry("CreateTaskHub", Access.MANAGE),
          Map.entry("DeleteTaskHub", Access.MANAGE));

  private RpcAccess() {}

  public static Access of(String bareMethodName) {
    return NEEDS.getOrDefault(bareMethodName, Access.MANAGE);
  }
}
