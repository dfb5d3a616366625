package dev.taskhub.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time as a command line gives it: an ISO-8601 instant ({@code 2026-12-03T12:00:00Z}), a
 * date ({@code 2026-12-03}, midnight UTC), or a duration ({@code 90s}, {@code 10m}, {@code 2h},
 * {@code 7d}, {@code PT1H}) that the option reads as before now ({@code --created-after 2h}) or
 * after it ({@code --at 10m}).
 *
 * @param instant the absolute time, or null
 * @param offset the duration, or null
 */
record When(Instant instant, Duration offset) {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  /** This time, a duration read as before {@code clock}'s now. */
  Instant ago(Clock clock) {
    return instant != null ? instant : clock.instant().minus(offset);
  }

  /** This time, a duration read as after {@code clock}'s now. */
  Instant fromNow(Clock clock) {
    return instant != null ? instant : clock.instant().plus(offset);
  }

  /**
   * {@code 500ms}, {@code 90s}, {@code 10m}, {@code 2h}, {@code 7d}, {@code 1w} or ISO-8601.
   *
   * @throws TypeConversionException naming the value
   */
  static Duration duration(String text) {
    Matcher matcher = SHORT.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> Duration.ofDays(7 * amount);
      };
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration (e.g. 90s, 10m, 2h, 7d, PT1H)");
    }
  }

  /** Parses a {@link When}; picocli calls it for options of this type. */
  static final class Converter implements ITypeConverter<When> {
    @Override
    public When convert(String text) {
      String value = text.strip();
      try {
        return new When(Instant.parse(value), null);
      } catch (DateTimeParseException notAnInstant) {
        // a date, or a duration, next
      }
      try {
        return new When(LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant(), null);
      } catch (DateTimeParseException notADate) {
        // a duration, last
      }
      try {
        return new When(null, duration(value));
      } catch (TypeConversionException notADuration) {
        throw new TypeConversionException(
            "'"
                + text
                + "' is not a time: give an instant (2026-12-03T12:00:00Z), a date (2026-12-03)"
                + " or a duration (10m, 2h, 7d)");
      }
    }
  }

  /** Parses a duration option ({@code --older-than 7d}). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return duration(text);
    }
  }
}
