package dev.taskhub.server.store;

import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable store contract on a SQLite file, plus what is particular to the file's schema. */
class SqliteFileStoreTest extends DurableStoreContractTest {
  @TempDir Path directory;

  /** In a directory that does not exist yet: opening the store creates it. */
  private Path file() {
    return directory.resolve("data").resolve("taskhub.db");
  }

  @Override
  protected Store openStore() {
    return SqliteStore.open(file());
  }

  @Override
  protected Store reopenStore() {
    return SqliteStore.open(file());
  }

  @Test
  void reopeningAnUpToDateFileLeavesItsSchemaAsItWas() throws SQLException {
    InstanceKey key = key("order-1");
    store.createInstance(newInstance(key, "exec-1"), Set.of());
    store.close();
    List<String> schemaBefore = schema();

    store = reopenStore();
    store.close();
    store = reopenStore();
    store.close();

    assertThat(schema()).isEqualTo(schemaBefore);
    assertThat(query("SELECT version FROM schema_version")).containsExactly("9");
    store = reopenStore();
    assertThat(store.findInstance(key)).isPresent();
  }

  /** Every table and index of the file with its definition, read while the store is closed. */
  private List<String> schema() throws SQLException {
    return query("SELECT type || ' ' || name || ': ' || sql FROM sqlite_master ORDER BY name");
  }

  private List<String> query(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }
}
