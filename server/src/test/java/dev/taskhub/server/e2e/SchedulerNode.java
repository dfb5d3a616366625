package dev.taskhub.server.e2e;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.TaskActivityFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One scheduler node of a multi-node test: a {@code serve} process on a store that other nodes
 * share, the official SDK 1.5.0 workers connected to this node only, and a client of its own.
 * Closing it stops the workers, stops the process if it still runs (SIGTERM, so that its log says
 * what it still held) and prints its output to the surefire report, so that a failure can be read
 * from every node's log.
 */
final class SchedulerNode implements AutoCloseable {
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String name;
  final ServerProcess process;
  private final List<DurableTaskGrpcWorker> workers = new ArrayList<>();
  private DurableTaskClient client;

  private SchedulerNode(String name, ServerProcess process) {
    this.name = name;
    this.process = process;
  }

  /**
   * Starts a node on free ports without waiting for it ({@link #awaitReady()}), so that several
   * nodes start at the same moment.
   *
   * @param httpPort 0 for a free port, -1 for none
   * @param options further {@code serve} options
   */
  static SchedulerNode launch(String name, String store, int httpPort, String... options)
      throws IOException {
    return new SchedulerNode(name, ServerProcess.launch(name, store, 0, httpPort, options));
  }

  SchedulerNode awaitReady() {
    process.awaitReady();
    return this;
  }

  /**
   * Connects {@code count} seed workers (orchestrator and aggregate, plus the work-item activity
   * {@code workItemActivity} gives for each worker's name, {@code <node>-w<i>}) to this node.
   */
  void startSeedWorkers(int count, Function<String, TaskActivityFactory> workItemActivity) {
    for (int i = 1; i <= count; i++) {
      DurableTaskGrpcWorker worker =
          new DurableTaskGrpcWorkerBuilder()
              .port(process.grpcPort())
              .addOrchestration(SeedActivities.orchestrator())
              .addActivity(workItemActivity.apply(name + "-w" + i))
              .addActivity(SeedActivities.aggregate())
              .build();
      worker.start();
      workers.add(worker);
    }
  }

  /** This node's client, created on first use. */
  DurableTaskClient client() {
    if (client == null) {
      client = new DurableTaskGrpcClientBuilder().port(process.grpcPort()).build();
    }
    return client;
  }

  /** The status code of the node's {@code /health}; the node must have an HTTP port. */
  int health() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.httpPort() + "/health"))
            .timeout(Duration.ofSeconds(15))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** SIGKILLs the node; its workers and client lose their server, so they are closed too. */
  void kill() throws InterruptedException {
    process.kill();
    closeClients();
  }

  private void closeClients() {
    // The SDK 1.5.0 worker's close() shuts its channel down; its thread then only retries in vain.
    workers.forEach(DurableTaskGrpcWorker::close);
    workers.clear();
    if (client != null) {
      client.close();
      client = null;
    }
  }

  /**
   * Prints what the nodes' threads and this JVM's SDK workers are doing, for a test that failed
   * while they ran: a stuck work item shows as a worker waiting on a call, or as none holding it.
   */
  static void printThreads(List<SchedulerNode> nodes) {
    StringBuilder text = new StringBuilder("===== SDK worker threads of the test JVM:\n");
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (Arrays.stream(stack)
                  .anyMatch(frame -> frame.getClassName().endsWith("DurableTaskGrpcWorker"))) {
                text.append('"').append(thread.getName()).append("\" ").append(thread.getState());
                Arrays.stream(stack).forEach(frame -> text.append("\n    at ").append(frame));
                text.append('\n');
              }
            });
    for (SchedulerNode node : nodes) {
      if (node.process.isAlive()) {
        text.append("===== Threads of node ")
            .append(node.name)
            .append(":\n")
            .append(node.process.threadDump());
      }
    }
    System.out.println(text);
  }

  @Override
  public void close() {
    closeClients();
    if (process.isAlive()) {
      try {
        process.stop();
      } catch (IllegalStateException e) {
        System.out.println("Scheduler node " + name + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.close();
    // Lands in the surefire report, to diagnose a failure.
    System.out.println("===== Scheduler node " + name + " output:\n" + process.output());
  }

  @Override
  public String toString() {
    return "node " + name;
  }
}
