package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.server.testing.TestScheduler;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Payloads are JSON by default (records and java.time need no setup); converters are pluggable. */
class DataConversionTest {
  record Shipment(String id, Instant sentAt, Duration eta, LocalDate due, OffsetDateTime local) {}

  private final JacksonDataConverter json = new JacksonDataConverter();

  @Test
  void recordsWithJavaTimeFieldsRoundTripAsIsoText() {
    Shipment shipment =
        new Shipment(
            "s-1",
            Instant.parse("2026-05-06T07:08:09.010Z"),
            Duration.ofMinutes(45),
            LocalDate.of(2026, 5, 8),
            OffsetDateTime.of(2026, 5, 6, 9, 8, 9, 0, ZoneOffset.ofHours(2)));

    String text = json.serialize(shipment);

    assertThat(text)
        .contains("\"sentAt\":\"2026-05-06T07:08:09.010Z\"")
        .contains("\"eta\":\"PT45M\"");
    assertThat(json.<Shipment>deserialize(text, Shipment.class)).isEqualTo(shipment);
  }

  @Test
  void unknownPropertiesAreIgnoredSoPayloadsCanGrow() {
    Shipment read = json.deserialize("{\"id\":\"s-2\",\"weightKg\":3}", (Type) Shipment.class);
    assertThat(read.id()).isEqualTo("s-2");
  }

  @Test
  void malformedJsonIsADataConversionErrorNamingTheType() {
    assertThatThrownBy(() -> json.deserialize("{not json", Shipment.class))
        .isInstanceOf(TaskhubException.DataConversion.class)
        .hasMessageContaining("Shipment");
  }

  /** A pluggable converter: JSON, counting its calls. */
  static final class CountingConverter implements DataConverter {
    final AtomicInteger calls = new AtomicInteger();
    private final DataConverter delegate = new JacksonDataConverter();

    @Override
    public String serialize(Object value) {
      calls.incrementAndGet();
      return delegate.serialize(value);
    }

    @Override
    public <T> T deserialize(String data, Type type) {
      calls.incrementAndGet();
      return delegate.deserialize(data, type);
    }
  }

  @Test
  void workersAndClientsUseTheConfiguredConverter() {
    CountingConverter workerConverter = new CountingConverter();
    CountingConverter clientConverter = new CountingConverter();
    try (TestScheduler scheduler = TestScheduler.builder().start()) {
      Sdk.startWorker(
          scheduler,
          Sdk.workerBuilder(scheduler)
              .dataConverter(workerConverter)
              .addOrchestration(
                  "Total",
                  ctx -> {
                    Map<?, ?> order = ctx.getInput(Map.class);
                    return ctx.callActivity("Sum", order.get("items"), Integer.class).await();
                  })
              .addActivity(
                  "Sum", Integer[].class, items -> List.of(items).stream().mapToInt(i -> i).sum()));
      TaskhubClient client =
          TaskhubClient.builder()
              .connection(Sdk.connection(scheduler))
              .dataConverter(clientConverter)
              .build();
      try (client) {
        var done =
            client.waitForCompletion(
                client.scheduleNewOrchestration("Total", Map.of("items", List.of(1, 2, 3))),
                Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
        assertThat(done.readOutputAs(Integer.class)).isEqualTo(6);
      }
    }
    assertThat(workerConverter.calls.get()).isGreaterThanOrEqualTo(4);
    assertThat(clientConverter.calls.get()).isEqualTo(2);
  }
}
