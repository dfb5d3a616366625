package dev.taskhub.sdk.entity;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The operations of one {@link TaskEntity} class: its public instance methods by lowercase name,
 * each taking at most one input and optionally an {@link EntityContext} or {@link EntityOperation}.
 * Built once per class (a {@link ClassValue}), so dispatching costs a map lookup.
 */
final class OperationTable {
  private static final ClassValue<OperationTable> TABLES =
      new ClassValue<>() {
        @Override
        protected OperationTable computeValue(Class<?> type) {
          return new OperationTable(type);
        }
      };

  private final Map<String, Operation> operations = new HashMap<>();

  /** How to call one method: where the input goes (-1: none) and what each parameter gets. */
  record Operation(Method method, Type inputType, Kind[] parameters) {
    enum Kind {
      INPUT,
      CONTEXT,
      OPERATION
    }

    Object invoke(Object target, EntityTransaction transaction) throws Exception {
      Object[] args = new Object[parameters.length];
      for (int i = 0; i < args.length; i++) {
        args[i] =
            switch (parameters[i]) {
              case INPUT -> input(transaction);
              case CONTEXT, OPERATION -> transaction;
            };
      }
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        // The operation's own failure, not the reflective wrapper, is what its caller must see.
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }

    private Object input(EntityTransaction transaction) {
      Object input = transaction.readInput(inputType);
      if (input == null && method.getParameterTypes()[indexOfInput()].isPrimitive()) {
        throw new IllegalArgumentException(
            "The operation '"
                + method.getName()
                + "' of "
                + transaction.entityId()
                + " needs an input");
      }
      return input;
    }

    private int indexOfInput() {
      for (int i = 0; i < parameters.length; i++) {
        if (parameters[i] == Kind.INPUT) {
          return i;
        }
      }
      throw new IllegalStateException("no input parameter");
    }
  }

  static OperationTable of(Class<?> type) {
    return TABLES.get(type);
  }

  private OperationTable(Class<?> type) {
    for (Method method : type.getMethods()) {
      Class<?> declaring = method.getDeclaringClass();
      if (declaring == Object.class
          || declaring == TaskEntity.class
          || Modifier.isStatic(method.getModifiers())
          || method.isBridge()
          || method.isSynthetic()
          || overridesObject(method)) {
        continue;
      }
      String key = method.getName().toLowerCase(Locale.ROOT);
      Operation previous = operations.put(key, operation(type, method));
      if (previous != null) {
        throw new IllegalArgumentException(
            "Entity class "
                + type.getName()
                + " has two operations named '"
                + key
                + "' (names are case-insensitive): "
                + previous.method()
                + " and "
                + method);
      }
    }
  }

  /** {@code toString}, {@code equals} and {@code hashCode} are never operations. */
  private static boolean overridesObject(Method method) {
    try {
      Object.class.getMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static Operation operation(Class<?> type, Method method) {
    Class<?>[] raw = method.getParameterTypes();
    Type[] generic = method.getGenericParameterTypes();
    Operation.Kind[] kinds = new Operation.Kind[raw.length];
    Type inputType = null;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == EntityContext.class) {
        kinds[i] = Operation.Kind.CONTEXT;
      } else if (raw[i] == EntityOperation.class) {
        kinds[i] = Operation.Kind.OPERATION;
      } else if (inputType == null) {
        kinds[i] = Operation.Kind.INPUT;
        inputType = generic[i];
      } else {
        throw new IllegalArgumentException(
            "Entity operation "
                + method
                + " of "
                + type.getName()
                + " takes more than one input; an operation takes at most one (use a record)");
      }
    }
    // Public methods of a non-public class (a nested or package-private entity) need this.
    method.trySetAccessible();
    return new Operation(method, inputType, kinds);
  }

  /** The operation with this name (any case), or null. */
  Operation find(String name) {
    return operations.get(name.toLowerCase(Locale.ROOT));
  }
}
