package dev.taskhub.server.store.sqlite;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.CommitListener;
import dev.taskhub.server.store.jdbc.SqlWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single SQLite writer. Callers queue units of work; one thread takes everything queued, runs
 * each unit inside its own savepoint and commits them all with one durable commit (group commit),
 * so throughput comes from batching rather than from weaker durability. A failing unit is rolled
 * back to its savepoint alone and its caller gets the exception; the others still commit.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_UNITS_PER_COMMIT = 512;

  private final Connection connection;
  private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
  private final BackgroundLane<Unit<?>> background = new BackgroundLane<>();
  private final Thread thread;
  private volatile boolean closing;
  volatile CommitListener commits = CommitListener.NONE;

  GroupCommitWriter(Connection connection) {
    this.connection = connection;
    this.thread = Thread.ofPlatform().name("sqlite-writer").daemon().start(this::run);
  }

  /**
   * Runs {@code work} in the next commit and waits until that commit is durable. The wait ignores
   * interrupts (restoring the flag afterwards): once queued, the unit will be committed, and the
   * caller must learn the true outcome rather than a failure for a write that took effect.
   */
  <T> T submit(SqlWork<T> work) {
    Unit<T> unit = new Unit<>(work);
    synchronized (this) {
      if (closing) {
        throw new TaskhubException.StoreUnavailable("The store is closed", null);
      }
      queue.add(unit);
    }
    return await(unit);
  }

  private static <T> T await(Unit<T> unit) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return unit.result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new TaskhubException.StoreUnavailable(
              "SQLite write failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Like {@link #submit}, for background work: the unit runs only when no foreground unit is
   * queued, alone in its own commit, and under load at most one per {@value
   * BackgroundLane#OVERDUE_MILLIS} ms ({@link BackgroundLane}). Keep such units small: a foreground
   * unit may wait for one.
   */
  <T> T submitInBackground(SqlWork<T> work) {
    Unit<T> unit = new Unit<>(work);
    synchronized (this) {
      if (closing) {
        throw new TaskhubException.StoreUnavailable("The store is closed", null);
      }
      background.add(unit);
      queue.add(Unit.WAKE);
    }
    return await(unit);
  }

  /** Foreground units queued and not yet taken (tests watch it). */
  int queued() {
    return (int) queue.stream().filter(unit -> unit != Unit.WAKE).count();
  }

  private void run() {
    List<Unit<?>> batch = new ArrayList<>();
    while (!closing || !queue.isEmpty() || !background.isEmpty()) {
      try {
        Unit<?> first = queue.poll(background.pollMillis(100), TimeUnit.MILLISECONDS);
        if (first == Unit.WAKE) {
          continue;
        }
        if (first == null) {
          background.runIfDue(unit -> commit(List.of(unit)));
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_UNITS_PER_COMMIT - 1);
        batch.removeIf(unit -> unit == Unit.WAKE);
        commit(batch);
        background.foregroundCommitted();
        if (queue.isEmpty()) {
          background.runIfDue(unit -> commit(List.of(unit)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Unit<?>> batch) {
    long started = System.nanoTime();
    try {
      for (Unit<?> unit : batch) {
        execute("SAVEPOINT unit");
        try {
          unit.runOn(connection);
          execute("RELEASE unit");
        } catch (SQLException | RuntimeException e) {
          execute("ROLLBACK TO unit");
          execute("RELEASE unit");
          unit.failure = e;
        }
      }
      connection.commit();
    } catch (SQLException e) {
      log.error("SQLite commit of {} units failed", batch.size(), e);
      try {
        connection.rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      for (Unit<?> unit : batch) {
        unit.result.completeExceptionally(
            new TaskhubException.StoreUnavailable("SQLite commit failed: " + e.getMessage(), e));
      }
      return;
    }
    commits.committed(batch.size(), System.nanoTime() - started);
    for (Unit<?> unit : batch) {
      unit.finish();
    }
  }

  private void execute(String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.execute();
    }
  }

  /** Stops taking work; everything queued before is still committed. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Unit<T> {
    /** Queued with a background unit, to wake a writer waiting for foreground work; never run. */
    static final Unit<Void> WAKE = new Unit<>(connection -> null);

    final SqlWork<T> work;
    final CompletableFuture<T> result = new CompletableFuture<>();
    T value;
    Exception failure;

    Unit(SqlWork<T> work) {
      this.work = work;
    }

    void runOn(Connection connection) throws SQLException {
      value = work.run(connection);
    }

    void finish() {
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(failure);
      }
    }
  }
}
