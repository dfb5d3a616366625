package dev.taskhub.cli;

import dev.taskhub.sdk.ConnectionSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a client command connects, as the SDK's connection settings. In order: {@code
 * --connection-string}; {@code --endpoint}; the environment's {@code
 * DURABLE_TASK_SCHEDULER_CONNECTION_STRING}; else {@code localhost:8080}. {@code --task-hub},
 * {@code --token} and {@code --trusted-certificates} then override what that gave.
 */
final class ConnectionOptions {
  static final String CONNECTION_STRING_ENV = "DURABLE_TASK_SCHEDULER_CONNECTION_STRING";
  static final String TOKEN_ENV = "TASKHUB_TOKEN";
  static final String DEFAULT_ENDPOINT = "localhost:8080";

  @Option(
      names = "--connection-string",
      paramLabel = "STRING",
      description =
          "A DTS connection string, e.g. Endpoint=http://localhost:8080;Authentication=None;"
              + "TaskHub=default (env "
              + CONNECTION_STRING_ENV
              + ").")
  String connectionString;

  @Option(
      names = "--endpoint",
      paramLabel = "HOST:PORT|URL",
      description =
          "The scheduler's gRPC endpoint (https://… for TLS). Default: " + DEFAULT_ENDPOINT)
  String endpoint;

  @Option(
      names = "--task-hub",
      paramLabel = "NAME",
      description = "The task hub. Default: the connection string's, else default")
  String taskHub;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "A Taskhub token (taskhub token new) sent as a bearer; with --endpoint, env "
              + TOKEN_ENV
              + " otherwise.")
  String token;

  @Option(
      names = "--trusted-certificates",
      paramLabel = "FILE",
      description = "PEM CA certificates to trust instead of the system's; implies TLS.")
  Path trustedCertificates;

  /**
   * The settings these options and the environment give.
   *
   * @throws dev.taskhub.sdk.TaskhubException.InvalidConfiguration naming what is wrong
   */
  ConnectionSettings settings(Map<String, String> env) {
    ConnectionSettings settings;
    if (connectionString != null) {
      settings = ConnectionSettings.fromConnectionString(connectionString);
    } else if (endpoint == null && env.get(CONNECTION_STRING_ENV) != null) {
      settings = ConnectionSettings.fromConnectionString(env.get(CONNECTION_STRING_ENV));
    } else {
      settings = ConnectionSettings.fromConnectionString(endpointConnectionString());
      String envToken = env.get(TOKEN_ENV);
      if (envToken != null && !envToken.isBlank()) {
        settings = settings.withToken(envToken.strip());
      }
    }
    if (taskHub != null) {
      settings = settings.withTaskHub(taskHub);
    }
    if (token != null) {
      settings = settings.withToken(token);
    }
    if (trustedCertificates != null) {
      settings = settings.withTrustedCertificates(trustedCertificates);
    }
    return settings;
  }

  private String endpointConnectionString() {
    String address = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
    String url =
        address.contains("://")
            ? address
            : (trustedCertificates != null ? "https://" : "http://") + address;
    return "Endpoint=" + url + ";Authentication=None;TaskHub=default";
  }
}
