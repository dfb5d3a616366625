package dev.taskhub.server.security;

import java.util.Set;

/**
 * Who made a call, as its credentials say: a name (for logs, never the secret), roles, and the task
 * hubs they apply to ({@code allHubs}, or those named).
 */
public record Caller(String name, Set<Role> roles, boolean allHubs, Set<String> hubs) {
  public Caller {
    roles = Set.copyOf(roles);
    hubs = Set.copyOf(hubs);
  }

  /** A caller with no authentication configured: everything is allowed. */
  public static final Caller ANONYMOUS =
      new Caller("anonymous", Set.of(Role.ADMIN), true, Set.of());

  public boolean mayUse(String hub) {
    return allHubs || hubs.contains(hub);
  }

  /**
   * Checks that the caller may do what {@code access} needs in {@code hub}.
   *
   * @throws AccessDenied.Forbidden naming the role and hub needed
   */
  public void require(Access access, String hub) {
    if (!mayUse(hub)) {
      throw new AccessDenied.Forbidden(
          "Caller '" + name + "' has no access to task hub '" + hub + "'");
    }
    if (!access.allowedFor(roles)) {
      throw new AccessDenied.Forbidden(
          "Caller '"
              + name
              + "' needs the role "
              + access.rolesNeeded()
              + " in task hub '"
              + hub
              + "' for this");
    }
  }
}
