package dev.taskhub.server.store;

import static dev.taskhub.server.store.StoreFixtures.key;
import static dev.taskhub.server.store.StoreFixtures.newInstance;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.store.sqlite.SqliteStore;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store contract on a private in-memory SQLite database. */
class SqliteMemoryStoreTest extends StoreContractTest {

  @Override
  protected Store openStore() {
    return SqliteStore.inMemory();
  }

  @Test
  void eachInMemoryStoreHasItsOwnData() {
    InstanceKey key = key("order-1");
    store.createInstance(newInstance(key, "exec-1"), Set.of());

    try (Store another = SqliteStore.inMemory()) {
      assertThat(another.findInstance(key)).isEmpty();
    }
  }
}
