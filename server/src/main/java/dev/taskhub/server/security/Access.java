package dev.taskhub.server.security;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an operation needs: the roles any one of which allows it ({@link Role#ADMIN} always does).
 */
public enum Access {
  /** Any authenticated caller of the hub (Hello). */
  ANY(EnumSet.allOf(Role.class)),
  READ(EnumSet.of(Role.READER, Role.CONTRIBUTOR)),
  CHANGE(EnumSet.of(Role.CONTRIBUTOR)),
  WORK(EnumSet.of(Role.WORKER)),
  /** A history a reader looks at, or a worker streams for its episode. */
  READ_OR_WORK(EnumSet.of(Role.READER, Role.CONTRIBUTOR, Role.WORKER)),
  MANAGE(EnumSet.noneOf(Role.class));

  private final Set<Role> allowedBy;

  Access(Set<Role> allowedBy) {
    this.allowedBy = allowedBy;
  }

  public boolean allowedFor(Set<Role> roles) {
    return roles.contains(Role.ADMIN) || roles.stream().anyMatch(allowedBy::contains);
  }

  /** The roles that allow it, for a refusal's message ({@code "contributor or admin"}). */
  public String rolesNeeded() {
    Set<Role> roles = EnumSet.copyOf(allowedBy.isEmpty() ? EnumSet.of(Role.ADMIN) : allowedBy);
    roles.add(Role.ADMIN);
    return roles.stream().map(Role::label).collect(Collectors.joining(" or "));
  }
}
