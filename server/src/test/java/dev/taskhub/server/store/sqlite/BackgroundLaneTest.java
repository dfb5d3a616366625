package dev.taskhub.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** The SQLite writer's background lane yields to foreground units, on a real database file. */
class BackgroundLaneTest {
  @TempDir Path dir;
  private Connection connection;
  private GroupCommitWriter writer;
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeEach
  void open() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    connection = config.createConnection("jdbc:sqlite:" + dir.resolve("lane.db"));
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE runs (seq INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    }
    connection.commit();
    writer = new GroupCommitWriter(connection);
  }

  @AfterEach
  void close() throws SQLException {
    callers.shutdownNow();
    writer.close();
    connection.close();
  }

  @Test
  void aBackgroundUnitNeverRunsAheadOfQueuedForegroundUnits() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    Future<?> blocker =
        callers.submit(
            () ->
                writer.submit(
                    connection -> {
                      awaitQuietly(release);
                      return insert(connection, "blocker", order);
                    }));
    await().atMost(Duration.ofSeconds(5)).until(() -> writer.queued() == 0 && !blocker.isDone());
    Future<?> background =
        callers.submit(
            () -> writer.submitInBackground(connection -> insert(connection, "background", order)));
    List<Future<?>> foreground =
        java.util.stream.IntStream.range(0, 20)
            .<Future<?>>mapToObj(
                i ->
                    callers.submit(
                        () -> writer.submit(connection -> insert(connection, "f" + i, order))))
            .toList();
    await().atMost(Duration.ofSeconds(5)).until(() -> writer.queued() == 20);

    release.countDown();
    background.get();
    for (Future<?> unit : foreground) {
      unit.get();
    }

    assertThat(order).hasSize(22);
    assertThat(order.getFirst()).isEqualTo("blocker");
    assertThat(order.getLast()).isEqualTo("background");
    assertThat(rows()).isEqualTo(22);
  }

  @Test
  void backgroundUnitsSlowToATrickleWhileForegroundCommitsKeepComing() throws Exception {
    Duration window = Duration.ofSeconds(1);
    int idle = backgroundUnitsWithin(window);

    AtomicBoolean loaded = new AtomicBoolean(true);
    AtomicInteger foregroundCommits = new AtomicInteger();
    List<Future<?>> load = new java.util.ArrayList<>();
    for (int c = 0; c < 4; c++) {
      load.add(
          callers.submit(
              () -> {
                while (loaded.get()) {
                  writer.submit(connection -> insert(connection, "foreground", null));
                  foregroundCommits.incrementAndGet();
                }
                return null;
              }));
    }
    int busy;
    try {
      busy = backgroundUnitsWithin(window);
    } finally {
      loaded.set(false);
    }
    for (Future<?> caller : load) {
      caller.get();
    }

    // Idle, background units run back to back; under load at most one per OVERDUE_MILLIS.
    long trickle = window.toMillis() / BackgroundLane.OVERDUE_MILLIS + 1;
    assertThat(foregroundCommits.get()).isGreaterThan(100);
    assertThat(busy).isBetween(1, (int) trickle);
    assertThat(idle).isGreaterThan(5 * busy);
  }

  /** How many background units one caller gets committed, one after another, in {@code window}. */
  private int backgroundUnitsWithin(Duration window) {
    long end = System.nanoTime() + window.toNanos();
    int units = 0;
    while (System.nanoTime() < end) {
      writer.submitInBackground(connection -> insert(connection, "background", null));
      units++;
    }
    return units;
  }

  private int rows() throws Exception {
    return writer.submit(
        connection -> {
          try (Statement statement = connection.createStatement();
              var result = statement.executeQuery("SELECT count(*) FROM runs")) {
            result.next();
            return result.getInt(1);
          }
        });
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Void insert(Connection connection, String name, List<String> order)
      throws SQLException {
    try (var statement = connection.prepareStatement("INSERT INTO runs (name) VALUES (?)")) {
      statement.setString(1, name);
      statement.executeUpdate();
    }
    if (order != null) {
      order.add(name);
    }
    return null;
  }
}
