package dev.taskhub.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks that make an entity run (E1-E3) count: the counters hold exactly what was sent, and
 * E3's calls saw one serial history per counter. Each returns what is wrong, one line per problem;
 * an empty list is a pass.
 */
final class CounterCheck {
  /**
   * One E3 orchestration's call: the counter it called, the amount it added and the tally the call
   * returned (the counter's right after the add).
   */
  record Call(String key, long amount, Tally result) {}

  private CounterCheck() {}

  /**
   * Compares the saved tallies with the expected ones, by entity key: a counter that is missing,
   * holds another tally, or was not expected is a problem.
   */
  static List<String> mismatches(Map<String, Tally> expected, Map<String, Tally> saved) {
    List<String> problems = new ArrayList<>();
    new TreeMap<>(expected)
        .forEach(
            (key, tally) -> {
              Tally actual = saved.get(key);
              if (actual == null) {
                problems.add(key + ": no state, expected " + tally);
              } else if (!actual.equals(tally)) {
                problems.add(key + ": holds " + actual + ", expected " + tally);
              }
            });
    new TreeMap<>(saved)
        .forEach(
            (key, tally) -> {
              if (!expected.containsKey(key)) {
                problems.add(key + ": not sent to, holds " + tally);
              }
            });
    return problems;
  }

  /**
   * Checks that the calls to each counter ran one at a time, each exactly once: ordered by the
   * count they returned, a counter's calls return 1, 2, ..., m, and each one's sum is the previous
   * one's plus its own amount (a call that saw another's add, or none, or its own twice, breaks
   * this).
   */
  static List<String> serialHistories(List<Call> calls) {
    List<String> problems = new ArrayList<>();
    byKey(calls)
        .forEach(
            (key, history) -> {
              List<Call> ordered =
                  history.stream()
                      .sorted(Comparator.comparingLong(c -> c.result().count()))
                      .toList();
              Tally before = Tally.EMPTY;
              for (Call call : ordered) {
                Tally expected = before.add(call.amount());
                if (!call.result().equals(expected)) {
                  problems.add(
                      key
                          + ": the call adding "
                          + call.amount()
                          + " returned "
                          + call.result()
                          + ", expected "
                          + expected
                          + " after "
                          + before);
                  return;
                }
                before = expected;
              }
            });
    return problems;
  }

  /** The tally each counter must end with after {@code calls}: their number and sum per key. */
  static Map<String, Tally> finalTallies(List<Call> calls) {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    for (Call call : calls) {
      tallies.merge(call.key(), Tally.EMPTY.add(call.amount()), Tally::plus);
    }
    return tallies;
  }

  private static Map<String, List<Call>> byKey(List<Call> calls) {
    Map<String, List<Call>> byKey = new TreeMap<>();
    calls.forEach(call -> byKey.computeIfAbsent(call.key(), k -> new ArrayList<>()).add(call));
    return byKey;
  }
}
