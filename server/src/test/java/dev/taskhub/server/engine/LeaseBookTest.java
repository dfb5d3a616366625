package dev.taskhub.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class LeaseBookTest {
  private static final InstanceKey KEY = new InstanceKey("default", "fan-out");

  private final LeaseBook leases = new LeaseBook();
  private final WorkerStream stream =
      new WorkerStream(
          1, "default", new RecordingSink(), Clock.systemUTC(), 1, 1, 0, 2, WorkFilter.ALL, true);

  private static PendingActivity activity(int taskId) {
    return new PendingActivity(
        new ActivityTask(
            KEY, "exec-1", taskId, ActivityRequest.newBuilder().setName("work").build()));
  }

  private Lease holdActivity(String token, int taskId, long expiresAt) {
    Lease lease = Lease.activity(token, stream, activity(taskId), expiresAt);
    stream.takeActivityCredit();
    leases.hold(lease);
    return lease;
  }

  @Test
  void holdingSpendsCreditAndReleasingReturnsItOnce() {
    Lease lease = holdActivity("t1", 0, 1_000);

    assertThat(stream.canTakeActivity()).isFalse();
    assertThat(leases.release(lease)).isTrue();
    assertThat(leases.release(lease)).isFalse();
    assertThat(stream.canTakeActivity()).isTrue();
    assertThat(stream.leases).isEmpty();
  }

  @Test
  void aCompletionFindsItsLeaseByTokenOrWithoutOneByTaskId() {
    Lease lease = holdActivity("t1", 7, 1_000);
    PendingActivity.ActivityId id = new PendingActivity.ActivityId(KEY, 7);

    assertThat(leases.beginActivityCompletion("other-token", id)).isNull();
    assertThat(leases.beginActivityCompletion("", id)).isSameAs(lease);
    // A second completion while the first is being written finds nothing.
    assertThat(leases.beginActivityCompletion("t1", id)).isNull();
    leases.abortCompletion(lease);
    assertThat(leases.beginActivityCompletion("t1", id)).isSameAs(lease);
  }

  @Test
  void aCompletionForAnotherTaskOrKindDoesNotMatchAToken() {
    holdActivity("t1", 7, 1_000);

    assertThat(leases.beginActivityCompletion("t1", new PendingActivity.ActivityId(KEY, 8)))
        .isNull();
    assertThat(leases.beginOrchestrationCompletion("t1", KEY)).isNull();
    assertThat(leases.forAbandon("t1", Lease.Kind.ORCHESTRATION)).isNull();
    assertThat(leases.forAbandon("t1", Lease.Kind.ACTIVITY)).isNotNull();
  }

  @Test
  void answeringALeaseUnstallsItsStream() {
    Lease lease = holdActivity("t1", 0, 1_000);
    stream.stalled = true;

    leases.beginActivityCompletion("t1", new PendingActivity.ActivityId(KEY, 0));

    assertThat(lease.completing).isTrue();
    assertThat(stream.stalled).isFalse();
  }

  @Test
  void onlyLeasesPastTheirExpiryAndNotCompletingExpire() {
    Lease early = holdActivity("t1", 0, 1_000);
    Lease completing = holdActivity("t2", 1, 1_000);
    holdActivity("t3", 2, 5_000);
    leases.beginActivityCompletion("t2", new PendingActivity.ActivityId(KEY, 1));

    assertThat(leases.expired(999)).isEmpty();
    assertThat(leases.expired(1_000)).containsExactly(early);
    assertThat(leases.forAbandon("t2", Lease.Kind.ACTIVITY)).isNull();
    assertThat(completing.completing).isTrue();
  }

  @Test
  void aTaskIdStaysHeldUntilItsLeaseIsReleased() {
    Lease lease = holdActivity("t1", 3, 1_000);
    PendingActivity.ActivityId id = new PendingActivity.ActivityId(KEY, 3);

    assertThat(leases.holdsActivity(id)).isTrue();
    leases.release(lease);
    assertThat(leases.holdsActivity(id)).isFalse();
  }
}
