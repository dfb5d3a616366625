package dev.taskhub.bench;

import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.SystemTimers;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.TimeRange;
import dev.taskhub.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fast way to fill a hub with old instances for {@code --while-purging}: before the scheduler
 * starts, {@code bench/run} runs this on the scheduler's new SQLite file, with the server's class
 * path. It runs the scheduler's own engine and store on that file, without the network: each
 * instance is started and terminated through {@link Engine} exactly as {@code StartInstance} and
 * {@code TerminateInstance} do (with no worker connected the engine ends it itself, TERMINATED), so
 * the file holds what the scheduler would have stored (rows, statuses, history events, completion
 * times; {@code OldInstancesFileTest} compares them with {@link OldInstances}'). What it saves is
 * the gRPC calls, their threads and their CPU: many callers in one process, so the group commit
 * writes hundreds of units per durable commit.
 *
 * <p>This is the only bench class that links the server (a {@code provided} dependency: it is on
 * the server's class path only when {@code bench/run} runs it so).
 */
final class OldInstancesFile {
  /** The hub bench/run's scheduler serves and the bench uses without {@code --taskhub}. */
  static final String HUB = "default";

  private static final int CALLERS = 256;
  private static final Duration ENDED_PATIENCE = Duration.ofMinutes(5);

  private OldInstancesFile() {}

  /** {@code OldInstancesFile FILE COUNT}: fills FILE's hub {@value #HUB} with COUNT instances. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: OldInstancesFile SQLITE_FILE COUNT");
      System.exit(2);
    }
    int count = Integer.parseInt(args[1]);
    long begin = System.nanoTime();
    try {
      fill(Path.of(args[0]), count);
    } catch (BenchException e) {
      System.err.println("OldInstancesFile: " + e.getMessage());
      System.exit(1);
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    System.out.printf(
        "Old instances: %d started and terminated in the store file in %.1f s (%.0f/s)%n",
        count, seconds, count / seconds);
  }

  /**
   * Starts and terminates {@code count} instances of {@link OldInstances#ORCHESTRATION} in {@code
   * file}'s hub {@value #HUB}; returns once all of them are TERMINATED and the store is closed.
   *
   * @throws BenchException if a call fails or they do not all end
   */
  static void fill(Path file, int count) throws InterruptedException {
    ServerConfig config = ServerConfig.defaults().withStore(file.toString());
    Store store = SqliteStore.open(file);
    SystemTimers timers = SystemTimers.utc();
    Engine engine = new Engine(config, store, timers);
    try {
      engine.start();
      startAndTerminate(engine, count);
      awaitTerminated(engine, count);
    } finally {
      engine.close();
      timers.close();
      store.close();
    }
  }

  private static void startAndTerminate(Engine engine, int count) throws InterruptedException {
    String prefix = "bench-old-" + UUID.randomUUID() + "-";
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        done.add(
            callers.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String id = prefix + i;
                    engine.startInstance(
                        HUB,
                        CreateInstanceRequest.newBuilder()
                            .setInstanceId(id)
                            .setName(OldInstances.ORCHESTRATION)
                            .build());
                    // As TerminateInstance without output or recursion.
                    engine.terminate(HUB, id, null, false);
                  }
                  return null;
                }));
      }
      for (Future<?> caller : done) {
        try {
          caller.get();
        } catch (ExecutionException e) {
          next.set(count);
          throw new BenchException("Creating old instances failed: " + e.getCause(), e);
        }
      }
    }
  }

  /** The engine ends terminated instances on its executor: waits until all of them have ended. */
  private static void awaitTerminated(Engine engine, int count) throws InterruptedException {
    InstanceFilter hub =
        new InstanceFilter(
            HUB,
            Set.of(OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED),
            TimeRange.ANY,
            TimeRange.ANY,
            "",
            "");
    long deadline = System.nanoTime() + ENDED_PATIENCE.toNanos();
    long ended = 0;
    while (System.nanoTime() < deadline) {
      ended =
          engine
              .countByStatus(hub)
              .getOrDefault(OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED, 0L);
      if (ended >= count) {
        return;
      }
      Thread.sleep(200);
    }
    throw new BenchException(
        "Only " + ended + " of " + count + " old instances ended TERMINATED in " + ENDED_PATIENCE);
  }
}
