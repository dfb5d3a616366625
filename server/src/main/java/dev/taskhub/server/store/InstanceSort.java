package dev.taskhub.server.store;

/**
 * Orders of an instance query; ties are broken by instance id in the same direction. The gRPC and
 * Durable Functions lists read in {@link #CREATED_ASC}, {@code ListInstanceIds} in {@link
 * #COMPLETED_ASC}; the {@code /api/v1} list lets the caller choose.
 */
public enum InstanceSort {
  CREATED_ASC("created_at", true),
  CREATED_DESC("created_at", false),
  UPDATED_ASC("last_updated_at", true),
  UPDATED_DESC("last_updated_at", false),
  /** Ended instances only: those that have not ended have no place in this order. */
  COMPLETED_ASC("completed_at", true),
  ID_ASC(null, true),
  ID_DESC(null, false);

  /** The sort column besides {@code instance_id}, or null when sorting by id alone. */
  public final String column;

  public final boolean ascending;

  InstanceSort(String column, boolean ascending) {
    this.column = column;
    this.ascending = ascending;
  }
}
