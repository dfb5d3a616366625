package dev.taskhub.server.store;

/** Names one orchestration instance: instance ids are unique within a task hub. */
public record InstanceKey(String hub, String instanceId) {
  @Override
  public String toString() {
    return hub + "/" + instanceId;
  }
}
