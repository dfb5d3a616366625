package dev.taskhub.server.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a background pass (the retention purger's, the schedules' firing) on an executor, never two
 * at once: a request while one runs makes it go round once more when it is done, so no request is
 * lost and none piles up.
 */
final class CoalescedPasses {
  private final Executor executor;
  private final Runnable pass;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean again;

  CoalescedPasses(Executor executor, Runnable pass) {
    this.executor = executor;
    this.pass = pass;
  }

  /** Starts a pass unless one runs; one that runs then goes round once more. */
  void request() {
    again = true;
    if (!running.compareAndSet(false, true)) {
      return;
    }
    executor.execute(
        () -> {
          try {
            while (again) {
              again = false;
              pass.run();
            }
          } finally {
            running.set(false);
          }
          if (again) {
            request();
          }
        });
  }
}
