package dev.taskhub.sdk;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * {@link TraceContexts} over the OpenTelemetry API; loaded only when the API is on the classpath,
 * so the SDK itself runs without it. Headers are read and written by OpenTelemetry's own W3C
 * propagator.
 */
final class OpenTelemetryContexts {
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

  private static final TextMapSetter<TraceContext.Builder> SETTER =
      (carrier, key, value) -> {
        if (carrier == null) {
          return;
        }
        if (key.equals(TRACEPARENT)) {
          carrier.setTraceParent(value);
        } else if (key.equals(TRACESTATE) && !value.isEmpty()) {
          carrier.setTraceState(StringValue.of(value));
        }
      };

  TraceContext current() {
    Context context = Context.current();
    if (!Span.fromContext(context).getSpanContext().isValid()) {
      return null;
    }
    TraceContext.Builder carrier = TraceContext.newBuilder();
    W3CTraceContextPropagator.getInstance().inject(context, carrier, SETTER);
    return carrier.build();
  }

  TraceContexts.Entered enter(TraceContext parent) {
    Context context =
        W3CTraceContextPropagator.getInstance().extract(Context.current(), parent, GETTER);
    Scope scope = context.makeCurrent();
    return scope::close;
  }
}
