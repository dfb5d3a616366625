package dev.taskhub.sdk;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Adds the headers of the DTS protocol to every call: {@code taskhub}, {@code x-user-agent}, any
 * fixed extras (workers add {@code workerid}), and {@code authorization: Bearer <token>} when an
 * access token supplier is set (asked on every call, so it may refresh).
 */
public final class CallHeaders implements ClientInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Metadata fixed;
  private final Supplier<String> accessToken;

  private CallHeaders(Metadata fixed, Supplier<String> accessToken) {
    this.fixed = fixed;
    this.accessToken = accessToken;
  }

  /**
   * The task hub and user agent headers of a connection, and its token if it has one: a Taskhub
   * token, or Entra ID tokens from its Azure authentication (the credential is built with the first
   * call).
   */
  public static CallHeaders of(ConnectionSettings connection) {
    String token = connection.token();
    if (token != null) {
      return new CallHeaders(connection.headers(), () -> token);
    }
    if (connection.azure() != null) {
      return new CallHeaders(connection.headers(), new LazyAzureTokens(connection.azure()));
    }
    return new CallHeaders(connection.headers(), null);
  }

  /** Builds the Azure credential when the first call needs a token. */
  private static final class LazyAzureTokens implements Supplier<String> {
    private final AzureAuthentication authentication;
    private AzureTokens tokens;

    LazyAzureTokens(AzureAuthentication authentication) {
      this.authentication = authentication;
    }

    @Override
    public synchronized String get() {
      if (tokens == null) {
        tokens = AzureTokens.of(authentication.credential());
      }
      return tokens.get();
    }
  }

  /** These headers plus {@code authorization: Bearer <token>}; null keeps what there is. */
  public CallHeaders withAccessToken(Supplier<String> token) {
    return token == null ? this : new CallHeaders(fixed, token);
  }

  /** These headers plus a fixed one. */
  public CallHeaders with(String name, String value) {
    Metadata more = new Metadata();
    more.merge(fixed);
    more.put(
        Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), Objects.requireNonNull(value));
    return new CallHeaders(more, accessToken);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        headers.merge(fixed);
        if (accessToken != null) {
          headers.put(AUTHORIZATION, "Bearer " + accessToken.get());
        }
        super.start(listener, headers);
      }
    };
  }
}
