package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast fill writes what the scheduler itself stores when the bench starts and terminates old
 * instances through its gRPC API: the same rows in every table, the same statuses and history
 * events, completion times set, once the instance ids, execution ids and times are set aside.
 */
class OldInstancesFileTest {
  private static final int COUNT = 5;

  /** Columns that differ between any two instances by nature: their ids and when. */
  private static final Set<String> IDS_AND_TIMES =
      Set.of(
          "instance_id",
          "execution_id",
          "created_at",
          "scheduled_start_at",
          "last_updated_at",
          "completed_at");

  @Test
  void writesWhatTheSchedulerStoresForStartedAndTerminatedInstances(@TempDir Path dir)
      throws Exception {
    Path served = dir.resolve("bench-test.db");
    try (SchedulerProcess scheduler = TestSchedulers.start(dir)) {
      ManagedChannel channel = scheduler.endpoint(null).open();
      try {
        OldInstances.create(channel, COUNT);
        awaitTerminated(channel, served);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    Path filled = dir.resolve("filled.db");

    OldInstancesFile.fill(filled, COUNT);

    Snapshot expected = Snapshot.of(served);
    Snapshot actual = Snapshot.of(filled);
    assertEquals(COUNT, actual.instances().size());
    assertEquals(expected.instances(), actual.instances());
    assertEquals(expected.histories(), actual.histories());
    assertEquals(expected.otherRows(), actual.otherRows());
    assertTrue(actual.ordered(), "created <= last updated = completed, for every instance");
    assertTrue(
        actual.instances().getFirst().contains("status=" + terminated()),
        actual.instances().toString());
  }

  private static int terminated() {
    return OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED.getNumber();
  }

  /** Waits, through the scheduler, until each of the served file's instances has ended. */
  private static void awaitTerminated(ManagedChannel channel, Path served) throws SQLException {
    var stub = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
    for (String id : Snapshot.ids(served)) {
      var state =
          stub.withDeadlineAfter(30, TimeUnit.SECONDS)
              .waitForInstanceCompletion(GetInstanceRequest.newBuilder().setInstanceId(id).build())
              .getOrchestrationState();
      assertEquals(
          OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED, state.getOrchestrationStatus());
    }
  }

  /**
   * A store file's contents with ids and times set aside: each instance's row, each history as its
   * events' text, and every other table's rows, all in a stable order.
   */
  private record Snapshot(
      List<String> instances,
      List<List<String>> histories,
      List<String> otherRows,
      boolean ordered) {
    static List<String> ids(Path file) throws SQLException {
      try (Connection connection = open(file);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT instance_id FROM instances")) {
        List<String> ids = new ArrayList<>();
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
        return ids;
      }
    }

    static Snapshot of(Path file) throws Exception {
      try (Connection connection = open(file)) {
        List<String> instances = new ArrayList<>();
        List<List<String>> histories = new ArrayList<>();
        boolean ordered = true;
        for (String id : ids(file)) {
          try (var statement =
              connection.prepareStatement("SELECT * FROM instances WHERE instance_id = ?")) {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
              row.next();
              instances.add(columns(row, id, row.getString("execution_id")));
              long created = row.getLong("created_at");
              long updated = row.getLong("last_updated_at");
              long completed = row.getLong("completed_at");
              ordered &= !row.wasNull() && created <= updated && updated == completed;
              histories.add(history(connection, id, row.getString("execution_id")));
            }
          }
        }
        instances.sort(null);
        List<String> others = new ArrayList<>();
        for (String table : List.of("inbox", "activities", "task_hubs", "retention_policies")) {
          try (Statement statement = connection.createStatement();
              ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            others.add(table + "=" + rows.getLong(1));
          }
        }
        return new Snapshot(
            instances,
            List.copyOf(new java.util.HashSet<>(histories)).stream()
                .sorted(java.util.Comparator.comparing(Object::toString))
                .toList(),
            others,
            ordered);
      }
    }

    private static String columns(ResultSet row, String id, String executionId)
        throws SQLException {
      ResultSetMetaData meta = row.getMetaData();
      TreeMap<String, String> values = new TreeMap<>();
      for (int c = 1; c <= meta.getColumnCount(); c++) {
        String name = meta.getColumnName(c);
        if (!IDS_AND_TIMES.contains(name)) {
          Object value = row.getObject(c);
          values.put(name, value instanceof byte[] bytes ? "bytes:" + bytes.length : "" + value);
        }
      }
      return values.toString().replace(id, "<id>").replace(executionId, "<execution>");
    }

    private static List<String> history(Connection connection, String id, String executionId)
        throws Exception {
      List<String> events = new ArrayList<>();
      try (var statement =
          connection.prepareStatement(
              "SELECT seq, event FROM history WHERE instance_id = ? ORDER BY seq")) {
        statement.setString(1, id);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            HistoryEvent event = HistoryEvent.parseFrom(rows.getBytes("event"));
            events.add(
                rows.getInt("seq")
                    + " "
                    + event
                        .toString()
                        .replace(id, "<id>")
                        .replace(executionId, "<execution>")
                        .replaceAll("seconds: \\d+", "seconds: <t>")
                        .replaceAll("nanos: \\d+", "nanos: <t>"));
          }
        }
      }
      return events;
    }

    private static Connection open(Path file) throws SQLException {
      return DriverManager.getConnection("jdbc:sqlite:" + file);
    }
  }
}
