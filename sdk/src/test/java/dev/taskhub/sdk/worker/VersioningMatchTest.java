package dev.taskhub.sdk.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersioningMatchTest {
  @Test
  void versionsCompareNumericallyPartByPart() {
    assertThat(Versioning.compare("1.10", "1.9")).isPositive();
    assertThat(Versioning.compare("2", "2.0.0")).isZero();
    assertThat(Versioning.compare("1.0-beta", "1.0-alpha")).isPositive();
    assertThat(Versioning.compare("1.2", "1.10")).isNegative();
  }

  @Test
  void eachStrategyAcceptsWhatItSays() {
    Versioning strict = Versioning.strict("2.0");
    assertThat(strict.accepts("2.0")).isTrue();
    assertThat(strict.accepts("2.0.0")).as("strict is exact").isFalse();
    assertThat(strict.accepts(null)).isFalse();

    Versioning upTo =
        new Versioning("2.0", Versioning.Match.CURRENT_OR_OLDER, Versioning.OnMismatch.REJECT);
    assertThat(upTo.accepts("1.9")).isTrue();
    assertThat(upTo.accepts("")).isTrue();
    assertThat(upTo.accepts("2.1")).isFalse();

    assertThat(new Versioning("1", Versioning.Match.NONE, Versioning.OnMismatch.FAIL).accepts("9"))
        .isTrue();
    assertThatThrownBy(() -> Versioning.strict(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
