package dev.taskhub.server.engine;

import com.google.protobuf.Message;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link Membership#alone()}: this process owns all of its store's work. */
final class Alone implements Membership, WorkSource {
  @Override
  public WorkSource join(HubQueues queues) {
    return this;
  }

  @Override
  public void start(EngineLink engine) {
    engine.recoverStoredWork();
  }

  @Override
  public Optional<String> nodeId() {
    return Optional.empty();
  }

  @Override
  public void close() {}

  @Override
  public boolean runsHere(InstanceKey key) {
    return true;
  }

  @Override
  public List<ActivityTask> queueHere(List<ActivityTask> committed) {
    return committed;
  }

  @Override
  public void ended(InstanceKey key) {}

  @Override
  public boolean rerunAfterRejectedStep(InstanceKey key) {
    return true;
  }

  @Override
  public void lastStreamLeft() {}

  /** Work waits here for a worker that takes it: there is nowhere else for it to go. */
  @Override
  public boolean keepsUnhostedWork() {
    return true;
  }

  @Override
  public void handBack(List<InstanceKey> instances, List<ActivityTask> activities) {
    throw new IllegalStateException("A node alone keeps all of its work");
  }

  @Override
  public String newToken() {
    return UUID.randomUUID().toString();
  }

  @Override
  public void wantsMore() {}

  @Override
  public boolean relay(String token, Message response) {
    return false;
  }
}
