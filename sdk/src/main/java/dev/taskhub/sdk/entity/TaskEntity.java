package dev.taskhub.sdk.entity;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An entity written as a class: its public methods are its operations, matched by name ignoring
 * case. A method takes at most one input (read with the worker's data converter as the parameter's
 * declared type, generics included) and may also take the {@link EntityContext}; what it returns is
 * the operation's result. {@link #state} holds the entity's state while an operation runs: it is
 * read before each operation ({@link #initialState()} if the entity has none) and saved after it,
 * and setting it to null deletes it.
 *
 * <pre>{@code
 * public class Counter extends TaskEntity<Integer> {
 *   public int add(int amount) { state += amount; return state; }
 *   public int get() { return state; }
 *   public void reset() { state = 0; }
 * }
 * // worker: .addEntity("Counter", Counter::new)
 * }</pre>
 *
 * <p>An operation named {@code delete} that the class does not define deletes the state. A worker
 * makes a new instance for every batch, so fields other than {@link #state} do not survive it.
 *
 * @param <S> the state type
 */
public abstract class TaskEntity<S> implements Entity {
  private final Type stateType;
  private EntityTransaction current;

  /**
   * The entity's state during an operation (never shared between operations: each reads its own
   * copy).
   */
  protected S state;

  /**
   * Reads the state type from the class declaration ({@code extends TaskEntity<Integer>}).
   *
   * @throws IllegalStateException if the class does not name it (a type variable): use {@link
   *     #TaskEntity(Class)} then
   */
  protected TaskEntity() {
    this.stateType = declaredStateType(getClass());
  }

  /** Uses the given state type. */
  protected TaskEntity(Class<S> stateType) {
    this.stateType = stateType;
  }

  /**
   * The state of an entity that has none yet. By default: 0 for numbers, false for booleans, an
   * empty mutable list, set or map for those interfaces, a new instance for a class with a public
   * no-argument constructor, null otherwise (override it for records).
   */
  protected S initialState() {
    return defaultState(stateType);
  }

  /** The context of the running operation: the entity's id, signals, new orchestrations. */
  protected final EntityContext context() {
    if (current == null) {
      throw new IllegalStateException("No operation is running on this entity");
    }
    return current;
  }

  /**
   * Dispatches the operation to the method of its name.
   *
   * @throws IllegalArgumentException if the class has no such operation (and it is not {@code
   *     delete})
   * @throws Exception what the method throws
   */
  @Override
  public final Object run(EntityOperation operation) throws Exception {
    if (!(operation instanceof EntityTransaction transaction)) {
      throw new IllegalArgumentException("A TaskEntity runs only in an EntityExecutor");
    }
    OperationTable.Operation method = OperationTable.of(getClass()).find(operation.name());
    if (method == null && operation.name().equalsIgnoreCase("delete")) {
      operation.deleteState();
      return null;
    }
    if (method == null) {
      throw new IllegalArgumentException(
          "The entity "
              + transaction.entityId()
              + " ("
              + getClass().getName()
              + ") has no operation '"
              + operation.name()
              + "'");
    }
    current = transaction;
    try {
      S read = transaction.readState(stateType);
      state = read != null ? read : initialState();
      Object result = method.invoke(this, transaction);
      transaction.setState(state);
      return result;
    } finally {
      current = null;
      state = null;
    }
  }

  private static Type declaredStateType(Class<?> type) {
    for (Class<?> at = type; at != null; at = at.getSuperclass()) {
      if (at.getGenericSuperclass() instanceof ParameterizedType parent
          && parent.getRawType() == TaskEntity.class) {
        Type argument = parent.getActualTypeArguments()[0];
        if (argument instanceof Class<?> || argument instanceof ParameterizedType) {
          return argument;
        }
        break;
      }
    }
    throw new IllegalStateException(
        type.getName()
            + " does not declare its state type (extends TaskEntity<S> with a type variable):"
            + " pass it to the constructor, TaskEntity(Class<S>)");
  }

  @SuppressWarnings("unchecked")
  private static <S> S defaultState(Type type) {
    Class<?> raw =
        type instanceof ParameterizedType parameterized
            ? (Class<?>) parameterized.getRawType()
            : (Class<?>) type;
    Object value;
    if (raw == Integer.class || raw == int.class) {
      value = 0;
    } else if (raw == Long.class || raw == long.class) {
      value = 0L;
    } else if (raw == Double.class || raw == double.class) {
      value = 0.0;
    } else if (raw == Float.class || raw == float.class) {
      value = 0.0f;
    } else if (raw == Short.class || raw == short.class) {
      value = (short) 0;
    } else if (raw == Byte.class || raw == byte.class) {
      value = (byte) 0;
    } else if (raw == Boolean.class || raw == boolean.class) {
      value = false;
    } else if (raw == List.class || raw == Collection.class) {
      value = new ArrayList<>();
    } else if (raw == Set.class) {
      value = new LinkedHashSet<>();
    } else if (raw == Map.class) {
      value = new LinkedHashMap<>();
    } else {
      value = newInstance(raw);
    }
    return (S) value;
  }

  private static Object newInstance(Class<?> raw) {
    if (raw.isInterface() || raw.isRecord() || Modifier.isAbstract(raw.getModifiers())) {
      return null;
    }
    try {
      Constructor<?> constructor = raw.getConstructor();
      return constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      // No public no-argument constructor: the entity starts without state unless it overrides
      // initialState().
      return null;
    }
  }
}
