package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.server.testing.TestScheduler;
import dev.taskhub.server.tracing.OtelTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK carries OpenTelemetry's context across the scheduler: an instance started inside a span
 * is in that span's trace, and an activity runs with the scheduler's span of it as its current
 * parent, so the application's spans and the scheduler's read as one trace.
 */
class TracePropagationTest {
  private final InMemorySpanExporter schedulerSpans = InMemorySpanExporter.create();
  private final InMemorySpanExporter applicationSpans = InMemorySpanExporter.create();
  private final SdkTracerProvider application =
      SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(applicationSpans))
          .build();
  private final Tracer tracer = application.get("test-application");
  private final List<SpanContext> seenByActivities = new CopyOnWriteArrayList<>();
  private TestScheduler scheduler;

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().tracing(OtelTracing.exportingTo(schedulerSpans)).start();
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .addOrchestration(
                "Greet", ctx -> ctx.callActivity("SayHello", "taskhub", String.class).await())
            .addActivity(
                "SayHello",
                String.class,
                name -> {
                  seenByActivities.add(Span.current().getSpanContext());
                  Span own = tracer.spanBuilder("say hello").startSpan();
                  own.end();
                  return "Hello, " + name;
                }));
  }

  @AfterEach
  void stop() {
    scheduler.close();
    application.close();
  }

  @Test
  void anInstanceStartedInASpanAndItsActivitiesJoinThatSpansTrace() {
    TaskhubClient client = Sdk.client(scheduler);
    Span caller = tracer.spanBuilder("caller").startSpan();
    String id;
    Scope inCaller = caller.makeCurrent();
    try {
      id = client.scheduleNewOrchestration("Greet", null);
    } finally {
      inCaller.close();
      caller.end();
    }
    assertThat(client.waitForCompletion(id, Duration.ofSeconds(30)).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);

    SpanData instance = awaitSchedulerSpan("instance Greet");
    SpanData activity = awaitSchedulerSpan("activity SayHello");
    String trace = caller.getSpanContext().getTraceId();
    assertThat(instance.getTraceId()).isEqualTo(trace);
    assertThat(instance.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(activity.getParentSpanId()).isEqualTo(instance.getSpanId());

    assertThat(seenByActivities)
        .singleElement()
        .satisfies(
            current -> {
              assertThat(current.getTraceId()).isEqualTo(trace);
              assertThat(current.getSpanId())
                  .as("the scheduler's activity span is the current parent")
                  .isEqualTo(activity.getSpanId());
              assertThat(current.isRemote()).isTrue();
            });
    SpanData own =
        applicationSpans.getFinishedSpanItems().stream()
            .filter(span -> span.getName().equals("say hello"))
            .findFirst()
            .orElseThrow();
    assertThat(own.getTraceId()).isEqualTo(trace);
    assertThat(own.getParentSpanId()).isEqualTo(activity.getSpanId());
  }

  @Test
  void withoutACurrentSpanAnInstanceStartsATraceOfItsOwn() {
    TaskhubClient client = Sdk.client(scheduler);
    String id = client.scheduleNewOrchestration("Greet", null);
    client.waitForCompletion(id, Duration.ofSeconds(30));

    SpanData instance = awaitSchedulerSpan("instance Greet");
    assertThat(instance.getParentSpanContext().isValid()).isFalse();
    assertThat(seenByActivities)
        .singleElement()
        .satisfies(current -> assertThat(current.getTraceId()).isEqualTo(instance.getTraceId()));
  }

  private SpanData awaitSchedulerSpan(String name) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                schedulerSpans.getFinishedSpanItems().stream()
                    .anyMatch(span -> span.getName().equals(name)));
    return schedulerSpans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
