package dev.taskhub.server.store;

import dev.taskhub.server.TaskhubException;

/**
 * The id of a durable entity, {@code @name@key}: the instance id it is stored and addressed under.
 * Names are case-insensitive and kept in lower case (as the SDKs send them); keys are kept as
 * given. Orchestration ids never start with {@code @}, so an instance id alone tells the two apart.
 */
public record EntityId(String name, String key) {
  public EntityId {
    if (name == null || name.isEmpty() || name.indexOf('@') >= 0) {
      throw new TaskhubException.InvalidArgument(
          "An entity name must be non-empty and must not contain '@', was '" + name + "'");
    }
    if (key == null) {
      throw new TaskhubException.InvalidArgument("An entity key must not be null");
    }
    name = name.toLowerCase(java.util.Locale.ROOT);
  }

  /** True for ids of the entity form, {@code @...}. */
  public static boolean isEntityId(String instanceId) {
    return instanceId != null && instanceId.startsWith("@");
  }

  /**
   * Reads {@code @name@key}.
   *
   * @throws TaskhubException.InvalidArgument if {@code instanceId} is not of that form
   */
  public static EntityId parse(String instanceId) {
    int separator = instanceId == null ? -1 : instanceId.indexOf('@', 1);
    if (!isEntityId(instanceId) || separator < 2) {
      throw new TaskhubException.InvalidArgument(
          "'"
              + instanceId
              + "' is not an entity id: entity ids have the form @name@key, e.g. @counter@one");
    }
    return new EntityId(instanceId.substring(1, separator), instanceId.substring(separator + 1));
  }

  /**
   * An id prefix as the SDKs normalise one: {@code @} added when missing, the name part (up to the
   * second {@code @}) in lower case; null or empty stays null (every entity).
   */
  public static String normalizePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return null;
    }
    String prefixed = prefix.startsWith("@") ? prefix : "@" + prefix;
    int separator = prefixed.indexOf('@', 1);
    return separator < 0
        ? prefixed.toLowerCase(java.util.Locale.ROOT)
        : prefixed.substring(0, separator).toLowerCase(java.util.Locale.ROOT)
            + prefixed.substring(separator);
  }

  /** The instance id: {@code @name@key}. */
  public String instanceId() {
    return "@" + name + "@" + key;
  }

  @Override
  public String toString() {
    return instanceId();
  }
}
