package dev.taskhub.server.store;

import java.util.Objects;

/**
 * Which page of a query to read: the order of the rows (and of the pages), how many rows at most,
 * and where the previous page ended.
 *
 * @param sort the order of the rows; ties are broken by instance id in the same direction
 * @param pageSize the most rows in one page
 * @param continuationToken the token of the previous page, or null for the first page; valid only
 *     with the same sort
 */
public record InstancePageRequest(InstanceSort sort, int pageSize, String continuationToken) {

  public InstancePageRequest {
    Objects.requireNonNull(sort, "sort");
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive, was " + pageSize);
    }
  }
}
