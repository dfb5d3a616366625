package dev.taskhub.server.engine;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.RetentionPolicy;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.PurgeResult;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes ended instances once their hub's policy says they are old enough, counted from
 * when they ended. A hub's policy is the one set at run time (kept in the store, so every node and
 * every restart sees it) or else {@code --retention}'s.
 *
 * <p>A pass runs every {@value #PASS_MILLIS} ms and at once after a policy changes, one at a time.
 * It purges in batches of {@value #BATCH} instances, each its own short transaction, at most
 * {@value #BATCHES_PER_PASS} batches per hub and status, then leaves the rest to the next pass.
 * Batches are the store's background work ({@link Store#purgeEnded}): on SQLite they run only when
 * no hot-path commit is queued and, while commits keep coming, only a few per second; on PostgreSQL
 * each is followed by a pause as long as it took. So the batches are small: a step commit may wait
 * for one. Progress is reported after each batch. It keeps no state between passes: the store's
 * completion times say what is due, so a restart in the middle of a purge loses nothing and the
 * next pass removes the rest. Running instances and entities are never touched (only final statuses
 * match); an instance's ended sub-orchestrations go with it.
 */
public final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  static final int BATCH = 20;
  static final int BATCHES_PER_PASS = 5_000;
  static final long PASS_MILLIS = 10_000;

  /** A hub's policy and whether it is the hub's own (else the server's default). */
  public record Policy(RetentionPolicy policy, boolean own) {}

  private final Store store;
  private final Clock clock;
  private final RetentionPolicy defaults;
  private final Supplier<List<String>> hubs;
  private final CoalescedPasses passes;
  volatile EngineMetrics metrics = EngineMetrics.NONE;

  Retention(
      Store store,
      Clock clock,
      RetentionPolicy defaults,
      Supplier<List<String>> hubs,
      Executor executor) {
    this.store = store;
    this.clock = clock;
    this.defaults = defaults;
    this.hubs = hubs;
    this.passes = new CoalescedPasses(executor, this::pass);
  }

  void start(Timers timers) {
    timers.every(PASS_MILLIS, this::runSoon);
  }

  /** The policy the hub's instances are kept by. */
  public Policy policy(String hub) {
    String own = store.retentionPolicies().get(hub);
    return own == null ? new Policy(defaults, false) : new Policy(RetentionPolicy.parse(own), true);
  }

  /**
   * Gives the hub a policy of its own, or with null returns it to the server's; applied at once.
   *
   * @throws TaskhubException.StoreUnavailable if the store cannot be reached
   */
  public void setPolicy(String hub, RetentionPolicy policy) {
    store.setRetentionPolicy(hub, policy == null ? null : policy.format(), clock.millis());
    log.info(
        "Retention of task hub {} is now {}",
        hub,
        policy == null ? defaults + " (the server's)" : policy);
    runSoon();
  }

  /** Starts a pass unless one runs; one that runs then goes round once more. */
  void runSoon() {
    passes.request();
  }

  /** One pass over every hub; returns how many instances it deleted. */
  int pass() {
    int total = 0;
    Map<String, String> own;
    try {
      own = store.retentionPolicies();
    } catch (TaskhubException e) {
      log.warn("Retention pass skipped: {}", e.getMessage());
      return 0;
    }
    long now = clock.millis();
    for (String hub : hubs.get()) {
      String text = own.get(hub);
      RetentionPolicy policy = text == null ? defaults : RetentionPolicy.parse(text);
      for (Map.Entry<OrchestrationStatus, Duration> keep : policy.keep().entrySet()) {
        total += purge(hub, keep.getKey(), now - keep.getValue().toMillis());
      }
    }
    return total;
  }

  private int purge(String hub, OrchestrationStatus status, long endedBy) {
    InstanceFilter due =
        new InstanceFilter(hub, Set.of(status), TimeRange.ANY, new TimeRange(0, endedBy), "", "");
    int deleted = 0;
    try {
      for (int batch = 0; batch < BATCHES_PER_PASS; batch++) {
        PurgeResult result = store.purgeEnded(due, BATCH);
        if (result.deleted() > 0) {
          deleted += result.deleted();
          metrics.retentionPurged(hub, status, result.deleted());
        }
        if (result.complete()) {
          break;
        }
      }
    } catch (TaskhubException e) {
      log.warn("Retention purge of {} {} instances stopped: {}", hub, status, e.getMessage());
    }
    if (deleted > 0) {
      log.info(
          "Retention removed {} {} instances of task hub {} (ended before {})",
          deleted,
          status.name().replace("ORCHESTRATION_STATUS_", "").toLowerCase(java.util.Locale.ROOT),
          hub,
          java.time.Instant.ofEpochMilli(endedBy));
    }
    return deleted;
  }
}
