package dev.taskhub.sdk.orchestration;

import java.util.ArrayList;
import java.util.List;

/**
 * The one implementation of {@link Task}: completed or failed by the replay engine as history
 * events are applied, on the orchestration's thread only (so it needs no locking). Listeners run
 * synchronously when it completes; combinators and retries are built from them.
 */
non-sealed class CompletableTask<T> implements Task<T> {
  private final RuntimeContext context;
  private boolean done;
  private T value;
  private RuntimeException failure;
  private List<Runnable> listeners;

  CompletableTask(RuntimeContext context) {
    this.context = context;
  }

  @Override
  public T await() {
    context.awaitDone(this);
    if (failure != null) {
      throw failure;
    }
    return value;
  }

  @Override
  public boolean isDone() {
    return done;
  }

  @Override
  public boolean isFailed() {
    return done && failure != null;
  }

  final T value() {
    return value;
  }

  final RuntimeException failure() {
    return failure;
  }

  final void complete(T result) {
    if (!done) {
      done = true;
      value = result;
      fire();
    }
  }

  final void fail(RuntimeException error) {
    if (!done) {
      done = true;
      failure = error;
      fire();
    }
  }

  /** Runs {@code listener} when the task is done (now, if it already is). */
  final void whenDone(Runnable listener) {
    if (done) {
      listener.run();
      return;
    }
    if (listeners == null) {
      listeners = new ArrayList<>(1);
    }
    listeners.add(listener);
  }

  private void fire() {
    List<Runnable> toRun = listeners;
    listeners = null;
    if (toRun != null) {
      toRun.forEach(Runnable::run);
    }
  }
}
