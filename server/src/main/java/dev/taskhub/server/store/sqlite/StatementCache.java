package dev.taskhub.server.store.sqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps a connection's prepared statements for reuse. The SQLite driver compiles the SQL again on
 * every {@code prepareStatement}, and under many small orchestrations that compilation took more of
 * the scheduler's CPU than running the statements did; the store's code stays plain JDBC (prepare,
 * use, close) and this wrapper turns the close into "ready for the next use".
 *
 * <p>The wrapped connection serves {@code prepareStatement(String)} from a per-connection cache
 * (least recently used first out, {@value #CAPACITY} statements): closing one clears its parameters
 * and batch, keeps it prepared, and the driver resets it on its next execution. A statement still
 * in use (prepared again before it was closed, e.g. a nested query of the same SQL) is never handed
 * out twice: the second caller gets a fresh, uncached one. Not thread-safe, like the connection it
 * wraps: each of our SQLite connections is used by one thread at a time.
 */
final class StatementCache {
  static final int CAPACITY = 128;

  private StatementCache() {}

  /** {@code connection}, with its single-argument {@code prepareStatement} served from a cache. */
  static Connection wrap(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            StatementCache.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new CachingConnection(connection));
  }

  private static final class CachingConnection implements InvocationHandler {
    private final Connection connection;
    private final LinkedHashMap<String, Cached> statements =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            if (size() <= CAPACITY) {
              return false;
            }
            eldest.getValue().evict();
            return true;
          }
        };

    CachingConnection(Connection connection) {
      this.connection = connection;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("prepareStatement") && args.length == 1) {
        return prepare((String) args[0]);
      }
      if (name.equals("close") && args == null) {
        for (Cached cached : statements.values()) {
          cached.statement.close();
        }
        statements.clear();
      }
      if (name.equals("unwrap") && args[0] == Connection.class) {
        return connection;
      }
      return call(connection, method, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
      Cached cached = statements.get(sql);
      if (cached == null) {
        cached = new Cached(connection.prepareStatement(sql));
        statements.put(sql, cached);
      } else if (cached.inUse) {
        return connection.prepareStatement(sql);
      }
      cached.inUse = true;
      return cached.proxy;
    }
  }

  /** One kept statement and the face callers see, whose {@code close} only returns it. */
  private static final class Cached implements InvocationHandler {
    final PreparedStatement statement;
    final PreparedStatement proxy;
    boolean inUse;
    private boolean evicted;

    Cached(PreparedStatement statement) {
      this.statement = statement;
      this.proxy =
          (PreparedStatement)
              Proxy.newProxyInstance(
                  StatementCache.class.getClassLoader(),
                  new Class<?>[] {PreparedStatement.class},
                  this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          if (inUse) {
            inUse = false;
            if (evicted) {
              statement.close();
            } else {
              statement.clearParameters();
              statement.clearBatch();
            }
          }
          return null;
        }
        case "isClosed" -> {
          return !inUse || statement.isClosed();
        }
        default -> {
          return call(statement, method, args);
        }
      }
    }

    /** Leaves the cache: closed now if idle, else when its user closes it. */
    void evict() {
      evicted = true;
      if (!inUse) {
        try {
          statement.close();
        } catch (SQLException ignored) {
          // Closing a statement of a connection that is going away: nothing left to release.
        }
      }
    }
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
