package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The seed's fan-out in bulk, for tests with several scheduler nodes on one PostgreSQL store:
 * scheduling through the nodes in turn, waiting through a node other than the one that started the
 * instance, and checking the outputs and the history rows the store holds.
 */
final class FanOuts {
  private static final String HUB = "default";

  /** One fan-out instance: its id and its items, "TaskN" for distinct N, so outputs differ. */
  record FanOut(String id, List<String> items) {
    FanOut(String id, int firstItem, int itemCount) {
      this(
          id, IntStream.range(firstItem, firstItem + itemCount).mapToObj(n -> "Task" + n).toList());
    }
  }

  private FanOuts() {}

  /** Schedules fan-out i through client i mod n. */
  static void schedule(List<FanOut> fanOuts, List<DurableTaskClient> clients) {
    for (int i = 0; i < fanOuts.size(); i++) {
      FanOut fanOut = fanOuts.get(i);
      clients
          .get(i % clients.size())
          .scheduleNewOrchestrationInstance(
              SeedActivities.ORCHESTRATOR, fanOut.items(), fanOut.id());
    }
  }

  /**
   * Waits for every fan-out, fan-out i through client (i + 1) mod n (with several clients, not the
   * node it was scheduled on), all before {@code deadline}. Fails naming the instances that did not
   * finish, with their status and what their history holds.
   */
  static Map<String, OrchestrationMetadata> awaitAll(
      List<FanOut> fanOuts, List<DurableTaskClient> clients, Instant deadline, String store) {
    Map<String, OrchestrationMetadata> done = new LinkedHashMap<>();
    List<String> unfinished = new ArrayList<>();
    for (int i = 0; i < fanOuts.size(); i++) {
      String id = fanOuts.get(i).id();
      DurableTaskClient client = clients.get((i + 1) % clients.size());
      OrchestrationMetadata state;
      Duration left = Duration.between(Instant.now(), deadline);
      try {
        state =
            left.isNegative() || left.isZero()
                ? client.getInstanceMetadata(id, true)
                : client.waitForInstanceCompletion(id, left, true);
      } catch (TimeoutException e) {
        state = client.getInstanceMetadata(id, true);
      }
      if (state.isInstanceFound() && state.isCompleted()) {
        done.put(id, state);
      } else {
        unfinished.add(id);
      }
    }
    if (!unfinished.isEmpty()) {
      throw new AssertionError(
          unfinished.size()
              + " of "
              + fanOuts.size()
              + " instances did not finish in time; the first of them:\n"
              + describe(unfinished.subList(0, Math.min(10, unfinished.size())), clients, store));
    }
    return done;
  }

  private static String describe(List<String> ids, List<DurableTaskClient> clients, String store) {
    StringBuilder text = new StringBuilder();
    try {
      Map<String, List<HistoryEvent>> histories = histories(store);
      for (String id : ids) {
        OrchestrationMetadata now = clients.get(0).getInstanceMetadata(id, false);
        text.append("  ")
            .append(id)
            .append(": ")
            .append(now.isInstanceFound() ? now.getRuntimeStatus() : "not found")
            .append(", history ")
            .append(eventCounts(histories.getOrDefault(id, List.of())))
            .append('\n');
        String ofInstance = "instance_id = '" + id + "'";
        text.append(rows(store, "instances", ofInstance, "input", "output"));
        text.append(rows(store, "activities", ofInstance + " AND completed_at IS NULL", "request"));
        text.append(rows(store, "inbox", ofInstance, "event"));
      }
      text.append("  nodes at ")
          .append(System.currentTimeMillis())
          .append(": ")
          .append(TestPostgres.query(store, "SELECT to_jsonb(n)::text FROM nodes n"))
          .append('\n');
    } catch (RuntimeException e) {
      text.append("  (could not read more: ").append(e).append(")\n");
    }
    return text.toString();
  }

  /** Rows of a table as JSON, without the (long) columns named. */
  private static String rows(String store, String table, String where, String... without) {
    StringBuilder columns = new StringBuilder("to_jsonb(t)");
    for (String column : without) {
      columns.append(" - '").append(column).append('\'');
    }
    List<String> rows =
        TestPostgres.query(
            store,
            "SELECT (" + columns + ")::text FROM " + table + " t WHERE " + where + " ORDER BY 1");
    return rows.isEmpty()
        ? ""
        : "    " + table + ": " + String.join("\n    " + table + ": ", rows) + "\n";
  }

  /** How many events of each type a history holds, e.g. {@code {TASKSCHEDULED=3, ...}}. */
  static Map<HistoryEvent.EventTypeCase, Long> eventCounts(List<HistoryEvent> history) {
    return history.stream()
        .collect(
            Collectors.groupingBy(
                HistoryEvent::getEventTypeCase, TreeMap::new, Collectors.counting()));
  }

  /**
   * Asserts that every fan-out completed with the exact aggregate of its items, that the store
   * holds these instances and no other, and that each history records every task (the items, then
   * the aggregate) scheduled once and completed once, and one completion of the orchestration.
   */
  static void assertAllCompletedExactlyOnce(
      List<FanOut> fanOuts, Map<String, OrchestrationMetadata> done, String store) {
    for (FanOut fanOut : fanOuts) {
      assertAggregated(fanOut, done.get(fanOut.id()));
    }
    assertThat(TestPostgres.query(store, "SELECT instance_id FROM instances"))
        .as("instances in the store")
        .containsExactlyInAnyOrderElementsOf(fanOuts.stream().map(FanOut::id).toList());
    Map<String, List<HistoryEvent>> histories = histories(store);
    List<String> wrong = new ArrayList<>();
    for (FanOut fanOut : fanOuts) {
      wrong.addAll(notRecordedOnce(fanOut, histories.getOrDefault(fanOut.id(), List.of())));
    }
    assertThat(wrong).as("history entries not recorded exactly once").isEmpty();
  }

  static void assertAggregated(FanOut fanOut, OrchestrationMetadata done) {
    List<String> items = fanOut.items();
    assertThat(done.getRuntimeStatus())
        .as("status of %s", fanOut.id())
        .isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    Map<?, ?> summary = done.readOutputAs(Map.class);
    assertThat(summary.get("total_items_processed"))
        .as("items processed by %s", fanOut.id())
        .isEqualTo(items.size());
    assertThat(summary.get("total_value"))
        .as("total value of %s", fanOut.id())
        .isEqualTo(items.stream().mapToInt(SeedActivities::valueOf).sum());
    assertThat(summary.get("processed_items"))
        .as("processed items of %s", fanOut.id())
        .isEqualTo(items.stream().map(item -> "Processed_" + item).toList());
  }

  /** What in the history is not exactly once, one line each; empty if all is well. */
  private static List<String> notRecordedOnce(FanOut fanOut, List<HistoryEvent> history) {
    Map<Integer, Long> scheduled =
        count(history, HistoryEvent::hasTaskScheduled, HistoryEvent::getEventId);
    Map<Integer, Long> completed =
        count(
            history,
            HistoryEvent::hasTaskCompleted,
            event -> event.getTaskCompleted().getTaskScheduledId());
    List<String> wrong = new ArrayList<>();
    // Tasks 0..n-1 process the n items, task n aggregates them.
    int tasks = fanOut.items().size() + 1;
    for (int task : union(scheduled, completed, tasks)) {
      long timesScheduled = scheduled.getOrDefault(task, 0L);
      long timesCompleted = completed.getOrDefault(task, 0L);
      if (task >= tasks || timesScheduled != 1 || timesCompleted != 1) {
        wrong.add(
            fanOut.id()
                + " task "
                + task
                + ": scheduled "
                + timesScheduled
                + "x, completed "
                + timesCompleted
                + "x");
      }
    }
    long failed = history.stream().filter(HistoryEvent::hasTaskFailed).count();
    List<OrchestrationStatus> ends =
        history.stream()
            .filter(HistoryEvent::hasExecutionCompleted)
            .map(event -> event.getExecutionCompleted().getOrchestrationStatus())
            .toList();
    if (failed > 0 || !ends.equals(List.of(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED))) {
      wrong.add(fanOut.id() + ": " + failed + " TaskFailed, ExecutionCompleted " + ends);
    }
    return wrong;
  }

  private static List<Integer> union(Map<Integer, Long> a, Map<Integer, Long> b, int tasks) {
    return IntStream.concat(
            IntStream.range(0, tasks),
            IntStream.concat(
                a.keySet().stream().mapToInt(Integer::intValue),
                b.keySet().stream().mapToInt(Integer::intValue)))
        .distinct()
        .sorted()
        .boxed()
        .toList();
  }

  private static Map<Integer, Long> count(
      List<HistoryEvent> history,
      Predicate<HistoryEvent> kind,
      Function<HistoryEvent, Integer> taskId) {
    return history.stream()
        .filter(kind)
        .collect(Collectors.groupingBy(taskId, Collectors.counting()));
  }

  /**
   * Every instance's history in the default hub, by instance id, read from the store's rows ({@code
   * history.event} holds a serialized {@link HistoryEvent}), not through any node.
   */
  static Map<String, List<HistoryEvent>> histories(String store) {
    Map<String, List<HistoryEvent>> histories = new LinkedHashMap<>();
    List<String> rows =
        TestPostgres.query(
            store,
            "SELECT instance_id || ' ' || encode(event, 'hex') FROM history WHERE hub = '"
                + HUB
                + "' ORDER BY instance_id, seq");
    for (String row : rows) {
      int space = row.lastIndexOf(' ');
      histories
          .computeIfAbsent(row.substring(0, space), id -> new ArrayList<>())
          .add(parse(row.substring(space + 1)));
    }
    return histories;
  }

  private static HistoryEvent parse(String hex) {
    try {
      return HistoryEvent.parseFrom(HexFormat.of().parseHex(hex));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("A history row does not hold a HistoryEvent", e);
    }
  }
}
