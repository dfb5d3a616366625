package dev.taskhub.server.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a caller may do, per task hub: read, change instances, do a worker's work, or everything. As
 * the DTS's Data Reader, Data Contributor, Worker and owner roles.
 */
public enum Role {
  /** Get, wait, query, list ids, history, the dashboard's views and live updates. */
  READER,
  /**
   * A reader that also starts, raises, terminates, suspends, resumes, restarts, rewinds, purges.
   */
  CONTRIBUTOR,
  /** Hello, the work-item stream, completions, abandons, history streaming. */
  WORKER,
  /** Everything, task hub management included. */
  ADMIN;

  /** The role a token file or claim names ({@code reader}, …), case ignored. */
  public static Role parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Unknown role '" + name + "': expected reader, worker, contributor or admin");
    }
  }

  /** A comma-separated list of roles. */
  public static Set<Role> parseList(String names) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names.split(",")) {
      if (!name.isBlank()) {
        roles.add(parse(name));
      }
    }
    return roles;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
