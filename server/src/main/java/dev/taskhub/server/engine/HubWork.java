package dev.taskhub.server.engine;

import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.ChildInstance;
import dev.taskhub.server.store.EntityStep;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.WorkName;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task hub's work on this node, in memory: the connected streams ({@link StreamRoster}), the
 * instances with work ({@link InstanceSlots}), the activities ({@link ActivityQueue}) and the
 * leases out ({@link LeaseBook}). All of it changes under this object's monitor, one lock per hub,
 * and nothing here does I/O or blocks: the {@link Dispatcher} reads and writes the store and sends
 * outside the lock, then reports back here. Its last methods serve the dispatcher's {@link
 * HubQueues} (through {@link ClaimedWorkQueues}): what a claiming {@link WorkSource} sees of the
 * hub.
 *
 * <p>Over 500 lines: each method is one event of the hub (a dispatch round, a completion, an
 * abandon, an expiry, a claim) applied to the parts under the one lock; the parts hold the state
 * and its rules, this class only the order in which an event touches them.
 */
final class HubWork {
  /** How long a ready episode may wait behind activities before it goes first. */
  static final long ORCHESTRATION_PATIENCE_MILLIS = 100;

  /** What the hub's work asks the dispatcher to start; each returns at once. */
  interface Followups {
    /** Wake the instance at {@code epochMillis} (a timer, a delayed message, a retried read). */
    void wakeAt(InstanceKey key, long epochMillis);

    /** Run a server step that now holds the instance's flight. */
    void startServerStep(InstanceKey key, ServerStep.Pending step);

    /** Fail an instance whose episode was given back past the poison limit. */
    void failOrchestration(InstanceKey key, Episode episode, int deliveries);

    /** Fail the operations of an entity batch given back past the poison limit. */
    void failEntityBatch(InstanceKey key, EntityBatch batch, int deliveries);

    /** Fail an activity given back past the poison limit. */
    void failActivity(PendingActivity pending);

    /** Queue an abandoned activity again at {@code epochMillis}. */
    void requeueAt(PendingActivity pending, long epochMillis);
  }

  /** One item a dispatch round hands to a stream. */
  sealed interface Dispatch {
    WorkerStream stream();

    /** An activity, sent as it is. */
    record Activity(WorkerStream stream, WorkItem item) implements Dispatch {}

    /** An episode to build (unless one is pinned) and send. */
    record Orchestration(WorkerStream stream, InstanceKey key, Episode pinned)
        implements Dispatch {}

    /** An entity whose next step to plan: a batch to send, or lock messages to apply. */
    record Entity(WorkerStream stream, InstanceKey key) implements Dispatch {}
  }

  /**
   * What a dispatch round handed out, whether the streams could use more than is queued, and the
   * queued instances whose names the dispatcher must read before any stream can take them.
   */
  record Round(List<Dispatch> dispatches, boolean wantsMore, List<InstanceKey> unnamed) {}

  /** Instances whose names one read of the store resolves. */
  static final int NAMES_PER_READ = 256;

  /**
   * An activity result about to be recorded: the lease it answers (null if none is held here) and
   * the generation it belongs to, so a result of an older one cannot complete a newer generation's
   * task that reuses the task id.
   */
  record ActivityCompletion(Lease lease, String executionId) {}

  private final String hub;
  private final Clock clock;
  private final long leaseMillis;
  private final PoisonControl poison;
  private final Followups followups;
  private final StreamRoster streams = new StreamRoster();
  private final InstanceSlots instances = new InstanceSlots();
  private final ActivityQueue activities;
  private final LeaseBook leases = new LeaseBook();
  private WorkSource source;

  volatile EngineMetrics metrics = EngineMetrics.NONE;

  /** Where activity requests get their span's trace context; set before work is dispatched. */
  volatile Tracing tracing = Tracing.NONE;

  HubWork(String hub, Clock clock, long leaseMillis, PoisonControl poison, Followups followups) {
    this.hub = hub;
    this.clock = clock;
    this.leaseMillis = leaseMillis;
    this.poison = poison;
    this.followups = followups;
    this.activities = new ActivityQueue(clock::millis);
  }

  /** Sets where the hub's work comes from; called once, before any other method. */
  synchronized void attach(WorkSource source) {
    this.source = source;
  }

  WorkSource source() {
    return source;
  }

  // ---------------------------------------------------------------- inputs

  /** An inbox event of the instance is visible now: queued here if this node runs it. */
  synchronized void wake(InstanceKey key) {
    run(key);
  }

  /** As {@link #wake(InstanceKey)}, for an instance whose name and version are known. */
  synchronized void wake(InstanceKey key, WorkName name) {
    instances.know(key, name);
    run(key);
  }

  /** Remembers an instance's name and version for when it wakes. */
  synchronized void know(InstanceKey key, WorkName name) {
    instances.know(key, name);
  }

  /** The names read for instances a round listed as unnamed (absent: the instance is gone). */
  synchronized void named(List<InstanceKey> keys, Map<InstanceKey, WorkName> names) {
    for (InstanceKey key : keys) {
      instances.named(key, names.get(key));
    }
  }

  /** Reading the names of these instances failed: they wait unnamed until the next try. */
  synchronized void namesUnknown(List<InstanceKey> keys) {
    instances.namesUnknown(keys);
  }

  synchronized void queueActivities(List<ActivityTask> tasks) {
    tasks.forEach(activities::add);
  }

  synchronized void addStream(WorkerStream stream) {
    streams.add(stream);
  }

  /**
   * The stream ended: everything it held goes back to the queues at once.
   *
   * @return the leases it gave back, or null if it had ended before
   */
  synchronized List<Lease> removeStream(WorkerStream stream) {
    if (stream.closed) {
      return null;
    }
    stream.closed = true;
    streams.remove(stream);
    if (!streams.isEmpty() && !source.keepsUnhostedWork()) {
      handBackUnhosted();
    }
    List<Lease> givenBack = new ArrayList<>();
    for (Lease lease : List.copyOf(stream.leases)) {
      if (!lease.completing) {
        giveBack(lease);
        givenBack.add(lease);
      }
    }
    if (streams.isEmpty()) {
      source.lastStreamLeft();
    }
    return givenBack;
  }

  synchronized List<WorkerStream> streams() {
    return streams.snapshot();
  }

  synchronized int readyInstanceCount() {
    return instances.readyCount();
  }

  synchronized int readyActivityCount() {
    return activities.queued();
  }

  /**
   * Since when the longest-waiting ready item of each kind ({@code orchestration}, {@code entity},
   * {@code activity}) has waited (epoch ms); kinds with nothing ready are absent.
   */
  synchronized Map<String, Long> oldestReady() {
    Map<String, Long> oldest = new java.util.TreeMap<>();
    instances
        .oldestQueuedAtByName()
        .forEach(
            (name, since) ->
                oldest.merge(name.entity() ? "entity" : "orchestration", since, Math::min));
    long activity = activities.oldestQueuedAt();
    if (activity > 0) {
      oldest.put("activity", activity);
    }
    return oldest;
  }

  /** What waits here per kind and name, and how many connected streams take each. */
  synchronized List<WaitingWork> waiting() {
    List<WaitingWork> waiting = new ArrayList<>();
    Map<WorkName, Long> oldest = instances.oldestQueuedAtByName();
    instances
        .readyByName()
        .forEach(
            (name, count) ->
                waiting.add(
                    new WaitingWork(
                        name.entity() ? "entity" : "orchestration",
                        name,
                        count,
                        oldest.getOrDefault(name, 0L),
                        streams.countTaking(f -> f.acceptsInstance(name)))));
    activities
        .queuedByName()
        .forEach(
            (name, count) ->
                waiting.add(
                    new WaitingWork(
                        "activity",
                        name,
                        count,
                        0,
                        streams.countTaking(f -> f.acceptsActivity(name)))));
    return waiting;
  }

  // ---------------------------------------------------------------- dispatch

  /** Hands ready work to streams with room, round-robin, until no stream can take more. */
  synchronized Round takeRound() {
    if (!source.keepsUnhostedWork() && (instances.linesAdded() | activities.linesAdded())) {
      handBackUnhosted();
    }
    List<Dispatch> dispatches = new ArrayList<>();
    boolean progress = true;
    while (progress && !streams.isEmpty() && (instances.hasReady() || !activities.isEmpty())) {
      progress = false;
      for (WorkerStream stream : streams.nextRound()) {
        Dispatch next;
        if (orchestrationFirst()) {
          next = takeOrchestration(stream);
          next = next != null ? next : takeEntity(stream);
          next = next != null ? next : takeActivity(stream);
        } else {
          next = takeActivity(stream);
          next = next != null ? next : takeOrchestration(stream);
          next = next != null ? next : takeEntity(stream);
        }
        if (next != null) {
          dispatches.add(next);
          progress = true;
        }
      }
    }
    boolean wantsMore =
        !streams.isEmpty()
            && (instances.readyCount() < streams.wantedInstances()
                || activities.queued() * 2 < streams.wantedActivities());
    List<InstanceKey> unnamed =
        instances.hasUnnamed() ? instances.takeUnnamed(NAMES_PER_READ) : List.of();
    return new Round(dispatches, wantsMore, unnamed);
  }

  /**
   * Where a stream's credit is shared between kinds (the official SDKs' streams), activities go
   * first so that results pile up and one episode takes them all in; an instance that has waited
   * {@link #ORCHESTRATION_PATIENCE_MILLIS} goes first, so fan-ins still make progress under load.
   */
  private boolean orchestrationFirst() {
    return instances.hasReady()
        && (activities.isEmpty()
            || clock.millis() - instances.oldestQueuedAt() >= ORCHESTRATION_PATIENCE_MILLIS);
  }

  private Dispatch takeActivity(WorkerStream stream) {
    if (!stream.canTakeActivity()) {
      return null;
    }
    // A task whose id is still leased under an older generation waits: workers without completion
    // tokens name a result only by instance and task id, so one lease per id may be out at a time.
    // One the stream abandoned last goes to another stream that takes it, if there is one.
    PendingActivity pending =
        activities.next(
            stream.filter::acceptsActivity,
            leases::holdsActivity,
            candidate ->
                candidate.abandonedBy == stream
                    && streams.anotherTakes(stream, f -> f.acceptsActivity(candidate.name)));
    if (pending == null) {
      return null;
    }
    Lease lease = Lease.activity(source.newToken(), stream, pending, clock.millis() + leaseMillis);
    stream.takeActivityCredit();
    leases.hold(lease);
    pending.dispatchedAt = clock.millis();
    metrics.activityDispatched(pending.task.key(), pending.task.taskId(), pending.dispatchedAt);
    WorkItem item =
        WorkItem.newBuilder()
            .setActivityRequest(tracing.dispatching(pending.task))
            .setCompletionToken(lease.token)
            .build();
    return new Dispatch.Activity(stream, item);
  }

  private Dispatch takeOrchestration(WorkerStream stream) {
    if (!instances.hasReady() || !stream.canTakeOrchestration()) {
      return null;
    }
    InstanceSlots.Taken taken =
        instances.take(
            name -> !name.entity() && stream.filter.acceptsOrchestration(name),
            (name, abandonedBy) ->
                abandonedBy == stream
                    && streams.anotherTakes(stream, f -> f.acceptsOrchestration(name)));
    if (taken == null) {
      return null; // nothing it accepts, or only what it refused last and another stream takes
    }
    stream.takeOrchestrationCredit();
    return new Dispatch.Orchestration(stream, taken.key(), taken.pinned());
  }

  private Dispatch takeEntity(WorkerStream stream) {
    if (!instances.hasReady() || !stream.canTakeEntity()) {
      return null;
    }
    InstanceSlots.Taken taken =
        instances.take(
            name -> name.entity() && stream.filter.acceptsEntity(name),
            (name, abandonedBy) ->
                abandonedBy == stream && streams.anotherTakes(stream, f -> f.acceptsEntity(name)));
    if (taken == null) {
      return null;
    }
    stream.takeEntityCredit();
    return new Dispatch.Entity(stream, taken.key());
  }

  /**
   * An entity batch for a dispatched entity is planned.
   *
   * @return the work item to send, or null if the stream went away meanwhile (the entity is queued
   *     again)
   */
  synchronized WorkItem entityBatchReady(WorkerStream stream, InstanceKey key, EntityBatch batch) {
    if (stream.closed) {
      stream.returnEntityCredit();
      instances.notSent(key, null, clock.millis());
      return null;
    }
    Lease lease = Lease.entity(source.newToken(), stream, key, batch, clock.millis() + leaseMillis);
    leases.hold(lease);
    instances.sent(key, null);
    return WorkItem.newBuilder()
        .setEntityRequestV2(batch.request())
        .setCompletionToken(lease.token)
        .build();
  }

  /**
   * The dispatched entity needed no worker: nothing to run, or lock messages the server applied
   * ({@code step}, committed; null if none).
   */
  synchronized void entityServerStepDone(
      WorkerStream stream, InstanceKey key, EntityStep step, long now) {
    stream.returnEntityCredit();
    if (step != null) {
      afterEntityStep(step, now);
      instances.wake(key, now); // look at what the applied messages let through
    }
    endFlight(key);
  }

  /** Planning the dispatched entity's next step failed; it is tried again at {@code retryAt}. */
  synchronized void entityReadFailed(WorkerStream stream, InstanceKey key, long retryAt) {
    stream.returnEntityCredit();
    instances.readFailed(key);
    followups.wakeAt(key, retryAt);
  }

  /** The lease an entity answer names, now completing; null if none is held here. */
  synchronized Lease beginEntityCompletion(String token) {
    return leases.beginEntityCompletion(token);
  }

  /** The step answering an entity batch lease committed. */
  synchronized void entityStepCommitted(Lease lease, EntityStep step, long now) {
    leases.release(lease);
    instances.stepCommitted(lease.key);
    afterEntityStep(step, now);
    if (step.consumedInboxIds().size() < lease.entityBatch.workItem().inbox().size()) {
      instances.wake(lease.key, now); // operations left queued, or waiting behind a lock message
    }
    endFlight(lease.key);
  }

  /** A poisoned entity batch was failed with {@code step} (null if that could not be written). */
  synchronized void poisonedEntityBatchFailed(InstanceKey key, EntityStep step, long now) {
    instances.stepCommitted(key);
    if (step != null) {
      afterEntityStep(step, now);
    }
    instances.wake(key, now);
    endFlight(key);
  }

  /**
   * The worker could not run the batch (it answered with a failure of the whole batch): it goes
   * back like an expired lease, toward the poison limit, after a backoff.
   */
  synchronized void entityBatchFailed(Lease lease) {
    leases.release(lease);
    int deliveries = instances.givenBack(lease.key);
    if (poison.exceeded(deliveries)) {
      instances.holdForFailure(lease.key);
      followups.failEntityBatch(lease.key, lease.entityBatch, deliveries);
      return;
    }
    followups.wakeAt(lease.key, clock.millis() + AbandonBackoff.delayMillis(deliveries));
  }

  /** What an entity step sends: answers, signals and lock messages, and new orchestrations. */
  private void afterEntityStep(EntityStep step, long now) {
    for (NewInstance created : step.orchestrations()) {
      instances.know(created.key(), new WorkName(created.name(), created.version()));
      if (created.startAt() <= now) {
        run(created.key());
      } else {
        followups.wakeAt(created.key(), created.startAt());
      }
    }
    deliver(step.messages(), now);
  }

  /**
   * The episode for a dispatched instance is built.
   *
   * @return the work item to send, or null if the stream went away meanwhile (the episode waits
   *     pinned for the next stream)
   */
  synchronized WorkItem episodeReady(
      WorkerStream stream, InstanceKey key, Episode episode, EpisodeRequest sent) {
    if (stream.closed) {
      instances.notSent(key, episode, clock.millis());
      return null;
    }
    Lease lease =
        Lease.orchestration(
            source.newToken(), stream, key, episode, sent, clock.millis() + leaseMillis);
    leases.hold(lease);
    instances.sent(key, episode);
    metrics.orchestrationDispatched();
    return WorkItem.newBuilder()
        .setOrchestratorRequest(sent.request())
        .setCompletionToken(lease.token)
        .build();
  }

  /** The dispatched instance had nothing to deliver (it ended, or its events were stale). */
  synchronized void noEpisode(WorkerStream stream, InstanceKey key) {
    stream.returnOrchestrationCredit();
    endFlight(key);
  }

  /** Reading the dispatched instance failed; it is tried again at {@code retryAt}. */
  synchronized void episodeReadFailed(WorkerStream stream, InstanceKey key, long retryAt) {
    stream.returnOrchestrationCredit();
    instances.readFailed(key);
    followups.wakeAt(key, retryAt);
  }

  // ---------------------------------------------------------------- completions

  /** The lease an orchestrator answer names, now completing; null if none is held here. */
  synchronized Lease beginOrchestrationCompletion(String token, InstanceKey key) {
    return leases.beginOrchestrationCompletion(token, key);
  }

  /** The step answering {@code lease} committed. */
  synchronized void stepCommitted(Lease lease, OrchestrationStep step, long now) {
    leases.release(lease);
    instances.stepCommitted(lease.key);
    afterStep(step, now);
    endFlight(lease.key);
  }

  /**
   * The worker answered that it needs the history it was not sent ({@code requiresHistory}): the
   * episode goes out again at once, unchanged (nothing failed, so no delivery is counted), and the
   * dispatcher sends it with the whole history. A worker that asks though it was sent the whole
   * history is answered like an abandon, after a backoff, so a faulty one cannot spin.
   */
  synchronized void historyRequired(Lease lease) {
    leases.release(lease);
    long now = clock.millis();
    if (lease.sent.trimmed()) {
      instances.notSent(lease.key, lease.episode, now);
      return;
    }
    long retryAt = now + AbandonBackoff.delayMillis(instances.abandoned(lease.key, lease.stream));
    if (retryAt <= now) {
      instances.wake(lease.key, now);
    } else {
      followups.wakeAt(lease.key, retryAt);
    }
  }

  /** The step answering {@code lease} was rejected: the instance moved on without it. */
  synchronized void stepRejected(Lease lease) {
    leases.release(lease);
    instances.stepRejected(lease.key);
    if (source.rerunAfterRejectedStep(lease.key)) {
      instances.wake(lease.key, clock.millis());
    } else {
      instances.forgetIfIdle(lease.key);
    }
  }

  /** Recording the completion of {@code lease} failed: the item goes back to its queue. */
  synchronized void completionFailed(Lease lease) {
    leases.abortCompletion(lease);
    giveBack(lease);
  }

  synchronized ActivityCompletion beginActivityCompletion(
      String token, PendingActivity.ActivityId id) {
    Lease lease = leases.beginActivityCompletion(token, id);
    PendingActivity pending = lease != null ? lease.activity : activities.find(id);
    return new ActivityCompletion(lease, pending == null ? null : pending.task.executionId());
  }

  /** Recording an activity's result failed; its lease is held as before. */
  synchronized void activityNotRecorded(Lease lease) {
    leases.abortCompletion(lease);
  }

  /** An activity's result was recorded ({@code first}) or found to be a repeat. */
  synchronized void activityRecorded(
      ActivityCompletion completion, PendingActivity.ActivityId id, boolean first) {
    if (completion.lease() != null) {
      leases.release(completion.lease());
    }
    activities.complete(id, completion.executionId());
    if (first) {
      run(id.key());
    }
  }

  /**
   * Gives an item back at its worker's request.
   *
   * @return its lease, now released
   * @throws TaskhubException.NotFound if no such item is out
   */
  synchronized Lease abandon(String token, Lease.Kind kind) {
    Lease lease = leases.forAbandon(token, kind);
    if (lease == null) {
      throw new TaskhubException.NotFound(
          "No "
              + kind.name().toLowerCase()
              + " work item with completion token '"
              + token
              + "' is in flight");
    }
    leases.release(lease);
    long now = clock.millis();
    if (lease.kind != Lease.Kind.ACTIVITY) {
      int abandons = instances.abandoned(lease.key, lease.stream);
      long retryAt = now + AbandonBackoff.delayMillis(abandons);
      if (retryAt <= now) {
        instances.wake(lease.key, now);
      } else {
        followups.wakeAt(lease.key, retryAt);
      }
    } else {
      PendingActivity pending = lease.activity;
      if (pending.done) {
        return lease;
      }
      pending.abandons++;
      pending.abandonedBy = lease.stream;
      long retryAt = now + AbandonBackoff.delayMillis(pending.abandons);
      if (retryAt <= now) {
        activities.requeue(pending);
      } else {
        followups.requeueAt(pending, retryAt);
      }
    }
    return lease;
  }

  /** An abandoned activity's backoff is over: back in line (unless it was done meanwhile). */
  synchronized void requeue(PendingActivity pending) {
    activities.requeue(pending);
  }

  /**
   * Gives back every lease past its expiry; their streams get nothing new until they answer.
   *
   * @return the expired leases
   */
  synchronized List<Lease> expire(long now) {
    List<Lease> expired = leases.expired(now);
    for (Lease lease : expired) {
      lease.stream.stalled = true;
      giveBack(lease);
    }
    return expired;
  }

  // ---------------------------------------------------------------- server steps and poison

  /** Runs {@code step} as soon as no episode of the instance is in flight. */
  synchronized void requestServerStep(InstanceKey key, ServerStep.Pending step) {
    if (instances.requestServerStep(key, step)) {
      followups.startServerStep(key, step);
    }
  }

  /** A server step ran; {@code step} is what it committed, or null. */
  synchronized void serverStepRan(InstanceKey key, OrchestrationStep step, long now) {
    if (step != null) {
      afterStep(step, now);
    }
    instances.serverStepRan(key);
    endFlight(key);
  }

  /** A poisoned instance was failed with {@code step} (committed, or not if the store failed). */
  synchronized void poisonedInstanceFailed(InstanceKey key, OrchestrationStep step, long now) {
    instances.stepCommitted(key);
    afterStep(step, now);
    endFlight(key);
  }

  // ---------------------------------------------------------------- transitions

  /** Hands the source the queued work none of the connected streams takes. */
  private void handBackUnhosted() {
    List<InstanceKey> unhosted =
        instances.dequeueUnless(name -> streams.countTaking(f -> f.acceptsInstance(name)) > 0);
    List<ActivityTask> unhostedActivities =
        activities
            .drainUnless(name -> streams.countTaking(f -> f.acceptsActivity(name)) > 0)
            .stream()
            .map(pending -> pending.task)
            .toList();
    if (!unhosted.isEmpty() || !unhostedActivities.isEmpty()) {
      source.handBack(unhosted, unhostedActivities);
    }
  }

  /** Queues the instance here if this node runs it; else the source hands it on. */
  private void run(InstanceKey key) {
    if (source.runsHere(key)) {
      instances.wake(key, clock.millis());
    }
  }

  /** The instance's episode (or server step) is over: run what waited for it. */
  private void endFlight(InstanceKey key) {
    ServerStep.Pending waiting = instances.endFlight(key, clock.millis());
    if (waiting != null) {
      followups.startServerStep(key, waiting);
    }
  }

  /** Puts a leased item back in its queue, or fails it for good past the poison limit. */
  private void giveBack(Lease lease) {
    leases.release(lease);
    if (lease.kind != Lease.Kind.ACTIVITY) {
      int deliveries = instances.givenBack(lease.key);
      if (!poison.exceeded(deliveries)) {
        instances.wake(lease.key, clock.millis());
      } else if (lease.kind == Lease.Kind.ENTITY) {
        instances.holdForFailure(lease.key);
        followups.failEntityBatch(lease.key, lease.entityBatch, deliveries);
      } else {
        instances.holdForFailure(lease.key);
        followups.failOrchestration(lease.key, lease.episode, deliveries);
      }
    } else {
      PendingActivity pending = lease.activity;
      if (pending.done) {
        return;
      }
      pending.deliveries++;
      if (poison.exceeded(pending.deliveries)) {
        followups.failActivity(pending);
      } else {
        activities.requeue(pending);
      }
    }
  }

  private void afterStep(OrchestrationStep step, long now) {
    if (step.terminal() || step.resetHistory()) {
      // The store dropped the instance's open activities: stop offering the queued ones, and
      // never re-queue the leased ones (their late results are ignored).
      activities.dropInstance(step.key());
    }
    if (step.terminal()) {
      source.ended(step.key());
    }
    source.queueHere(step.activities()).forEach(activities::add);
    if (step.update().version() != null) {
      WorkName name = instances.nameOf(step.key());
      if (name != null) {
        instances.know(step.key(), new WorkName(name.name(), step.update().version()));
      }
    }
    if (!step.children().isEmpty()) {
      for (ChildInstance child : step.children()) {
        NewInstance created = child.instance();
        instances.know(created.key(), new WorkName(created.name(), created.version()));
        run(created.key());
      }
      // A child whose id was taken answers with a failure in this instance's inbox.
      run(step.key());
    }
    deliver(step.messages(), now);
  }

  /** Runs the targets of committed messages: now, or when they become visible. */
  private void deliver(List<InboxMessage> messages, long now) {
    for (InboxMessage message : messages) {
      if (message.visibleAt() <= now) {
        run(message.target());
      } else {
        followups.wakeAt(message.target(), message.visibleAt());
      }
    }
  }

  // ---------------------------------------------------------------- HubQueues (claimed work)

  String hub() {
    return hub;
  }

  synchronized HubQueues.Room room() {
    if (streams.isEmpty()) {
      return new HubQueues.Room(0, 0);
    }
    return new HubQueues.Room(
        Math.max(0, streams.wantedInstances() - instances.readyCount()),
        Math.max(0, streams.wantedActivities() - activities.queued()));
  }

  synchronized int connectedStreams() {
    return streams.size();
  }

  synchronized WorkFilter takes() {
    return WorkFilter.union(streams.snapshot().stream().map(stream -> stream.filter).toList());
  }

  synchronized void claimed(
      List<InstanceKey> claimedInstances,
      Map<InstanceKey, WorkName> names,
      List<ActivityTask> claimedActivities) {
    long now = clock.millis();
    names.forEach(instances::know);
    claimedInstances.forEach(key -> instances.wake(key, now));
    claimedActivities.forEach(activities::add);
  }

  synchronized void wake(List<InstanceKey> keys) {
    long now = clock.millis();
    keys.forEach(key -> instances.wake(key, now));
  }

  synchronized int ensureRunning(List<InstanceKey> owned, Set<InstanceKey> adopted) {
    if (streams.isEmpty()) {
      return 0; // its claims are being handed to other nodes
    }
    long now = clock.millis();
    int missed = 0;
    for (InstanceKey key : owned) {
      if (adopted.contains(key) || !instances.isBusy(key)) {
        instances.wake(key, now);
        missed++;
      }
    }
    return missed;
  }

  synchronized void dropQueued(Collection<InstanceKey> keys) {
    keys.forEach(instances::dequeue);
    activities.drainQueued();
  }

  synchronized List<InstanceKey> takeIdle(Collection<InstanceKey> keys) {
    List<InstanceKey> idle = new ArrayList<>();
    for (InstanceKey key : keys) {
      if (!instances.isInFlight(key)) {
        idle.add(key);
        instances.dequeue(key);
      }
    }
    return idle;
  }

  synchronized List<ActivityTask> takeQueuedActivities() {
    return activities.drainQueued().stream().map(pending -> pending.task).toList();
  }
}
