package dev.taskhub.sdk;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a client or worker connects: a gRPC endpoint (plaintext or TLS) and the task hub every call
 * addresses (sent as the {@code taskhub} header). Built from a DTS-style connection string with
 * {@link #fromConnectionString}, or directly.
 *
 * @param host the endpoint's host name or address
 * @param port the endpoint's port
 * @param tls true for TLS ({@code https://}), false for plaintext ({@code http://})
 * @param taskHub the task hub name
 * @param token a bearer token sent on every call (Taskhub's {@code --auth-tokens}), or null
 * @param trustedCertificates PEM CA certificates to trust for TLS instead of the system's, or null
 * @param azure Entra ID authentication whose tokens every call carries, or null
 */
public record ConnectionSettings(
    String host,
    int port,
    boolean tls,
    String taskHub,
    String token,
    Path trustedCertificates,
    AzureAuthentication azure) {
  /** The largest message a Taskhub channel accepts: a long history arrives as one message. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 256 << 20;

  static final String SDK_USER_AGENT = "taskhub-sdk-java/0.1.0";
  static final Metadata.Key<String> TASK_HUB_HEADER =
      Metadata.Key.of("taskhub", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> USER_AGENT_HEADER =
      Metadata.Key.of("x-user-agent", Metadata.ASCII_STRING_MARSHALLER);

  /** An endpoint without a token, trusting the system's certificates. */
  public ConnectionSettings(String host, int port, boolean tls, String taskHub) {
    this(host, port, tls, taskHub, null, null, null);
  }

  public ConnectionSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(taskHub, "taskHub");
    if (host.isBlank()) {
      throw new TaskhubException.InvalidConfiguration("The endpoint host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new TaskhubException.InvalidConfiguration(
          "The endpoint port must be between 1 and 65535, was " + port);
    }
    if (taskHub.isBlank()) {
      throw new TaskhubException.InvalidConfiguration("The task hub name must not be empty");
    }
  }

  /**
   * Parses a connection string such as {@code
   * Endpoint=http://localhost:8080;Authentication=None;TaskHub=default}. See {@link
   * ConnectionStringParser} for the rules.
   *
   * @throws TaskhubException.InvalidConfiguration naming the offending key or value
   */
  public static ConnectionSettings fromConnectionString(String connectionString) {
    return ConnectionStringParser.parse(connectionString);
  }

  /**
   * A plaintext endpoint (like the DTS emulator or {@code taskhub serve}) and task hub "default".
   */
  public static ConnectionSettings plaintext(String host, int port) {
    return new ConnectionSettings(host, port, false, "default");
  }

  public ConnectionSettings withTaskHub(String newTaskHub) {
    return new ConnectionSettings(host, port, tls, newTaskHub, token, trustedCertificates, azure);
  }

  /** The same endpoint, sending {@code newToken} as a bearer on every call. */
  public ConnectionSettings withToken(String newToken) {
    return new ConnectionSettings(host, port, tls, taskHub, newToken, trustedCertificates, azure);
  }

  /** The same endpoint over TLS, trusting the CA certificates in this PEM file. */
  public ConnectionSettings withTrustedCertificates(Path pemFile) {
    return new ConnectionSettings(host, port, true, taskHub, token, pemFile, azure);
  }

  /** The same endpoint, sending Entra ID tokens from {@code authentication} on every call. */
  public ConnectionSettings withAzure(AzureAuthentication authentication) {
    return new ConnectionSettings(
        host, port, tls, taskHub, token, trustedCertificates, authentication);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ConnectionSettings["
        + (tls ? "https://" : "http://")
        + target()
        + ", taskHub="
        + taskHub
        + (token == null ? "" : ", token=***")
        + (trustedCertificates == null ? "" : ", trustedCertificates=" + trustedCertificates)
        + (azure == null ? "" : ", azure=" + azure.mode())
        + "]";
  }

  /** {@code host:port}, as gRPC names a target. */
  public String target() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Opens a new channel to the endpoint; the caller closes it. */
  public ManagedChannel openChannel() {
    ChannelCredentials credentials;
    if (!tls) {
      credentials = InsecureChannelCredentials.create();
    } else if (trustedCertificates == null) {
      credentials = TlsChannelCredentials.create();
    } else {
      try {
        credentials =
            TlsChannelCredentials.newBuilder().trustManager(trustedCertificates.toFile()).build();
      } catch (IOException e) {
        throw new TaskhubException.InvalidConfiguration(
            "Cannot read the trusted certificates " + trustedCertificates + ": " + e.getMessage());
      }
    }
    return Grpc.newChannelBuilder(target(), credentials)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .build();
  }

  /**
   * The headers every call carries: the task hub and the SDK's user agent ({@link CallHeaders}).
   */
  Metadata headers() {
    Metadata headers = new Metadata();
    headers.put(TASK_HUB_HEADER, taskHub);
    headers.put(USER_AGENT_HEADER, SDK_USER_AGENT);
    return headers;
  }
}
