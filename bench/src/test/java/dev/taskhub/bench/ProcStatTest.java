package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcStatTest {
  @Test
  void readsOwnAndWaitedChildrenTicks() {
    ProcStat stat =
        ProcStat.parse(
            "8924 (postgres) S 1 8921 5485 0 -1 4194304 101 0 0 0 250 40 700 60 20 0 1 0 959499"
                + " 3133440 394 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");

    assertEquals(new ProcStat(290, 760), stat);
    assertEquals(Duration.ofMillis(10_500), ProcStat.toDuration(stat.totalTicks()));
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    ProcStat stat =
        ProcStat.parse(
            "77 (postgres: walwriter ) (x)) S 1 77 77 0 -1 4194560 5 0 0 0 3 4 5 6 20 0 1 0 1 1 1");

    assertEquals(new ProcStat(7, 11), stat);
  }

  @Test
  void aTruncatedLineIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("77 (java) S 1 77 77 0"));
    assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("garbage"));
  }

  @Test
  void theTreeOfThisProcessHasUsedSomeCpuAndAMissingProcessHasNone() {
    if (ProcStat.read(ProcessHandle.current().pid()).isEmpty()) {
      return; // no /proc (not Linux): nothing to read
    }
    assertTrue(ProcStat.treeCpu(ProcessHandle.current().pid()).orElseThrow().toNanos() > 0);
    assertTrue(ProcStat.treeCpu(Long.MAX_VALUE).isEmpty());
  }
}
