package dev.taskhub.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a scheduler process is configured with. Validated on construction, so a running server
 * never holds an impossible setting.
 *
 * @param store where state lives: a SQLite file path, or {@code :memory:} for a throwaway store
 * @param grpcPort gRPC port (0 picks a free one)
 * @param httpPort HTTP port for health, API and dashboard (0 picks a free one, -1 disables HTTP)
 * @param taskHubs task hub names served; the first is used when a call names none
 * @param maxPayloadBytes largest input, output, event payload or custom status accepted
 * @param maxMessageBytes largest gRPC message accepted
 * @param leaseTimeout how long a dispatched work item may stay uncompleted before it is given back
 * @param poisonLimit deliveries of one work item without completion before it is failed for good
 * @param defaultStreamConcurrency work items in flight on a stream that states no limits of its own
 * @param maxWait longest a WaitFor* call blocks, whatever its deadline
 * @param readOnly whether the HTTP APIs and dashboard refuse every change (views only)
 */
public record ServerConfig(
    String store,
    int grpcPort,
    int httpPort,
    List<String> taskHubs,
    int maxPayloadBytes,
    int maxMessageBytes,
    Duration leaseTimeout,
    int poisonLimit,
    int defaultStreamConcurrency,
    Duration maxWait,
    boolean readOnly) {

  public static final String MEMORY_STORE = ":memory:";
  public static final int MAX_INSTANCE_ID_LENGTH = 100;

  public ServerConfig {
    Objects.requireNonNull(store, "store");
    taskHubs = List.copyOf(taskHubs);
    if (taskHubs.isEmpty()) {
      throw new IllegalArgumentException("at least one task hub must be configured");
    }
    requirePort("grpcPort", grpcPort, 0);
    requirePort("httpPort", httpPort, -1);
    requirePositive("maxPayloadBytes", maxPayloadBytes);
    requirePositive("maxMessageBytes", maxMessageBytes);
    requirePositive("poisonLimit", poisonLimit);
    requirePositive("defaultStreamConcurrency", defaultStreamConcurrency);
    if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
      throw new IllegalArgumentException("leaseTimeout must be positive, was " + leaseTimeout);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
    }
  }

  /**
   * The defaults of {@code taskhub serve}: ports of the DTS emulator, store under ./taskhub-data.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        Path.of("taskhub-data", "taskhub.db").toString(),
        8080,
        8082,
        List.of("default"),
        1 << 20,
        64 << 20,
        Duration.ofMinutes(10),
        10,
        1,
        Duration.ofMinutes(10),
        false);
  }

  /** Defaults for tests: in-memory store, free ports. */
  public static ServerConfig forTests() {
    return defaults().withStore(MEMORY_STORE).withPorts(0, 0);
  }

  public ServerConfig withStore(String newStore) {
    return new ServerConfig(
        newStore,
        grpcPort,
        httpPort,
        taskHubs,
        maxPayloadBytes,
        maxMessageBytes,
        leaseTimeout,
        poisonLimit,
        defaultStreamConcurrency,
        maxWait,
        readOnly);
  }

  public ServerConfig withPorts(int newGrpcPort, int newHttpPort) {
    return new ServerConfig(
        store,
        newGrpcPort,
        newHttpPort,
        taskHubs,
        maxPayloadBytes,
        maxMessageBytes,
        leaseTimeout,
        poisonLimit,
        defaultStreamConcurrency,
        maxWait,
        readOnly);
  }

  public ServerConfig withTaskHubs(List<String> newTaskHubs) {
    return new ServerConfig(
        store,
        grpcPort,
        httpPort,
        newTaskHubs,
        maxPayloadBytes,
        maxMessageBytes,
        leaseTimeout,
        poisonLimit,
        defaultStreamConcurrency,
        maxWait,
        readOnly);
  }

  public ServerConfig withMaxPayloadBytes(int newMaxPayloadBytes) {
    return new ServerConfig(
        store,
        grpcPort,
        httpPort,
        taskHubs,
        newMaxPayloadBytes,
        maxMessageBytes,
        leaseTimeout,
        poisonLimit,
        defaultStreamConcurrency,
        maxWait,
        readOnly);
  }

  public ServerConfig withLeaseTimeout(Duration newLeaseTimeout) {
    return new ServerConfig(
        store,
        grpcPort,
        httpPort,
        taskHubs,
        maxPayloadBytes,
        maxMessageBytes,
        newLeaseTimeout,
        poisonLimit,
        defaultStreamConcurrency,
        maxWait,
        readOnly);
  }

  public ServerConfig withPoisonLimit(int newPoisonLimit) {
    return new ServerConfig(
        store,
        grpcPort,
        httpPort,
        taskHubs,
        maxPayloadBytes,
        maxMessageBytes,
        leaseTimeout,
        newPoisonLimit,
        defaultStreamConcurrency,
        maxWait,
        readOnly);
  }

  public ServerConfig withDefaultStreamConcurrency(int concurrency) {
    return new ServerConfig(
        store,
        grpcPort,
        httpPort,
        taskHubs,
        maxPayloadBytes,
        maxMessageBytes,
        leaseTimeout,
        poisonLimit,
        concurrency,
        maxWait,
        readOnly);
  }

  public ServerConfig withReadOnly(boolean newReadOnly) {
    return new ServerConfig(
        store,
        grpcPort,
        httpPort,
        taskHubs,
        maxPayloadBytes,
        maxMessageBytes,
        leaseTimeout,
        poisonLimit,
        defaultStreamConcurrency,
        maxWait,
        newReadOnly);
  }

  public String defaultTaskHub() {
    return taskHubs.get(0);
  }

  private static void requirePort(String name, int port, int min) {
    if (port < min || port > 65535) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and 65535, was " + port);
    }
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
