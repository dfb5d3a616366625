package dev.taskhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The scheduler's peak resident memory during a run, from Linux's {@code /proc/<pid>/status}:
 * {@code VmHWM}, the high-water mark of {@code VmRSS}. Writing {@code 5} to {@code
 * /proc/<pid>/clear_refs} resets that mark to the current RSS (Linux 4.0 and later; allowed for a
 * process of the same user), so a run that starts with {@link #reset} and ends with {@link #read}
 * sees its own peak, not the process's since it started. The kernel keeps the mark exactly, so no
 * sampling can miss a short peak.
 */
final class PeakRss {
  private static final String HIGH_WATER = "VmHWM:";

  private PeakRss() {}

  /**
   * Resets the peak of each process to its current RSS.
   *
   * @return whether every reset worked; when one did not, {@link #read} gives the peak since that
   *     process started
   */
  static boolean reset(List<Long> pids) {
    boolean all = true;
    for (long pid : pids) {
      try {
        Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
      } catch (IOException e) {
        all = false;
      }
    }
    return all;
  }

  /**
   * The peaks of the processes, summed (nodes of one cluster: an upper bound of what they held at
   * once), in bytes; empty when there are none, or one is gone or its status unreadable.
   */
  static OptionalLong read(List<Long> pids) {
    if (pids.isEmpty()) {
      return OptionalLong.empty();
    }
    long sum = 0;
    for (long pid : pids) {
      try {
        OptionalLong peak = parse(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        if (peak.isEmpty()) {
          return OptionalLong.empty();
        }
        sum += peak.getAsLong();
      } catch (IOException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(sum);
  }

  /** The {@code VmHWM} of a {@code status} file's text in bytes, empty if it has none. */
  static OptionalLong parse(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith(HIGH_WATER)) {
        String[] value = line.substring(HIGH_WATER.length()).strip().split("\\s+");
        try {
          return OptionalLong.of(Long.parseLong(value[0]) * 1024); // always "kB"
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /** {@code "412"}: mebibytes, or {@code -} when empty. */
  static String mebibytes(OptionalLong bytes) {
    return bytes.isPresent() ? Long.toString(Math.round(bytes.getAsLong() / 1048576.0)) : "-";
  }
}
