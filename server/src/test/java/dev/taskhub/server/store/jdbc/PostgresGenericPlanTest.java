package dev.taskhub.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.store.postgres.PostgresLocation;
import dev.taskhub.server.store.postgres.PostgresStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot statements of a fan-out find their row by key on PostgreSQL even under a generic plan
 * made from statistics that no longer match the table. pgJDBC prepares a statement on the server
 * after a few runs, and PostgreSQL may then plan it once for any parameters; the queue tables
 * change far faster than their statistics, and two such plans once made a fan-out of N cost O(N²).
 */
class PostgresGenericPlanTest {
  private static final int ROWS = 2_000;

  private String location;
  private Store store;

  @BeforeEach
  void openStoreWithStatisticsOfAQuietHub() {
    location = TestPostgres.newSchema();
    store = PostgresStore.open(PostgresLocation.parse(location)); // creates the schema
    // Statistics taken when every activity had completed and the inbox held a few events.
    TestPostgres.execute(
        location,
        "INSERT INTO activities (hub, instance_id, task_id, execution_id, request, scheduled_at,"
            + " completed_at) SELECT 'default', 'fan-out', g, 'exec', '\\x00', 0, 1"
            + " FROM generate_series(0, "
            + (ROWS - 1)
            + ") g");
    TestPostgres.execute(
        location,
        "INSERT INTO inbox (hub, instance_id, execution_id, visible_at, event)"
            + " SELECT 'default', 'other-' || g, 'exec', 0, '\\x00' FROM generate_series(1, 10) g");
    TestPostgres.execute(location, "ANALYZE activities");
    TestPostgres.execute(location, "ANALYZE inbox");
    // Then one instance's inbox grows by thousands of results, faster than statistics follow.
    TestPostgres.execute(
        location,
        "INSERT INTO inbox (hub, instance_id, execution_id, visible_at, event)"
            + " SELECT 'default', 'fan-out', 'exec', 0, '\\x00' FROM generate_series(1, "
            + ROWS
            + ")");
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void aCompletionLooksUpItsActivityByKey() throws SQLException {
    List<String> plan =
        genericPlan(JdbcStore.COMPLETE_OPEN_ACTIVITY, "1, 'default', 'fan-out', 7, 'exec', 'exec'");

    assertThat(indexConditions(plan)).anySatisfy(c -> assertThat(c).contains("task_id = $4"));
  }

  @Test
  void aStepDeletesEachConsumedInboxRowByKey() throws SQLException {
    List<String> plan = genericPlan(InboxRows.DELETE_CONSUMED, "5, 'default', 'fan-out'");

    assertThat(indexConditions(plan)).anySatisfy(c -> assertThat(c).contains("id = $1"));
  }

  /** EXPLAIN of {@code sql} (with {@code ?} parameters) as PostgreSQL's generic plan runs it. */
  private List<String> genericPlan(String sql, String arguments) throws SQLException {
    int[] parameter = {0};
    String numbered = Pattern.compile("\\?").matcher(sql).replaceAll(m -> "\\$" + ++parameter[0]);
    try (Connection connection = TestPostgres.connect(location);
        Statement statement = connection.createStatement()) {
      statement.execute("SET plan_cache_mode = force_generic_plan");
      statement.execute("PREPARE hot AS " + numbered);
      List<String> lines = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("EXPLAIN EXECUTE hot(" + arguments + ")")) {
        while (rows.next()) {
          lines.add(rows.getString(1));
        }
      }
      return lines;
    }
  }

  private static List<String> indexConditions(List<String> plan) {
    List<String> conditions = new ArrayList<>();
    Matcher condition = Pattern.compile("Index Cond: (.*)").matcher(String.join("\n", plan));
    while (condition.find()) {
      conditions.add(condition.group(1));
    }
    assertThat(conditions).as("plan %s", plan).isNotEmpty();
    return conditions;
  }
}
