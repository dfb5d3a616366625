package dev.taskhub.server.engine;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Wakes callers waiting for an instance to change, instead of having them poll the store, and tells
 * subscribed listeners (live views) of every change.
 */
final class Waiters {
  private final Map<InstanceKey, List<Waiter>> waiting = new ConcurrentHashMap<>();
  private final List<Consumer<InstanceKey>> listeners = new CopyOnWriteArrayList<>();

  /** Tells other scheduler nodes of changes made here (when nodes share a store). */
  private volatile Consumer<InstanceKey> otherNodes = key -> {};

  /** One caller's wait: woken by a change to a status it awaits, or one of unknown status. */
  private record Waiter(CompletableFuture<Void> change, Predicate<OrchestrationStatus> awaited) {}

  void publishTo(Consumer<InstanceKey> otherNodes) {
    this.otherNodes = otherNodes;
  }

  void subscribe(Consumer<InstanceKey> listener) {
    listeners.add(listener);
  }

  void unsubscribe(Consumer<InstanceKey> listener) {
    listeners.remove(listener);
  }

  /**
   * A future completed at the next {@link #changed} of the key that may satisfy the caller: one to
   * a status {@code awaited} accepts, or one whose status is not known here. A change to another
   * status leaves the wait registered, so the caller neither re-reads the instance for it nor can
   * miss the change it waits for. Register before reading state.
   */
  CompletableFuture<Void> nextChange(InstanceKey key, Predicate<OrchestrationStatus> awaited) {
    Waiter waiter = new Waiter(new CompletableFuture<>(), awaited);
    waiting.compute(
        key,
        (k, list) -> {
          List<Waiter> updated = list == null ? new ArrayList<>() : list;
          updated.add(waiter);
          return updated;
        });
    return waiter.change;
  }

  void forget(InstanceKey key, CompletableFuture<Void> change) {
    waiting.computeIfPresent(
        key,
        (k, list) -> {
          list.removeIf(waiter -> waiter.change == change);
          return list.isEmpty() ? null : list;
        });
  }

  /** Something about the instance changed that waiters do not wait for (an activity finished). */
  void touched(InstanceKey key) {
    listeners.forEach(listener -> listener.accept(key));
    otherNodes.accept(key);
  }

  /** A change of unknown outcome here: every waiter of the instance looks again. */
  void changed(InstanceKey key) {
    changedTo(key, null);
  }

  /** A change that left the instance in {@code status} ({@code null}: unknown). */
  void changedTo(InstanceKey key, OrchestrationStatus status) {
    wake(key, status);
    listeners.forEach(listener -> listener.accept(key));
    otherNodes.accept(key);
  }

  /** Another node changed the instance. */
  void changedElsewhere(InstanceKey key) {
    wake(key, null);
    listeners.forEach(listener -> listener.accept(key));
  }

  private void wake(InstanceKey key, OrchestrationStatus status) {
    List<Waiter> woken = new ArrayList<>();
    waiting.computeIfPresent(
        key,
        (k, list) -> {
          list.removeIf(
              waiter -> {
                boolean wake = status == null || waiter.awaited.test(status);
                if (wake) {
                  woken.add(waiter);
                }
                return wake;
              });
          return list.isEmpty() ? null : list;
        });
    woken.forEach(waiter -> waiter.change.complete(null));
  }

  /** Changes may have gone unreported (messages between nodes were lost): everyone looks again. */
  void wakeAll() {
    for (InstanceKey key : List.copyOf(waiting.keySet())) {
      wake(key, null);
    }
  }
}
