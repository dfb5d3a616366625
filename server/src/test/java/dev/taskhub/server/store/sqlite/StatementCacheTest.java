package dev.taskhub.server.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatementCacheTest {
  private static final String SELECT = "SELECT v FROM t WHERE k = ?";
  private Connection raw;
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    raw = DriverManager.getConnection("jdbc:sqlite::memory:");
    connection = StatementCache.wrap(raw);
    try (PreparedStatement create =
        connection.prepareStatement("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")) {
      create.executeUpdate();
    }
    for (int k = 1; k <= 3; k++) {
      insert(k, "v" + k);
    }
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void aClosedStatementIsHandedOutAgainWithFreshParameters() throws SQLException {
    PreparedStatement first = connection.prepareStatement(SELECT);
    first.setInt(1, 1);
    assertThat(single(first)).isEqualTo("v1");
    first.close();
    assertThat(first.isClosed()).isTrue();

    PreparedStatement second = connection.prepareStatement(SELECT);
    assertThat(second).isSameAs(first);
    assertThat(second.isClosed()).isFalse();
    try (ResultSet cleared = second.executeQuery()) {
      assertThat(cleared.next()).as("the previous use's parameter was cleared to NULL").isFalse();
    }
    second.setInt(1, 2);
    assertThat(single(second)).isEqualTo("v2");
    second.close();
  }

  @Test
  void theSameSqlPreparedWhileInUseGetsItsOwnStatement() throws SQLException {
    List<String> pairs = new ArrayList<>();
    try (PreparedStatement all = connection.prepareStatement("SELECT k FROM t ORDER BY k");
        ResultSet keys = all.executeQuery()) {
      while (keys.next()) {
        try (PreparedStatement outer = connection.prepareStatement(SELECT)) {
          outer.setInt(1, keys.getInt(1));
          try (ResultSet rows = outer.executeQuery()) {
            rows.next();
            try (PreparedStatement inner = connection.prepareStatement(SELECT)) {
              assertThat(inner).isNotSameAs(outer);
              inner.setInt(1, 4 - keys.getInt(1));
              pairs.add(rows.getString(1) + "/" + single(inner));
            }
            assertThat(rows.getString(1)).isEqualTo("v" + keys.getInt(1));
          }
        }
      }
    }
    assertThat(pairs).containsExactly("v1/v3", "v2/v2", "v3/v1");
  }

  @Test
  void aFailedExecutionLeavesTheStatementUsable() throws SQLException {
    assertThatThrownBy(() -> insert(1, "again")).isInstanceOf(SQLException.class);
    insert(4, "v4");
    try (PreparedStatement select = connection.prepareStatement(SELECT)) {
      select.setInt(1, 4);
      assertThat(single(select)).isEqualTo("v4");
    }
  }

  @Test
  void moreDistinctStatementsThanTheCacheHoldsAllStillRun() throws SQLException {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < StatementCache.CAPACITY + 20; i++) {
        try (PreparedStatement select = connection.prepareStatement("SELECT ? + " + i)) {
          select.setInt(1, round);
          try (ResultSet rows = select.executeQuery()) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(round + i);
          }
        }
      }
    }
  }

  @Test
  void closingTheConnectionClosesTheKeptStatements() throws SQLException {
    PreparedStatement kept = connection.prepareStatement(SELECT);
    kept.close();
    PreparedStatement open = connection.prepareStatement(SELECT);
    connection.close();
    assertThat(raw.isClosed()).isTrue();
    assertThat(open.isClosed()).isTrue();
  }

  private void insert(int k, String v) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      insert.setInt(1, k);
      insert.setString(2, v);
      insert.executeUpdate();
    }
  }

  private static String single(PreparedStatement select) throws SQLException {
    try (ResultSet rows = select.executeQuery()) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }
}
