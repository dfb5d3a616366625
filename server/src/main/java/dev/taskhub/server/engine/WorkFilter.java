package dev.taskhub.server.engine;

import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.WorkItemFilters;
import dev.taskhub.server.store.WorkName;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which orchestrations and activities a worker stream accepts, from the {@code workItemFilters} of
 * its {@code GetWorkItems} request: a work item goes to the stream only if a filter of its kind
 * names it, and lists its version or no versions. A stream that sends no filters accepts everything
 * ({@link #ALL}); so does one that sends an empty filter message, which no SDK means as "send me
 * nothing". Immutable.
 */
public final class WorkFilter {
  /** Accepts every work item: a stream without filters. */
  public static final WorkFilter ALL = new WorkFilter(null, null, null);

  /** Name to accepted versions (empty: any version); null map: every name is accepted. */
  private final Map<String, Set<String>> orchestrations;

  private final Map<String, Set<String>> activities;

  /** Entity names, lower case (entities have no versions). */
  private final Set<String> entities;

  private WorkFilter(
      Map<String, Set<String>> orchestrations,
      Map<String, Set<String>> activities,
      Set<String> entities) {
    this.orchestrations = orchestrations;
    this.activities = activities;
    this.entities = entities;
  }

  /** The filter a stream's request asks for. */
  public static WorkFilter of(GetWorkItemsRequest request) {
    if (!request.hasWorkItemFilters()) {
      return ALL;
    }
    WorkItemFilters filters = request.getWorkItemFilters();
    if (filters.getOrchestrationsCount() == 0
        && filters.getActivitiesCount() == 0
        && filters.getEntitiesCount() == 0) {
      return ALL;
    }
    Map<String, Set<String>> orchestrations = new LinkedHashMap<>();
    filters
        .getOrchestrationsList()
        .forEach(f -> merge(orchestrations, f.getName(), f.getVersionsList()));
    Map<String, Set<String>> activities = new LinkedHashMap<>();
    filters.getActivitiesList().forEach(f -> merge(activities, f.getName(), f.getVersionsList()));
    Set<String> entities = new LinkedHashSet<>();
    filters.getEntitiesList().forEach(f -> entities.add(f.getName().toLowerCase(Locale.ROOT)));
    return new WorkFilter(orchestrations, activities, entities);
  }

  /**
   * A filter with these names (and versions per name; an empty list: any version). For tests and
   * the Taskhub SDK's own filters.
   */
  public static WorkFilter of(
      Map<String, List<String>> orchestrations, Map<String, List<String>> activities) {
    Map<String, Set<String>> o = new LinkedHashMap<>();
    orchestrations.forEach((name, versions) -> merge(o, name, versions));
    Map<String, Set<String>> a = new LinkedHashMap<>();
    activities.forEach((name, versions) -> merge(a, name, versions));
    return new WorkFilter(o, a, Set.of());
  }

  /** Two filters naming the same name merge: any version wins over a list, lists add up. */
  private static void merge(Map<String, Set<String>> into, String name, List<String> versions) {
    Set<String> known = into.get(name);
    if (known == null) {
      into.put(name, new LinkedHashSet<>(versions));
    } else if (!known.isEmpty()) {
      if (versions.isEmpty()) {
        known.clear();
      } else {
        known.addAll(versions);
      }
    }
  }

  /** What any of these filters accepts: the filter of a node with these streams. */
  public static WorkFilter union(Collection<WorkFilter> filters) {
    if (filters.isEmpty()) {
      return new WorkFilter(Map.of(), Map.of(), Set.of());
    }
    Map<String, Set<String>> orchestrations = new HashMap<>();
    Map<String, Set<String>> activities = new HashMap<>();
    Set<String> entities = new HashSet<>();
    for (WorkFilter filter : filters) {
      if (filter.acceptsEverything()) {
        return ALL;
      }
      filter.orchestrations.forEach((name, v) -> merge(orchestrations, name, List.copyOf(v)));
      filter.activities.forEach((name, v) -> merge(activities, name, List.copyOf(v)));
      entities.addAll(filter.entities);
    }
    return new WorkFilter(orchestrations, activities, entities);
  }

  public boolean acceptsEverything() {
    return orchestrations == null;
  }

  public boolean acceptsOrchestration(WorkName work) {
    return accepts(orchestrations, work);
  }

  public boolean acceptsActivity(WorkName work) {
    return accepts(activities, work);
  }

  /** Whether it takes this instance's work: an orchestration episode or an entity batch. */
  public boolean acceptsInstance(WorkName work) {
    return work.entity() ? acceptsEntity(work) : acceptsOrchestration(work);
  }

  /** Entities are taken only by a stream that names them, or one without filters. */
  public boolean acceptsEntity(WorkName work) {
    return entities == null || entities.contains(work.name());
  }

  private static boolean accepts(Map<String, Set<String>> filters, WorkName work) {
    if (filters == null) {
      return true;
    }
    Set<String> versions = filters.get(work.name());
    return versions != null && (versions.isEmpty() || versions.contains(work.version()));
  }

  /** Orchestration names to accepted versions (empty: any); meaningless for {@link #ALL}. */
  public Map<String, Set<String>> orchestrations() {
    return orchestrations == null ? Map.of() : Map.copyOf(orchestrations);
  }

  /** Entity names (lower case); meaningless for {@link #ALL}. */
  public Set<String> entities() {
    return entities == null ? Set.of() : Set.copyOf(entities);
  }

  /** Activity names to accepted versions (empty: any); meaningless for {@link #ALL}. */
  public Map<String, Set<String>> activities() {
    return activities == null ? Map.of() : Map.copyOf(activities);
  }

  @Override
  public String toString() {
    return acceptsEverything()
        ? "all work"
        : "orchestrations "
            + orchestrations
            + ", activities "
            + activities
            + ", entities "
            + entities;
  }
}
