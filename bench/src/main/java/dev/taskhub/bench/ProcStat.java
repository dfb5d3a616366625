package dev.taskhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The CPU fields of a Linux {@code /proc/<pid>/stat}: what a process used itself ({@code utime +
 * stime}) and what those of its children that exited and that it waited for used ({@code cutime +
 * cstime}). The second part is what makes a process tree measurable: a PostgreSQL backend that
 * exits between two samples is gone from {@code /proc}, but its CPU time moved into the
 * postmaster's waited-children fields.
 *
 * @param ownTicks {@code utime + stime}, in clock ticks
 * @param waitedChildrenTicks {@code cutime + cstime}, in clock ticks
 */
record ProcStat(long ownTicks, long waitedChildrenTicks) {
  /**
   * The kernel reports these fields in USER_HZ, which is 100 on x86 and ARM (what {@code getconf
   * CLK_TCK} prints); Java has no portable way to ask.
   */
  static final long TICKS_PER_SECOND = 100;

  /** Fields after the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17. */
  private static final int FIRST_FIELD = 3;

  private static final int UTIME = 14;

  /**
   * Parses the single line of a {@code stat} file.
   *
   * @throws IllegalArgumentException if it is not one
   */
  static ProcStat parse(String line) {
    // Field 2 is the command name in parentheses; it may itself hold spaces and ')', so the plain
    // fields start after the last ')'.
    int close = line.lastIndexOf(')');
    if (close < 0 || close + 2 > line.length()) {
      throw new IllegalArgumentException("Not a /proc/<pid>/stat line: " + line);
    }
    String[] fields = line.substring(close + 2).strip().split(" +");
    int utime = UTIME - FIRST_FIELD;
    if (fields.length < utime + 4) {
      throw new IllegalArgumentException("Too few fields in /proc/<pid>/stat line: " + line);
    }
    try {
      long own = Long.parseLong(fields[utime]) + Long.parseLong(fields[utime + 1]);
      long children = Long.parseLong(fields[utime + 2]) + Long.parseLong(fields[utime + 3]);
      return new ProcStat(own, children);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Malformed /proc/<pid>/stat line: " + line, e);
    }
  }

  /** The process's fields, or empty when it does not exist (any more) or there is no /proc. */
  static Optional<ProcStat> read(long pid) {
    try {
      return Optional.of(parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * CPU time used so far by a process and all its descendants, alive or exited and waited for: the
   * root's and each live descendant's own and waited-children time. Descendants are read before the
   * root, so one that exits in between may be counted twice (as itself, then in the root's waited
   * children) but is never missed; long-lived processes such as pooled PostgreSQL backends make
   * that rare. Empty when the root does not exist or there is no /proc.
   */
  static Optional<Duration> treeCpu(long rootPid) {
    Optional<ProcessHandle> root = ProcessHandle.of(rootPid);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    long ticks =
        root.get()
            .descendants()
            .map(process -> read(process.pid()))
            .flatMap(Optional::stream)
            .mapToLong(ProcStat::totalTicks)
            .sum();
    return read(rootPid).map(stat -> toDuration(ticks + stat.totalTicks()));
  }

  long totalTicks() {
    return ownTicks + waitedChildrenTicks;
  }

  static Duration toDuration(long ticks) {
    return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
  }
}
