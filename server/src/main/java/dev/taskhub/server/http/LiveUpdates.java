package dev.taskhub.server.http;

import dev.taskhub.server.store.InstanceKey;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Server-Sent Events of instance changes for live views, fed by the engine's change listener.
 *
 * <p>Bounded everywhere: at most {@code maxClients} streams; each holds at most {@link
 * #MAX_PENDING} changed ids between sends (beyond that it sends {@code overflow: true}, meaning
 * "reload everything"); changes are coalesced for {@link #COALESCE}; a stream ends after {@link
 * #MAX_LIFETIME} (browsers reconnect by themselves), and a heartbeat every {@link #HEARTBEAT} finds
 * clients that went away. The listener only adds an id to a set, so the committing thread is never
 * held up; one virtual thread per stream does the sending.
 */
final class LiveUpdates implements Consumer<InstanceKey>, AutoCloseable {
  static final int MAX_PENDING = 256;
  static final Duration COALESCE = Duration.ofMillis(200);
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  static final Duration MAX_LIFETIME = Duration.ofMinutes(10);

  private final int maxClients;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  LiveUpdates(int maxClients) {
    this.maxClients = maxClients;
  }

  /** Throws 503 when no stream can be added now (checked before the stream is opened). */
  void requireRoom() {
    if (subscribers.size() >= maxClients || closed) {
      throw HttpProblem.unavailable(
          "Too many live update streams are open (limit " + maxClients + "); try again later");
    }
  }

  int clients() {
    return subscribers.size();
  }

  /** Serves one SSE stream of changes to the hub's instances (to one instance if not null). */
  void serve(SseClient client, String hub, String instanceId) {
    Subscriber subscriber = new Subscriber(client, hub, instanceId);
    if (closed || subscribers.size() >= maxClients) {
      client.sendEvent("overflow", Map.of("reason", "too many live update streams"));
      client.close();
      return;
    }
    subscribers.add(subscriber);
    client.onClose(subscriber::stop);
    client.keepAlive();
    Thread.ofVirtual().name("taskhub-sse-" + hub).start(subscriber::run);
  }

  @Override
  public void accept(InstanceKey key) {
    for (Subscriber subscriber : subscribers) {
      subscriber.offer(key);
    }
  }

  @Override
  public void close() {
    closed = true;
    subscribers.forEach(Subscriber::stop);
  }

  private final class Subscriber {
    private final SseClient client;
    private final String hub;
    private final String instanceId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<String> pending = new LinkedHashSet<>();
    private boolean overflow;
    private boolean stopped;

    Subscriber(SseClient client, String hub, String instanceId) {
      this.client = client;
      this.hub = hub;
      this.instanceId = instanceId;
    }

    void offer(InstanceKey key) {
      if (!key.hub().equals(hub) || (instanceId != null && !key.instanceId().equals(instanceId))) {
        return;
      }
      lock.lock();
      try {
        if (pending.size() >= MAX_PENDING) {
          overflow = true;
        } else {
          pending.add(key.instanceId());
        }
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    void stop() {
      lock.lock();
      try {
        stopped = true;
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    void run() {
      long endAt = System.nanoTime() + MAX_LIFETIME.toNanos();
      try {
        client.sendEvent("hello", Map.of("hub", hub));
        while (!client.terminated() && System.nanoTime() < endAt) {
          Batch batch = next();
          if (batch == null) {
            break;
          }
          if (batch.ids.isEmpty() && !batch.overflow) {
            client.sendComment("heartbeat");
          } else {
            client.sendEvent(
                "changed",
                Map.of("hub", hub, "instanceIds", batch.ids, "overflow", batch.overflow));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        subscribers.remove(this);
        client.close();
      }
    }

    /** Waits for changes (then a little longer, to coalesce them); null once stopped. */
    private Batch next() throws InterruptedException {
      lock.lock();
      try {
        long wait = HEARTBEAT.toNanos();
        while (!stopped && pending.isEmpty() && !overflow && wait > 0) {
          wait = changed.awaitNanos(wait);
        }
        if (!stopped && (!pending.isEmpty() || overflow)) {
          long coalesce = COALESCE.toNanos();
          while (!stopped && coalesce > 0) {
            coalesce = changed.awaitNanos(coalesce);
          }
        }
        if (stopped) {
          return null;
        }
        Batch batch = new Batch(new ArrayList<>(pending), overflow);
        pending.clear();
        overflow = false;
        return batch;
      } finally {
        lock.unlock();
      }
    }
  }

  private record Batch(List<String> ids, boolean overflow) {}
}
