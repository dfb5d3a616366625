package dev.taskhub.bench;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs benchmark workloads against a Durable Task endpoint, with a {@link SyntheticWorker} ({@link
 * SyntheticBench}) or the Taskhub SDK ({@link SdkBench}), and prints one line per run and tables of
 * medians. Exits 1 when a run fails or is wrong (the first failure ends the bench), 2 on bad
 * options.
 */
@Command(
    name = "taskhub-bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Measures a Durable Task scheduler with a synthetic protocol-level worker or the Taskhub"
            + " SDK.")
public final class Main implements Callable<Integer> {
  /** The workloads of DESIGN.md section 7 that exist so far, and {@code all} of them. */
  enum Workload {
    w1,
    w2,
    w3,
    all
  }

  /** Who answers the work items. */
  enum Worker {
    synthetic,
    sdk
  }

  @Option(
      names = "--endpoint",
      paramLabel = "HOST:PORT",
      description = "gRPC endpoint of the scheduler (plaintext). Default: ${DEFAULT-VALUE}")
  String endpoint = "localhost:8080";

  @Option(
      names = "--taskhub",
      paramLabel = "NAME",
      description =
          "Task hub, sent as the 'taskhub' header. Default: none (the server's default) for the"
              + " synthetic worker, 'default' for the SDK")
  String taskHub;

  @Option(
      names = "--worker",
      description =
          "synthetic (protocol-level, answers at once; W1 only) or sdk (the Taskhub SDK in this"
              + " process). Default: ${DEFAULT-VALUE}")
  Worker worker = Worker.synthetic;

  @Option(
      names = "--workload",
      description =
          "Workload to run: ${COMPLETION-CANDIDATES} (all: every one the worker implements)."
              + " Default: ${DEFAULT-VALUE}")
  Workload workload = Workload.w1;

  @Option(
      names = "--n",
      split = ",",
      paramLabel = "N",
      description =
          "W1 fan-out sizes, comma-separated. Default: 1000,10000 (synthetic),"
              + " 100,1000,10000 (sdk)")
  List<Integer> sizes;

  @Option(
      names = "--w2-instances",
      description = "W2 orchestrations started at once. Default: ${DEFAULT-VALUE}")
  int batchInstances = 500;

  @Option(
      names = "--w3-instances",
      description = "W3 orchestrations run one after the other. Default: ${DEFAULT-VALUE}")
  int sequentialInstances = 200;

  @Option(names = "--runs", description = "Measured runs per N. Default: ${DEFAULT-VALUE}")
  int runs = 3;

  @Option(
      names = "--warmup",
      description =
          "Unmeasured runs first (W1 at the largest N): they connect the worker and let both JVMs"
              + " compile the hot paths. Default: ${DEFAULT-VALUE}")
  int warmup = 2;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Limit for one run (ISO-8601). Default: ${DEFAULT-VALUE}")
  Duration timeout = Duration.ofMinutes(5);

  @Option(
      names = "--streams",
      description =
          "GetWorkItems streams, one channel each (synthetic worker only). Default:"
              + " ${DEFAULT-VALUE}")
  int streams = 1;

  @Option(
      names = "--max-orchestrations",
      description =
          "Orchestration work items at once per stream. Default: 32 (synthetic), the SDK's"
              + " default (sdk)")
  Integer maxOrchestrations;

  @Option(
      names = "--max-activities",
      description =
          "Activity work items at once per stream. Default: 256 (synthetic), the SDK's default"
              + " (sdk)")
  Integer maxActivities;

  @Option(
      names = "--server-pid",
      paramLabel = "PID",
      description = "Scheduler process on this machine, to report its CPU time per run.")
  Long serverPid;

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    List<Integer> fanOutSizes =
        sizes != null
            ? sizes
            : worker == Worker.sdk ? List.of(100, 1000, 10000) : List.of(1000, 10000);
    if (fanOutSizes.isEmpty()
        || fanOutSizes.stream().anyMatch(n -> n < 1)
        || runs < 1
        || warmup < 0
        || batchInstances < 1
        || sequentialInstances < 1) {
      throw invalid(
          "--n values, --runs, --w2-instances and --w3-instances must be at least 1, --warmup at"
              + " least 0");
    }
    if ((maxOrchestrations != null && maxOrchestrations < 1)
        || (maxActivities != null && maxActivities < 1)) {
      throw invalid("--max-orchestrations and --max-activities must be at least 1");
    }
    Endpoint target = new Endpoint(endpoint, taskHub);
    if (worker == Worker.synthetic) {
      if (workload == Workload.w2 || workload == Workload.w3) {
        throw invalid("The synthetic worker implements W1 only; use --worker sdk for W2 and W3");
      }
      SyntheticWorker.Settings settings =
          new SyntheticWorker.Settings(
              streams,
              maxOrchestrations == null ? 32 : maxOrchestrations,
              maxActivities == null ? 256 : maxActivities);
      return new SyntheticBench(target, settings, fanOutSizes, runs, warmup, timeout, serverPid)
          .run();
    }
    if (streams != 1) {
      throw invalid("--streams is for the synthetic worker; the SDK worker opens one stream");
    }
    Set<Workload> workloads =
        workload == Workload.all
            ? EnumSet.of(Workload.w1, Workload.w2, Workload.w3)
            : Set.of(workload);
    SdkBench.Plan plan =
        new SdkBench.Plan(
            workloads,
            fanOutSizes,
            batchInstances,
            sequentialInstances,
            runs,
            warmup,
            timeout,
            maxOrchestrations,
            maxActivities,
            serverPid);
    return new SdkBench(target, plan).run();
  }

  private CommandLine.ParameterException invalid(String message) {
    return new CommandLine.ParameterException(new CommandLine(this), message);
  }
}
