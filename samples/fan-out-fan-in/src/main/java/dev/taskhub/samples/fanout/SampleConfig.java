package dev.taskhub.samples.fanout;

import dev.taskhub.sdk.ConnectionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The sample's settings: the Java counterparts of the seed's {@code host.json} (hub name) and
 * {@code local.settings.json} (connection string, port). Read from {@code
 * fan-out-fan-in.properties} on the classpath; each key can be overridden by the environment
 * variable named beside it in that file.
 *
 * @param connectionString the scheduler, as the DTS SDKs write it
 * @param taskHub the task hub, or blank to take the connection string's {@code TaskHub}
 * @param port the HTTP port of the trigger (0 picks a free one)
 * @param defaultWorkItems what a request without {@code workItems} processes
 * @param maxWorkItems the most work items one request may ask for
 * @param minWork shortest simulated work of one item
 * @param maxWork longest simulated work of one item
 */
public record SampleConfig(
    String connectionString,
    String taskHub,
    int port,
    List<String> defaultWorkItems,
    int maxWorkItems,
    Duration minWork,
    Duration maxWork) {

  static final String RESOURCE = "fan-out-fan-in.properties";

  /** Property key → the environment variable that overrides it. */
  static final Map<String, String> ENVIRONMENT =
      Map.of(
          "connection-string", "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
          "task-hub", "TASKHUB_NAME",
          "http.port", "SAMPLE_HTTP_PORT",
          "work-items.default", "SAMPLE_DEFAULT_WORK_ITEMS",
          "work-items.max", "SAMPLE_MAX_WORK_ITEMS",
          "work.min-seconds", "SAMPLE_WORK_MIN_SECONDS",
          "work.max-seconds", "SAMPLE_WORK_MAX_SECONDS");

  /**
   * @throws IllegalArgumentException naming the setting that is missing or out of range
   */
  public SampleConfig {
    Objects.requireNonNull(connectionString, "connectionString");
    taskHub = taskHub == null ? "" : taskHub.strip();
    defaultWorkItems = List.copyOf(defaultWorkItems);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("http.port must be between 0 and 65535, was " + port);
    }
    if (maxWorkItems < 1) {
      throw new IllegalArgumentException("work-items.max must be at least 1, was " + maxWorkItems);
    }
    if (defaultWorkItems.isEmpty() || defaultWorkItems.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "work-items.default must list non-empty items, was " + defaultWorkItems);
    }
    if (defaultWorkItems.size() > maxWorkItems) {
      throw new IllegalArgumentException(
          "work-items.default has more than work-items.max (" + maxWorkItems + ") items");
    }
    if (minWork.isNegative() || maxWork.compareTo(minWork) < 0) {
      throw new IllegalArgumentException(
          "work.min-seconds must be >= 0 and <= work.max-seconds, were "
              + minWork
              + " and "
              + maxWork);
    }
    connection(connectionString, taskHub); // fails early, naming the bad key
  }

  /** The file's settings overridden by the process environment. */
  public static SampleConfig load() {
    return load(System.getenv());
  }

  /**
   * The file's settings overridden by {@code environment}.
   *
   * @throws IllegalArgumentException if a setting is missing or invalid
   */
  public static SampleConfig load(Map<String, String> environment) {
    Properties properties = new Properties();
    try (InputStream in = SampleConfig.class.getResourceAsStream("/" + RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + RESOURCE, e);
    }
    ENVIRONMENT.forEach(
        (key, variable) -> {
          String value = environment.get(variable);
          if (value != null) {
            properties.setProperty(key, value);
          }
        });
    return new SampleConfig(
        required(properties, "connection-string"),
        properties.getProperty("task-hub", ""),
        integer(properties, "http.port"),
        Arrays.stream(required(properties, "work-items.default").split(","))
            .map(String::strip)
            .toList(),
        integer(properties, "work-items.max"),
        seconds(properties, "work.min-seconds"),
        seconds(properties, "work.max-seconds"));
  }

  /** Where the worker and client connect: the connection string, with the hub name if set. */
  public ConnectionSettings connection() {
    return connection(connectionString, taskHub);
  }

  public SampleConfig withConnectionString(String newConnectionString) {
    return new SampleConfig(
        newConnectionString, taskHub, port, defaultWorkItems, maxWorkItems, minWork, maxWork);
  }

  public SampleConfig withPort(int newPort) {
    return new SampleConfig(
        connectionString, taskHub, newPort, defaultWorkItems, maxWorkItems, minWork, maxWork);
  }

  public SampleConfig withMaxWorkItems(int newMaxWorkItems) {
    return new SampleConfig(
        connectionString, taskHub, port, defaultWorkItems, newMaxWorkItems, minWork, maxWork);
  }

  private static ConnectionSettings connection(String connectionString, String taskHub) {
    ConnectionSettings settings = ConnectionSettings.fromConnectionString(connectionString);
    return taskHub.isEmpty() ? settings : settings.withTaskHub(taskHub);
  }

  private static String required(Properties properties, String key) {
    String value = properties.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          key + " is not set (in " + RESOURCE + " or env " + ENVIRONMENT.get(key) + ")");
    }
    return value.strip();
  }

  private static int integer(Properties properties, String key) {
    String value = required(properties, key);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, was '" + value + "'", e);
    }
  }

  private static Duration seconds(Properties properties, String key) {
    String value = required(properties, key);
    try {
      return Duration.ofNanos(Math.round(Double.parseDouble(value) * 1e9));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number of seconds, was " + value, e);
    }
  }
}
