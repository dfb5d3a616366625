package dev.taskhub.server.e2e;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import dev.taskhub.server.TaskhubServer;
import dev.taskhub.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real scheduler in-process on free ports, plus official-SDK workers and clients bound to it. */
final class RunningServer implements AutoCloseable {
  final TaskhubServer server;
  private final List<AutoCloseable> resources = new ArrayList<>();

  RunningServer(ServerConfig config) {
    this.server = TaskhubServer.start(config);
  }

  static RunningServer inMemory() {
    return new RunningServer(ServerConfig.forTests().withPorts(0, -1));
  }

  int port() {
    return server.grpcPort();
  }

  DurableTaskGrpcWorker worker(
      TaskOrchestrationFactory orchestration, TaskActivityFactory... activities) {
    DurableTaskGrpcWorkerBuilder builder = new DurableTaskGrpcWorkerBuilder().port(port());
    if (orchestration != null) {
      builder.addOrchestration(orchestration);
    }
    for (TaskActivityFactory activity : activities) {
      builder.addActivity(activity);
    }
    DurableTaskGrpcWorker worker = builder.build();
    worker.start();
    resources.add(worker);
    return worker;
  }

  DurableTaskGrpcWorker seedWorker() {
    return worker(
        SeedActivities.orchestrator(), SeedActivities.process(), SeedActivities.aggregate());
  }

  DurableTaskClient client() {
    DurableTaskClient client = new DurableTaskGrpcClientBuilder().port(port()).build();
    resources.add(client);
    return client;
  }

  /** A plaintext channel to the server, for protocol-level tests; shut down on close. */
  ManagedChannel channel() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    resources.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  @Override
  public void close() {
    for (AutoCloseable resource : resources.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        throw new IllegalStateException("Could not close " + resource, e);
      }
    }
    server.close();
  }
}
