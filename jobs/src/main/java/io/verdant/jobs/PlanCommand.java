package io.verdant.jobs;

import io.verdant.common.Checks;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.energy.EnergySettings;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.grid.Signal;
import io.verdant.common.grid.SignalFile;
import io.verdant.common.grid.SignalRow;
import io.verdant.common.grid.SignalSeries;
import io.verdant.common.grid.Times;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.plan.Backtest;
import io.verdant.jobs.plan.BacktestReport;
import io.verdant.jobs.plan.Estimate;
import io.verdant.jobs.plan.Estimator;
import io.verdant.jobs.plan.GivenFigures;
import io.verdant.jobs.plan.Grid;
import io.verdant.jobs.plan.JobSpec;
import io.verdant.jobs.plan.LedgerHistory;
import io.verdant.jobs.plan.Objective;
import io.verdant.jobs.plan.PlanLedger;
import io.verdant.jobs.plan.PlanReport;
import io.verdant.jobs.plan.Planner;
import io.verdant.jobs.plan.TimeArg;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code verdant plan <job> [job options] --signals FILE --zone Z --deadline TIME}: when to run a
 * job so that its carbon (or cost) is lowest before a deadline, from grid signals and the job's
 * measured energy; and {@code --backtest}, which replays a signal file to show what planning would
 * have saved. Needs no Spark.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Choose when to run a job: the start before --deadline that minimizes its carbon (or cost), from"
          + " grid signals and the job's expected duration and energy (the ledger's comparable runs, else --expected-duration"
          + " and --expected-energy-wh). Prints the plan, writes it as JSON and records it in the ledger. The job's own"
          + " options follow its name:",
      "  verdant plan train --data T --model lenet5 --signals S --zone Z --deadline 12h",
      "Missing, gapped or stale signals: a warning, and the plan runs now. Exit status: 0; with --check, 0 when the job"
          + " should start now, "
          + Verdant.EXIT_NOT_YET
          + " when not yet. See docs/scheduling.md."
    })
public final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB",
      description =
          "The job to plan (train, ingest, compress, ...), followed by its own options. Optional with --backtest.")
  String job;

  /** The planned job's options, parsed by that job's own command. */
  @Unmatched List<String> jobArgs = new ArrayList<>();

  @Option(
      names = "--signals",
      required = true,
      paramLabel = "FILE",
      description =
          "Grid signals: Verdant's signal CSV or Parquet, a Carbon Aware SDK emissions JSON, or the ledger's timestamp,g_per_kwh CSV; a local path or any Hadoop filesystem URI (docs/scheduling.md).")
  String signals;

  @Option(
      names = "--zone",
      required = true,
      paramLabel = "ZONE",
      description = "The grid zone of the signals to use.")
  String zone;

  @Option(
      names = "--deadline",
      required = true,
      paramLabel = "TIME",
      description =
          "When the job must have ended: an ISO-8601 time with Z or an offset, or a duration after the decision (12h, PT12H; with --backtest, a duration).")
  String deadline;

  @Option(
      names = "--not-before",
      paramLabel = "TIME",
      description =
          "The earliest start: a time or a duration after the decision. Default: the decision time.")
  String notBefore;

  @Option(
      names = "--objective",
      paramLabel = "OBJ",
      defaultValue = "carbon",
      description =
          "What to minimize: carbon (gCO2e), cost (the price series) or weighted:W (W x carbon + (1 - W) x cost, each relative to running now; W from 0 to 1). Default: ${DEFAULT-VALUE}.")
  String objective;

  @Option(
      names = "--expected-duration",
      paramLabel = "DURATION",
      description =
          "The job's duration when the ledger has no comparable run (1h30m, PT90M). Default: none.")
  String expectedDuration;

  @Option(
      names = "--expected-energy-wh",
      paramLabel = "WH",
      description =
          "The job's IT energy in Wh (before PUE) when the ledger has no comparable run. Default: none.")
  Double expectedEnergyWh;

  @Option(
      names = "--max-forecast-age",
      paramLabel = "DURATION",
      defaultValue = "24h",
      description =
          "A forecast issued longer than this before the decision is stale: the plan runs now. Default: ${DEFAULT-VALUE}.")
  String maxForecastAge;

  @Option(
      names = "--slack",
      paramLabel = "DURATION",
      defaultValue = "10m",
      description =
          "--check says start when the chosen start is at most this after now (at least the sensor's poke interval). Default: ${DEFAULT-VALUE}.")
  String slack;

  @Option(
      names = "--now",
      paramLabel = "TIME",
      description =
          "Decide as if it were this time (reproducing a past decision). Default: the current time.")
  String now;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Where the JSON goes (written atomically). Default: $VERDANT_WORK_DIR/plans/<plan run id>.json.")
  String json;

  @Option(
      names = "--check",
      description =
          "Exit 0 when the job should start now (within --slack), "
              + Verdant.EXIT_NOT_YET
              + " when not yet: an Airflow sensor's test.")
  boolean check;

  @Option(names = "--wait", description = "Sleep until the chosen start, then exit 0.")
  boolean await;

  @Option(
      names = "--backtest",
      description =
          "Replay --signals from --from to --to instead of planning now (docs/scheduling.md).")
  boolean backtest;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "Back-test: the first decision time (a time, or a date: its midnight UTC).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "Back-test: decisions before this time (or date).")
  String to;

  @Option(
      names = "--every",
      paramLabel = "DURATION",
      defaultValue = "1d",
      description = "Back-test: time between decisions. Default: ${DEFAULT-VALUE}.")
  String every;

  @Option(
      names = "--at",
      paramLabel = "HH:MM",
      description =
          "Back-test: decide at this UTC time of day (the first one at or after --from). Default: at --from.")
  String at;

  @Option(
      names = "--dry-run",
      description = "Check the options (and the job's) and exit without reading signals.")
  boolean dryRun;

  private Objective chosen;
  private TimeArg deadlineArg;
  private TimeArg notBeforeArg;
  private Long nowMs;
  private long maxAgeMs;
  private long slackMs;
  private Long expectedDurationMs;
  private long fromMs;
  private long toMs;
  private long everyMs;
  private LocalTime atTime;

  @Override
  public Integer call() throws Exception {
    long started = System.currentTimeMillis();
    validate();
    JobSpec jobSpec = jobSpec();
    if (dryRun) {
      System.out.println("verdant plan: options are valid");
      effectiveOptions().forEach((k, v) -> System.out.println("  " + k + " = " + v));
      return 0;
    }
    Configuration conf = new Configuration();
    List<SignalRow> rows = SignalFile.read(signals, conf);
    SignalSeries carbon = series(rows, Signal.CARBON_INTENSITY);
    SignalSeries price = series(rows, Signal.PRICE);
    Estimate estimate = estimate(jobSpec, conf);
    Planner planner = new Planner(chosen, zone, label(), maxAgeMs);
    if (backtest) {
      return backtest(
          new Backtest(planner, chosen, carbon, price, jobSpec.pue(), zone, label()),
          estimate,
          jobSpec,
          price == null ? null : price.currency(),
          conf);
    }
    return plan(planner, carbon, price, estimate, jobSpec, conf, started);
  }

  /** Every option checked, and parsed, in one place (before any file is read). */
  private void validate() {
    chosen = Objective.parse(objective);
    deadlineArg = TimeArg.parse("--deadline", deadline);
    notBeforeArg = notBefore == null ? null : TimeArg.parse("--not-before", notBefore);
    nowMs = now == null ? null : instant("--now", now);
    maxAgeMs = positiveDuration("--max-forecast-age", maxForecastAge);
    slackMs = duration("--slack", slack);
    if ((expectedDuration == null) != (expectedEnergyWh == null)) {
      throw VerdantException.of(
          "--expected-duration and --expected-energy-wh go together, given only %s",
          expectedDuration != null
              ? "--expected-duration " + expectedDuration
              : "--expected-energy-wh " + expectedEnergyWh);
    }
    expectedDurationMs =
        expectedDuration == null ? null : positiveDuration("--expected-duration", expectedDuration);
    if (expectedEnergyWh != null
        && (!(expectedEnergyWh >= 0) || Double.isInfinite(expectedEnergyWh))) {
      throw VerdantException.of(
          "--expected-energy-wh must be a number of at least 0, cannot be: %s", expectedEnergyWh);
    }
    if (check && await) {
      throw VerdantException.of("--check and --wait cannot be used together");
    }
    if (backtest) {
      validateBacktest();
    } else if (from != null || to != null || at != null) {
      throw VerdantException.of("--from, --to and --at need --backtest");
    } else if (job == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing the JOB to plan, e.g. verdant plan train --data DIR"
              + " --model lenet5 --signals FILE --zone Z --deadline TIME");
    }
  }

  private void validateBacktest() {
    if (check || await) {
      throw VerdantException.of("--backtest cannot be used with --check or --wait");
    }
    if (from == null || to == null) {
      throw VerdantException.of("--backtest needs --from and --to");
    }
    if (!deadlineArg.isRelative() || (notBeforeArg != null && !notBeforeArg.isRelative())) {
      throw VerdantException.of(
          "--backtest needs --deadline and --not-before as durations after each decision (e.g. 12h),"
              + " cannot be: %s",
          !deadlineArg.isRelative() ? deadline : notBefore);
    }
    fromMs = dateOrInstant("--from", from);
    toMs = dateOrInstant("--to", to);
    if (toMs <= fromMs) {
      throw VerdantException.of("--to must be after --from, cannot be: %s (--from %s)", to, from);
    }
    everyMs = positiveDuration("--every", every);
    try {
      atTime = at == null ? null : LocalTime.parse(at);
    } catch (DateTimeParseException e) {
      throw VerdantException.of("--at must be a UTC time of day HH:MM, cannot be: %s", at);
    }
  }

  /**
   * The planned job's options, parsed by its own command (not validated: its inputs may not exist
   * yet).
   */
  private JobSpec jobSpec() {
    if (job == null) {
      if (!jobArgs.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(), "Unknown options: " + String.join(" ", jobArgs));
      }
      return new JobSpec(
          null,
          null,
          null,
          null,
          null,
          new io.verdant.common.ledger.LedgerLocation().root(),
          false,
          EnergySettings.DEFAULT_PUE,
          Map.of());
    }
    CommandLine sub = Verdant.commandLine().getSubcommands().get(job);
    if (sub == null || !(sub.getCommand() instanceof JobCommand)) {
      throw new ParameterException(
          spec.commandLine(),
          "JOB must be one of Verdant's Spark jobs (" + sparkJobs() + "), cannot be: " + job);
    }
    // A command line of its own: a registered subcommand cannot parse without its parent.
    CommandLine own = new CommandLine(sub.getCommand().getClass());
    try {
      own.parseArgs(jobArgs.toArray(new String[0]));
    } catch (ParameterException e) {
      throw new ParameterException(spec.commandLine(), "verdant " + job + ": " + e.getMessage());
    }
    JobCommand command = own.getCommand();
    Map<String, String> options = command.effectiveOptions();
    return new JobSpec(
        job,
        options.get("--run-id"),
        options.get("--model"),
        dryRun ? null : dataset(options),
        LedgerHistory.integer(options.get("--epochs")),
        command.ledgerOptions.root(),
        command.ledgerOptions.enabled(),
        options.get("--pue") == null
            ? EnergySettings.DEFAULT_PUE
            : Double.parseDouble(options.get("--pue")),
        options);
  }

  private static String sparkJobs() {
    List<String> names = new ArrayList<>();
    Verdant.commandLine()
        .getSubcommands()
        .forEach(
            (name, cl) -> {
              if (cl.getCommand() instanceof JobCommand) {
                names.add(name);
              }
            });
    return String.join(", ", names);
  }

  /**
   * As the job records it: the dataset named in the manifest at --data, else --data, else
   * --dataset.
   */
  private static String dataset(Map<String, String> options) {
    String data = options.get("--data");
    if (data == null) {
      return options.get("--dataset");
    }
    try {
      String name = Manifest.read(data, new Configuration()).manifest().dataset();
      return name == null ? data : name;
    } catch (VerdantException | UncheckedIOException e) {
      return data;
    }
  }

  /**
   * The zone's series of a signal: required when the objective needs it, else null when the file
   * has none.
   */
  private SignalSeries series(List<SignalRow> rows, Signal signal) {
    if (chosen.signals().contains(signal)) {
      return SignalSeries.require(rows, zone, signal, label(), "--objective " + chosen.name());
    }
    SignalSeries s = SignalSeries.of(rows, zone, signal, label());
    return s.isEmpty() ? null : s;
  }

  /** The ledger's comparable runs, else the given figures; says which it used. */
  private Estimate estimate(JobSpec jobSpec, Configuration conf) {
    for (Estimator e :
        List.of(new LedgerHistory(conf), new GivenFigures(expectedDurationMs, expectedEnergyWh))) {
      var found = e.estimate(jobSpec);
      if (found.isPresent()) {
        System.out.println("Estimate: " + found.get().detail());
        return found.get();
      }
    }
    throw VerdantException.of(
        "no comparable run of %s (model %s, dataset %s) in the ledger at %s: give"
            + " --expected-duration and --expected-energy-wh",
        jobSpec.job() == null ? "the job" : jobSpec.job(),
        jobSpec.model(),
        jobSpec.dataset(),
        jobSpec.ledgerRoot());
  }

  private int plan(
      Planner planner,
      SignalSeries carbon,
      SignalSeries price,
      Estimate estimate,
      JobSpec jobSpec,
      Configuration conf,
      long started)
      throws InterruptedException {
    long decision = nowMs != null ? nowMs : System.currentTimeMillis();
    Grid grid =
        new Grid(
            carbon == null ? null : carbon.knownAt(decision),
            price == null ? null : price.knownAt(decision),
            price == null ? null : price.currency(),
            jobSpec.pue());
    long earliest = notBeforeArg == null ? decision : Math.max(decision, notBeforeArg.at(decision));
    Planner.Decision d =
        planner.decide(grid, estimate.profile(), decision, earliest, deadlineArg.at(decision));
    PlanReport report = PlanReport.of(d, jobSpec, estimate, grid, chosen, zone, signals, slackMs);
    String runId = PlanLedger.runId(jobSpec.runId());
    String file = writeJson(report, runId, conf);
    print(report, file);
    if (jobSpec.recordInLedger()) {
      PlanLedger.record(
          jobSpec, report, effectiveOptions(), started, System.currentTimeMillis(), conf);
    }
    if (check) {
      return report.startNow() ? 0 : Verdant.EXIT_NOT_YET;
    }
    if (await && d.startMs() > decision) {
      System.out.println(
          "Waiting " + Times.format(d.startMs() - decision) + " until " + Times.iso(d.startMs()));
      System.out.flush();
      Thread.sleep(d.startMs() - decision);
    }
    return 0;
  }

  private int backtest(
      Backtest b, Estimate estimate, JobSpec jobSpec, String currency, Configuration conf) {
    List<BacktestReport.Row> rows =
        b.run(
            new Backtest.Schedule(fromMs, toMs, everyMs, atTime),
            estimate.profile(),
            notBeforeArg,
            deadlineArg);
    BacktestReport report =
        new BacktestReport(
            BacktestReport.SCHEMA_VERSION,
            zone,
            signals,
            chosen.name(),
            estimate,
            jobSpec.pue(),
            Times.iso(fromMs),
            Times.iso(toMs),
            Times.format(everyMs),
            at,
            deadline,
            currency,
            Backtest.totals(rows),
            rows);
    String id = io.verdant.common.RunIds.generate("backtest");
    String file = writeJson(report, id, conf);
    printBacktest(report, file);
    return 0;
  }

  /** Writes the report to --json, by default {@code <work dir>/plans/<run id>.json}. */
  private String writeJson(Object report, String runId, Configuration conf) {
    String file = json != null ? json : IngestCommand.workDir() + "/plans/" + runId + ".json";
    try (AtomicOutput out = AtomicOutput.begin(file, runId, true, "--json", conf)) {
      try (OutputStream os = out.fs().create(out.temp(), true)) {
        Json.MAPPER.writeValue(os, report);
      }
      out.commit();
      return out.target().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write --json " + file, e);
    }
  }

  private static void print(PlanReport r, String file) {
    String cur = r.currency() == null ? "" : " " + r.currency();
    System.out.printf(
        Locale.ROOT,
        "Plan for %s%s in zone %s, objective %s, decided at %s (deadline %s)%n",
        r.job(),
        r.runId() == null ? "" : " (run " + r.runId() + ")",
        r.zone(),
        r.objective(),
        r.decidedAt(),
        r.deadline());
    System.out.printf(
        Locale.ROOT,
        "  expected: %s, %.2f Wh (%s)%n",
        Times.format(Math.round(r.estimate().durationS() * 1000)),
        r.expectedWh(),
        r.estimate().source());
    printFigures("run now:", r.runNow(), cur);
    printFigures("window:", r.window(), cur);
    System.out.printf(
        Locale.ROOT,
        "  saving: %s%% CO2e, %s%% cost; start now: %s%n",
        num(r.savingCo2ePercent()),
        num(r.savingCostPercent()),
        r.startNow() ? "yes" : "no");
    if (r.fallback() != null) {
      System.out.println("  fallback: " + r.fallback());
    }
    r.warnings().forEach(w -> System.out.println("  warning: " + w));
    System.out.println("JSON: " + file);
    System.out.flush();
  }

  private static void printFigures(String label, PlanReport.Figures f, String currency) {
    System.out.printf(
        Locale.ROOT,
        "  %-8s %s to %s: %s gCO2e, cost %s%s%n",
        label,
        f.start(),
        f.end(),
        num(f.co2eG()),
        money(f.cost()),
        currency);
  }

  private static void printBacktest(BacktestReport r, String file) {
    System.out.printf(
        Locale.ROOT,
        "Back-test in zone %s, objective %s, %d decisions from %s every %s%s, deadline %s after each%n",
        r.zone(),
        r.objective(),
        r.totals().decisions(),
        r.from(),
        r.every(),
        r.at() == null ? "" : " at " + r.at(),
        r.deadline());
    System.out.printf(
        Locale.ROOT,
        "  %-22s %-22s %10s %10s %7s %12s %12s %7s%n",
        "decided",
        "planned start",
        "nominal_g",
        "planned_g",
        "save_%",
        "nominal_cost",
        "planned_cost",
        "save_%");
    for (BacktestReport.Row row : r.decisions()) {
      System.out.printf(
          Locale.ROOT,
          "  %-22s %-22s %10s %10s %7s %12s %12s %7s%s%n",
          row.decidedAt(),
          row.plannedStart(),
          num(row.nominalCo2eG()),
          num(row.plannedCo2eG()),
          num(row.savingCo2ePercent()),
          money(row.nominalCost()),
          money(row.plannedCost()),
          num(row.savingCostPercent()),
          row.fallback() == null ? "" : "  (fallback)");
    }
    BacktestReport.Totals t = r.totals();
    System.out.printf(
        Locale.ROOT,
        "  %-45s %10s %10s %7s %12s %12s %7s%n",
        "total (" + t.fallbacks() + " fallbacks)",
        num(t.nominalCo2eG()),
        num(t.plannedCo2eG()),
        num(t.savingCo2ePercent()),
        money(t.nominalCost()),
        money(t.plannedCost()),
        num(t.savingCostPercent()));
    System.out.println("JSON: " + file);
    System.out.flush();
  }

  private static String num(Double d) {
    return d == null ? "n/a" : String.format(Locale.ROOT, "%.2f", d);
  }

  private static String money(Double d) {
    return d == null ? "n/a" : String.format(Locale.ROOT, "%.4f", d);
  }

  private String label() {
    return SignalFile.OPTION + " " + signals;
  }

  private Map<String, String> effectiveOptions() {
    Map<String, String> out = new TreeMap<>();
    spec.options().stream()
        .filter(o -> !o.usageHelp() && !o.versionHelp())
        .forEach(
            o -> {
              Object v = o.getValue();
              out.put(o.longestName(), v == null ? null : String.valueOf(v));
            });
    out.put(
        "JOB",
        job == null ? null : job + (jobArgs.isEmpty() ? "" : " " + String.join(" ", jobArgs)));
    return out;
  }

  private static long instant(String option, String s) {
    return Checks.parse(
        option, s, Times::instant, "an ISO-8601 time with Z or an offset (2026-03-02T06:00:00Z)");
  }

  private static long dateOrInstant(String option, String s) {
    if (s.trim().matches("\\d{4}-\\d{2}-\\d{2}")) {
      return java.time.LocalDate.parse(s.trim())
          .atStartOfDay(java.time.ZoneOffset.UTC)
          .toInstant()
          .toEpochMilli();
    }
    return instant(option, s);
  }

  private static long duration(String option, String s) {
    return Checks.parse(option, s, Times::duration, "a duration like 30m, 1h30m or PT1H30M");
  }

  private static long positiveDuration(String option, String s) {
    long ms = duration(option, s);
    if (ms <= 0) {
      throw VerdantException.of("%s must be a duration above 0, cannot be: %s", option, s);
    }
    return ms;
  }
}
