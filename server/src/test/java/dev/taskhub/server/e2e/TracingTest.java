package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import dev.taskhub.protocol.AbandonActivityTaskRequest;
import dev.taskhub.protocol.AbandonOrchestrationTaskRequest;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TerminateRequest;
import dev.taskhub.protocol.TraceContext;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.engine.Tracing;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import dev.taskhub.server.tracing.OtelTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's spans, exported to an in-memory exporter while the official Java SDK 1.5.0 (or a
 * raw-protocol worker driven by the test) runs orchestrations over real gRPC: which spans there
 * are, and who is whose parent, including for what the server ends itself (a termination, a
 * dispatch given back).
 */
class TracingTest {
  private static final AttributeKey<String> INSTANCE_ID =
      AttributeKey.stringKey("durabletask.task.instance_id");
  private static final AttributeKey<String> STATUS =
      AttributeKey.stringKey("durabletask.runtime_status");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("taskhub.outcome");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("taskhub.attempt");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private TestScheduler server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aFanOutOfThreeExportsTheInstanceItsEpisodesAndEachActivityUnderIt() throws Exception {
    server = TestScheduler.builder().tracing(OtelTracing.exportingTo(exporter)).start();
    SeedActivities.startWorker(server);
    DurableTaskClient client = OfficialSdk.client(server);

    String id =
        client.scheduleNewOrchestrationInstance(
            SeedActivities.ORCHESTRATOR, List.of("Task1", "Task2", "Task3"));
    OrchestrationMetadata done = client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);
    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);

    SpanData instance = awaitSpan(named("instance " + SeedActivities.ORCHESTRATOR));
    assertThat(instance.getParentSpanContext().isValid())
        .as("a root: no caller's context")
        .isFalse();
    assertThat(instance.getAttributes().get(INSTANCE_ID)).isEqualTo(id);
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).allMatch(span -> span.getTraceId().equals(instance.getTraceId()));

    List<SpanData> episodes = spans(named("episode " + SeedActivities.ORCHESTRATOR));
    assertThat(episodes).hasSizeGreaterThanOrEqualTo(2).allMatch(childOf(instance));

    List<SpanData> processes = spans(named("activity " + SeedActivities.PROCESS));
    assertThat(processes).hasSize(3).allMatch(childOf(instance));
    assertThat(spans(named("activity " + SeedActivities.AGGREGATE)))
        .hasSize(1)
        .allMatch(childOf(instance));
    for (SpanData activity : processes) {
      assertThat(activity.getStartEpochNanos())
          .isGreaterThanOrEqualTo(instance.getStartEpochNanos());
      assertThat(activity.getEndEpochNanos()).isLessThanOrEqualTo(instance.getEndEpochNanos());
      assertThat(spans(named("attempt " + SeedActivities.PROCESS).and(childOf(activity))))
          .as("one dispatch of %s", activity.getAttributes())
          .hasSize(1);
    }
    Map<String, Long> kinds =
        spans.stream()
            .collect(
                Collectors.groupingBy(span -> span.getName().split(" ")[0], Collectors.counting()));
    assertThat(kinds).containsEntry("instance", 1L).containsEntry("activity", 4L);
  }

  @Test
  void theTraceContextACallerSendsIsTheParentOfTheInstanceSpan() throws Exception {
    server = TestScheduler.builder().tracing(OtelTracing.exportingTo(exporter)).start();
    SeedActivities.startWorker(server);
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    String id =
        TaskHubSidecarServiceGrpc.newBlockingStub(server.channel())
            .startInstance(
                CreateInstanceRequest.newBuilder()
                    .setInstanceId("traced-1")
                    .setName(SeedActivities.ORCHESTRATOR)
                    .setInput(StringValue.of("[\"Task1\"]"))
                    .setParentTraceContext(
                        TraceContext.newBuilder()
                            .setTraceParent("00-" + traceId + "-" + callerSpan + "-01")
                            .setTraceState(StringValue.of("vendor=1")))
                    .build())
            .getInstanceId();

    SpanData instance = awaitSpan(named("instance " + SeedActivities.ORCHESTRATOR));
    assertThat(instance.getAttributes().get(INSTANCE_ID)).isEqualTo(id);
    assertThat(instance.getTraceId()).isEqualTo(traceId);
    assertThat(instance.getParentSpanId()).isEqualTo(callerSpan);
    assertThat(instance.getSpanContext().getTraceState().get("vendor")).isEqualTo("1");
    assertThat(exporter.getFinishedSpanItems())
        .allMatch(span -> span.getTraceId().equals(traceId))
        .filteredOn(named("activity " + SeedActivities.PROCESS))
        .singleElement()
        .matches(childOf(instance));
  }

  @Test
  void timersAndExternalEventsAreSpansFromCreatedOrRaisedToDelivered() throws Exception {
    server = TestScheduler.builder().tracing(OtelTracing.exportingTo(exporter)).start();
    TaskOrchestrationFactory waits =
        new TaskOrchestrationFactory() {
          @Override
          public String getName() {
            return "waits";
          }

          @Override
          public TaskOrchestration create() {
            return ctx -> {
              ctx.createTimer(Duration.ofMillis(50)).await();
              ctx.complete(ctx.waitForExternalEvent("go", String.class).await());
            };
          }
        };
    OfficialSdk.startWorker(server, waits);
    DurableTaskClient client = OfficialSdk.client(server);

    String id = client.scheduleNewOrchestrationInstance("waits");
    client.raiseEvent(id, "go", "now");
    client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);

    SpanData instance = awaitSpan(named("instance waits"));
    SpanData timer = awaitSpan(named("timer"));
    SpanData event = awaitSpan(named("event go"));
    assertThat(List.of(timer, event)).allMatch(childOf(instance));
    Instant fireAt =
        Instant.parse(timer.getAttributes().get(AttributeKey.stringKey("durabletask.fire_at")));
    assertThat(timer.getEndEpochNanos())
        .as("ends when delivered, at its fire time or later")
        .isGreaterThanOrEqualTo(fireAt.getEpochSecond() * 1_000_000_000L + fireAt.getNano());
    assertThat(timer.getStartEpochNanos()).isGreaterThanOrEqualTo(instance.getStartEpochNanos());
    assertThat(event.getStartEpochNanos()).isGreaterThanOrEqualTo(instance.getStartEpochNanos());
  }

  @Test
  void eachDispatchOfAnActivityIsAnAttemptAndTheWorkerIsToldTheActivitysSpan() throws Exception {
    server =
        TestScheduler.builder()
            .config(c -> c.withLeaseTimeout(Duration.ofMillis(300)))
            .tracing(OtelTracing.exportingTo(exporter))
            .start();
    RawSidecar sidecar = new RawSidecar(server.channel());
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    try (HandDrivenWorker first = HandDrivenWorker.connect(server.channel())) {
      sidecar
          .call()
          .startInstance(
              CreateInstanceRequest.newBuilder()
                  .setInstanceId("attempts-1")
                  .setName("by-hand")
                  .setParentTraceContext(
                      TraceContext.newBuilder()
                          .setTraceParent("00-" + traceId + "-b7ad6b7169203331-01"))
                  .build());
      assertThat(first.next().hasOrchestratorRequest()).isTrue();
      sidecar.answer(
          "attempts-1",
          OrchestratorAction.newBuilder()
              .setId(0)
              .setScheduleTask(ScheduleTaskAction.newBuilder().setName("work"))
              .build());
      WorkItem unanswered = first.next();
      assertThat(unanswered.hasActivityRequest()).isTrue();

      try (HandDrivenWorker second = HandDrivenWorker.connect(server.channel())) {
        WorkItem again = second.next(Duration.ofSeconds(10)); // once the first lease expired
        String told = again.getActivityRequest().getParentTraceContext().getTraceParent();
        sidecar
            .call()
            .completeActivityTask(
                ActivityResponse.newBuilder()
                    .setInstanceId("attempts-1")
                    .setTaskId(0)
                    .setCompletionToken(again.getCompletionToken())
                    .setResult(StringValue.of("1"))
                    .build());

        SpanData activity = awaitSpan(named("activity work"));
        assertThat(told).isEqualTo("00-" + traceId + "-" + activity.getSpanId() + "-01");
        assertThat(unanswered.getActivityRequest().getParentTraceContext().getTraceParent())
            .isEqualTo(told);
        SpanData episode = spans(named("episode by-hand")).getFirst();
        assertThat(activity.getParentSpanId())
            .as("the instance's span (not ended yet), the episode's parent too")
            .isEqualTo(episode.getParentSpanId());
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> spans(named("attempt work")).size() == 2);
        assertThat(spans(named("attempt work")))
            .allMatch(childOf(activity))
            .extracting(span -> span.getAttributes().get(AttributeKey.stringKey("taskhub.outcome")))
            .containsExactlyInAnyOrder("lease expired", "completed");
      }
    }
  }

  @Test
  void aWorkerThatVanishesMidActivityLeavesAnAttemptWithAnErrorUnderTheActivity() throws Exception {
    server = TestScheduler.builder().tracing(OtelTracing.exportingTo(exporter)).start();
    RawSidecar sidecar = new RawSidecar(server.channel());
    try (HandDrivenWorker first = HandDrivenWorker.connect(server.channel())) {
      sidecar.start("vanish-1", "by-hand");
      assertThat(first.next().hasOrchestratorRequest()).isTrue();
      sidecar.answer(
          "vanish-1",
          OrchestratorAction.newBuilder()
              .setId(0)
              .setScheduleTask(ScheduleTaskAction.newBuilder().setName("work"))
              .build());
      assertThat(first.next().hasActivityRequest()).isTrue();

      try (HandDrivenWorker second = HandDrivenWorker.connect(server.channel())) {
        first.disconnect(); // mid-activity, no answer: the activity goes back at once
        WorkItem again = second.next();
        sidecar
            .call()
            .completeActivityTask(
                ActivityResponse.newBuilder()
                    .setInstanceId("vanish-1")
                    .setTaskId(0)
                    .setCompletionToken(again.getCompletionToken())
                    .setResult(StringValue.of("1"))
                    .build());
        assertThat(second.next().hasOrchestratorRequest()).isTrue();
        sidecar.answer("vanish-1", RawSidecar.complete(1, "\"done\""));
      }
    }

    SpanData instance = awaitSpan(named("instance by-hand"));
    SpanData activity = awaitSpan(named("activity work"));
    assertThat(activity).matches(childOf(instance));
    await().atMost(Duration.ofSeconds(10)).until(() -> spans(named("attempt work")).size() == 2);
    List<SpanData> attempts = spans(named("attempt work"));
    assertThat(attempts).allMatch(childOf(activity));
    SpanData vanished = attempts.stream().filter(outcome("worker gone")).findFirst().orElseThrow();
    assertThat(vanished.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(vanished.getStatus().getDescription()).isEqualTo("worker gone");
    assertThat(vanished.getAttributes().get(ATTEMPT)).isEqualTo(1L);
    SpanData completed = attempts.stream().filter(outcome("completed")).findFirst().orElseThrow();
    assertThat(completed.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(completed.getAttributes().get(ATTEMPT)).isEqualTo(2L);
    assertThat(vanished.getEndEpochNanos()).isLessThanOrEqualTo(completed.getStartEpochNanos());
  }

  @Test
  void anAbandonedEpisodeAndAnAbandonedActivityAreErrorSpansUnderTheirParents() throws Exception {
    server = TestScheduler.builder().tracing(OtelTracing.exportingTo(exporter)).start();
    RawSidecar sidecar = new RawSidecar(server.channel());
    try (HandDrivenWorker worker = HandDrivenWorker.connect(server.channel())) {
      sidecar.start("abandon-1", "by-hand");
      WorkItem refused = worker.next();
      sidecar
          .call()
          .abandonTaskOrchestratorWorkItem(
              AbandonOrchestrationTaskRequest.newBuilder()
                  .setCompletionToken(refused.getCompletionToken())
                  .build());
      assertThat(worker.next().hasOrchestratorRequest()).isTrue(); // again, at once
      sidecar.answer(
          "abandon-1",
          OrchestratorAction.newBuilder()
              .setId(0)
              .setScheduleTask(ScheduleTaskAction.newBuilder().setName("work"))
              .build());
      WorkItem activity = worker.next();
      sidecar
          .call()
          .abandonTaskActivityWorkItem(
              AbandonActivityTaskRequest.newBuilder()
                  .setCompletionToken(activity.getCompletionToken())
                  .build());

      SpanData abandonedEpisode = awaitSpan(named("episode by-hand").and(outcome("abandoned")));
      SpanData answered =
          spans(named("episode by-hand")).stream()
              .filter(outcome("abandoned").negate())
              .findFirst()
              .orElseThrow();
      assertThat(abandonedEpisode.getParentSpanId())
          .as("the instance's span, as for the episode answered")
          .isEqualTo(answered.getParentSpanId());
      assertThat(abandonedEpisode.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(abandonedEpisode.getStatus().getDescription()).isEqualTo("abandoned");

      SpanData abandonedAttempt = awaitSpan(named("attempt work").and(outcome("abandoned")));
      String activitySpan =
          activity.getActivityRequest().getParentTraceContext().getTraceParent().split("-")[2];
      assertThat(abandonedAttempt.getParentSpanId()).isEqualTo(activitySpan);
      assertThat(abandonedAttempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(abandonedAttempt.getStatus().getDescription()).isEqualTo("abandoned");
      assertThat(abandonedAttempt.getAttributes().get(ATTEMPT)).isEqualTo(1L);
    }
  }

  @Test
  void aTerminationTheServerRunsEndsTheInstanceSpanAndAnEpisodeLeftUnansweredIsAnError()
      throws Exception {
    server = TestScheduler.builder().tracing(OtelTracing.exportingTo(exporter)).start();
    RawSidecar sidecar = new RawSidecar(server.channel());
    try (HandDrivenWorker worker = HandDrivenWorker.connect(server.channel())) {
      sidecar.start("ends-1", "by-hand");
      assertThat(worker.next().hasOrchestratorRequest()).isTrue();
      sidecar.answer("ends-1"); // nothing to do yet: running, waiting for an event
      sidecar.raise("ends-1", "go");
      assertThat(worker.next().hasOrchestratorRequest()).isTrue();
      worker.disconnect(); // before answering it
    }
    SpanData unanswered = awaitSpan(named("episode by-hand").and(outcome("worker gone")));

    // No worker is connected: the server ends the instance itself.
    sidecar
        .call()
        .terminateInstance(
            TerminateRequest.newBuilder()
                .setInstanceId("ends-1")
                .setOutput(StringValue.of("\"enough\""))
                .build());

    SpanData instance = awaitSpan(named("instance by-hand"));
    assertThat(instance.getAttributes().get(STATUS)).isEqualTo("TERMINATED");
    assertThat(instance.getParentSpanContext().isValid()).isFalse();
    assertThat(spans(named("episode by-hand"))).hasSize(2).allMatch(childOf(instance));
    assertThat(unanswered.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(unanswered.getStatus().getDescription()).isEqualTo("worker gone");
    assertThat(unanswered.getEndEpochNanos()).isLessThanOrEqualTo(instance.getEndEpochNanos());
  }

  @Test
  void theOfficialJavaSdkSendsNoTraceContextSoEachInstanceIsATraceOfItsOwn() throws Exception {
    // Its 1.5.0 protocol has no parentTraceContext field to send one in, nor one to receive.
    assertThat(
            OrchestratorService.CreateInstanceRequest.getDescriptor()
                .findFieldByName("parentTraceContext"))
        .isNull();
    assertThat(
            OrchestratorService.ScheduleTaskAction.getDescriptor()
                .findFieldByName("parentTraceContext"))
        .isNull();
    assertThat(
            OrchestratorService.ActivityRequest.getDescriptor()
                .findFieldByName("parentTraceContext"))
        .isNull();
    server = TestScheduler.builder().tracing(OtelTracing.exportingTo(exporter)).start();
    SeedActivities.startWorker(server);
    DurableTaskClient client = OfficialSdk.client(server);

    List<String> ids =
        List.of(
            client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, List.of("Task1")),
            client.scheduleNewOrchestrationInstance(
                SeedActivities.ORCHESTRATOR, List.of("Task2", "Task3")));
    for (String id : ids) {
      client.waitForInstanceCompletion(id, Duration.ofSeconds(30), false);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spans(named("instance " + SeedActivities.ORCHESTRATOR)).size() == 2);
    Map<String, List<SpanData>> byInstance =
        exporter.getFinishedSpanItems().stream()
            .collect(Collectors.groupingBy(span -> span.getAttributes().get(INSTANCE_ID)));
    assertThat(byInstance).containsOnlyKeys(ids);
    Map<String, String> traces =
        byInstance.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey, entry -> entry.getValue().getFirst().getTraceId()));
    assertThat(Set.copyOf(traces.values())).as("one trace per instance").hasSize(2);
    byInstance.forEach(
        (id, spans) -> {
          SpanData instance =
              spans.stream()
                  .filter(named("instance " + SeedActivities.ORCHESTRATOR))
                  .findFirst()
                  .orElseThrow();
          assertThat(instance.getParentSpanContext().isValid()).as("a root").isFalse();
          assertThat(spans).allMatch(span -> span.getTraceId().equals(instance.getTraceId()));
          assertThat(spans.stream().filter(span -> span.getName().startsWith("activity ")))
              .allMatch(childOf(instance));
        });
  }

  @Test
  void withoutAnOtlpEndpointNoTracerIsBuilt() {
    server = TestScheduler.builder().start();
    assertThat(server.server().tracing()).isSameAs(Tracing.NONE);
  }

  private SpanData awaitSpan(Predicate<SpanData> which) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> exporter.getFinishedSpanItems().stream().anyMatch(which));
    return spans(which).getFirst();
  }

  private List<SpanData> spans(Predicate<SpanData> which) {
    return exporter.getFinishedSpanItems().stream().filter(which).toList();
  }

  private static Predicate<SpanData> outcome(String outcome) {
    return span -> outcome.equals(span.getAttributes().get(OUTCOME));
  }

  private static Predicate<SpanData> named(String name) {
    return span -> span.getName().equals(name);
  }

  private static Predicate<SpanData> childOf(SpanData parent) {
    return span ->
        span.getTraceId().equals(parent.getTraceId())
            && span.getParentSpanId().equals(parent.getSpanId())
            && !span.getParentSpanId().equals(SpanId.getInvalid());
  }
}
