package io.verdant.jobs.plan;

import io.verdant.common.energy.EnergyRow;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerTables;
import io.verdant.common.ledger.RunRow;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * The job's expected duration, energy and power profile from the ledger: the latest succeeded runs
 * of the same job with the same --model and dataset, each scaled by the ratio of --epochs (when
 * both have it); the median duration and energy of up to {@value #RUNS} of them, and the power
 * shape of the latest.
 */
public final class LedgerHistory implements Estimator {
  static final int RUNS = 5;
  static final int SHAPE_PARTS = 12;

  /**
   * A past run as the plan compares it.
   *
   * @param startMs the start of its (last) segment
   * @param wallMs its wall time, all segments
   * @param lastWallMs the wall time of its last segment, whose power shape the plan uses
   */
  record Past(
      String runId,
      String job,
      String status,
      String dataset,
      String model,
      Integer epochs,
      long startMs,
      long wallMs,
      double energyJ,
      long lastWallMs) {}

  private final Configuration conf;

  public LedgerHistory(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public Optional<Estimate> estimate(JobSpec job) {
    if (job.job() == null) {
      return Optional.empty();
    }
    LedgerReader reader = new LedgerReader(job.ledgerRoot(), conf);
    List<Past> runs =
        joinSegments(LedgerTables.runs(reader).stream().map(LedgerHistory::past).toList()).stream()
            .filter(p -> comparable(p, job))
            .sorted(Comparator.comparingLong(Past::startMs).reversed())
            .limit(RUNS)
            .toList();
    if (runs.isEmpty()) {
      return Optional.empty();
    }
    double[] scale =
        runs.stream()
            .mapToDouble(
                p ->
                    job.epochs() != null && p.epochs() != null && p.epochs() > 0
                        ? (double) job.epochs() / p.epochs()
                        : 1.0)
            .toArray();
    long durationMs = Math.round(median(i -> runs.get(i).wallMs() * scale[i], runs.size()));
    double energyWh = median(i -> runs.get(i).energyJ() / 3600.0 * scale[i], runs.size());
    String detail =
        String.format(
            Locale.ROOT,
            "median of %d comparable run(s) in the ledger at %s (job %s, model %s, dataset %s)%s; power shape of run %s",
            runs.size(),
            job.ledgerRoot(),
            job.job(),
            job.model(),
            job.dataset(),
            job.epochs() == null ? "" : ", scaled to " + job.epochs() + " epochs",
            runs.get(0).runId());
    return Optional.of(
        new Estimate(
            "ledger",
            detail,
            durationMs / 1e3,
            energyWh,
            runs.stream().map(Past::runId).toList(),
            PowerProfile.shaped(shares(reader, runs.get(0)), durationMs, energyWh)));
  }

  /**
   * A run paused for the grid has one row per segment: one past run with their summed time and
   * energy, the status and start of its last segment (the power shape, of the last segment).
   */
  static List<Past> joinSegments(List<Past> rows) {
    Map<String, Past> byId = new LinkedHashMap<>();
    rows.stream()
        .sorted(Comparator.comparingLong(Past::startMs))
        .forEach(
            r ->
                byId.merge(
                    r.runId(),
                    r,
                    (a, b) ->
                        new Past(
                            b.runId(),
                            b.job(),
                            b.status(),
                            b.dataset(),
                            b.model(),
                            b.epochs(),
                            b.startMs(),
                            a.wallMs() + b.wallMs(),
                            a.energyJ() + b.energyJ(),
                            b.lastWallMs())));
    return List.copyOf(byId.values());
  }

  private static boolean comparable(Past p, JobSpec job) {
    return job.job().equals(p.job())
        && "succeeded".equals(p.status())
        && p.wallMs() > 0
        && p.energyJ() > 0
        && Objects.equals(job.model(), p.model())
        && Objects.equals(job.dataset(), p.dataset());
  }

  private static Past past(RunRow r) {
    Map<String, String> options = LedgerReader.stringMap(r.optionsJson());
    return new Past(
        r.runId(),
        r.job(),
        r.status(),
        r.datasetId(),
        options.get("--model"),
        integer(options.get("--epochs")),
        r.startMs(),
        r.wallMs(),
        r.energyJ(),
        r.wallMs());
  }

  /** An integer option's value as recorded, or null when absent or not an integer. */
  public static Integer integer(String s) {
    try {
      return s == null ? null : Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The energy of the run's last segment in {@value #SHAPE_PARTS} equal parts of its wall time, as
   * shares of the whole.
   */
  private static double[] shares(LedgerReader reader, Past run) {
    double[] shares = new double[SHAPE_PARTS];
    double width = (double) run.lastWallMs() / SHAPE_PARTS;
    for (EnergyRow r : LedgerTables.energy(reader, run.runId())) {
      double from = Math.max(0, r.startMs() - run.startMs());
      double to = Math.min(run.lastWallMs(), r.endMs() - run.startMs());
      if (to <= from) {
        continue;
      }
      for (int i = (int) Math.min(SHAPE_PARTS - 1, from / width);
          i < SHAPE_PARTS && i * width < to;
          i++) {
        double overlap = Math.min(to, (i + 1) * width) - Math.max(from, i * width);
        shares[i] += Math.max(0, overlap) / (to - from) * r.energyJ();
      }
    }
    double total = Arrays.stream(shares).sum();
    if (!(total > 0)) {
      return new double[] {1.0};
    }
    return Arrays.stream(shares).map(s -> s / total).toArray();
  }

  private static double median(java.util.function.IntToDoubleFunction value, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = value.applyAsDouble(i);
    }
    Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
