package dev.taskhub.bench;

import java.util.List;
import java.util.Optional;

/**
 * What a bench run ends with: the medians of the workloads that ran (also after a failure, for the
 * runs that passed) and the failure that ended it, if one did.
 */
record Outcome(List<Medians> medians, Optional<String> failure) {
  Outcome {
    medians = List.copyOf(medians);
  }

  /** 0 when every run passed, 1 when one failed. */
  int exitStatus() {
    return failure.isPresent() ? 1 : 0;
  }
}
