package dev.taskhub.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of database work on a connection the caller does not own (no commit, no close). */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
