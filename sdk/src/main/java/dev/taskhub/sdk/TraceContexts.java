package dev.taskhub.sdk;

import dev.taskhub.protocol.TraceContext;

/**
 * The W3C trace context the client and worker exchange with the scheduler, bridged to
 * OpenTelemetry's current context when the OpenTelemetry API is on the application's classpath (it
 * is an optional dependency of the SDK); without it, nothing is sent and nothing entered. Used by
 * {@link dev.taskhub.sdk.client.TaskhubClient} (new instances carry the caller's span) and {@link
 * dev.taskhub.sdk.worker.TaskhubWorker} (an activity runs in the context the scheduler sends);
 * applications need not call it.
 */
public final class TraceContexts {
  /** What {@link #enter} returns: leaving the context it entered. */
  public interface Entered extends AutoCloseable {
    @Override
    void close();
  }

  private static final Entered NOTHING = () -> {};

  /** The OpenTelemetry bridge, or null when the API is not on the classpath. */
  private static final OpenTelemetryContexts OPEN_TELEMETRY =
      onClasspath("io.opentelemetry.context.Context") ? new OpenTelemetryContexts() : null;

  /**
   * The trace context of the calling thread's current span, or null when there is none (or no
   * OpenTelemetry API).
   */
  public static TraceContext current() {
    return OPEN_TELEMETRY == null ? null : OPEN_TELEMETRY.current();
  }

  /**
   * Makes {@code context} (a remote parent) the calling thread's current context until the result
   * is closed; does nothing when it is null, empty or malformed, or without OpenTelemetry.
   */
  public static Entered enter(TraceContext context) {
    if (OPEN_TELEMETRY == null || context == null || context.getTraceParent().isEmpty()) {
      return NOTHING;
    }
    return OPEN_TELEMETRY.enter(context);
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, TraceContexts.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private TraceContexts() {}
}
