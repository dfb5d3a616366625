package dev.taskhub.server.engine;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The task hubs this scheduler serves, each with its {@link Dispatcher}: those named at start
 * ({@code --task-hubs}, always served) and those created at run time ({@code CreateTaskHub}), which
 * the store keeps so that they outlive a restart and every node sharing the store serves them.
 * Thread-safe.
 */
final class TaskHubs {
  /** What a hub created at run time may be called: it travels in a header and in URLs. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /** How often an unknown hub name sends this node to the store for hubs other nodes created. */
  static final long REREAD_MILLIS = 1_000;

  private final List<String> configured;
  private final Store store;
  private final Clock clock;
  private final Function<String, Dispatcher> newDispatcher;
  private final Map<String, Dispatcher> dispatchers = new ConcurrentHashMap<>();
  private final Map<String, String> byLowerCaseName = new ConcurrentHashMap<>();
  private volatile long readAt;

  TaskHubs(
      List<String> configured,
      Store store,
      Clock clock,
      Function<String, Dispatcher> newDispatcher) {
    this.configured = List.copyOf(configured);
    this.store = store;
    this.clock = clock;
    this.newDispatcher = newDispatcher;
    configured.forEach(this::serve);
    store.createdHubs().forEach(this::serve);
    readAt = clock.millis();
  }

  private synchronized void serve(String hub) {
    if (!dispatchers.containsKey(hub)) {
      dispatchers.put(hub, newDispatcher.apply(hub));
      byLowerCaseName.put(hub.toLowerCase(Locale.ROOT), hub);
    }
  }

  /** The hub's dispatcher, or null if the hub is not served. */
  Dispatcher get(String hub) {
    return dispatchers.get(hub);
  }

  /**
   * The hub's dispatcher.
   *
   * @throws TaskhubException.NotFound if the hub is not served
   */
  Dispatcher require(String hub) {
    Dispatcher dispatcher = dispatchers.get(hub);
    if (dispatcher == null) {
      throw new TaskhubException.NotFound("Task hub not found: " + hub);
    }
    return dispatcher;
  }

  Collection<Dispatcher> dispatchers() {
    return dispatchers.values();
  }

  /** The hubs served: those named at start in their order, then those created, by name. */
  List<String> names() {
    List<String> names = new ArrayList<>(configured);
    dispatchers.keySet().stream()
        .filter(hub -> !configured.contains(hub))
        .sorted()
        .forEach(names::add);
    return names;
  }

  /**
   * The served hub of this name, case ignored. An unknown name looks in the store (at most once a
   * second) for hubs created since on another node.
   */
  Optional<String> find(String name) {
    String hub = byLowerCaseName.get(name.toLowerCase(Locale.ROOT));
    if (hub == null && clock.millis() - readAt >= REREAD_MILLIS) {
      readAt = clock.millis();
      store.createdHubs().forEach(this::serve);
      hub = byLowerCaseName.get(name.toLowerCase(Locale.ROOT));
    }
    return Optional.ofNullable(hub);
  }

  /**
   * Creates a hub; with {@code recreateIfExists} an existing one is deleted first, with all its
   * data.
   *
   * @throws TaskhubException.InvalidArgument if the name is not a valid hub name
   * @throws TaskhubException.AlreadyExists if the hub exists and is not to be recreated
   */
  synchronized void create(String hub, boolean recreateIfExists) {
    Optional<String> existing = find(hub);
    if (existing.isPresent()) {
      if (!recreateIfExists) {
        throw new TaskhubException.AlreadyExists("Task hub '" + existing.get() + "' exists");
      }
      delete(existing.get());
      hub = existing.get();
    } else if (!NAME.matcher(hub).matches()) {
      throw new TaskhubException.InvalidArgument(
          "A task hub name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter"
              + " or digit; was '"
              + hub
              + "'");
    }
    if (!configured.contains(hub)) {
      store.createHub(hub, clock.millis());
    }
    serve(hub);
  }

  /**
   * Deletes a hub and all of its data: its workers' streams end, its instances are gone. A hub
   * named at start stays served, empty.
   *
   * @return how many instances it had
   * @throws TaskhubException.NotFound if the hub is not served
   */
  synchronized int delete(String hub) {
    Dispatcher dispatcher = require(hub);
    dispatcher.closeStreams(WorkItemSink.StreamEnd.HUB_DELETED);
    dispatchers.remove(hub);
    byLowerCaseName.remove(hub.toLowerCase(Locale.ROOT));
    int instances = store.deleteHub(hub);
    if (configured.contains(hub)) {
      serve(hub); // afresh: nothing of the old hub's queues survives
    }
    return instances;
  }
}
