package dev.taskhub.server.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.TestPostgres;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A statement the database refuses is an internal error, not an outage: it must not turn /health
 * red or be answered UNAVAILABLE (which makes SDKs retry forever).
 */
class PostgresFailureKindsTest {
  private PostgresTransactions transactions;

  @BeforeEach
  void open() {
    transactions = PostgresTransactions.open(PostgresLocation.parse(TestPostgres.newSchema()));
  }

  @AfterEach
  void close() {
    transactions.close();
  }

  @Test
  void aConstraintViolationIsAnInternalErrorAndLeavesNothingBehind() {
    transactions.write(
        connection -> {
          try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)");
            statement.execute("INSERT INTO items VALUES (1)");
          }
          return null;
        });

    assertThatThrownBy(
            () ->
                transactions.write(
                    connection -> {
                      try (Statement statement = connection.createStatement()) {
                        statement.execute("INSERT INTO items VALUES (2)");
                        statement.execute("INSERT INTO items VALUES (1)");
                      }
                      return null;
                    }))
        .isExactlyInstanceOf(TaskhubException.class)
        .hasMessageContaining("duplicate key");
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void aStatementTheDatabaseRejectsIsAnInternalError() {
    assertThatThrownBy(
            () ->
                transactions.read(
                    connection -> {
                      try (Statement statement = connection.createStatement()) {
                        return statement.execute("SELECT no_such_column FROM no_such_table");
                      }
                    }))
        .isExactlyInstanceOf(TaskhubException.class)
        .hasMessageContaining("no_such_table");
  }

  private long count() {
    return transactions.read(
        connection -> {
          try (Statement statement = connection.createStatement();
              var rows = statement.executeQuery("SELECT COUNT(*) FROM items")) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }
}
