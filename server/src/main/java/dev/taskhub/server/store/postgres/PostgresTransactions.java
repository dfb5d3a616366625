package dev.taskhub.server.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.CommitListener;
import dev.taskhub.server.store.jdbc.Migrator;
import dev.taskhub.server.store.jdbc.SqlWork;
import dev.taskhub.server.store.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL connections: three bounded HikariCP pools, for serializable writes, READ COMMITTED
 * writes and reads.
 *
 * <p><b>Writes run SERIALIZABLE and are retried on a serialization failure.</b> The shared SQL in
 * {@code JdbcStore} reads, decides, then writes: {@code createInstance} looks for an existing row
 * before inserting, {@code purgeInstance} checks the status before deleting, a step creates
 * children and sends messages only to instances it saw. SQLite is correct by construction (one
 * writer), but on PostgreSQL under READ COMMITTED two such units can interleave: two creates of one
 * id would both see none. (A completion decides in one conditional update, so it runs READ
 * COMMITTED: {@link #writeReadCommitted}.) SERIALIZABLE (PostgreSQL's serializable snapshot
 * isolation) makes every committed unit behave as if the units ran one at a time, so each is
 * correct as written, with no per-database locking SQL to keep in step with the shared core; the
 * price is that a unit which lost a race is aborted with SQLSTATE 40001 (or 40P01 on a deadlock)
 * and must run again, which {@link #write} does, with a short jittered backoff, up to {@value
 * #MAX_ATTEMPTS} times. One more race surfaces differently: when two units insert the same key
 * after both saw it absent, PostgreSQL may report the loser's insert as a unique violation (23505)
 * instead of a serialization failure (it does so when the absence was read without the index, as on
 * a small table). A unique violation is therefore retried once: after a concurrent insert the retry
 * sees the row and decides again (a create answers "already exists"); a second one is a real
 * constraint violation and fails the unit. The alternative, READ COMMITTED with {@code SELECT ...
 * FOR UPDATE} hooks, would need a lock for every read that a decision rests on, including rows that
 * do not exist yet (a create), which only a predicate lock or an advisory lock can cover:
 * SERIALIZABLE is that, kept by the database.
 *
 * <p><b>Reads run REPEATABLE READ, READ ONLY</b>: one snapshot per unit (a work item's row, inbox
 * and history agree with each other), never blocked and never aborted.
 *
 * <p><b>Failures.</b> A database that cannot be reached fails a unit with {@link
 * TaskhubException.StoreUnavailable} within about {@value #CONNECTION_TIMEOUT_MS} ms (the pool's
 * wait for a connection), which is what {@code /health} reports; the pools replace broken
 * connections, so units succeed again as soon as the database is back. A connection lost during
 * COMMIT leaves the outcome unknown; the caller is told the store is unavailable, and every write
 * is safe to repeat (a repeated step is rejected as a lost lease, a repeated completion is ignored,
 * a repeated create finds the instance).
 *
 * <p>Schema migrations run on one connection in READ COMMITTED under a transaction-scoped advisory
 * lock, so nodes that start at the same moment apply each migration once.
 */
public final class PostgresTransactions implements Transactions {
  private volatile CommitListener commits = CommitListener.NONE;
  private static final Logger log = LoggerFactory.getLogger(PostgresTransactions.class);

  static final List<String> MIGRATIONS =
      List.of(
          "V1__initial_schema.sql",
          "V2__cluster_claims.sql",
          "V3__instances_by_completion.sql",
          "V4__orchestration_trace_context.sql",
          "V5__activity_names.sql",
          "V6__task_hubs.sql",
          "V7__entities.sql",
          "V8__retention_policies.sql",
          "V9__schedules.sql",
          "V10__open_activities_by_key.sql");

  /** The advisory lock key of schema migrations: "taskhub" in ASCII. */
  private static final long SCHEMA_LOCK_KEY = 0x7461736b687562L;

  private static final int WRITE_POOL_SIZE = 8;
  private static final int READ_POOL_SIZE = 8;
  private static final long CONNECTION_TIMEOUT_MS = 5_000;
  private static final int MAX_ATTEMPTS = 30;
  private static final String UNIQUE_VIOLATION = "23505";

  /** Pooled connections a write may find closed by the server (after a restart) before failing. */
  private static final int MAX_RECONNECTS = 8;

  private static final long CLOSE_WAIT_SECONDS = 10;

  private final HikariDataSource writers;
  private final HikariDataSource committedWriters;
  private final HikariDataSource readers;

  /** Held shared by every running unit and exclusively by {@link #close}, which waits for them. */
  private final ReentrantReadWriteLock units = new ReentrantReadWriteLock();

  private volatile boolean closed;

  private PostgresTransactions(
      HikariDataSource writers, HikariDataSource committedWriters, HikariDataSource readers) {
    this.writers = writers;
    this.committedWriters = committedWriters;
    this.readers = readers;
  }

  /**
   * Connects, brings the schema up to date and returns the open pools.
   *
   * @throws TaskhubException.StoreUnavailable if the database cannot be reached or migrated
   */
  public static PostgresTransactions open(PostgresLocation location) {
    HikariDataSource writers = null;
    HikariDataSource committedWriters = null;
    try {
      writers = pool(location, "taskhub-write", WRITE_POOL_SIZE, "TRANSACTION_SERIALIZABLE");
      migrate(writers);
      committedWriters =
          pool(location, "taskhub-write-rc", WRITE_POOL_SIZE, "TRANSACTION_READ_COMMITTED");
      HikariDataSource readers =
          pool(location, "taskhub-read", READ_POOL_SIZE, "TRANSACTION_REPEATABLE_READ");
      return new PostgresTransactions(writers, committedWriters, readers);
    } catch (SQLException | RuntimeException e) {
      if (writers != null) {
        writers.close();
      }
      if (committedWriters != null) {
        committedWriters.close();
      }
      if (e instanceof TaskhubException taskhub
          && !(e instanceof TaskhubException.StoreUnavailable)) {
        throw taskhub;
      }
      throw new TaskhubException.StoreUnavailable(
          "Cannot open PostgreSQL store " + location + ": " + e.getMessage(), e);
    }
  }

  /** A pool of connections that run at {@code isolation}; REPEATABLE READ ones are read-only. */
  private static HikariDataSource pool(
      PostgresLocation location, String name, int size, String isolation) {
    boolean readOnly = isolation.equals("TRANSACTION_REPEATABLE_READ");
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(location.jdbcUrl());
    if (location.user() != null) {
      config.setUsername(location.user());
    }
    if (location.password() != null) {
      config.setPassword(location.password());
    }
    // A fixed size (HikariCP's advice): a burst of completions finds its connections open.
    config.setMaximumPoolSize(size);
    config.setAutoCommit(false);
    config.setReadOnly(readOnly);
    config.setTransactionIsolation(isolation);
    // Short waits, so that a database that is down is reported (and /health answers) quickly.
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    config.setValidationTimeout(2_000);
    // Driver defaults; parameters in the URL win over these.
    config.addDataSourceProperty("connectTimeout", "5");
    config.addDataSourceProperty("socketTimeout", "60");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", "taskhub");
    return new HikariDataSource(config);
  }

  private static void migrate(HikariDataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      // Each statement must see what other nodes committed while this one waited for the lock.
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      new Migrator("postgres", MIGRATIONS, PostgresTransactions::lockSchema).migrate(connection);
    }
  }

  private static void lockSchema(Connection connection) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, SCHEMA_LOCK_KEY);
      lock.execute();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>An interrupt does not abandon the unit: the driver's socket I/O must not be cut between
   * COMMIT and its answer, so the flag is cleared while the unit runs and restored afterwards.
   */
  @Override
  public <T> T write(SqlWork<T> work) {
    return writeOn(writers, work);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also for units that lock what they decide on ({@code SELECT ... FOR UPDATE SKIP LOCKED}
   * claims), where SERIALIZABLE would only add aborts. They run on a pool of their own, whose
   * connections are READ COMMITTED already (no extra statement per unit).
   */
  @Override
  public <T> T writeReadCommitted(SqlWork<T> work) {
    return writeOn(committedWriters, work);
  }

  @Override
  public void reportCommitsTo(CommitListener listener) {
    commits = listener;
  }

  private <T> T writeOn(HikariDataSource pool, SqlWork<T> work) {
    boolean interrupted = Thread.interrupted();
    Lock running = enter();
    try {
      boolean uniqueViolationRetried = false;
      int reconnects = 0;
      for (int attempt = 1; ; attempt++) {
        try {
          long started = System.nanoTime();
          T result = runOnce(pool, work, true);
          commits.committed(1, System.nanoTime() - started);
          return result;
        } catch (SQLException e) {
          boolean lostRace = isSerializationFailure(e);
          boolean concurrentInsert =
              UNIQUE_VIOLATION.equals(e.getSQLState()) && !uniqueViolationRetried;
          // A pooled connection the server closed (a database restart) fails on first use; the
          // pool drops it, and the unit (safe to repeat) runs again on another connection.
          boolean staleConnection = isClosedByServer(e) && reconnects < MAX_RECONNECTS;
          if (!(lostRace || concurrentInsert || staleConnection) || attempt == MAX_ATTEMPTS) {
            throw failure("write", e);
          }
          uniqueViolationRetried |= concurrentInsert;
          reconnects += staleConnection ? 1 : 0;
          log.debug("PostgreSQL write lost a race (attempt {}): {}", attempt, e.getMessage());
          interrupted |= backOff(attempt);
        }
      }
    } finally {
      running.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public <T> T read(SqlWork<T> work) {
    boolean interrupted = Thread.interrupted();
    Lock running = enter();
    try {
      return runOnce(readers, work, false);
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      running.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Registers a running unit, or fails if the store is closed. */
  private Lock enter() {
    Lock running = units.readLock();
    running.lock();
    if (closed) {
      running.unlock();
      throw new TaskhubException.StoreUnavailable("The store is closed", null);
    }
    return running;
  }

  /** Runs one transaction: commits a write, ends a read; rolls back whatever failed. */
  private static <T> T runOnce(HikariDataSource pool, SqlWork<T> work, boolean commit)
      throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        T result = work.run(connection);
        if (commit) {
          connection.commit();
        } else {
          connection.rollback();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
  }

  /**
   * The server ended a connection the pool still held (57P01..57P03: shut down or restarted). Not a
   * connection that cannot be made at all (08xxx): then the database is down and retrying would
   * only delay the answer.
   */
  private static boolean isClosedByServer(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("57P0");
  }

  /** Serialization failures and deadlocks: the unit lost a race and may simply run again. */
  private static boolean isSerializationFailure(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }

  /** Waits a random 1..2^attempt ms (at most 128 ms); returns whether it was interrupted. */
  private static boolean backOff(int attempt) {
    long ceiling = 1L << Math.min(attempt, 7);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /**
   * A failed unit as the caller should see it: the database out of reach or overloaded (it may work
   * again: {@code UNAVAILABLE}, /health 503), or a statement the database refused (a bug or a
   * damaged schema: retrying will not help, so it is an internal error, not an outage).
   */
  private static TaskhubException failure(String what, SQLException e) {
    String message = "PostgreSQL " + what + " failed: " + e.getMessage();
    return isTransient(e)
        ? new TaskhubException.StoreUnavailable(message, e)
        : new TaskhubException(message, e);
  }

  /**
   * Connection failures (08, and driver I/O errors without a state), lack of resources (53),
   * operator intervention such as a shutdown (57), transaction rollbacks still failing after the
   * retries (40) and lock timeouts (55P03).
   */
  private static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("40")
        || state.equals("55P03");
  }

  /**
   * Stops taking units, waits (up to {@value #CLOSE_WAIT_SECONDS} s) for the running ones to
   * finish, then closes both pools.
   */
  @Override
  public void close() {
    Lock exclusive = units.writeLock();
    boolean locked = false;
    try {
      locked = exclusive.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      closed = true;
      readers.close();
      committedWriters.close();
      writers.close();
    } finally {
      if (locked) {
        exclusive.unlock();
      }
    }
  }
}
