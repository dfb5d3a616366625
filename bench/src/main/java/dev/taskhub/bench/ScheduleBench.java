package dev.taskhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code --schedules N}: creates N schedules firing every minute ({@code * * * * *}, {@code
 * allow_all}) through a Taskhub scheduler's HTTP API, lets them fire for a few minutes, then reads
 * each run's instance: its id names its fire time, its {@code createdAt} when the scheduler started
 * it; the difference is the fire lag, reported as min, p50, p99 and max over the measured minutes
 * (the min is how soon after its fire time the scheduler starts firing a minute; the rest adds the
 * time to write the runs). No worker runs: the runs stay pending (what is measured is the
 * scheduler's firing, not the work).
 */
final class ScheduleBench {
  /** What to measure: how many schedules, over how many fire minutes, in which hub. */
  record Plan(int schedules, int minutes, String hub) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String PREFIX = "bench-every-minute-";
  private static final int PARALLEL_CALLS = 16;

  private final URI base;
  private final Plan plan;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ScheduleBench(String httpEndpoint, Plan plan) {
    this.base = URI.create("http://" + httpEndpoint + "/api/v1/hubs/" + plan.hub() + "/");
    this.plan = plan;
  }

  Outcome run() {
    long started = System.nanoTime();
    forEachSchedule(
        i ->
            send(
                "POST",
                "schedules",
                """
                {"id": "%s%d", "orchestration": "BenchScheduled", "cron": "* * * * *",
                 "overlap": "allow_all", "catchUpWindow": "10m"}"""
                    .formatted(PREFIX, i),
                201));
    Instant created = Instant.now();
    System.out.printf(
        "Created %,d schedules firing every minute in %.1f s%n",
        plan.schedules(), (System.nanoTime() - started) / 1e9);
    Instant first = created.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    Instant last = first.plus(Duration.ofMinutes(plan.minutes() - 1));
    System.out.printf(
        "Measuring the fires of %s to %s (%d minutes)%n", first, last, plan.minutes());
    try {
      awaitFired(last);
      List<Double> lags = lags(first, last);
      long expected = (long) plan.schedules() * plan.minutes();
      double[] values = lags.stream().mapToDouble(Double::doubleValue).toArray();
      System.out.printf(
          "Schedule fire lag over %,d runs (expected %,d): min %.3f s, p50 %.3f s, p99 %.3f s, max"
              + " %.3f s%n",
          values.length,
          expected,
          Arrays.stream(values).min().orElse(Double.NaN) / 1000,
          Stats.percentile(50, values) / 1000,
          Stats.percentile(99, values) / 1000,
          Stats.percentile(100, values) / 1000);
      Optional<String> failure =
          values.length == expected
              ? Optional.empty()
              : Optional.of(values.length + " runs of the measured minutes, expected " + expected);
      return new Outcome(List.of(), failure);
    } finally {
      forEachSchedule(i -> send("DELETE", "schedules/" + PREFIX + i, null, 204));
    }
  }

  /** Waits until every schedule's latest run is the last measured fire time. */
  private void awaitFired(Instant last) {
    Instant deadline = last.plus(Duration.ofMinutes(3));
    while (true) {
      JsonNode schedules = send("GET", "schedules", null, 200).get("schedules");
      long done = 0;
      for (JsonNode schedule : schedules) {
        String lastRun = schedule.path("lastRunAt").asText("");
        if (!lastRun.isEmpty() && !Instant.parse(lastRun).isBefore(last)) {
          done++;
        }
      }
      if (done >= plan.schedules()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new BenchException(
            done + " of " + plan.schedules() + " schedules fired " + last + " by " + deadline);
      }
      pause(Duration.ofSeconds(2));
    }
  }

  /** The lag (ms) of every run whose fire time is in {@code [first, last]}. */
  private List<Double> lags(Instant first, Instant last) {
    List<Double> lags = new ArrayList<>();
    String token = null;
    do {
      String query =
          "instances?pageSize=1000&instanceIdPrefix="
              + PREFIX
              + (token == null
                  ? ""
                  : "&continuationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      JsonNode page = send("GET", query, null, 200);
      for (JsonNode instance : page.get("instances")) {
        String id = instance.get("instanceId").asText();
        Instant fireAt = Instant.from(ID_TIME.parse(id.substring(id.lastIndexOf('-') + 1)));
        if (!fireAt.isBefore(first) && !fireAt.isAfter(last)) {
          Instant createdAt = Instant.parse(instance.get("createdAt").asText());
          lags.add((double) Duration.between(fireAt, createdAt).toMillis());
        }
      }
      JsonNode next = page.get("continuationToken");
      token = next == null || next.isNull() ? null : next.asText();
    } while (token != null);
    return lags;
  }

  private interface Call {
    void run(int index);
  }

  private void forEachSchedule(Call call) {
    Semaphore slots = new Semaphore(PARALLEL_CALLS);
    List<Future<?>> calls = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < plan.schedules(); i++) {
        int index = i;
        slots.acquireUninterruptibly();
        calls.add(
            threads.submit(
                () -> {
                  try {
                    call.run(index);
                  } finally {
                    slots.release();
                  }
                }));
      }
      for (Future<?> done : calls) {
        try {
          done.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BenchException("Interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof BenchException bench
              ? bench
              : new BenchException(e.getCause().toString(), e.getCause());
        }
      }
    }
  }

  private JsonNode send(String method, String path, String body, int expected) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new BenchException(
            method
                + " "
                + request.uri()
                + ": HTTP "
                + response.statusCode()
                + " "
                + response.body());
      }
      return response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new BenchException(method + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("Interrupted during " + method + " " + request.uri(), e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("Interrupted while waiting for fires", e);
    }
  }
}
