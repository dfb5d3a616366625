package dev.taskhub.server.tracing;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.TraceContext;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The protocol's {@code TraceContext} (a W3C {@code traceparent} and {@code tracestate}, as the
 * Durable Task SDKs fill it) to and from OpenTelemetry span contexts, parsed by OpenTelemetry's own
 * W3C propagator so malformed headers are treated as the W3C spec says (ignored).
 */
final class TraceParents {
  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";

  private static final TextMapGetter<TraceContext> GETTER =
      new TextMapGetter<>() {
        @Override
        public String get(TraceContext carrier, String key) {
          if (carrier == null) {
            return null;
          }
          return switch (key) {
            case TRACEPARENT -> carrier.getTraceParent();
            case TRACESTATE -> carrier.hasTraceState() ? carrier.getTraceState().getValue() : null;
            default -> null;
          };
        }
      };

  /** The remote span {@code context} names; invalid when it is absent or malformed. */
  static SpanContext parse(TraceContext context) {
    if (context == null || context.getTraceParent().isEmpty()) {
      return SpanContext.getInvalid();
    }
    Context extracted =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), context, GETTER);
    return io.opentelemetry.api.trace.Span.fromContext(extracted).getSpanContext();
  }

  /** A context naming span {@code spanId} of trace {@code traceId}. */
  static TraceContext format(String traceId, String spanId, TraceFlags flags, TraceState state) {
    TraceContext.Builder context =
        TraceContext.newBuilder()
            .setTraceParent("00-" + traceId + "-" + spanId + "-" + flags.asHex());
    if (!state.isEmpty()) {
      StringBuilder header = new StringBuilder();
      state.forEach(
          (key, value) ->
              header.append(header.isEmpty() ? "" : ",").append(key).append('=').append(value));
      context.setTraceState(StringValue.of(header.toString()));
    }
    return context.build();
  }

  private TraceParents() {}
}
