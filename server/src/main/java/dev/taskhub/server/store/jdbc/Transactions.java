package dev.taskhub.server.store.jdbc;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.CommitListener;

/**
 * How a database runs units of work. Implementations decide connection handling and batching; the
 * {@link JdbcStore} only states what each unit does.
 */
public interface Transactions extends AutoCloseable {

  /**
   * Runs {@code work} all-or-nothing and returns once it is durably committed. An exception thrown
   * by the work rolls back only this unit and is rethrown to the caller. The work may run more than
   * once (a database with concurrent writers retries a unit that lost a race), so it must act only
   * through the connection, and a run whose transaction rolled back must leave no trace.
   *
   * @throws TaskhubException.StoreUnavailable if the database failed
   */
  <T> T write(SqlWork<T> work);

  /**
   * Like {@link #write}, for a unit whose every decision is a single conditional statement (an
   * {@code UPDATE ... WHERE <condition>}), which is correct without serializable isolation; a
   * database with concurrent writers may run it READ COMMITTED, sparing it serialization aborts.
   */
  default <T> T writeReadCommitted(SqlWork<T> work) {
    return write(work);
  }

  /**
   * Like {@link #write}, for background work that must not take the hot path's capacity (the
   * retention purger's batches): it yields to foreground units, and may therefore wait, and return,
   * later. Keep each unit small.
   *
   * <p>This default, for databases with many writers (PostgreSQL, shared by several nodes), cannot
   * see their load: it runs the unit at once and then waits as long as it took, so one background
   * caller keeps the database at most half as busy as running flat out, in small steps with pauses
   * between them. SQLite's single writer overrides it with a lane that runs background units only
   * when no foreground unit is queued.
   *
   * @throws TaskhubException.StoreUnavailable if the database failed
   */
  default <T> T writeInBackground(SqlWork<T> work) {
    long started = System.nanoTime();
    T result = write(work);
    try {
      Thread.sleep(java.time.Duration.ofNanos(System.nanoTime() - started));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  /**
   * Runs read-only {@code work} on one consistent snapshot.
   *
   * @throws TaskhubException.StoreUnavailable if the database failed
   */
  <T> T read(SqlWork<T> work);

  /** Reports every commit from now on to {@code listener}. */
  default void reportCommitsTo(CommitListener listener) {}

  @Override
  void close();
}
