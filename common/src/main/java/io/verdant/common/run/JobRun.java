package io.verdant.common.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one job: its id, options, phases and outcome. Each phase runs under a Spark job group
 * named {@code verdant:<job>:<phase>} (and the local properties {@code verdant.run.id} and {@code
 * verdant.phase}), so the Spark UI, event logs and the ledger say which phase every Spark job,
 * stage and task belonged to.
 */
public final class JobRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);
  private static final Pattern SECRET =
      Pattern.compile("(?i).*(password|secret|token|credential|access[._-]?key).*");
  public static final String PROP_RUN_ID = "verdant.run.id";
  public static final String PROP_JOB = "verdant.job";
  public static final String PROP_PHASE = "verdant.phase";

  /**
   * The attribute under which a run that makes predictions (the score job) records how many it
   * made; the ledger adds the run's energy and carbon per 1,000 of them.
   */
  public static final String PREDICTIONS = "predictions";

  /**
   * How a run ended; a paused run is one segment of a run that continues later under the same id.
   */
  public enum Status {
    RUNNING,
    SUCCEEDED,
    FAILED,
    STOPPED_FOR_BUDGET,
    PAUSED_FOR_CARBON,
    PAUSED_FOR_PRICE;

    public boolean isPause() {
      return this == PAUSED_FOR_CARBON || this == PAUSED_FOR_PRICE;
    }
  }

  private final SparkSession spark;
  private final String job;
  private final String runId;
  private final Map<String, String> options;
  private final List<JobRunListener> listeners;
  private final Instant start = Instant.now();
  private final List<String> phases = new ArrayList<>();
  private final Map<String, Long> phaseWallMs = new LinkedHashMap<>();
  private final Map<String, String> attributes = new TreeMap<>();
  private Status status = Status.RUNNING;
  private Throwable error;
  private Instant end;

  private JobRun(
      SparkSession spark,
      String job,
      String runId,
      Map<String, String> options,
      List<JobRunListener> listeners) {
    this.spark = spark;
    this.job = job;
    this.runId = runId;
    this.options = Collections.unmodifiableMap(new TreeMap<>(options));
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Starts a run, logs its effective options once (sorted, secrets masked), and tells the
   * listeners.
   */
  public static JobRun start(
      SparkSession spark,
      String job,
      String runId,
      Map<String, String> options,
      List<JobRunListener> listeners) {
    JobRun run = new JobRun(spark, job, runId, options, listeners);
    LOG.info("Starting {} run {} with options {}", job, runId, masked(run.options));
    if (spark != null) {
      spark.sparkContext().setLocalProperty(PROP_RUN_ID, runId);
      spark.sparkContext().setLocalProperty(PROP_JOB, job);
    }
    for (JobRunListener l : run.listeners) {
      safely(() -> l.onStart(run), l);
    }
    return run;
  }

  public static Map<String, String> masked(Map<String, String> options) {
    Map<String, String> out = new TreeMap<>();
    options.forEach((k, v) -> out.put(k, SECRET.matcher(k).matches() && v != null ? "*****" : v));
    return out;
  }

  /** Runs one phase of the job under its own Spark job group. */
  public <T> T phase(String name, Supplier<T> body) {
    Objects.requireNonNull(name);
    phases.add(name);
    if (spark != null) {
      spark
          .sparkContext()
          .setJobGroup(
              "verdant:" + job + ":" + name, job + " " + name + " (run " + runId + ")", false);
      spark.sparkContext().setLocalProperty(PROP_PHASE, name);
    }
    for (JobRunListener l : listeners) {
      safely(() -> l.onPhaseStart(this, name), l);
    }
    long t0 = System.nanoTime();
    try {
      return body.get();
    } finally {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      phaseWallMs.merge(name, ms, Long::sum);
      LOG.info("{} phase {} took {} ms", job, name, ms);
      if (spark != null) {
        spark.sparkContext().clearJobGroup();
        spark.sparkContext().setLocalProperty(PROP_PHASE, null);
      }
      for (JobRunListener l : listeners) {
        safely(() -> l.onPhaseEnd(this, name, ms), l);
      }
    }
  }

  public void phase(String name, Runnable body) {
    phase(
        name,
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * Free-form facts a job records about itself (dataset, model, backend), carried into the ledger's
   * runs row.
   */
  public void attribute(String key, String value) {
    attributes.put(key, value);
  }

  /**
   * Energy the run has used so far in joules, from the first listener that measures it (the
   * ledger), or NaN when no listener does (e.g. {@code --no-ledger}).
   */
  public double energySoFarJ() {
    for (JobRunListener l : listeners) {
      if (l instanceof EnergyMeter m) {
        return m.energySoFarJ(this);
      }
    }
    return Double.NaN;
  }

  /**
   * Ends the run as stopped by its energy budget; {@code message} (the projection) is recorded with
   * the status.
   */
  public void stoppedForBudget(String message) {
    finish(Status.STOPPED_FOR_BUDGET, new BudgetExceededException(message));
  }

  public void succeeded() {
    finish(Status.SUCCEEDED, null);
  }

  public void failed(Throwable t) {
    finish(
        t instanceof PausedException p
            ? p.status()
            : t instanceof BudgetExceededException ? Status.STOPPED_FOR_BUDGET : Status.FAILED,
        t);
  }

  private void finish(Status s, Throwable t) {
    if (status != Status.RUNNING) {
      return;
    }
    status = s;
    error = t;
    end = Instant.now();
    for (JobRunListener l : listeners) {
      safely(() -> l.onEnd(this, s, t), l);
    }
  }

  /** A run closed without an outcome is recorded as failed. */
  @Override
  public void close() {
    if (status == Status.RUNNING) {
      finish(Status.FAILED, new IllegalStateException("run closed without an outcome"));
    }
  }

  private static void safely(Runnable r, JobRunListener l) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("Run listener {} failed: {}", l.getClass().getName(), e.toString(), e);
    }
  }

  public SparkSession spark() {
    return spark;
  }

  public String job() {
    return job;
  }

  public String runId() {
    return runId;
  }

  public Map<String, String> options() {
    return options;
  }

  public Instant start() {
    return start;
  }

  public Instant end() {
    return end;
  }

  public List<String> phases() {
    return List.copyOf(phases);
  }

  public Map<String, Long> phaseWallMs() {
    return Collections.unmodifiableMap(phaseWallMs);
  }

  public Map<String, String> attributes() {
    return Collections.unmodifiableMap(attributes);
  }

  public Status status() {
    return status;
  }

  public Throwable error() {
    return error;
  }
}
