package dev.taskhub.server.cluster.postgres;

import dev.taskhub.server.engine.WorkFilter;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL condition a claim puts on the {@code name} and {@code version} columns of the rows it
 * takes (alias {@code c}), from the names and versions a node's workers take: a name with no
 * versions matches any version; no names at all match nothing. A row without a version has version
 * {@code ""} here, as in the filters.
 */
record NameCondition(String sql, List<String> parameters) {
  /** Matches every row: a node with a worker that sends no filters. */
  static final NameCondition ANY = new NameCondition("TRUE", List.of());

  /** The condition for these names (each with its accepted versions, empty for any). */
  static NameCondition of(Map<String, Set<String>> names) {
    if (names.isEmpty()) {
      return new NameCondition("FALSE", List.of());
    }
    List<String> anyVersion = new ArrayList<>();
    List<String> terms = new ArrayList<>();
    List<String> parameters = new ArrayList<>();
    names.forEach(
        (name, versions) -> {
          if (versions.isEmpty()) {
            anyVersion.add(name);
          } else {
            terms.add(
                "(c.name = ? AND COALESCE(c.version, '') IN ("
                    + String.join(", ", versions.stream().map(v -> "?").toList())
                    + "))");
            parameters.add(name);
            parameters.addAll(versions);
          }
        });
    List<String> all = new ArrayList<>();
    List<String> allParameters = new ArrayList<>();
    if (!anyVersion.isEmpty()) {
      all.add("c.name IN (" + String.join(", ", anyVersion.stream().map(n -> "?").toList()) + ")");
      allParameters.addAll(anyVersion);
    }
    all.addAll(terms);
    allParameters.addAll(parameters);
    return new NameCondition("(" + String.join(" OR ", all) + ")", List.copyOf(allParameters));
  }

  /**
   * The condition for the instance rows a node's streams take: orchestrations by the filters'
   * orchestration names and versions, entity rows ({@code @name@key}) by their entity names.
   */
  static NameCondition forInstances(WorkFilter takes) {
    if (takes.acceptsEverything()) {
      return ANY;
    }
    NameCondition orchestrations = of(takes.orchestrations());
    Set<String> entityNames = takes.entities();
    if (entityNames.isEmpty()) {
      return orchestrations.isNone()
          ? orchestrations
          : new NameCondition(
              "(c.instance_id NOT LIKE '@%' AND " + orchestrations.sql() + ")",
              orchestrations.parameters());
    }
    List<String> parameters = new ArrayList<>(orchestrations.parameters());
    parameters.addAll(entityNames);
    return new NameCondition(
        "((c.instance_id NOT LIKE '@%' AND "
            + orchestrations.sql()
            + ") OR (c.instance_id LIKE '@%' AND c.name IN ("
            + String.join(", ", entityNames.stream().map(n -> "?").toList())
            + ")))",
        List.copyOf(parameters));
  }

  boolean isNone() {
    return sql.equals("FALSE");
  }

  /**
   * Binds the condition's parameters from {@code index} on.
   *
   * @return the next free parameter index
   */
  int bind(PreparedStatement statement, int index) throws SQLException {
    for (String parameter : parameters) {
      statement.setString(index++, parameter);
    }
    return index;
  }
}
