package dev.taskhub.server.store;

import com.google.protobuf.StringValue;
import java.util.Objects;

/**
 * What a worker's filters look at in a work item: the orchestration's or activity's name and its
 * version ({@code ""} when it has none). Ready work is kept in one line per work name.
 */
public record WorkName(String name, String version) {
  public WorkName {
    Objects.requireNonNull(name, "name");
    version = version == null ? "" : version;
  }

  /** The name with the version as the protocol carries it (absent: none). */
  public static WorkName of(String name, StringValue version) {
    return new WorkName(name, version == null ? "" : version.getValue());
  }

  @Override
  public String toString() {
    return version.isEmpty() ? name : name + "@" + version;
  }
}
