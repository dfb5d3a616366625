package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterCheckTest {
  private static final Map<String, Tally> EXPECTED =
      Map.of("a", new Tally(2, 3), "b", new Tally(1, 3));

  @Test
  void countersHoldingExactlyTheirTalliesPass() {
    assertEquals(List.of(), CounterCheck.mismatches(EXPECTED, Map.copyOf(EXPECTED)));
  }

  @Test
  void aLostADuplicatedAndAnUnexpectedCounterAreEachAProblem() {
    Map<String, Tally> saved = Map.of("a", new Tally(3, 5), "c", new Tally(1, 1));

    assertEquals(
        List.of(
            "a: holds Tally[count=3, sum=5], expected Tally[count=2, sum=3]",
            "b: no state, expected Tally[count=1, sum=3]",
            "c: not sent to, holds Tally[count=1, sum=1]"),
        CounterCheck.mismatches(EXPECTED, saved));
  }

  @Test
  void oneLostAndOneDuplicatedSignalShowInTheSumThoughTheCountIsRight() {
    // Amounts 1, 2, 3: 1 lost and 2 applied twice leaves the count at 3, the sum at 7.
    Tally wrong = Tally.EMPTY.add(2).add(2).add(3);

    assertEquals(
        1, CounterCheck.mismatches(Map.of("a", new Tally(3, 6)), Map.of("a", wrong)).size());
  }

  @Test
  void callsThatSawOneSerialHistoryPerCounterPass() {
    List<CounterCheck.Call> calls =
        List.of(
            new CounterCheck.Call("a", 5, new Tally(2, 7)),
            new CounterCheck.Call("b", 3, new Tally(1, 3)),
            new CounterCheck.Call("a", 2, new Tally(1, 2)));

    assertEquals(List.of(), CounterCheck.serialHistories(calls));
    assertEquals(
        Map.of("a", new Tally(2, 7), "b", new Tally(1, 3)), CounterCheck.finalTallies(calls));
  }

  @Test
  void twoCallsThatSawTheSameCountAreAProblem() {
    // Both ran on the state before either: one add was lost.
    List<CounterCheck.Call> calls =
        List.of(
            new CounterCheck.Call("a", 2, new Tally(1, 2)),
            new CounterCheck.Call("a", 5, new Tally(1, 5)));

    List<String> problems = CounterCheck.serialHistories(calls);

    assertEquals(1, problems.size());
    assertTrue(problems.getFirst().startsWith("a: the call adding "), problems.getFirst());
  }

  @Test
  void aCallWhoseSumIsNotThePreviousPlusItsAmountIsAProblem() {
    // The second call's add was applied twice: count 2 would be right, its sum is not 2 + 5.
    List<CounterCheck.Call> calls =
        List.of(
            new CounterCheck.Call("a", 2, new Tally(1, 2)),
            new CounterCheck.Call("a", 5, new Tally(2, 12)));

    assertEquals(
        List.of(
            "a: the call adding 5 returned Tally[count=2, sum=12], expected Tally[count=2, sum=7]"
                + " after Tally[count=1, sum=2]"),
        CounterCheck.serialHistories(calls));
  }

  @Test
  void aCounterThatSawFewerCallsThanItsHistoryNeedsIsAProblem() {
    // Only one call, yet it returned count 2: an add that no call made was applied first.
    List<CounterCheck.Call> calls = List.of(new CounterCheck.Call("a", 2, new Tally(2, 4)));

    assertEquals(1, CounterCheck.serialHistories(calls).size());
  }
}
