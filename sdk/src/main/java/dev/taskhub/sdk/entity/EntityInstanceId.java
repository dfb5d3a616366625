package dev.taskhub.sdk.entity;

import java.util.Locale;
import java.util.Objects;

/**
 * The id of one entity: its name (the registered entity kind, case-insensitive and kept lowercase)
 * and its key (case-preserved). On the wire it is the instance id {@code @name@key}.
 *
 * <p>Ids order by their string form, ordinally: the order in which an orchestration locks several
 * entities, the same in every SDK, so that two critical sections never deadlock.
 *
 * @param name the entity name, lowercase, not empty, without {@code @}
 * @param key the entity key (may be empty, may contain {@code @})
 */
public record EntityInstanceId(String name, String key) implements Comparable<EntityInstanceId> {

  /**
   * @throws IllegalArgumentException if the name is empty or contains {@code @}
   * @throws NullPointerException if the key is null
   */
  public EntityInstanceId {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("An entity name must not be empty");
    }
    if (name.indexOf('@') >= 0) {
      throw new IllegalArgumentException("An entity name must not contain '@': '" + name + "'");
    }
    Objects.requireNonNull(key, "key");
    name = name.toLowerCase(Locale.ROOT);
  }

  /**
   * The id of the entity {@code key} of kind {@code name}.
   *
   * @throws IllegalArgumentException if the name is empty or contains {@code @}
   */
  public static EntityInstanceId of(String name, String key) {
    return new EntityInstanceId(name, key);
  }

  /**
   * Reads an instance id of the form {@code @name@key}.
   *
   * @throws IllegalArgumentException if it is not of that form (no leading {@code @}, no second
   *     {@code @}, or an empty name)
   */
  public static EntityInstanceId parse(String instanceId) {
    if (instanceId == null || !instanceId.startsWith("@")) {
      throw new IllegalArgumentException(
          "'" + instanceId + "' is not an entity id: it must have the form @name@key");
    }
    int separator = instanceId.indexOf('@', 1);
    if (separator < 0) {
      throw new IllegalArgumentException(
          "'" + instanceId + "' is not an entity id: it has no '@' between name and key");
    }
    if (separator == 1) {
      throw new IllegalArgumentException(
          "'" + instanceId + "' is not an entity id: its name is empty");
    }
    return new EntityInstanceId(
        instanceId.substring(1, separator), instanceId.substring(separator + 1));
  }

  /** Whether {@code instanceId} has the form {@code @name@key}. */
  public static boolean isEntityId(String instanceId) {
    return instanceId != null && instanceId.startsWith("@") && instanceId.indexOf('@', 1) > 1;
  }

  @Override
  public int compareTo(EntityInstanceId other) {
    return toString().compareTo(other.toString());
  }

  /** The instance id, {@code @name@key}. */
  @Override
  public String toString() {
    return "@" + name + "@" + key;
  }
}
