package dev.taskhub.server.engine;

import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Wakes callers waiting for an instance to change, instead of having them poll the store, and tells
 * subscribed listeners (live views) of every change.
 */
final class Waiters {
  private final Map<InstanceKey, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
  private final List<Consumer<InstanceKey>> listeners = new CopyOnWriteArrayList<>();

  void subscribe(Consumer<InstanceKey> listener) {
    listeners.add(listener);
  }

  void unsubscribe(Consumer<InstanceKey> listener) {
    listeners.remove(listener);
  }

  /** A future completed at the next {@link #changed} of the key. Register before reading state. */
  CompletableFuture<Void> nextChange(InstanceKey key) {
    CompletableFuture<Void> change = new CompletableFuture<>();
    waiting.compute(
        key,
        (k, list) -> {
          List<CompletableFuture<Void>> updated = list == null ? new ArrayList<>() : list;
          updated.add(change);
          return updated;
        });
    return change;
  }

  void forget(InstanceKey key, CompletableFuture<Void> change) {
    waiting.computeIfPresent(
        key,
        (k, list) -> {
          list.remove(change);
          return list.isEmpty() ? null : list;
        });
  }

  /** Something about the instance changed that waiters do not wait for (an activity finished). */
  void touched(InstanceKey key) {
    listeners.forEach(listener -> listener.accept(key));
  }

  void changed(InstanceKey key) {
    List<CompletableFuture<Void>> list = waiting.remove(key);
    if (list != null) {
      list.forEach(change -> change.complete(null));
    }
    listeners.forEach(listener -> listener.accept(key));
  }
}
