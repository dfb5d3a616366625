package dev.taskhub.sdk;

import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.TaskhubServer;
import dev.taskhub.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Taskhub scheduler, in-process on a free port with an in-memory store, plus the clients
 * and workers a test made against it; {@link #close()} stops them all.
 */
public final class RunningScheduler implements AutoCloseable {
  private final TaskhubServer server;
  private final List<AutoCloseable> opened = new ArrayList<>();

  private RunningScheduler(TaskhubServer server) {
    this.server = server;
  }

  public static RunningScheduler start() {
    return start(ServerConfig.forTests().withPorts(0, -1));
  }

  public static RunningScheduler start(ServerConfig config) {
    return new RunningScheduler(TaskhubServer.start(config));
  }

  public int port() {
    return server.grpcPort();
  }

  public String connectionString() {
    return "Endpoint=http://localhost:" + port() + ";Authentication=None;TaskHub=default";
  }

  public ConnectionSettings connection() {
    return ConnectionSettings.plaintext("localhost", port());
  }

  /** A client that is closed with the scheduler. */
  public TaskhubClient client() {
    TaskhubClient client = TaskhubClient.fromConnectionString(connectionString());
    opened.add(client);
    return client;
  }

  /** A worker builder for this scheduler with a short close timeout. */
  public TaskhubWorker.Builder workerBuilder() {
    return TaskhubWorker.builder()
        .connection(connection())
        .closeTimeout(java.time.Duration.ofSeconds(5));
  }

  /** Starts the worker; it is stopped with the scheduler. */
  public TaskhubWorker startWorker(TaskhubWorker.Builder builder) {
    TaskhubWorker worker = builder.build();
    opened.add(worker);
    return worker.start();
  }

  @Override
  public void close() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException("Could not close " + opened.get(i), e);
      }
    }
    server.close();
  }
}
