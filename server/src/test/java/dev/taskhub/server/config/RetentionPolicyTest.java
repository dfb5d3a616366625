package dev.taskhub.server.config;

import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
import static dev.taskhub.protocol.OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  @Test
  void theFlagsFormReadsEachStatusAndUnit() {
    RetentionPolicy policy = RetentionPolicy.parse("completed=7d, Failed=36h,terminated=90m");

    assertThat(policy.keep())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ORCHESTRATION_STATUS_COMPLETED, Duration.ofDays(7),
                ORCHESTRATION_STATUS_FAILED, Duration.ofHours(36),
                ORCHESTRATION_STATUS_TERMINATED, Duration.ofMinutes(90)));
    assertThat(policy.format()).isEqualTo("completed=7d,failed=36h,terminated=90m");
    assertThat(RetentionPolicy.parse(policy.format())).isEqualTo(policy);
  }

  @Test
  void emptyTextKeepsEverything() {
    assertThat(RetentionPolicy.parse("")).isEqualTo(RetentionPolicy.NONE);
    assertThat(RetentionPolicy.NONE.format()).isEmpty();
  }

  @Test
  void malformedPartsAreRefusedNamingThePart() {
    assertThatThrownBy(() -> RetentionPolicy.parse("completed=7"))
        .hasMessageContaining("'7' is not a duration");
    assertThatThrownBy(() -> RetentionPolicy.parse("running=7d"))
        .hasMessageContaining("'running=7d' is not STATUS=DURATION");
    assertThatThrownBy(() -> RetentionPolicy.parse("completed"))
        .hasMessageContaining("'completed' is not STATUS=DURATION");
    assertThatThrownBy(() -> RetentionPolicy.parse("completed=0d"))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(
            () -> new RetentionPolicy(Map.of(ORCHESTRATION_STATUS_RUNNING, Duration.ofDays(1))))
        .hasMessageContaining("not a final status");
  }
}
