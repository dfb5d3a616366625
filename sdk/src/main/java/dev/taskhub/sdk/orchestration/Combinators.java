package dev.taskhub.sdk.orchestration;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code allOf} and {@code anyOf}. Both cost O(1) per child completion (a counter, not a scan), so
 * a fan-in of N tasks is linear in N however its results are spread over episodes.
 */
final class Combinators {
  private Combinators() {}

  static <T> CompletableTask<List<T>> allOf(RuntimeContext context, List<? extends Task<T>> tasks) {
    List<CompletableTask<T>> children = new ArrayList<>(tasks.size());
    for (Task<T> task : tasks) {
      children.add((CompletableTask<T>) task);
    }
    CompletableTask<List<T>> all = new CompletableTask<>(context);
    int[] remaining = {children.size()};
    Runnable childDone =
        () -> {
          if (--remaining[0] == 0) {
            finishAll(all, children);
          }
        };
    if (children.isEmpty()) {
      all.complete(List.of());
    }
    for (CompletableTask<T> child : children) {
      child.whenDone(childDone);
    }
    return all;
  }

  private static <T> void finishAll(
      CompletableTask<List<T>> all, List<CompletableTask<T>> children) {
    RuntimeException first = null;
    List<T> results = new ArrayList<>(children.size());
    for (CompletableTask<T> child : children) {
      if (child.failure() == null) {
        results.add(child.value());
      } else if (first == null) {
        first = child.failure();
      } else if (first != child.failure()) {
        first.addSuppressed(child.failure());
      }
    }
    if (first != null) {
      all.fail(first);
    } else {
      all.complete(results);
    }
  }

  static CompletableTask<Task<?>> anyOf(RuntimeContext context, List<? extends Task<?>> tasks) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("anyOf needs at least one task");
    }
    CompletableTask<Task<?>> any = new CompletableTask<>(context);
    for (Task<?> task : tasks) {
      CompletableTask<?> child = (CompletableTask<?>) task;
      child.whenDone(() -> any.complete(child));
    }
    return any;
  }
}
