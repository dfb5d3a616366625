package dev.taskhub.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * medians. With several endpoints (the nodes of one scheduler cluster) the worker streams are
 * spread over them and orchestrations are started on each in turn. Exits 1 when a run fails or is
 * wrong (the first failure ends the bench), 2 on bad options.
 */
@Command(
    name = "taskhub-bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Measures a Durable Task scheduler with a synthetic protocol-level worker or the Taskhub"
            + " SDK.")
public final class Main implements Callable<Integer> {
  /**
   * The workloads of DESIGN.md section 7, the entity workloads of issue #13, and {@code all}: W1-W3
   * and E1-E3 (W4-W6 run only when named: W4 and W5 bring workers of their own, W5 its own
   * schedulers, and W6 fills the store with 100,000 instances).
   */
  enum Workload {
    w1,
    w2,
    w3,
    e1,
    e2,
    e3,
    w4,
    w5,
    w6,
    all
  }

  /** The workloads that {@code --worker} runs; W4-W6 choose their workers themselves. */
  private static final Set<Workload> WORKER_WORKLOADS =
      EnumSet.of(Workload.w1, Workload.w2, Workload.w3, Workload.e1, Workload.e2, Workload.e3);

  /** Who answers the work items. */
  enum Worker {
    synthetic,
    sdk
  }

  @Option(
      names = "--endpoint",
      split = ",",
      paramLabel = "HOST:PORT",
      description =
          "gRPC endpoint of the scheduler (plaintext); several, comma-separated, for the nodes of"
              + " one cluster. Default: localhost:8080")
  List<String> endpoints = new ArrayList<>(List.of("localhost:8080"));

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
      split = ",",
      description =
          "Workloads to run, comma-separated: ${COMPLETION-CANDIDATES} (all: every one the worker"
              + " implements). Default: w1")
  List<Workload> workloads = new ArrayList<>(List.of(Workload.w1));

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
      names = "--filters",
      negatable = true,
      description =
          "sdk: the worker sends work-item filters for what it hosts (the SDK's default);"
              + " --no-filters takes everything. Default: ${DEFAULT-VALUE}")
  boolean workItemFilters = true;

  @Option(
      names = "--filtered-names",
      description =
          "sdk: W2 spreads its instances over this many orchestration names, each hosted by a"
              + " worker of its own that sends work-item filters, beside one worker without"
              + " filters that hosts them all (0: one name, one worker). Default: ${DEFAULT-VALUE}")
  int filteredNames = 0;

  @Option(
      names = "--w3-instances",
      description = "W3 orchestrations run one after the other. Default: ${DEFAULT-VALUE}")
  int sequentialInstances = 200;

  @Option(
      names = "--e1-signals",
      description = "E1 signals to one entity. Default: ${DEFAULT-VALUE}")
  int e1Signals = 10_000;

  @Option(
      names = "--e2-signals",
      description = "E2 signals, spread over --e2-entities entities. Default: ${DEFAULT-VALUE}")
  int e2Signals = 10_000;

  @Option(
      names = "--e2-entities",
      description = "E2 entities (signal i goes to entity i mod this). Default: ${DEFAULT-VALUE}")
  int e2Entities = 1_000;

  @Option(
      names = "--e3-instances",
      description =
          "E3 orchestrations started at once, each calling one entity. Default: ${DEFAULT-VALUE}")
  int e3Instances = 1_000;

  @Option(
      names = "--e3-entities",
      description = "E3 entities (instance i calls entity i mod this). Default: ${DEFAULT-VALUE}")
  int e3Entities = 100;

  @Option(
      names = "--w4-work",
      split = ",",
      paramLabel = "DURATION",
      description =
          "W4: the shortest and longest work of an item (ISO-8601), drawn at random in between."
              + " Default: the seed's PT0.5S,PT2S")
  List<Duration> seedWork = new ArrayList<>(List.of(Duration.ofMillis(500), Duration.ofSeconds(2)));

  @Option(
      names = "--w5-n",
      description = "W5: the fan-out killed in the middle. Default: ${DEFAULT-VALUE}")
  int crashFanOut = 1_000;

  @Option(
      names = "--w6-instances",
      description = "W6: finished instances to fill the store with. Default: ${DEFAULT-VALUE}")
  int storeInstances = 100_000;

  @Option(
      names = "--w6-history-events",
      description =
          "W6: events (at least) in the history that is fetched. Default: ${DEFAULT-VALUE}")
  int historyEvents = 10_000;

  @Option(
      names = "--w6-pages",
      description = "W6: list pages (of 100) walked per filter. Default: ${DEFAULT-VALUE}")
  int listPages = 50;

  @Option(
      names = "--w6-fetches",
      description = "W6: measured fetches of the history. Default: ${DEFAULT-VALUE}")
  int historyFetches = 20;

  @Option(
      names = "--scheduler-classpath",
      paramLabel = "CLASSPATH",
      description =
          "W5: the server's class path, to start schedulers of its own (bench/run passes it).")
  String schedulerClassPath;

  @Option(
      names = "--scheduler-arg",
      paramLabel = "ARG",
      description = "W5: one more argument for the 'serve' it starts; repeatable.")
  List<String> schedulerArgs = new ArrayList<>();

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "W5: where its SQLite files go. Default: the temporary directory")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

  @Option(names = "--runs", description = "Measured runs per N. Default: ${DEFAULT-VALUE}")
  int runs = 3;

  @Option(
      names = "--warmup",
      description =
          "Unmeasured runs first (W1 at the largest N): they connect the worker and let both JVMs"
              + " compile the hot paths (W2 needs about eight to reach its steady rate)."
              + " Default: ${DEFAULT-VALUE}")
  int warmup = 10;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Limit for one run (ISO-8601). Default: ${DEFAULT-VALUE}")
  Duration timeout = Duration.ofMinutes(5);

  @Option(
      names = "--streams",
      description =
          "GetWorkItems streams, one channel each, spread over the endpoints (synthetic worker"
              + " only). Default: one per endpoint")
  Integer streams;

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
      names = "--max-entities",
      description = "sdk: entity batches at once per worker. Default: the SDK's default")
  Integer maxEntities;

  @Option(
      names = "--while-purging",
      paramLabel = "COUNT",
      description =
          "synthetic, W1: fill the hub with COUNT terminated instances, then compare W1 on that"
              + " idle store with W1 while the retention purger deletes them (needs a Taskhub"
              + " scheduler with HTTP on: --http-endpoint; one --n).")
  Integer whilePurging;

  @Option(
      names = "--old-instances-filled",
      description =
          "--while-purging: the hub holds the COUNT old instances already (bench/run wrote them"
              + " into the store file before the scheduler started); do not create them.")
  boolean oldInstancesFilled;

  @Option(
      names = "--schedules",
      paramLabel = "COUNT",
      description =
          "Create COUNT schedules firing every minute and report their fire lag p50/p99 (needs a"
              + " Taskhub scheduler with HTTP on: --http-endpoint).")
  Integer schedules;

  @Option(
      names = "--schedule-minutes",
      paramLabel = "N",
      description = "--schedules: how many fire minutes to measure. Default: ${DEFAULT-VALUE}")
  int scheduleMinutes = 2;

  @Option(
      names = "--http-endpoint",
      paramLabel = "HOST:PORT",
      description =
          "The scheduler's HTTP API (plaintext), for --while-purging: its retention policy and"
              + " /metrics.")
  String httpEndpoint;

  @Option(
      names = "--purge-policy",
      paramLabel = "POLICY",
      description =
          "--while-purging: the hub's retention policy while it purges. Default: ${DEFAULT-VALUE}")
  String purgePolicy = "terminated=1s";

  @Option(
      names = "--drain-limit",
      paramLabel = "DURATION",
      description =
          "--while-purging: how long to wait, after the measured pairs, for the purger to remove"
              + " the rest at its own pace (ISO-8601). Default: ${DEFAULT-VALUE}")
  Duration drainLimit = Duration.ofMinutes(10);

  @Option(
      names = "--server-pid",
      split = ",",
      paramLabel = "PID",
      description =
          "Scheduler processes on this machine, comma-separated, to report their CPU time (summed)"
              + " per run.")
  List<Long> serverPids = new ArrayList<>();

  @Option(
      names = "--database-pid",
      paramLabel = "PID",
      description =
          "PostgreSQL postmaster on this machine, to report the CPU time of it and all its"
              + " processes per run.")
  Long databasePid;

  @Option(
      names = "--summary",
      paramLabel = "FILE",
      description =
          "Append the medians (and a failure) to FILE, tab-separated, for a comparison of"
              + " configurations (dev.taskhub.bench.Comparison FILE prints it).")
  Path summary;

  @Option(
      names = "--label",
      paramLabel = "TEXT",
      description = "The configuration's name in the --summary file. Default: the endpoints")
  String label;

  /**
   * The bench's logging configuration: the SDK's warnings only. It has a name of its own because
   * the seed sample's jar (W4) brings a {@code logback.xml} that logs every activity.
   */
  static final String LOGGING = "bench-logback.xml";

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGGING);
    }
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
        || filteredNames < 0
        || sequentialInstances < 1) {
      throw invalid(
          "--n values, --runs, --w2-instances and --w3-instances must be at least 1, --warmup at"
              + " least 0");
    }
    if (e1Signals < 1 || e2Entities < 1 || e3Entities < 1) {
      throw invalid("--e1-signals, --e2-entities and --e3-entities must be at least 1");
    }
    if (e2Signals < e2Entities || e3Instances < e3Entities) {
      throw invalid(
          "Every entity gets at least one operation: --e2-signals must be at least --e2-entities,"
              + " --e3-instances at least --e3-entities");
    }
    if (maxEntities != null && maxEntities < 1) {
      throw invalid("--max-entities must be at least 1");
    }
    if ((maxOrchestrations != null && maxOrchestrations < 1)
        || (maxActivities != null && maxActivities < 1)) {
      throw invalid("--max-orchestrations and --max-activities must be at least 1");
    }
    if (endpoints.isEmpty() || endpoints.stream().anyMatch(String::isBlank)) {
      throw invalid("--endpoint must name at least one HOST:PORT");
    }
    List<Endpoint> targets = endpoints.stream().map(e -> new Endpoint(e.strip(), taskHub)).toList();
    CpuSample.Processes measured = new CpuSample.Processes(serverPids, databasePid);
    Set<Workload> chosen = EnumSet.noneOf(Workload.class);
    workloads.forEach(w -> chosen.addAll(w == Workload.all ? WORKER_WORKLOADS : Set.of(w)));
    Set<Workload> ofWorker = EnumSet.copyOf(chosen);
    ofWorker.retainAll(WORKER_WORKLOADS);
    if (schedules != null) {
      if (schedules < 1 || scheduleMinutes < 1) {
        throw invalid("--schedules and --schedule-minutes must be at least 1");
      }
      if (httpEndpoint == null || httpEndpoint.isBlank()) {
        throw invalid("--schedules needs --http-endpoint (the scheduler's HTTP API)");
      }
      Outcome scheduled =
          new ScheduleBench(
                  httpEndpoint.strip(),
                  new ScheduleBench.Plan(
                      schedules, scheduleMinutes, taskHub == null ? "default" : taskHub))
              .run();
      writeSummary(scheduled);
      return scheduled.exitStatus();
    }
    List<Outcome> outcomes = new ArrayList<>();
    if (whilePurging != null) {
      outcomes.add(whilePurging(targets, measured));
    } else if (!ofWorker.isEmpty()) {
      outcomes.add(workerWorkloads(targets, measured, ofWorker, fanOutSizes));
    }
    if (outcomes.stream().allMatch(o -> o.failure().isEmpty())) {
      outcomes.addAll(ownWorkloads(targets, measured, chosen));
    }
    Outcome outcome =
        new Outcome(
            outcomes.stream().flatMap(o -> o.medians().stream()).toList(),
            outcomes.stream().flatMap(o -> o.failure().stream()).findFirst());
    writeSummary(outcome);
    return outcome.exitStatus();
  }

  /** W4, W5, W6 in that order, those chosen; stops after the first that fails. */
  private List<Outcome> ownWorkloads(
      List<Endpoint> targets, CpuSample.Processes measured, Set<Workload> chosen)
      throws InterruptedException {
    if (whilePurging != null
        && (chosen.contains(Workload.w4)
            || chosen.contains(Workload.w5)
            || chosen.contains(Workload.w6))) {
      throw invalid("--while-purging runs W1 only");
    }
    if (chosen.contains(Workload.w4)
        && (seedWork.size() != 2
            || seedWork.get(0).isNegative()
            || seedWork.get(1).compareTo(seedWork.get(0)) < 0)) {
      throw invalid("--w4-work takes the shortest and the longest work, in that order");
    }
    if (chosen.contains(Workload.w5) && (schedulerClassPath == null || crashFanOut < 2)) {
      throw invalid(
          "W5 starts schedulers of its own: it needs --scheduler-classpath (bench/run passes it)"
              + " and --w5-n of at least 2");
    }
    if (chosen.contains(Workload.w6)
        && (storeInstances < 1 || historyEvents < 2 || listPages < 1 || historyFetches < 1)) {
      throw invalid(
          "--w6-instances, --w6-pages and --w6-fetches must be at least 1, --w6-history-events at"
              + " least 2");
    }
    String connection = connectionString(targets.getFirst());
    SyntheticWorker.Settings settings =
        new SyntheticWorker.Settings(
            1,
            maxOrchestrations == null ? 32 : maxOrchestrations,
            maxActivities == null ? 256 : maxActivities);
    List<Outcome> outcomes = new ArrayList<>();
    if (chosen.contains(Workload.w4)) {
      outcomes.add(
          new SeedBench(
                  new SeedBench.Plan(
                      connection,
                      runs,
                      warmup,
                      timeout,
                      seedWork.get(0),
                      seedWork.get(1),
                      measured))
              .run());
    }
    if (chosen.contains(Workload.w5) && outcomes.stream().allMatch(o -> o.failure().isEmpty())) {
      outcomes.add(
          new CrashBench(
                  new CrashBench.Plan(
                      crashFanOut,
                      runs,
                      warmup,
                      timeout,
                      taskHub,
                      settings,
                      new SchedulerProcess.Launcher(schedulerClassPath, schedulerArgs),
                      workDir))
              .run());
    }
    if (chosen.contains(Workload.w6) && outcomes.stream().allMatch(o -> o.failure().isEmpty())) {
      outcomes.add(
          new StoreBench(
                  targets.getFirst(),
                  connection,
                  new StoreBench.Plan(
                      storeInstances,
                      historyEvents,
                      listPages,
                      historyFetches,
                      timeout,
                      new SyntheticWorker.Settings(
                          1,
                          maxOrchestrations == null ? 256 : maxOrchestrations,
                          maxActivities == null ? 256 : maxActivities),
                      measured))
              .run());
    }
    return outcomes;
  }

  /** The SDK's connection string for {@code target}; the SDK always names a hub. */
  static String connectionString(Endpoint target) {
    String hub =
        target.taskHub() == null || target.taskHub().isEmpty() ? "default" : target.taskHub();
    return "Endpoint=http://" + target.target() + ";Authentication=None;TaskHub=" + hub;
  }

  private Outcome workerWorkloads(
      List<Endpoint> targets,
      CpuSample.Processes measured,
      Set<Workload> chosen,
      List<Integer> fanOutSizes)
      throws InterruptedException {
    Outcome outcome;
    if (worker == Worker.synthetic) {
      if (!chosen.equals(EnumSet.of(Workload.w1)) && !workloads.contains(Workload.all)) {
        throw invalid(
            "The synthetic worker implements W1 only; use --worker sdk for W2, W3 and E1-E3");
      }
      if (maxEntities != null) {
        throw invalid("--max-entities is for the SDK worker");
      }
      int streamCount = streams == null ? targets.size() : streams;
      if (streamCount < targets.size()) {
        throw invalid(
            "--streams must be at least the number of endpoints (" + targets.size() + ")");
      }
      SyntheticWorker.Settings settings =
          new SyntheticWorker.Settings(
              streamCount,
              maxOrchestrations == null ? 32 : maxOrchestrations,
              maxActivities == null ? 256 : maxActivities);
      outcome =
          new SyntheticBench(targets, settings, fanOutSizes, runs, warmup, timeout, measured).run();
    } else {
      if (streams != null && streams != targets.size()) {
        throw invalid(
            "--streams is for the synthetic worker; the SDK worker opens one stream per endpoint");
      }
      SdkBench.Plan plan =
          new SdkBench.Plan(
              chosen,
              fanOutSizes,
              batchInstances,
              sequentialInstances,
              runs,
              warmup,
              timeout,
              maxOrchestrations,
              maxActivities,
              maxEntities,
              workItemFilters,
              filteredNames,
              new EntityBench.Sizes(e1Signals, e2Signals, e2Entities, e3Instances, e3Entities),
              measured);
      outcome = new SdkBench(targets, plan).run();
    }
    return outcome;
  }

  private Outcome whilePurging(List<Endpoint> targets, CpuSample.Processes measured)
      throws InterruptedException {
    if (whilePurging < 1) {
      throw invalid("--while-purging must be at least 1");
    }
    if (worker != Worker.synthetic || !workloads.equals(List.of(Workload.w1))) {
      throw invalid("--while-purging runs W1 with the synthetic worker only");
    }
    if (httpEndpoint == null || httpEndpoint.isBlank()) {
      throw invalid("--while-purging needs --http-endpoint (the scheduler's HTTP API)");
    }
    if (targets.size() != 1 || (streams != null && streams != 1)) {
      throw invalid("--while-purging measures one scheduler node with one worker stream");
    }
    if (sizes != null && sizes.size() != 1) {
      throw invalid("--while-purging takes one --n");
    }
    if (drainLimit.isNegative()) {
      throw invalid("--drain-limit must not be negative");
    }
    SyntheticWorker.Settings settings =
        new SyntheticWorker.Settings(
            1,
            maxOrchestrations == null ? 32 : maxOrchestrations,
            maxActivities == null ? 256 : maxActivities);
    PurgeBench.Plan plan =
        new PurgeBench.Plan(
            whilePurging,
            sizes == null ? 10_000 : sizes.getFirst(),
            runs,
            warmup,
            timeout,
            purgePolicy,
            drainLimit,
            oldInstancesFilled,
            measured);
    return new PurgeBench(targets.getFirst(), httpEndpoint.strip(), settings, plan).run();
  }

  private void writeSummary(Outcome outcome) {
    if (summary == null) {
      return;
    }
    String configuration = label != null ? label : String.join(",", endpoints);
    List<String> lines = new ArrayList<>();
    outcome.medians().forEach(medians -> lines.add(Comparison.resultLine(configuration, medians)));
    outcome.failure().ifPresent(reason -> lines.add(Comparison.failureLine(configuration, reason)));
    try {
      Comparison.append(summary, lines);
    } catch (IOException e) {
      throw new BenchException("Cannot write the summary to " + summary + ": " + e.getMessage(), e);
    }
  }

  private CommandLine.ParameterException invalid(String message) {
    return new CommandLine.ParameterException(new CommandLine(this), message);
  }
}
