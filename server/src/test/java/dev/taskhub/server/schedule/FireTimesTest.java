package dev.taskhub.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.server.store.OverlapPolicy;
import dev.taskhub.server.store.ScheduleDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fire times of cron and interval schedules: across both DST changes, over month ends, with Vixie
 * cron's day-of-month or day-of-week rule, within a start and an end.
 */
class FireTimesTest {

  private static FireTimes cron(String cron, String zone) {
    return FireTimes.of(
        new ScheduleDefinition(
            "Flow", null, null, cron, null, zone, null, null, OverlapPolicy.SKIP, 60_000));
  }

  private static FireTimes interval(long millis, String startAt, String endAt) {
    return FireTimes.of(
        new ScheduleDefinition(
            "Flow",
            null,
            null,
            null,
            millis,
            "UTC",
            startAt == null ? null : Instant.parse(startAt).toEpochMilli(),
            endAt == null ? null : Instant.parse(endAt).toEpochMilli(),
            OverlapPolicy.SKIP,
            60_000));
  }

  private static List<Instant> fires(FireTimes times, String after, int count) {
    List<Instant> fires = new ArrayList<>();
    Long next = Instant.parse(after).toEpochMilli();
    for (int i = 0; i < count; i++) {
      next = times.nextAfter(next);
      if (next == null) {
        break;
      }
      fires.add(Instant.ofEpochMilli(next));
    }
    return fires;
  }

  private static List<Instant> instants(String... texts) {
    return java.util.Arrays.stream(texts).map(Instant::parse).toList();
  }

  @Test
  void aDailyTimeInTheSkippedHourFiresAtTheEndOfTheGapOnce() {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist that day.
    assertThat(fires(cron("30 2 * * *", "America/New_York"), "2026-03-06T12:00:00Z", 3))
        .isEqualTo(
            instants(
                "2026-03-07T07:30:00Z", // 02:30 EST
                "2026-03-08T07:00:00Z", // 03:00 EDT, the first instant after the gap
                "2026-03-09T06:30:00Z")); // 02:30 EDT
  }

  @Test
  void everyQuarterHourOverTheSkippedHourFiresOnceAtTheGapsEnd() {
    assertThat(fires(cron("*/15 * * * *", "America/New_York"), "2026-03-08T06:30:00Z", 4))
        .isEqualTo(
            instants(
                "2026-03-08T06:45:00Z", // 01:45 EST
                "2026-03-08T07:00:00Z", // 03:00 EDT (02:00–02:45 do not exist)
                "2026-03-08T07:15:00Z",
                "2026-03-08T07:30:00Z"));
  }

  @Test
  void aTimeInTheRepeatedHourFiresOnceAtItsFirstOccurrence() {
    // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    assertThat(fires(cron("30 1 * * *", "America/New_York"), "2026-10-31T12:00:00Z", 3))
        .isEqualTo(
            instants(
                "2026-11-01T05:30:00Z", // 01:30 EDT; not again at 01:30 EST (06:30Z)
                "2026-11-02T06:30:00Z",
                "2026-11-03T06:30:00Z"));
  }

  @Test
  void anHourlyScheduleFiresEachWallClockHourOnceAcrossTheFallBack() {
    assertThat(fires(cron("0 * * * *", "America/New_York"), "2026-11-01T04:30:00Z", 3))
        .isEqualTo(
            instants(
                "2026-11-01T05:00:00Z", // 01:00 EDT
                "2026-11-01T07:00:00Z", // 02:00 EST: 01:00 EST is the repeated 01:00
                "2026-11-01T08:00:00Z"));
  }

  @Test
  void aDayOfMonthThatSomeMonthsLackFiresOnlyInMonthsThatHaveIt() {
    assertThat(fires(cron("0 12 31 * *", "Europe/Berlin"), "2026-01-01T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-01-31T11:00:00Z", "2026-03-31T10:00:00Z", "2026-05-31T10:00:00Z"));
  }

  @Test
  void theTurnOfTheMonthAndOfTheYearAreCrossedInTheZone() {
    assertThat(fires(cron("0 0 1 * *", "Asia/Tokyo"), "2026-12-15T00:00:00Z", 2))
        .isEqualTo(instants("2026-12-31T15:00:00Z", "2027-01-31T15:00:00Z"));
    assertThat(fires(cron("59 23 28-31 2 *", "UTC"), "2028-02-27T00:00:00Z", 3))
        .isEqualTo(
            instants("2028-02-28T23:59:00Z", "2028-02-29T23:59:00Z", "2029-02-28T23:59:00Z"));
  }

  @Test
  void dayOfMonthAndDayOfWeekBothRestrictedMatchEither() {
    // Vixie cron: "the 13th, or any Friday".
    assertThat(fires(cron("0 0 13 * fri", "UTC"), "2026-11-01T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2026-11-06T00:00:00Z",
                "2026-11-13T00:00:00Z",
                "2026-11-20T00:00:00Z",
                "2026-11-27T00:00:00Z"));
    assertThat(fires(cron("0 0 15 * mon", "UTC"), "2026-12-01T00:00:00Z", 3))
        .isEqualTo(
            instants("2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z", "2026-12-15T00:00:00Z"));
  }

  @Test
  void listsRangesStepsAndNamesAreRead() {
    assertThat(fires(cron("5,35 9-10 * jan-feb mon-fri", "UTC"), "2027-01-01T00:00:00Z", 4))
        .isEqualTo(
            instants(
                "2027-01-01T09:05:00Z",
                "2027-01-01T09:35:00Z",
                "2027-01-01T10:05:00Z",
                "2027-01-01T10:35:00Z"));
  }

  @Test
  void anIntervalFiresAtMultiplesFromItsStartUntilItsEnd() {
    FireTimes times = interval(600_000, "2026-12-01T00:03:00Z", "2026-12-01T00:30:00Z");
    assertThat(fires(times, "2026-11-30T00:00:00Z", 10))
        .isEqualTo(
            instants("2026-12-01T00:03:00Z", "2026-12-01T00:13:00Z", "2026-12-01T00:23:00Z"));
    assertThat(fires(interval(3_600_000, null, null), "2026-12-01T10:20:00Z", 2))
        .isEqualTo(instants("2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z"));
    assertThat(
            times.countBetween(
                Instant.parse("2026-12-01T00:00:00Z").toEpochMilli(),
                Instant.parse("2026-12-01T00:23:00Z").toEpochMilli(),
                100))
        .isEqualTo(2);
  }

  @Test
  void invalidDefinitionsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> cron("0 2 * *", "UTC")).hasMessageContaining("five fields");
    assertThatThrownBy(() -> cron("61 2 * * *", "UTC")).hasMessageContaining("cron '61 2 * * *'");
    assertThatThrownBy(() -> cron("0 2 * * *", "Mars/Olympus"))
        .hasMessageContaining("timeZone 'Mars/Olympus'");
    assertThatThrownBy(() -> interval(500, null, null)).hasMessageContaining("at least 1s");
    assertThatThrownBy(
            () ->
                FireTimes.of(
                    new ScheduleDefinition(
                        "Flow", null, null, null, null, "UTC", null, null, OverlapPolicy.SKIP, 0)))
        .hasMessageContaining("exactly one of cron");
    assertThatThrownBy(() -> interval(60_000, "2026-12-02T00:00:00Z", "2026-12-01T00:00:00Z"))
        .hasMessageContaining("endAt is before startAt");
  }
}
