package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PeakRssTest {
  @Test
  void readsTheHighWaterMarkInBytes() {
    String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  412000 kB\nVmRSS:\t  300000 kB\n";

    assertEquals(OptionalLong.of(412_000L * 1024), PeakRss.parse(status));
    assertEquals(OptionalLong.empty(), PeakRss.parse("Name:\tjava\n"));
    assertEquals("402", PeakRss.mebibytes(OptionalLong.of(412_000L * 1024)));
    assertEquals("-", PeakRss.mebibytes(OptionalLong.empty()));
  }

  @Test
  void theBenchsOwnPeakCanBeResetAndReadAndAMissingProcessHasNone() {
    long self = ProcessHandle.current().pid();
    if (PeakRss.read(List.of(self)).isEmpty()) {
      return; // no /proc (not Linux): nothing to read
    }
    assertTrue(PeakRss.reset(List.of(self)));
    assertTrue(PeakRss.read(List.of(self)).getAsLong() > 0);
    assertEquals(OptionalLong.empty(), PeakRss.read(List.of(self, Long.MAX_VALUE)));
    assertEquals(OptionalLong.empty(), PeakRss.read(List.of()));
  }
}
