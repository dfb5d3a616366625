package dev.taskhub.server.store;

import java.util.List;

/**
 * One page of the ids of an instance query.
 *
 * @param instanceIds the ids, in the order of the query's sort
 * @param continuationToken passed back for the next page; null when this is the last page
 */
public record InstanceIdPage(List<String> instanceIds, String continuationToken) {
  public InstanceIdPage {
    instanceIds = List.copyOf(instanceIds);
  }
}
