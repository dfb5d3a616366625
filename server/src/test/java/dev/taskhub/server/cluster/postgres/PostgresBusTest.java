package dev.taskhub.server.cluster.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.server.cluster.ClusterMessage;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.store.postgres.PostgresLocation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The cluster bus between nodes of one real PostgreSQL database (see {@link TestPostgres}): what
 * one node publishes reaches the others, quickly, merged, only within its schema, and across a
 * database restart.
 */
class PostgresBusTest {
  private static final String HUB = "hub \"ü\" 東京 🚀 \\ '%'";

  @Test
  void anotherNodeReceivesEveryKindOfMessageAndTheSenderNoneOfItsOwn() {
    String location = TestPostgres.newSchema();
    try (Node a = Node.start(location, "node-a");
        Node b = Node.start(location, "node-b")) {
      List<ClusterMessage> sent =
          List.of(
              ClusterMessage.work("node-a", HUB),
              ClusterMessage.wake("node-a", HUB, List.of("order \"42\"", "é\\n🚀", "plain")),
              ClusterMessage.changed("node-a", "other hub", List.of("x")),
              ClusterMessage.relay("node-a", "node-b"));
      sent.forEach(a.bus()::publish);

      await()
          .untilAsserted(() -> assertThat(b.received()).containsExactlyInAnyOrderElementsOf(sent));

      // One queue carries a database's notifications in commit order: once A holds B's answer, it
      // has read (and skipped) its own messages, which were committed before.
      ClusterMessage answer = ClusterMessage.work("node-b", HUB);
      b.bus().publish(answer);
      await().until(() -> a.received().contains(answer));
      assertThat(a.received()).containsExactly(answer);
    }
  }

  @Test
  void busesOnDifferentSchemasOfOneDatabaseNeverHearEachOther() {
    String first = TestPostgres.newSchema();
    String second = TestPostgres.newSchema();
    try (Node a = Node.start(first, "node-a");
        Node b = Node.start(first, "node-b");
        Node c = Node.start(second, "node-c");
        Node d = Node.start(second, "node-d")) {
      assertThat(a.bus().channel()).isNotEqualTo(c.bus().channel());

      ClusterMessage fromA = ClusterMessage.wake("node-a", "shared hub", List.of("i-1"));
      a.bus().publish(fromA);
      await().until(() -> b.received().contains(fromA));
      ClusterMessage fromD = ClusterMessage.wake("node-d", "shared hub", List.of("i-2"));
      d.bus().publish(fromD);
      await().until(() -> c.received().contains(fromD));

      // C read the database's queue past A's message (committed first) before it got D's.
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () -> {
                assertThat(b.received()).containsExactly(fromA);
                assertThat(c.received()).containsExactly(fromD);
              });
    }
  }

  @Test
  void twentyThousandWakesArriveCompleteInFewPayloadsUnderTheNotifyLimit() throws Exception {
    String location = TestPostgres.newSchema();
    try (Node a = Node.start(location, "node-a");
        Node b = Node.start(location, "node-b");
        Connection raw = TestPostgres.connect(location)) {
      try (Statement listen = raw.createStatement()) {
        listen.execute("LISTEN \"" + b.bus().channel() + "\"");
      }
      List<String> ids = oddInstanceIds(20_000);
      for (String id : ids) {
        a.bus().publish(ClusterMessage.wake("node-a", HUB, List.of(id)));
      }

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> instanceIdsIn(b.received()).size() >= ids.size());
      Set<String> missingOrExtra = new HashSet<>(ids);
      missingOrExtra.removeAll(instanceIdsIn(b.received()));
      assertThat(missingOrExtra).isEmpty();
      assertThat(instanceIdsIn(b.received())).hasSameSizeAs(ids);
      assertThat(b.received())
          .allSatisfy(
              message -> {
                assertThat(message.kind()).isEqualTo(ClusterMessage.Kind.WAKE);
                assertThat(message.hub()).isEqualTo(HUB);
                assertThat(message.fromNode()).isEqualTo("node-a");
              });
      int notifications = b.received().size();
      assertThat(notifications).isLessThan(1_000);

      List<String> payloads = new ArrayList<>();
      await()
          .untilAsserted(
              () -> {
                PGNotification[] next = raw.unwrap(PGConnection.class).getNotifications(100);
                for (PGNotification notification : next == null ? new PGNotification[0] : next) {
                  payloads.add(notification.getParameter());
                }
                assertThat(payloads).hasSize(notifications);
              });
      int largest = payloads.stream().mapToInt(p -> p.getBytes(UTF_8).length).max().orElse(0);
      assertThat(largest).isLessThan(8_000);
      System.out.printf(
          "PostgresBus: %,d WAKE ids arrived in %d notifications, the largest %,d bytes%n",
          ids.size(), notifications, largest);
    }
  }

  @Test
  void aMessageReachesAnotherNodeWithinMilliseconds() throws Exception {
    String location = TestPostgres.newSchema();
    BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    try (Node a = Node.start(location, "node-a");
        PostgresBus b =
            startBus(
                location,
                "node-b",
                message ->
                    arrivals.add(
                        new Arrival(message.instanceIds().getFirst(), System.nanoTime())))) {
      assertThat(b.channel()).isEqualTo(a.bus().channel());
      int count = 200;
      long[] latencies = new long[count];
      for (int i = 0; i < count; i++) {
        String id = "latency-" + i;
        long publishedAt = System.nanoTime();
        a.bus().publish(ClusterMessage.wake("node-a", "hub", List.of(id)));
        Arrival arrival = arrivals.poll(5, TimeUnit.SECONDS);
        assertThat(arrival).as("message %d", i).isNotNull();
        assertThat(arrival.instanceId()).isEqualTo(id);
        latencies[i] = arrival.atNanos() - publishedAt;
      }
      Arrays.sort(latencies);
      double medianMillis = latencies[count / 2] / 1e6;
      System.out.printf(
          "PostgresBus: publish to receive over %d messages: median %.2f ms, p90 %.2f ms, max %.2f"
              + " ms%n",
          count, medianMillis, latencies[count * 9 / 10] / 1e6, latencies[count - 1] / 1e6);
      assertThat(medianMillis).isLessThan(50);
    }
  }

  @Test
  void aDatabaseRestartResyncsTheListenersAndLaterMessagesArrive(@TempDir Path data) {
    try (TestPostgres.Restartable database = TestPostgres.Restartable.start(data);
        Node a = Node.start(database.location(), "node-a");
        Node b = Node.start(database.location(), "node-b")) {
      ClusterMessage before = ClusterMessage.work("node-a", "before");
      a.bus().publish(before);
      await().until(() -> b.received().contains(before));

      database.stop();
      for (int i = 0; i < 100; i++) {
        long startedAt = System.nanoTime();
        a.bus().publish(ClusterMessage.wake("node-a", "down", List.of("while-down-" + i)));
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt))
            .isLessThan(Duration.ofMillis(50));
      }

      database.restart();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> b.received().contains(ClusterMessage.resync()));
      ClusterMessage after = ClusterMessage.work("node-a", "after");
      a.bus().publish(after);
      await().atMost(Duration.ofSeconds(30)).until(() -> b.received().contains(after));
    }
  }

  private static Set<String> instanceIdsIn(List<ClusterMessage> messages) {
    Set<String> ids = new HashSet<>();
    messages.forEach(message -> ids.addAll(message.instanceIds()));
    return ids;
  }

  /** Ids with quotes, backslashes, non-ASCII and emoji, every hundredth the maximum length. */
  private static List<String> oddInstanceIds(int count) {
    List<String> odd = List.of("", " \"quoted\"", " back\\slash", " ü", " 東京", " 🚀", " '%_");
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      String id = "instance-" + i + odd.get(i % odd.size());
      if (i % 100 == 0) {
        id = (id + "é".repeat(100)).substring(0, 100);
      }
      ids.add(id);
    }
    return List.copyOf(ids);
  }

  private static PostgresBus startBus(
      String location, String nodeId, Consumer<ClusterMessage> handler) {
    PostgresBus bus = PostgresBus.open(PostgresLocation.parse(location));
    bus.start(nodeId, handler);
    return bus;
  }

  private record Arrival(String instanceId, long atNanos) {}

  /** A started bus and the messages its handler was given. */
  private record Node(PostgresBus bus, List<ClusterMessage> received) implements AutoCloseable {
    static Node start(String location, String nodeId) {
      List<ClusterMessage> received = new CopyOnWriteArrayList<>();
      return new Node(startBus(location, nodeId, received::add), received);
    }

    @Override
    public void close() {
      bus.close();
    }
  }
}
