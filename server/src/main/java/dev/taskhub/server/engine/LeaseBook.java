package dev.taskhub.server.engine;

import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leases out on one task hub's streams, by completion token and by what they are for (old SDKs
 * send no token: an episode is named by its instance, an activity by instance and task id). Holding
 * a lease spends its stream's credit and releasing it returns it.
 *
 * <p>A lease is <em>held</em> from dispatch until it is released; while a completion of it is being
 * written it is also <em>completing</em>, and expiry, abandon and disconnect leave it alone. Not
 * thread-safe: the hub's lock ({@link HubWork}) guards it.
 */
final class LeaseBook {
  private final Map<String, Lease> byToken = new HashMap<>();
  private final Map<InstanceKey, Lease> orchestrations = new HashMap<>();
  private final Map<PendingActivity.ActivityId, Lease> activities = new HashMap<>();

  /** Records a dispatched item's lease on its stream (whose credit the caller already took). */
  void hold(Lease lease) {
    byToken.put(lease.token, lease);
    lease.stream.leases.add(lease);
    if (lease.kind != Lease.Kind.ACTIVITY) {
      orchestrations.put(lease.key, lease); // entity ids never collide with orchestration ids
    } else {
      activities.put(lease.activity.id(), lease);
    }
  }

  /**
   * Forgets the lease and returns its stream's credit.
   *
   * @return false if it was not held (released already)
   */
  boolean release(Lease lease) {
    if (byToken.remove(lease.token) == null) {
      return false;
    }
    lease.stream.leases.remove(lease);
    if (lease.kind == Lease.Kind.ORCHESTRATION) {
      orchestrations.remove(lease.key, lease);
      lease.stream.returnOrchestrationCredit();
    } else if (lease.kind == Lease.Kind.ENTITY) {
      orchestrations.remove(lease.key, lease);
      lease.stream.returnEntityCredit();
    } else {
      activities.remove(lease.activity.id(), lease);
      lease.stream.returnActivityCredit();
    }
    return true;
  }

  /**
   * Starts completing the episode lease a worker's answer names (by token, else by instance).
   *
   * @return the lease, now completing, or null if no such lease is held or one is completing
   */
  Lease beginOrchestrationCompletion(String token, InstanceKey key) {
    Lease lease = token.isEmpty() ? orchestrations.get(key) : byToken.get(token);
    if (lease == null
        || lease.kind != Lease.Kind.ORCHESTRATION
        || !lease.key.equals(key)
        || lease.completing) {
      return null;
    }
    return beginCompletion(lease);
  }

  /**
   * Starts completing the entity batch lease an answer names (entity answers carry only a token).
   *
   * @return the lease, now completing, or null if no such lease is held or one is completing
   */
  Lease beginEntityCompletion(String token) {
    Lease lease = byToken.get(token);
    if (lease == null || lease.kind != Lease.Kind.ENTITY || lease.completing) {
      return null;
    }
    return beginCompletion(lease);
  }

  /**
   * Starts completing the activity lease a worker's result names (by token, else by task id).
   *
   * @return the lease, now completing, or null if no such lease is held or one is completing
   */
  Lease beginActivityCompletion(String token, PendingActivity.ActivityId id) {
    Lease lease = token.isEmpty() ? activities.get(id) : byToken.get(token);
    if (lease == null
        || lease.completing
        || lease.kind != Lease.Kind.ACTIVITY
        || !lease.activity.id().equals(id)) {
      return null;
    }
    return beginCompletion(lease);
  }

  /** A completion that answers a lease proves its worker alive: the stream gets work again. */
  private static Lease beginCompletion(Lease lease) {
    lease.completing = true;
    lease.stream.stalled = false;
    return lease;
  }

  /** The completion failed before it was recorded: the lease is held as before. */
  void abortCompletion(Lease lease) {
    lease.completing = false;
  }

  /** The held lease of this kind with the token that is not completing, or null. */
  Lease forAbandon(String token, Lease.Kind kind) {
    Lease lease = byToken.get(token);
    return lease == null || lease.kind != kind || lease.completing ? null : lease;
  }

  /** True while a lease on an activity with this id is held (by any generation's task). */
  boolean holdsActivity(PendingActivity.ActivityId id) {
    return activities.containsKey(id);
  }

  /** The held leases, not completing, whose expiry is at or before {@code now}. */
  List<Lease> expired(long now) {
    List<Lease> expired = new ArrayList<>();
    for (Lease lease : byToken.values()) {
      if (!lease.completing && lease.expiresAt <= now) {
        expired.add(lease);
      }
    }
    return expired;
  }
}
