package dev.taskhub.sdk.worker;

import dev.taskhub.protocol.ActivityFilter;
import dev.taskhub.protocol.EntityFilter;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.OrchestrationFilter;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.WorkItemFilters;
import dev.taskhub.sdk.CallHeaders;
import dev.taskhub.sdk.ConnectionSettings;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.JacksonDataConverter;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.entity.Entity;
import dev.taskhub.sdk.entity.EntityExecutor;
import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.sdk.orchestration.OrchestrationExecutor;
import dev.taskhub.sdk.orchestration.ReplayStatistics;
import io.grpc.ManagedChannel;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Hosts orchestrations, activities and entities: connects to the scheduler, receives work items and
 * runs them concurrently — activities on virtual threads up to {@code maxConcurrentActivities},
 * orchestrator episodes up to {@code maxConcurrentOrchestrations}, entity batches up to {@code
 * maxConcurrentEntities} — and answers each.
 *
 * <pre>{@code
 * TaskhubWorker worker = TaskhubWorker.builder()
 *     .connectionString("Endpoint=http://localhost:8080;Authentication=None;TaskHub=default")
 *     .addOrchestration("Greet", ctx -> ctx.callActivity("Hello", ctx.getInput(String.class), String.class).await())
 *     .addActivity("Hello", String.class, name -> "Hello, " + name)
 *     .build();
 * worker.start();
 * }</pre>
 *
 * <p>The stream to the scheduler is reopened with exponential backoff whenever it breaks. {@link
 * #stop(Duration)} stops taking work, lets started items finish within the timeout, and gives back
 * the rest.
 */
public final class TaskhubWorker implements AutoCloseable {
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final WorkItemProcessor processor;
  private final WorkItemStream stream;
  private final OrchestrationExecutor executor;
  private final Duration closeTimeout;
  private boolean started;
  private volatile boolean stopped;

  private TaskhubWorker(Builder builder) {
    this.ownsChannel = builder.channel == null;
    this.channel = ownsChannel ? builder.connection.openChannel() : builder.channel;
    this.closeTimeout = builder.closeTimeout;
    CallHeaders interceptor =
        CallHeaders.of(builder.connection)
            .with("workerid", workerId())
            .withAccessToken(builder.accessToken);
    this.executor =
        new OrchestrationExecutor(
            builder.orchestrations, builder.converter, builder.orchestrationCacheSize);
    this.processor =
        new WorkItemProcessor(
            TaskHubSidecarServiceGrpc.newBlockingStub(channel)
                .withInterceptors(interceptor)
                .withMaxOutboundMessageSize(ConnectionSettings.MAX_INBOUND_MESSAGE_BYTES),
            executor,
            builder.activities,
            new EntityExecutor(builder.entities, builder.converter, Clock.systemUTC()),
            builder.converter,
            new WorkItemProcessor.Limits(
                builder.maxConcurrentActivities,
                builder.maxConcurrentOrchestrations,
                builder.maxConcurrentEntities),
            builder.versioning);
    GetWorkItemsRequest.Builder request =
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentActivityWorkItems(builder.maxConcurrentActivities)
            .setMaxConcurrentOrchestrationWorkItems(builder.maxConcurrentOrchestrations)
            .setMaxConcurrentEntityWorkItems(builder.maxConcurrentEntities);
    if (builder.workItemFilters) {
      request.setWorkItemFilters(
          filtersFor(
              builder.orchestrations.keySet(),
              builder.activities.keySet(),
              builder.entities.keySet(),
              builder.versioning));
    }
    // A worker that keeps runs warm says so, and is sent only the history it has not seen.
    CallHeaders streamHeaders =
        builder.orchestrationCacheSize > 0
            ? interceptor.with(
                OrchestrationExecutor.WARM_RUNS_HEADER,
                Integer.toString(builder.orchestrationCacheSize))
            : interceptor;
    this.stream =
        new WorkItemStream(
            TaskHubSidecarServiceGrpc.newStub(channel)
                // The stream's callbacks only queue work items for their threads: running them on
                // the transport's own thread spares a hand-off per work item.
                .withExecutor(Runnable::run)
                .withInterceptors(streamHeaders)
                .withMaxInboundMessageSize(ConnectionSettings.MAX_INBOUND_MESSAGE_BYTES),
            TaskHubSidecarServiceGrpc.newBlockingStub(channel).withInterceptors(interceptor),
            request.build(),
            processor::accept,
            new Backoff(builder.initialBackoff, builder.maxBackoff));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Filters naming what the worker registered, the orchestrations at its version if it runs only
   * that one: it is sent nothing else.
   */
  private static WorkItemFilters filtersFor(
      Collection<String> orchestrations,
      Collection<String> activities,
      Collection<String> entities,
      Versioning versioning) {
    WorkItemFilters.Builder filters = WorkItemFilters.newBuilder();
    boolean strict = versioning != null && versioning.match() == Versioning.Match.STRICT;
    orchestrations.stream()
        .sorted()
        .forEach(
            name -> {
              OrchestrationFilter.Builder filter = OrchestrationFilter.newBuilder().setName(name);
              if (strict) {
                filter.addVersions(versioning.version());
              }
              filters.addOrchestrations(filter);
            });
    activities.stream()
        .sorted()
        .forEach(name -> filters.addActivities(ActivityFilter.newBuilder().setName(name)));
    entities.stream()
        .sorted()
        .forEach(name -> filters.addEntities(EntityFilter.newBuilder().setName(name)));
    return filters.build();
  }

  /**
   * Connects and starts taking work; returns at once (connecting and reconnecting happen in the
   * background).
   *
   * @throws IllegalStateException if the worker was started before
   */
  public synchronized TaskhubWorker start() {
    if (started) {
      throw new IllegalStateException("The worker was started already");
    }
    started = true;
    stream.start();
    return this;
  }

  /** True once {@link #stop} (or {@link #close}) was called: the worker takes no new work. */
  public boolean isStopping() {
    return stopped;
  }

  /** True while the worker has an open work item stream. */
  public boolean isConnected() {
    return stream.connected();
  }

  /**
   * Stops gracefully: takes no new work items, waits up to {@code timeout} for the ones it started,
   * then closes the stream, which gives back to the scheduler every item it did not finish (another
   * worker takes them), and interrupts what still runs. Idempotent.
   *
   * @return true if every started item finished in time
   */
  public synchronized boolean stop(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (stopped) {
      return true;
    }
    stopped = true;
    processor.stopAccepting();
    boolean finished = processor.awaitIdle(timeout);
    stream.stop();
    processor.abandonUnfinished();
    processor.shutdownNow();
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.shutdownNow();
      }
    }
    return finished;
  }

  /** {@link #stop(Duration)} with the builder's close timeout (30 s unless set). */
  @Override
  public void close() {
    stop(closeTimeout);
  }

  /** What the replay engine has done so far (episodes, replayed events, warm resumes). */
  public ReplayStatistics replayStatistics() {
    return executor.statistics();
  }

  /** Activities this worker ran and answered. */
  public long activitiesCompleted() {
    return processor.activitiesCompleted();
  }

  private static String workerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "," + ManagementFactory.getRuntimeMXBean().getPid() + "," + UUID.randomUUID();
  }

  /** Configures a {@link TaskhubWorker}. */
  public static final class Builder {
    private ConnectionSettings connection;
    private ManagedChannel channel;
    private final Map<String, Orchestration> orchestrations = new HashMap<>();
    private final Map<String, Activity> activities = new HashMap<>();
    private final Map<String, Supplier<? extends Entity>> entities = new HashMap<>();
    private DataConverter converter = new JacksonDataConverter();
    // As the .NET Durable Task SDK: activities mostly wait (on I/O, on other services), and with
    // 100 the worker left a W1 fan-out waiting for credit it could have used.
    private int maxConcurrentActivities = 100 * Runtime.getRuntime().availableProcessors();
    private int maxConcurrentOrchestrations =
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    private int maxConcurrentEntities = maxConcurrentOrchestrations;
    private int orchestrationCacheSize = 1000;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Supplier<String> accessToken;
    private boolean workItemFilters = true;
    private Versioning versioning;

    private Builder() {}

    /**
     * Where to connect, as a DTS-style connection string.
     *
     * @throws TaskhubException.InvalidConfiguration naming the offending key or value
     */
    public Builder connectionString(String connectionString) {
      return connection(ConnectionSettings.fromConnectionString(connectionString));
    }

    /** Where to connect; the worker opens and closes its own channel. */
    public Builder connection(ConnectionSettings settings) {
      this.connection = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Uses a channel the caller owns (and closes); {@code settings} still names the task hub. */
    public Builder channel(ManagedChannel managedChannel, ConnectionSettings settings) {
      this.channel = Objects.requireNonNull(managedChannel, "managedChannel");
      return connection(settings);
    }

    /**
     * Registers an orchestrator under a name.
     *
     * @throws IllegalArgumentException if the name is empty or taken
     */
    public Builder addOrchestration(String name, Orchestration orchestration) {
      register(orchestrations, "orchestration", name, orchestration);
      return this;
    }

    /**
     * Registers an activity under a name.
     *
     * @throws IllegalArgumentException if the name is empty or taken
     */
    public Builder addActivity(String name, Activity activity) {
      register(activities, "activity", name, activity);
      return this;
    }

    /** Registers an activity that only needs its input, read as {@code inputType}. */
    public <I> Builder addActivity(String name, Class<I> inputType, Activity.WithInput<I> body) {
      Objects.requireNonNull(inputType, "inputType");
      Objects.requireNonNull(body, "body");
      return addActivity(name, context -> body.apply(context.getInput(inputType)));
    }

    /**
     * Registers an entity that gets a new instance from {@code factory} for every batch — a {@link
     * dev.taskhub.sdk.entity.TaskEntity} subclass ({@code addEntity("Counter", Counter::new)}).
     * Entity names are case-insensitive: {@code Counter} serves the ids {@code @counter@…}.
     *
     * @throws IllegalArgumentException if the name is empty, contains {@code @}, or is taken (in
     *     any case)
     */
    public Builder addEntity(String name, Supplier<? extends Entity> factory) {
      Objects.requireNonNull(factory, "factory");
      if (name != null && name.indexOf('@') >= 0) {
        throw new IllegalArgumentException("An entity name must not contain '@': '" + name + "'");
      }
      register(entities, "entity", name == null ? null : name.toLowerCase(Locale.ROOT), factory);
      return this;
    }

    /**
     * Registers an entity written as one function over its operations ({@link Entity}); see {@link
     * #addEntity(String, Supplier)}.
     *
     * @throws IllegalArgumentException if the name is empty, contains {@code @}, or is taken
     */
    public Builder addEntity(String name, Entity entity) {
      Objects.requireNonNull(entity, "entity");
      return addEntity(name, () -> entity);
    }

    private static <T> void register(Map<String, T> registry, String kind, String name, T value) {
      Objects.requireNonNull(value, kind);
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("The " + kind + " name must not be empty");
      }
      if (registry.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException(
            "An " + kind + " named '" + name + "' is registered already");
      }
    }

    /**
     * Sends {@code authorization: Bearer <token>} on every call, the token taken from the supplier
     * each time (for endpoints behind an authenticating proxy).
     */
    public Builder accessToken(Supplier<String> token) {
      this.accessToken = Objects.requireNonNull(token, "token");
      return this;
    }

    public Builder dataConverter(DataConverter dataConverter) {
      this.converter = Objects.requireNonNull(dataConverter, "dataConverter");
      return this;
    }

    /**
     * Whether the worker asks the scheduler for only the orchestrations and activities it
     * registered (default true, as the .NET SDK does): work it does not host goes to workers that
     * host it, or waits for one. Off, it is sent everything, and fails what it does not host
     * ({@code OrchestrationNotRegistered}, {@code ActivityNotRegistered}).
     */
    public Builder workItemFilters(boolean enabled) {
      this.workItemFilters = enabled;
      return this;
    }

    /**
     * Which orchestration versions the worker runs ({@link Versioning}); by default every version.
     */
    public Builder versioning(Versioning versioning) {
      this.versioning = Objects.requireNonNull(versioning, "versioning");
      return this;
    }

    /** Activities run at once, each on a virtual thread (default 100 per processor). */
    public Builder maxConcurrentActivities(int max) {
      this.maxConcurrentActivities = positive("maxConcurrentActivities", max);
      return this;
    }

    /** Orchestrator episodes run at once (default twice the processors, at least 4). */
    public Builder maxConcurrentOrchestrations(int max) {
      this.maxConcurrentOrchestrations = positive("maxConcurrentOrchestrations", max);
      return this;
    }

    /**
     * How many orchestration runs stay warm between episodes so the next one need not replay
     * history (default 1000; 0 replays every episode from the start). With warm runs, a Taskhub
     * scheduler sends an instance's next episode with only the history this worker has not seen; a
     * run evicted meanwhile is answered with {@code requiresHistory} and sent the whole.
     */
    public Builder orchestrationCacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException(
            "orchestrationCacheSize must not be negative, was " + size);
      }
      this.orchestrationCacheSize = size;
      return this;
    }

    /**
     * Entity batches run at once, each on a virtual thread (default: as many as orchestrator
     * episodes). A batch runs the operations of one entity in order.
     */
    public Builder maxConcurrentEntities(int max) {
      this.maxConcurrentEntities = positive("maxConcurrentEntities", max);
      return this;
    }

    /** Reconnect delays: from {@code initial}, doubling up to {@code max} (100 ms to 10 s). */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      if (!initial.isPositive() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "reconnectBackoff needs 0 < initial <= max, was " + initial + " and " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How long {@link TaskhubWorker#close()} lets started items finish (default 30 s). */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * @throws TaskhubException.InvalidConfiguration if no connection was given
     */
    public TaskhubWorker build() {
      if (connection == null) {
        throw new TaskhubException.InvalidConfiguration(
            "A worker needs a connection: call connectionString(...) or connection(...)");
      }
      return new TaskhubWorker(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
