package io.verdant.jobs;

import io.verdant.common.RunIds;
import io.verdant.common.ledger.LedgerOptions;
import io.verdant.common.ledger.LedgerRecorder;
import io.verdant.common.plugin.VerdantPlugin;
import io.verdant.common.run.JobRun;
import io.verdant.common.run.JobRunListener;
import io.verdant.common.spark.SparkSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The shape of every Spark job: parse and {@link #validate()} options before any Spark work, then
 * start a SparkSession and a {@link JobRun}, run the job, and stop Spark in {@code finally}.
 * Failures propagate to a non-zero exit; they are never swallowed.
 */
public abstract class JobCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Names this run's outputs and ledger rows; a rerun with the same id is idempotent. Default: <job>-<UTC time>-<random>.")
  protected String runId;

  /** Where and how the run is recorded in the ledger (--ledger, --pue, --grid-intensity, ...). */
  @Mixin protected LedgerOptions ledgerOptions = new LedgerOptions();

  @Option(
      names = "--dry-run",
      description =
          "Parse and check the options, print the effective options, and exit without starting Spark.")
  protected boolean dryRun;

  /** The job's name: the subcommand, the ledger's job column. */
  protected abstract String job();

  /**
   * Checks options before Spark starts; throws {@link io.verdant.common.VerdantException} stating
   * the rule and the value.
   */
  protected abstract void validate();

  /**
   * Checks the job's inputs (manifests, model files) after the options and before Spark starts. Not
   * run by {@code --dry-run}, which checks a command line whose inputs may not exist yet (an
   * Airflow DAG's).
   */
  protected void checkInputs() {}

  /** Runs the job; the JobRun's phases name the Spark job groups. */
  protected abstract void execute(JobRun run) throws Exception;

  /** Spark settings this job wants by default; operator-given settings always win. */
  protected void configure(SparkConf conf) {}

  /** Listeners of the run (the ledger); subclasses may add their own. */
  protected List<JobRunListener> listeners(SparkSession spark) {
    return new ArrayList<>();
  }

  @Override
  public Integer call() throws Exception {
    if (runId != null) {
      RunIds.validate(runId);
    } else {
      runId = RunIds.generate(job());
    }
    validate();
    ledgerOptions.validate();
    if (dryRun) {
      System.out.println("verdant " + job() + ": options are valid");
      JobRun.masked(effectiveOptions()).forEach((k, v) -> System.out.println("  " + k + " = " + v));
      return 0;
    }
    checkInputs();
    // A session that already exists (the quickstart's, a test's, a notebook's) is reused and left
    // running;
    // one this command creates is stopped when it ends.
    // (A stopped session can linger as the thread's active one after an earlier job: it does not
    // count.)
    boolean owned =
        !live(SparkSession.getActiveSession()) && !live(SparkSession.getDefaultSession());
    SparkConf conf = SparkSessions.defaults("verdant-" + job());
    configure(conf);
    if (ledgerOptions.enabled()) {
      VerdantPlugin.enable(conf);
    }
    SparkSession spark = SparkSessions.create(conf);
    List<JobRunListener> runListeners = new ArrayList<>(listeners(spark));
    if (ledgerOptions.enabled()) {
      runListeners.add(0, new LedgerRecorder(ledgerOptions));
    }
    try (JobRun run = JobRun.start(spark, job(), runId, effectiveOptions(), runListeners)) {
      try {
        execute(run);
        run.succeeded();
      } catch (Throwable t) {
        run.failed(t);
        throw t;
      }
    } finally {
      if (owned) {
        spark.stop();
      }
    }
    return 0;
  }

  /** Whether the command line gave {@code option} (rather than its default). */
  protected boolean given(String option) {
    return spec != null
        && spec.commandLine() != null
        && spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private static boolean live(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }

  /** Every option of this command with its effective value (defaults included), by longest name. */
  protected Map<String, String> effectiveOptions() {
    Map<String, String> out = new TreeMap<>();
    for (OptionSpec o : spec.options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      Object v = o.getValue();
      out.put(o.longestName(), v == null ? null : String.valueOf(v));
    }
    out.put("--run-id", runId);
    return out;
  }

  public String runId() {
    return runId;
  }
}
