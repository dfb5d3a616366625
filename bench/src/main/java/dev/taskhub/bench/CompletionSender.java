package dev.taskhub.bench;

import dev.taskhub.protocol.CompleteTaskResponse;
import io.grpc.stub.StreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Starts {@code Complete*} calls asynchronously, at most {@code limit} in flight; the rest wait in
 * a queue and start as earlier calls finish. Never blocks the caller, which is a transport thread.
 * A scheduler that honours the stream's credit never has more open work items than the limit, so
 * the queue only fills if it does not.
 */
final class CompletionSender {
  /** Starts one call; it must report to the given observer exactly once. */
  interface Call extends Consumer<StreamObserver<CompleteTaskResponse>> {}

  private final int limit;
  private final Consumer<Throwable> onFailure;
  private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  CompletionSender(int limit, Consumer<Throwable> onFailure) {
    this.limit = limit;
    this.onFailure = onFailure;
  }

  /** A call not started yet, and what to run when the scheduler acknowledges it. */
  private record Pending(Call call, Runnable acknowledged) {}

  void send(Call call) {
    send(call, () -> {});
  }

  /** Sends {@code call}; runs {@code acknowledged} if the scheduler answers it without an error. */
  void send(Call call, Runnable acknowledged) {
    waiting.add(new Pending(call, acknowledged));
    drain();
  }

  /**
   * Starts waiting calls while there is room. A finishing call decrements {@code inFlight} before
   * it drains and {@link #send} enqueues before it drains, so no call is left waiting with room.
   */
  private void drain() {
    while (!waiting.isEmpty()) {
      int current = inFlight.get();
      if (current >= limit) {
        return;
      }
      if (!inFlight.compareAndSet(current, current + 1)) {
        continue;
      }
      Pending pending = waiting.poll();
      if (pending == null) {
        inFlight.decrementAndGet();
        continue;
      }
      pending.call().accept(new Done(pending.acknowledged()));
    }
  }

  private final class Done implements StreamObserver<CompleteTaskResponse> {
    private final Runnable acknowledged;

    Done(Runnable acknowledged) {
      this.acknowledged = acknowledged;
    }

    @Override
    public void onNext(CompleteTaskResponse response) {}

    @Override
    public void onError(Throwable error) {
      inFlight.decrementAndGet();
      onFailure.accept(error);
      drain();
    }

    @Override
    public void onCompleted() {
      acknowledged.run();
      inFlight.decrementAndGet();
      drain();
    }
  }
}
