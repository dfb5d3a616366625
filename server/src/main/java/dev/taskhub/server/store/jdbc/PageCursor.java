package dev.taskhub.server.store.jdbc;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceSort;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of an instance query ended: the sort, and the (sort value, instance id) key of its
 * last row. Its continuation token is {@code SORT:value:instanceId}, URL-safe Base64; the value is
 * 0 when the sort is by id alone.
 *
 * <p>The gRPC and Durable Functions lists used to issue {@code createdAt:instanceId} instead (they
 * always read in {@link InstanceSort#CREATED_ASC}). Clients may hold such a token across an
 * upgrade, so {@link #decode} still reads it, as a {@code CREATED_ASC} cursor.
 *
 * @param sort the order the page was read in
 * @param value the last row's sort column (epoch ms), 0 when sorting by id alone
 * @param instanceId the last row's instance id
 */
record PageCursor(InstanceSort sort, long value, String instanceId) {

  /** The cursor after {@code last}, a row read in {@code sort} order. */
  static PageCursor after(InstanceRecord last, InstanceSort sort) {
    long value =
        switch (sort) {
          case CREATED_ASC, CREATED_DESC -> last.createdAt();
          case UPDATED_ASC, UPDATED_DESC -> last.lastUpdatedAt();
          case COMPLETED_ASC -> last.completedAt();
          case ID_ASC, ID_DESC -> 0;
        };
    return new PageCursor(sort, value, last.key().instanceId());
  }

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            (sort.name() + ":" + value + ":" + instanceId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a token {@link #encode} (or an older server) issued.
   *
   * @throws TaskhubException.InvalidArgument if the token is not one this server issued, or was
   *     issued for a sort other than {@code expected}
   */
  static PageCursor decode(String token, InstanceSort expected) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      String head = text.substring(0, colon);
      if (!head.isEmpty() && Character.isLetter(head.charAt(0))) {
        return keyed(token, InstanceSort.valueOf(head), expected, text.substring(colon + 1));
      }
      // An older gRPC or Durable Functions token: the whole text is the key.
      return keyed(token, InstanceSort.CREATED_ASC, expected, text);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new TaskhubException.InvalidArgument(
          "continuationToken '" + token + "' is not one this server issued");
    }
  }

  /** The cursor of {@code key}, a {@code value:instanceId} read in {@code sort} order. */
  private static PageCursor keyed(
      String token, InstanceSort sort, InstanceSort expected, String key) {
    if (sort != expected) {
      throw new TaskhubException.InvalidArgument(
          "continuationToken '" + token + "' belongs to another sort order (" + sort + ")");
    }
    int colon = key.indexOf(':');
    return new PageCursor(sort, Long.parseLong(key.substring(0, colon)), key.substring(colon + 1));
  }
}
