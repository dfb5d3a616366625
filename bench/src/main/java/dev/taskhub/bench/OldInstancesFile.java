package dev.taskhub.bench;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.SystemTimers;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.Statuses;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The fast way to fill a hub with old instances for {@code --while-purging}: before the scheduler
 * starts, {@code bench/run} runs this on the scheduler's new SQLite file, with the server's class
 * path. Two steps:
 *
 * <ol>
 *   <li>The scheduler's own engine and store, on that file without the network, start and terminate
 *       one instance exactly as {@code StartInstance} and {@code TerminateInstance} do (with no
 *       worker connected the engine ends it itself, TERMINATED): the template.
 *   <li>Its rows (the instance's and its history's; it has no others) are copied for every other
 *       instance, in transactions of {@value #PER_TRANSACTION} instances, with only what differs
 *       between two such instances changed: the instance id, a new execution id (a random UUID, as
 *       the engine makes them) wherever the template's appear, also inside the history events, and
 *       every time, columns and event timestamps alike, moved by the same amount (to when the copy
 *       is written).
 * </ol>
 *
 * So the file holds what the scheduler would have stored itself ({@code OldInstancesFileTest}
 * compares it with what {@link OldInstances} makes a served scheduler store), at the speed of plain
 * inserts rather than of three durable units per instance.
 *
 * <p>This is the only bench class that links the server (a {@code provided} dependency: it is on
 * the server's class path only when {@code bench/run} runs it so).
 */
final class OldInstancesFile {
  /** The hub bench/run's scheduler serves and the bench uses without {@code --taskhub}. */
  static final String HUB = "default";

  static final int PER_TRANSACTION = 10_000;
  private static final Duration ENDED_PATIENCE = Duration.ofMinutes(1);
  private static final Set<String> TIME_COLUMNS =
      Set.of("created_at", "last_updated_at", "completed_at", "scheduled_start_at");

  private OldInstancesFile() {}

  /** {@code OldInstancesFile FILE COUNT}: fills FILE's hub {@value #HUB} with COUNT instances. */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: OldInstancesFile SQLITE_FILE COUNT");
      System.exit(2);
    }
    int count = Integer.parseInt(args[1]);
    long begin = System.nanoTime();
    try {
      fill(Path.of(args[0]), count);
    } catch (BenchException e) {
      System.err.println("OldInstancesFile: " + e.getMessage());
      System.exit(1);
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    System.out.printf(
        "Old instances: %d terminated instances written into the store file in %.1f s (%.0f/s)%n",
        count, seconds, count / seconds);
  }

  /**
   * Fills {@code file}'s hub {@value #HUB} with {@code count} TERMINATED instances of {@link
   * OldInstances#ORCHESTRATION}; returns once they are committed and the file is closed.
   *
   * @throws BenchException if the template does not end, or has rows this does not copy
   */
  static void fill(Path file, int count) throws Exception {
    String prefix = "bench-old-" + UUID.randomUUID() + "-";
    String templateId = prefix + 0;
    startAndTerminate(file, templateId);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      connection.setAutoCommit(false);
      Template template = Template.read(connection, templateId);
      try (PreparedStatement instances = connection.prepareStatement(template.insert());
          PreparedStatement history =
              connection.prepareStatement(
                  "INSERT INTO history (hub, instance_id, seq, event) VALUES (?, ?, ?, ?)")) {
        for (int first = 1; first < count; first += PER_TRANSACTION) {
          int last = Math.min(count, first + PER_TRANSACTION);
          long shift = System.currentTimeMillis() - template.createdAt();
          for (int i = first; i < last; i++) {
            template.copy(instances, history, prefix + i, UUID.randomUUID().toString(), shift);
          }
          instances.executeBatch();
          history.executeBatch();
          connection.commit();
        }
      }
    }
  }

  /** The scheduler's engine on {@code file}: starts and terminates one instance, as over gRPC. */
  private static void startAndTerminate(Path file, String id) throws InterruptedException {
    ServerConfig config = ServerConfig.defaults().withStore(file.toString());
    Store store = SqliteStore.open(file);
    SystemTimers timers = SystemTimers.utc();
    Engine engine = new Engine(config, store, timers);
    try {
      engine.start();
      engine.startInstance(
          HUB,
          CreateInstanceRequest.newBuilder()
              .setInstanceId(id)
              .setName(OldInstances.ORCHESTRATION)
              .build());
      engine.terminate(HUB, id, null, false); // as TerminateInstance without output or recursion
      // The engine ends it on its executor: wait for that.
      long deadline = System.currentTimeMillis() + ENDED_PATIENCE.toMillis();
      if (engine
          .waitFor(HUB, id, Statuses::isTerminal, deadline, () -> false)
          .filter(InstanceRecord::isTerminal)
          .isEmpty()) {
        throw new BenchException("The template instance did not end in " + ENDED_PATIENCE);
      }
    } finally {
      engine.close();
      timers.close();
      store.close();
    }
  }

  /** One instance's rows as the scheduler stored them, and how to copy them for another. */
  private record Template(
      String id,
      String executionId,
      long createdAt,
      List<String> columns,
      List<Object> values,
      List<byte[]> events) {

    static Template read(Connection connection, String id) throws Exception {
      for (String table : List.of("inbox", "activities")) {
        try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE hub = ? AND instance_id = ?")) {
          statement.setString(1, HUB);
          statement.setString(2, id);
          try (ResultSet rows = statement.executeQuery()) {
            rows.next();
            if (rows.getLong(1) != 0) {
              throw new BenchException("The template instance has rows in " + table);
            }
          }
        }
      }
      List<String> columns = new ArrayList<>();
      List<Object> values = new ArrayList<>();
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT * FROM instances WHERE hub = ? AND instance_id = ?")) {
        statement.setString(1, HUB);
        statement.setString(2, id);
        try (ResultSet row = statement.executeQuery()) {
          if (!row.next()) {
            throw new BenchException("The template instance is missing");
          }
          for (int c = 1; c <= row.getMetaData().getColumnCount(); c++) {
            columns.add(row.getMetaData().getColumnName(c));
            values.add(row.getObject(c));
          }
        }
      }
      List<byte[]> events = new ArrayList<>();
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT event FROM history WHERE hub = ? AND instance_id = ? ORDER BY seq")) {
        statement.setString(1, HUB);
        statement.setString(2, id);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            events.add(rows.getBytes(1));
          }
        }
      }
      String executionId = (String) values.get(columns.indexOf("execution_id"));
      long createdAt = ((Number) values.get(columns.indexOf("created_at"))).longValue();
      return new Template(id, executionId, createdAt, columns, values, events);
    }

    String insert() {
      return "INSERT INTO instances ("
          + String.join(", ", columns)
          + ") VALUES ("
          + String.join(", ", java.util.Collections.nCopies(columns.size(), "?"))
          + ")";
    }

    /** Adds the copy's rows to the two batches ({@link #insert} and the history's). */
    void copy(
        PreparedStatement instances,
        PreparedStatement history,
        String newId,
        String newExecutionId,
        long shift)
        throws Exception {
      for (int c = 0; c < columns.size(); c++) {
        Object value = values.get(c);
        if (TIME_COLUMNS.contains(columns.get(c)) && value != null) {
          value = ((Number) value).longValue() + shift;
        } else if (id.equals(value)) {
          value = newId;
        } else if (executionId.equals(value)) {
          value = newExecutionId;
        }
        instances.setObject(c + 1, value);
      }
      instances.addBatch();
      for (int seq = 0; seq < events.size(); seq++) {
        HistoryEvent event = HistoryEvent.parseFrom(events.get(seq));
        history.setString(1, HUB);
        history.setString(2, newId);
        history.setInt(3, seq);
        history.setBytes(4, rewrite(event, newId, newExecutionId, shift).toByteArray());
        history.addBatch();
      }
    }

    /**
     * {@code message} with the template's ids replaced and every timestamp moved by {@code shift}.
     */
    private Message rewrite(Message message, String newId, String newExecutionId, long shift) {
      if (message instanceof Timestamp time) {
        long nanos = time.getNanos() + Math.floorMod(shift, 1000L) * 1_000_000L;
        return time.toBuilder()
            .setSeconds(time.getSeconds() + Math.floorDiv(shift, 1000L) + nanos / 1_000_000_000L)
            .setNanos((int) (nanos % 1_000_000_000L))
            .build();
      }
      Message.Builder builder = message.toBuilder();
      for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
        FieldDescriptor descriptor = field.getKey();
        Object value = field.getValue();
        if (descriptor.isRepeated()) {
          builder.clearField(descriptor);
          for (Object element : (List<?>) value) {
            builder.addRepeatedField(
                descriptor, rewriteValue(element, newId, newExecutionId, shift));
          }
        } else {
          builder.setField(descriptor, rewriteValue(value, newId, newExecutionId, shift));
        }
      }
      return builder.build();
    }

    private Object rewriteValue(Object value, String newId, String newExecutionId, long shift) {
      if (value instanceof Message nested) {
        return rewrite(nested, newId, newExecutionId, shift);
      }
      if (id.equals(value)) {
        return newId;
      }
      if (executionId.equals(value)) {
        return newExecutionId;
      }
      return value;
    }
  }
}
