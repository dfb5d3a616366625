package dev.taskhub.sdk.entity;

/**
 * One operation an entity runs: what was asked (name, input), the entity's state, and its {@link
 * EntityContext}. State changes take effect only if the operation returns normally.
 */
public interface EntityOperation {

  /** The operation name as the caller sent it. */
  String name();

  /** Whether the caller sent an input. */
  boolean hasInput();

  /**
   * The input.
   *
   * @return the input, or null if there is none
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it cannot be read as {@code type}
   */
  <T> T getInput(Class<T> type);

  /** Whether the entity has state (it has none before its first write, or once deleted). */
  boolean hasState();

  /**
   * The entity's state, read as {@code type} (a fresh copy: change it, then {@link #setState}).
   *
   * @return the state, or null if the entity has none
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it cannot be read as {@code type}
   */
  <S> S getState(Class<S> type);

  /**
   * The entity's state, or {@code initial} if it has none.
   *
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it cannot be read as {@code type}
   */
  default <S> S getState(Class<S> type, S initial) {
    return hasState() ? getState(type) : initial;
  }

  /**
   * Replaces the state; null deletes it.
   *
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it cannot be serialized
   */
  void setState(Object state);

  /** Deletes the state: the entity ends up empty, which {@code cleanEntityStorage} removes. */
  default void deleteState() {
    setState(null);
  }

  /** Messages to other entities and orchestrations, and the entity's own id. */
  EntityContext context();
}
