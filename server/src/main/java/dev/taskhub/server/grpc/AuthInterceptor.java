package dev.taskhub.server.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.taskhub.server.security.Access;
import dev.taskhub.server.security.AccessDenied;
import dev.taskhub.server.security.Audit;
import dev.taskhub.server.security.Authenticator;
import dev.taskhub.server.security.Caller;
import dev.taskhub.server.security.RpcAccess;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Authenticates every call from its {@code authorization: Bearer} header and checks, before the
 * call reaches the service, that the caller has the role the RPC needs ({@link RpcAccess}) in the
 * call's task hub (set by {@link TaskHubInterceptor}, which runs first): UNAUTHENTICATED or
 * PERMISSION_DENIED otherwise, the message naming what is needed, never the token. Changes that
 * pass are written to the {@link Audit} log with their outcome.
 */
final class AuthInterceptor implements ServerInterceptor {
  static final Context.Key<Caller> CALLER = Context.key("caller");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Authenticator authenticator;

  AuthInterceptor(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller caller;
    try {
      caller = authenticator.authenticate(bearer(headers.get(AUTHORIZATION)));
      caller.require(
          RpcAccess.of(call.getMethodDescriptor().getBareMethodName()),
          TaskHubInterceptor.HUB.get());
    } catch (AccessDenied.Unauthenticated e) {
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    } catch (AccessDenied.Forbidden e) {
      call.close(Status.PERMISSION_DENIED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Access access = RpcAccess.of(call.getMethodDescriptor().getBareMethodName());
    Context context = Context.current().withValue(CALLER, caller);
    if (access != Access.CHANGE && access != Access.MANAGE) {
      return Contexts.interceptCall(context, call, headers, next);
    }
    return audited(context, caller, call, headers, next);
  }

  /** Logs a change once its outcome is known, naming the instance its request names. */
  private static <Q, R> ServerCall.Listener<Q> audited(
      Context context,
      Caller caller,
      ServerCall<Q, R> call,
      Metadata headers,
      ServerCallHandler<Q, R> next) {
    String hub = TaskHubInterceptor.HUB.get();
    String rpc = call.getMethodDescriptor().getBareMethodName();
    AtomicReference<String> instanceId = new AtomicReference<>();
    ServerCall<Q, R> logging =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            Audit.change(caller, hub, rpc, instanceId.get(), status.getCode().name());
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener = Contexts.interceptCall(context, logging, headers, next);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        instanceId.set(instanceIdOf(message));
        super.onMessage(message);
      }
    };
  }

  /** The request's {@code instanceId} field, if it has one. */
  private static String instanceIdOf(Object request) {
    if (request instanceof Message message) {
      Descriptors.FieldDescriptor field =
          message.getDescriptorForType().findFieldByName("instanceId");
      if (field != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
        return (String) message.getField(field);
      }
    }
    return null;
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} value; null for none or another scheme.
   */
  static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.strip();
    return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).strip() : null;
  }
}
