package dev.taskhub.server.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Random ids, except for the span being started on this thread when {@link #choose} named its ids:
 * the SDK's span builder asks its id generator on the thread that calls {@code startSpan()}, so a
 * span whose id its children already carry ({@link SpanIds}) gets exactly that id.
 */
final class ChosenIds implements IdGenerator {
  private static final IdGenerator RANDOM = IdGenerator.random();

  private final ThreadLocal<String> spanId = new ThreadLocal<>();
  private final ThreadLocal<String> traceId = new ThreadLocal<>();

  /**
   * Runs {@code start} with its span's id (and, for a root span, its trace's id) chosen.
   *
   * @param trace the trace id for a span without a parent, or null for a random one
   */
  <T> T choose(String span, String trace, java.util.function.Supplier<T> start) {
    spanId.set(span);
    traceId.set(trace);
    try {
      return start.get();
    } finally {
      spanId.remove();
      traceId.remove();
    }
  }

  @Override
  public String generateSpanId() {
    String chosen = spanId.get();
    if (chosen == null) {
      return RANDOM.generateSpanId();
    }
    spanId.remove(); // one span only: nothing started inside may take it
    return chosen;
  }

  @Override
  public String generateTraceId() {
    String chosen = traceId.get();
    if (chosen == null) {
      return RANDOM.generateTraceId();
    }
    traceId.remove();
    return chosen;
  }
}
