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

  /** Tells other scheduler nodes of changes made here (when nodes share a store). */
  private volatile Consumer<InstanceKey> otherNodes = key -> {};

  void publishTo(Consumer<InstanceKey> otherNodes) {
    this.otherNodes = otherNodes;
  }

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
    otherNodes.accept(key);
  }

  void changed(InstanceKey key) {
    changedElsewhere(key);
    otherNodes.accept(key);
  }

  /** Another node changed the instance. */
  void changedElsewhere(InstanceKey key) {
    List<CompletableFuture<Void>> list = waiting.remove(key);
    if (list != null) {
      list.forEach(change -> change.complete(null));
    }
    listeners.forEach(listener -> listener.accept(key));
  }

  /** Changes may have gone unreported (messages between nodes were lost): everyone looks again. */
  void wakeAll() {
    for (InstanceKey key : List.copyOf(waiting.keySet())) {
      List<CompletableFuture<Void>> list = waiting.remove(key);
      if (list != null) {
        list.forEach(change -> change.complete(null));
      }
    }
  }
}
