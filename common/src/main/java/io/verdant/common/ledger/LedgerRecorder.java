package io.verdant.common.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.energy.EnergyAccount;
import io.verdant.common.energy.EnergyRow;
import io.verdant.common.energy.EnergySettings;
import io.verdant.common.energy.Interval;
import io.verdant.common.energy.SampleHub;
import io.verdant.common.energy.SamplingConf;
import io.verdant.common.energy.SamplingThread;
import io.verdant.common.run.JobRun;
import io.verdant.common.run.JobRunListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one job run in the ledger: subscribes to the samples of the driver and the executors,
 * records every task of the run, tracks the phases' time windows, and at the end attributes energy
 * and carbon and writes the run's rows (also when the job failed or stopped for its budget).
 */
public final class LedgerRecorder implements JobRunListener, io.verdant.common.run.EnergyMeter {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerRecorder.class);

  /**
   * The attributes the ledger adds to a run that counted its predictions: joules and gCO2e per
   * 1,000 of them.
   */
  public static final String ENERGY_PER_1000_PREDICTIONS = "energyJPer1000Predictions";

  public static final String CO2E_PER_1000_PREDICTIONS = "co2eGPer1000Predictions";

  private final String root;
  private final LedgerOptions options;
  private final List<Interval> intervals = new ArrayList<>();
  private final Consumer<Interval> subscriber = this::onInterval;
  private final List<EnergyAccount.PhaseWindow> phases = new ArrayList<>();
  private final Map<String, Long> latestEnd = new HashMap<>();
  private SamplingThread sampler;
  private SamplingConf sampling;
  private TaskRecorder tasks;
  private Configuration hadoopConf;
  private long phaseStartMs;
  private long samplerCpuAtStart;
  private long samplesAtStart;
  private long runEndMs;

  private final SparkContext givenContext;
  private final boolean allTasks;
  private SparkContext sc;

  /** Records a Verdant job run; the Spark context is the run's session's. */
  public LedgerRecorder(LedgerOptions options) {
    this(options, null, false);
  }

  /**
   * @param sc the Spark context to listen to, or null for the run's session's
   * @param allTasks record every task of the context (a whole application), not only those of the
   *     run's id
   */
  public LedgerRecorder(LedgerOptions options, SparkContext sc, boolean allTasks) {
    this.options = options;
    this.root = options.root();
    this.givenContext = sc;
    this.allTasks = allTasks;
  }

  private void onInterval(Interval i) {
    synchronized (intervals) {
      intervals.add(i);
      latestEnd.merge(i.executorId() + "@" + i.host() + "/" + i.pid(), i.endMs(), Math::max);
      intervals.notifyAll();
    }
  }

  @Override
  public void onStart(JobRun run) {
    sc =
        givenContext != null
            ? givenContext
            : run.spark() != null ? run.spark().sparkContext() : null;
    SparkConf conf = sc != null ? sc.getConf() : new SparkConf(false);
    hadoopConf = sc != null ? sc.hadoopConfiguration() : new Configuration();
    sampling = SamplingConf.from(conf);
    SampleHub.subscribe(subscriber);
    sampler =
        SamplingThread.acquire(
            "driver", sampling.paths(), sampling.intervalMs(), SampleHub::publish);
    samplerCpuAtStart = sampler.cpuNanos();
    samplesAtStart = sampler.samples();
    sampler.sampleNow();
    if (sc != null) {
      tasks = new TaskRecorder(allTasks ? null : run.runId());
      sc.addSparkListener(tasks);
    }
  }

  @Override
  public void onPhaseStart(JobRun run, String phase) {
    phaseStartMs = System.currentTimeMillis();
  }

  @Override
  public void onPhaseEnd(JobRun run, String phase, long wallMs) {
    synchronized (phases) {
      phases.add(new EnergyAccount.PhaseWindow(phase, phaseStartMs, System.currentTimeMillis()));
    }
  }

  @Override
  public void onEnd(JobRun run, JobRun.Status status, Throwable error) {
    runEndMs = run.end() != null ? run.end().toEpochMilli() : System.currentTimeMillis();
    long t0 = System.nanoTime();
    long samplerCpuNanos;
    long samples;
    try {
      sampler.sampleNow();
      samplerCpuNanos = sampler.cpuNanos() - samplerCpuAtStart;
      samples = sampler.samples() - samplesAtStart;
      awaitExecutors();
    } finally {
      SamplingThread.release(sampler);
      SampleHub.unsubscribe(subscriber);
    }
    List<TaskRow> taskRows = List.of();
    if (tasks != null) {
      drainListenerBus(sc);
      sc.removeSparkListener(tasks);
      taskRows = tasks.rows();
    }
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    EnergySettings settings = options.settings(hadoopConf);
    long startMs = run.start().toEpochMilli();
    List<EnergyRow> energy = account(settings, startMs, runEndMs);
    RunRow row = runRow(run, sc, status, error, startMs, runEndMs, energy, taskRows, settings);
    // A paused run's rows are a segment of their own: the run's later segments (same id) add to
    // them.
    new LedgerWriter(root, hadoopConf)
        .write(
            row,
            energy,
            taskRows,
            status.isPause() ? LedgerWriter.segmentId(run.runId(), startMs) : run.runId());
    LOG.info(
        "Ledger rows of run {} written {} ms after its end ({} ms waiting for samples and task events)",
        run.runId(),
        System.currentTimeMillis() - runEndMs,
        waitedMs);
    // The ledger's own work beside the job (the write above is the part on the job's path); each
    // executor JVM
    // spends the same per sample.
    LOG.info(
        "Ledger work during run {} on the driver: {} ms CPU taking {} samples, {} ms recording {} tasks",
        run.runId(),
        Math.round(samplerCpuNanos / 1e5) / 10.0,
        samples,
        tasks != null ? Math.round(tasks.busyNanos() / 1e5) / 10.0 : 0.0,
        taskRows.size());
  }

  /**
   * Energy of the run until now, from the samples received so far (a fresh one of the driver's JVM
   * included).
   */
  @Override
  public double energySoFarJ(JobRun run) {
    sampler.sampleNow();
    return EnergyAccount.totalEnergyJ(
        account(
            options.settings(hadoopConf), run.start().toEpochMilli(), System.currentTimeMillis()));
  }

  /** Energy rows of the samples and phases received so far, over [startMs, endMs]. */
  private List<EnergyRow> account(EnergySettings settings, long startMs, long endMs) {
    List<Interval> snapshot;
    synchronized (intervals) {
      snapshot = new ArrayList<>(intervals);
    }
    List<EnergyAccount.PhaseWindow> windows;
    synchronized (phases) {
      windows = new ArrayList<>(phases);
    }
    return new EnergyAccount(settings).account(snapshot, startMs, endMs, windows);
  }

  /**
   * Remote executors report every interval; wait (at most two intervals) until each has reported
   * past the end.
   */
  private void awaitExecutors() {
    long deadline = System.currentTimeMillis() + 2 * sampling.intervalMs() + 500;
    synchronized (intervals) {
      while (System.currentTimeMillis() < deadline
          && latestEnd.entrySet().stream()
              .anyMatch(e -> !e.getKey().startsWith("driver@") && e.getValue() < runEndMs)) {
        try {
          intervals.wait(Math.max(1, deadline - System.currentTimeMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  static void drainListenerBus(SparkContext sc) {
    try {
      sc.listenerBus().waitUntilEmpty(30_000);
    } catch (Exception e) {
      LOG.warn(
          "Spark's listener bus did not drain; the ledger may miss the last tasks: {}",
          e.toString());
    }
  }

  static RunRow runRow(
      JobRun run,
      SparkContext sc,
      JobRun.Status status,
      Throwable error,
      long startMs,
      long endMs,
      List<EnergyRow> energy,
      List<TaskRow> tasks,
      EnergySettings settings) {
    String message = null;
    if (error != null) {
      VerdantException ve = VerdantException.find(error);
      message = ve != null ? ve.getMessage() : error.toString();
    }
    double energyJ = EnergyAccount.totalEnergyJ(energy);
    double co2 = EnergyAccount.totalCo2eG(energy);
    return new RunRow(
        run.runId(),
        run.job(),
        run.phases(),
        new LinkedHashMap<>(run.phaseWallMs()),
        json(JobRun.masked(run.options())),
        run.attributes().get("dataset"),
        run.attributes().get("model"),
        json(attributes(run.attributes(), energyJ, co2)),
        statusName(status),
        message,
        startMs,
        endMs,
        energyJ,
        co2,
        EnergyAccount.totalCpuSeconds(energy),
        tasks.size(),
        methods(energy),
        settings.pue(),
        energyJ > 0 ? co2 / (energyJ / 3.6e6 * settings.pue()) : settings.grid().at(startMs),
        settings.region(),
        settings.grid().source(),
        sc != null ? sc.applicationId() : null,
        sc != null ? sc.master() : null,
        Versions.verdant(),
        sc != null ? sc.version() : org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        Versions.dl4j(),
        Versions.java());
  }

  /**
   * A run's attributes and, when it counted predictions ({@link JobRun#PREDICTIONS}), its energy
   * and carbon per 1,000 of them: known only here, once the run's energy is.
   */
  static Map<String, String> attributes(
      Map<String, String> attributes, double energyJ, double co2eG) {
    Map<String, String> out = new TreeMap<>(attributes);
    long n;
    try {
      n = Long.parseLong(attributes.getOrDefault(JobRun.PREDICTIONS, "0"));
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n > 0) {
      out.put(ENERGY_PER_1000_PREDICTIONS, String.valueOf(energyJ / n * 1000));
      out.put(CO2E_PER_1000_PREDICTIONS, String.valueOf(co2eG / n * 1000));
    }
    return out;
  }

  public static String statusName(JobRun.Status s) {
    switch (s) {
      case SUCCEEDED:
        return "succeeded";
      case STOPPED_FOR_BUDGET:
        return "stopped_for_budget";
      case PAUSED_FOR_CARBON:
        return "paused_for_carbon";
      case PAUSED_FOR_PRICE:
        return "paused_for_price";
      case RUNNING:
        return "running";
      default:
        return "failed";
    }
  }

  /** "cpu=tdp-model; memory=model": the methods used per component. */
  static String methods(List<EnergyRow> energy) {
    Map<String, TreeSet<String>> m = new TreeMap<>();
    for (EnergyRow r : energy) {
      m.computeIfAbsent(r.component(), k -> new TreeSet<>()).add(r.method());
    }
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + "=" + String.join("+", v)));
    return String.join("; ", parts);
  }

  /** A string map as one-line JSON, keys sorted (the options and attributes columns). */
  public static String json(Map<String, String> map) {
    try {
      return Json.MAPPER
          .writer()
          .without(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(new TreeMap<>(map));
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
