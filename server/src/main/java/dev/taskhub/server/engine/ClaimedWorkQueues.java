package dev.taskhub.server.engine;

import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hub's {@link HubWork} as a claiming {@link WorkSource} sees it ({@link HubQueues}): each change
 * that may give streams work is followed by a dispatch round.
 */
final class ClaimedWorkQueues implements HubQueues {
  private final HubWork work;
  private final Runnable dispatch;

  ClaimedWorkQueues(HubWork work, Runnable dispatch) {
    this.work = work;
    this.dispatch = dispatch;
  }

  @Override
  public String hub() {
    return work.hub();
  }

  @Override
  public Room room() {
    return work.room();
  }

  @Override
  public int connectedStreams() {
    return work.connectedStreams();
  }

  @Override
  public WorkFilter takes() {
    return work.takes();
  }

  @Override
  public void claimed(
      List<InstanceKey> instances,
      Map<InstanceKey, WorkName> names,
      List<ActivityTask> activities) {
    work.claimed(instances, names, activities);
    dispatch.run();
  }

  @Override
  public void wake(List<InstanceKey> instances) {
    work.wake(instances);
    dispatch.run();
  }

  @Override
  public int ensureRunning(List<InstanceKey> owned, Set<InstanceKey> adopted) {
    int missed = work.ensureRunning(owned, adopted);
    if (missed > 0) {
      dispatch.run();
    }
    return missed;
  }

  @Override
  public void dropQueued(Collection<InstanceKey> instances) {
    work.dropQueued(instances);
  }

  @Override
  public List<InstanceKey> takeIdle(Collection<InstanceKey> instances) {
    return work.takeIdle(instances);
  }

  @Override
  public List<ActivityTask> takeQueuedActivities() {
    return work.takeQueuedActivities();
  }
}
