package dev.taskhub.server.tracing;

import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TraceContext;
import dev.taskhub.server.engine.Tracing;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link Tracing} over OpenTelemetry: every span is built when it ends, from durable
 * data, with its start time from history (or the activity row) and, for the spans others point at,
 * an id derived from the store's keys ({@link SpanIds}). The trace:
 *
 * <pre>
 * caller's span (CreateInstanceRequest.parentTraceContext), or a trace of the instance's own
 * └─ instance NAME          ExecutionStarted → the step that ended the execution (a worker's, or
 *    │                      the server's: a termination no worker ran, a poison failure)
 *    ├─ episode NAME        each episode: built for dispatch → answer committed, or given back
 *    │                      (lease expired, abandoned, worker gone: an error status and the reason)
 *    ├─ timer               TimerCreated → delivered in an episode
 *    ├─ event EVENT         EventRaised → delivered in an episode
 *    ├─ (SDK's span of the schedule, if it sent one)
 *    │  └─ activity NAME    scheduled → completion committed
 *    │     ├─ attempt NAME  each dispatch → completed, or given back (as episodes are)
 *    │     └─ (worker's span of the run: ActivityRequest.parentTraceContext names this one)
 *    └─ instance CHILD      sub-orchestrations, in the same trace
 * </pre>
 *
 * One span per execution rather than a "created" and an "ended" span: a trace viewer then shows the
 * instance as one bar with its episodes and activities inside, which is what one reads a trace for.
 * Its price is that a running instance's span is exported only when it ends; its children arrive
 * first and name it as their parent.
 */
public final class OtelTracing implements Tracing {
  private static final Logger log = LoggerFactory.getLogger(OtelTracing.class);

  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("durabletask.type");
  private static final AttributeKey<String> NAME = AttributeKey.stringKey("durabletask.task.name");
  private static final AttributeKey<String> VERSION =
      AttributeKey.stringKey("durabletask.task.version");
  private static final AttributeKey<String> INSTANCE_ID =
      AttributeKey.stringKey("durabletask.task.instance_id");
  private static final AttributeKey<String> EXECUTION_ID =
      AttributeKey.stringKey("durabletask.task.execution_id");
  private static final AttributeKey<Long> TASK_ID =
      AttributeKey.longKey("durabletask.task.task_id");
  private static final AttributeKey<String> STATUS =
      AttributeKey.stringKey("durabletask.runtime_status");
  private static final AttributeKey<String> FIRE_AT = AttributeKey.stringKey("durabletask.fire_at");
  private static final AttributeKey<String> EVENT_NAME =
      AttributeKey.stringKey("durabletask.event.name");
  private static final AttributeKey<String> HUB = AttributeKey.stringKey("taskhub.hub");
  private static final AttributeKey<Long> NEW_EVENTS = AttributeKey.longKey("taskhub.new_events");
  private static final AttributeKey<Long> APPENDED =
      AttributeKey.longKey("taskhub.appended_events");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("taskhub.attempt");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("taskhub.outcome");

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final ChosenIds ids = new ChosenIds();

  private OtelTracing(SpanProcessor processor) {
    this.provider =
        SdkTracerProvider.builder()
            .setIdGenerator(ids)
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "taskhub"))))
            .addSpanProcessor(processor)
            .build();
    this.tracer = provider.get("dev.taskhub.server");
  }

  /** Exports in batches over OTLP/HTTP (protobuf) to {@code endpoint}, e.g. a collector. */
  public static OtelTracing otlp(URI endpoint) {
    SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint.toString()).build();
    return new OtelTracing(BatchSpanProcessor.builder(exporter).build());
  }

  /** Hands every span to {@code exporter} as it ends (tests: an in-memory exporter). */
  public static OtelTracing exportingTo(SpanExporter exporter) {
    return new OtelTracing(SimpleSpanProcessor.create(exporter));
  }

  // ---------------------------------------------------------------- Tracing

  @Override
  public TraceContext activityParent(OrchestrationWorkItem workItem, List<HistoryEvent> delivered) {
    HistoryEvent started = Executions.started(workItem, delivered);
    if (started == null) {
      return null;
    }
    SpanContext instance = instanceContext(workItem, started);
    return TraceParents.format(
        instance.getTraceId(),
        instance.getSpanId(),
        instance.getTraceFlags(),
        instance.getTraceState());
  }

  @Override
  public ActivityRequest dispatching(ActivityTask task) {
    ActivityRequest request = task.request();
    SpanContext parent = TraceParents.parse(request.getParentTraceContext());
    if (!parent.isValid()) {
      return request; // scheduled while tracing was off: no trace to join
    }
    String span = SpanIds.activitySpan(task.key(), task.executionId(), task.taskId());
    return request.toBuilder()
        .setParentTraceContext(
            TraceParents.format(
                parent.getTraceId(), span, parent.getTraceFlags(), parent.getTraceState()))
        .build();
  }

  @Override
  public void episodeCommitted(
      OrchestrationWorkItem workItem,
      List<HistoryEvent> delivered,
      OrchestrationStep step,
      long committedAt) {
    guarded(
        "episode of " + workItem.instance().key(),
        () -> traceEpisode(workItem, delivered, step, committedAt));
  }

  @Override
  public void episodeAbandoned(
      OrchestrationWorkItem workItem, List<HistoryEvent> delivered, long endedAt, String reason) {
    guarded(
        "abandoned episode of " + workItem.instance().key(),
        () -> {
          HistoryEvent started = Executions.started(workItem, delivered);
          if (started == null) {
            return;
          }
          String name = started.getExecutionStarted().getName();
          Span span =
              start(
                  "episode " + name,
                  instanceContext(workItem, started),
                  nanos(delivered.get(0).getTimestamp()),
                  instanceAttributes(
                          workItem.instance().key(),
                          workItem.instance().executionId(),
                          name,
                          "orchestration")
                      .put(NEW_EVENTS, delivered.size())
                      .put(OUTCOME, reason));
          span.setStatus(StatusCode.ERROR, reason);
          span.end(millisToNanos(endedAt), TimeUnit.NANOSECONDS);
        });
  }

  @Override
  public void serverStepCommitted(
      OrchestrationWorkItem workItem, OrchestrationStep step, long committedAt) {
    if (!step.terminal()) {
      return; // a rewind: the execution goes on, and so does its span
    }
    guarded(
        "server-side end of " + workItem.instance().key(),
        () -> {
          HistoryEvent started = Executions.started(workItem, step.history());
          OrchestrationStatus ended = Executions.endedStatus(step);
          if (started != null && ended != null) {
            traceInstance(
                workItem, started, instanceContext(workItem, started), ended, committedAt);
          }
        });
  }

  @Override
  public void activityAttemptEnded(
      ActivityTask task, int attempt, long dispatchedAt, long endedAt, String outcome) {
    guarded(
        "attempt of activity " + task.taskId() + " of " + task.key(),
        () -> {
          SpanContext activity = activityContext(task);
          if (!activity.isValid()) {
            return;
          }
          Span span =
              start(
                  "attempt " + task.request().getName(),
                  activity,
                  millisToNanos(dispatchedAt),
                  activityAttributes(task).put(ATTEMPT, attempt).put(OUTCOME, outcome));
          if (!outcome.equals("completed")) {
            span.setStatus(StatusCode.ERROR, outcome);
          }
          span.end(millisToNanos(endedAt), TimeUnit.NANOSECONDS);
        });
  }

  @Override
  public void activityCompleted(ActivityTask task, HistoryEvent result, long completedAt) {
    guarded(
        "activity " + task.taskId() + " of " + task.key(),
        () -> {
          SpanContext parent = TraceParents.parse(task.request().getParentTraceContext());
          if (!parent.isValid()) {
            return;
          }
          long scheduledAt = task.scheduledAt() > 0 ? task.scheduledAt() : completedAt;
          String spanId = SpanIds.activitySpan(task.key(), task.executionId(), task.taskId());
          Span span =
              ids.choose(
                  spanId,
                  null,
                  () ->
                      start(
                          "activity " + task.request().getName(),
                          parent,
                          millisToNanos(scheduledAt),
                          activityAttributes(task)));
          if (result.hasTaskFailed()) {
            span.setStatus(
                StatusCode.ERROR, result.getTaskFailed().getFailureDetails().getErrorMessage());
          }
          span.end(millisToNanos(completedAt), TimeUnit.NANOSECONDS);
        });
  }

  @Override
  public void close() {
    provider.close(); // exports what is buffered first
  }

  // ---------------------------------------------------------------- spans

  private void traceEpisode(
      OrchestrationWorkItem workItem,
      List<HistoryEvent> delivered,
      OrchestrationStep step,
      long committedAt) {
    HistoryEvent started = Executions.started(workItem, delivered);
    if (started == null) {
      return;
    }
    InstanceKey key = workItem.instance().key();
    String name = started.getExecutionStarted().getName();
    SpanContext instance = instanceContext(workItem, started);
    long dispatchedAt = nanos(delivered.get(0).getTimestamp());
    start(
            "episode " + name,
            instance,
            dispatchedAt,
            instanceAttributes(key, workItem.instance().executionId(), name, "orchestration")
                .put(NEW_EVENTS, delivered.size())
                .put(APPENDED, step.history().size()))
        .end(millisToNanos(committedAt), TimeUnit.NANOSECONDS);
    for (HistoryEvent event : delivered) {
      if (event.hasTimerFired()) {
        traceTimer(workItem, instance, event, dispatchedAt);
      } else if (event.hasEventRaised()) {
        start(
                "event " + event.getEventRaised().getName(),
                instance,
                nanos(event.getTimestamp()),
                instanceAttributes(key, workItem.instance().executionId(), name, "event")
                    .put(EVENT_NAME, event.getEventRaised().getName()))
            .end(dispatchedAt, TimeUnit.NANOSECONDS);
      }
    }
    OrchestrationStatus ended = Executions.endedStatus(step);
    if (ended != null) {
      traceInstance(workItem, started, instance, ended, committedAt);
    }
  }

  private void traceTimer(
      OrchestrationWorkItem workItem, SpanContext instance, HistoryEvent fired, long deliveredAt) {
    HistoryEvent created = Executions.timerCreated(workItem, fired.getTimerFired().getTimerId());
    if (created == null) {
      return;
    }
    start(
            "timer",
            instance,
            nanos(created.getTimestamp()),
            Attributes.builder()
                .put(TYPE, "timer")
                .put(HUB, workItem.instance().key().hub())
                .put(INSTANCE_ID, workItem.instance().key().instanceId())
                .put(TASK_ID, fired.getTimerFired().getTimerId())
                .put(FIRE_AT, instantText(fired.getTimerFired().getFireAt())))
        .end(deliveredAt, TimeUnit.NANOSECONDS);
  }

  private void traceInstance(
      OrchestrationWorkItem workItem,
      HistoryEvent started,
      SpanContext instance,
      OrchestrationStatus ended,
      long committedAt) {
    SpanContext caller = TraceParents.parse(started.getExecutionStarted().getParentTraceContext());
    String name = started.getExecutionStarted().getName();
    AttributesBuilder attributes =
        instanceAttributes(
                workItem.instance().key(), workItem.instance().executionId(), name, "orchestration")
            .put(STATUS, Executions.statusName(ended));
    if (started.getExecutionStarted().hasVersion()) {
      attributes.put(VERSION, started.getExecutionStarted().getVersion().getValue());
    }
    Span span =
        ids.choose(
            instance.getSpanId(),
            instance.getTraceId(),
            () ->
                start(
                    "instance " + name,
                    caller.isValid() ? caller : null,
                    nanos(started.getTimestamp()),
                    attributes));
    if (ended == OrchestrationStatus.ORCHESTRATION_STATUS_FAILED) {
      span.setStatus(StatusCode.ERROR, "failed");
    }
    span.end(millisToNanos(committedAt), TimeUnit.NANOSECONDS);
  }

  /** Starts a span at {@code startNanos} under {@code parent} (a new trace when null). */
  private Span start(
      String name, SpanContext parent, long startNanos, AttributesBuilder attributes) {
    Context context = parent == null ? Context.root() : Context.root().with(Span.wrap(parent));
    return tracer
        .spanBuilder(name)
        .setParent(context)
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(startNanos, TimeUnit.NANOSECONDS)
        .setAllAttributes(attributes.build())
        .startSpan();
  }

  /** The span of the instance's execution: in its caller's trace, or in one of its own. */
  private static SpanContext instanceContext(OrchestrationWorkItem workItem, HistoryEvent started) {
    InstanceKey key = workItem.instance().key();
    String executionId = workItem.instance().executionId();
    SpanContext caller = TraceParents.parse(started.getExecutionStarted().getParentTraceContext());
    String span = SpanIds.instanceSpan(key, executionId);
    return caller.isValid()
        ? SpanContext.createFromRemoteParent(
            caller.getTraceId(), span, caller.getTraceFlags(), caller.getTraceState())
        : SpanContext.createFromRemoteParent(
            SpanIds.instanceTrace(key, executionId),
            span,
            TraceFlags.getSampled(),
            TraceState.getDefault());
  }

  /** The activity's span, in the trace of the context it was scheduled under. */
  private static SpanContext activityContext(ActivityTask task) {
    SpanContext parent = TraceParents.parse(task.request().getParentTraceContext());
    if (!parent.isValid()) {
      return parent;
    }
    return SpanContext.createFromRemoteParent(
        parent.getTraceId(),
        SpanIds.activitySpan(task.key(), task.executionId(), task.taskId()),
        parent.getTraceFlags(),
        parent.getTraceState());
  }

  private static AttributesBuilder instanceAttributes(
      InstanceKey key, String executionId, String name, String type) {
    return Attributes.builder()
        .put(TYPE, type)
        .put(HUB, key.hub())
        .put(NAME, name)
        .put(INSTANCE_ID, key.instanceId())
        .put(EXECUTION_ID, executionId);
  }

  private static AttributesBuilder activityAttributes(ActivityTask task) {
    AttributesBuilder attributes =
        Attributes.builder()
            .put(TYPE, "activity")
            .put(HUB, task.key().hub())
            .put(NAME, task.request().getName())
            .put(INSTANCE_ID, task.key().instanceId())
            .put(EXECUTION_ID, task.executionId())
            .put(TASK_ID, task.taskId());
    if (task.request().hasVersion()) {
      attributes.put(VERSION, task.request().getVersion().getValue());
    }
    return attributes;
  }

  /**
   * Runs one span's work. A span that cannot be built is lost, never the step it describes: the
   * step is committed already, so this is where a tracing failure is handled (logged).
   */
  private static void guarded(String what, Runnable trace) {
    try {
      trace.run();
    } catch (RuntimeException e) {
      log.warn("Could not trace the {}: {}", what, e.toString());
    }
  }

  private static long nanos(Timestamp timestamp) {
    return TimeUnit.SECONDS.toNanos(timestamp.getSeconds()) + timestamp.getNanos();
  }

  private static long millisToNanos(long epochMillis) {
    return TimeUnit.MILLISECONDS.toNanos(epochMillis);
  }

  private static String instantText(Timestamp timestamp) {
    return java.time.Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString();
  }
}
