package dev.taskhub.sdk.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EntityInstanceIdTest {

  @Test
  void theNameIsLowercasedAndTheKeyKeptAsItIs() {
    EntityInstanceId id = EntityInstanceId.of("Counter", "User-42");

    assertThat(id.name()).isEqualTo("counter");
    assertThat(id.key()).isEqualTo("User-42");
    assertThat(id).hasToString("@counter@User-42");
    assertThat(id).isEqualTo(EntityInstanceId.of("COUNTER", "User-42"));
    assertThat(id).isNotEqualTo(EntityInstanceId.of("counter", "user-42"));
  }

  @Test
  void parseReadsWhatToStringWritesAndTheKeyMayHoldAtSigns() {
    EntityInstanceId id = EntityInstanceId.parse("@Account@eu@42");

    assertThat(id).isEqualTo(EntityInstanceId.of("account", "eu@42"));
    assertThat(EntityInstanceId.parse(id.toString())).isEqualTo(id);
    assertThat(EntityInstanceId.parse("@counter@")).isEqualTo(EntityInstanceId.of("counter", ""));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"counter@a", "counter", "@counter", "@@a", "@", " @counter@a"})
  void malformedIdsAreRejected(String malformed) {
    assertThatThrownBy(() -> EntityInstanceId.parse(malformed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an entity id");
    assertThat(EntityInstanceId.isEntityId(malformed)).isFalse();
  }

  @Test
  void aNameMustBeNonEmptyWithoutAtSignsAndAKeyNonNull() {
    assertThatThrownBy(() -> EntityInstanceId.of("", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EntityInstanceId.of("a@b", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain '@'");
    assertThatThrownBy(() -> EntityInstanceId.of("counter", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void idsSortOrdinallyByTheirStringForm() {
    var sorted =
        new TreeSet<>(
            List.of(
                EntityInstanceId.of("b", "1"),
                EntityInstanceId.of("a", "b"),
                EntityInstanceId.of("a", "B"),
                EntityInstanceId.of("a", "a")));

    assertThat(sorted)
        .extracting(EntityInstanceId::toString)
        .containsExactly("@a@B", "@a@a", "@a@b", "@b@1");
  }
}
