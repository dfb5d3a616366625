package dev.taskhub.server.store;

import com.google.protobuf.StringValue;
import java.util.Objects;

/**
 * What a worker's filters look at in a work item: the orchestration's, activity's or entity's name
 * and its version ({@code ""} when it has none; entities have none). Ready work is kept in one line
 * per work name, so an entity's name is a line of its own even where an orchestration is named the
 * same.
 */
public record WorkName(String name, String version, boolean entity) {
  public WorkName {
    Objects.requireNonNull(name, "name");
    version = version == null ? "" : version;
  }

  /** An orchestration's or activity's name and version. */
  public WorkName(String name, String version) {
    this(name, version, false);
  }

  /** The name with the version as the protocol carries it (absent: none). */
  public static WorkName of(String name, StringValue version) {
    return new WorkName(name, version == null ? "" : version.getValue());
  }

  /** An entity's name (lower case, as in its id). */
  public static WorkName entity(String name) {
    return new WorkName(name, "", true);
  }

  /** The work name of a stored instance row: entity rows are those with an entity id. */
  public static WorkName ofRow(String instanceId, String name, String version) {
    return EntityId.isEntityId(instanceId) ? entity(name) : new WorkName(name, version);
  }

  @Override
  public String toString() {
    if (entity) {
      return "entity " + name;
    }
    return version.isEmpty() ? name : name + "@" + version;
  }
}
