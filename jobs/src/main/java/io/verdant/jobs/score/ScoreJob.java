package io.verdant.jobs.score;

import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.run.JobRun;
import io.verdant.jobs.registry.RunAttributes;
import io.verdant.jobs.train.Training;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The score job's work: load the model, open the input against its contract, score and write the
 * predictions in one Spark pass, and record what was scored, by which model, with which metrics, on
 * the run. Phases: {@code load}, {@code read} (the input's checks), {@code score} (scoring and
 * writing).
 */
public record ScoreJob(JobRun run, Settings settings) {
  /** The formats of raw data to score. */
  public enum Format {
    csv,
    parquet,
    libsvm,
    idx
  }

  /** What the command checked: the model, the input, where to write and the batch size. */
  public record Settings(
      ModelRef.Resolved model, ScoreInput input, String out, boolean overwrite, int batchSize) {}

  /**
   * What a run wrote: the output directory, its summary, and the run's energy when it ended (NaN
   * without a meter, or when the output was already complete).
   */
  public record Result(String outDir, ScoreSummary summary, double energyJ) {
    public double joulesPer1000() {
      return energyJ / summary.predictions() * 1000;
    }
  }

  /** Rows of a feature table: one split, or every row when {@code split} is null. */
  public static ScoreInput table(String data, String split) {
    return new TableInput(data, split);
  }

  /** Raw data; {@code labels} (idx) and {@code keyColumn} (csv, parquet) may be null. */
  public static ScoreInput raw(
      Format format, String input, String labels, String labelColumn, String keyColumn) {
    return new RawInput(format, input, labels, labelColumn, keyColumn);
  }

  /** Scores the input into {@code dir} (which must not exist yet) and returns the run's summary. */
  public ScoreSummary score(Path dir) {
    Configuration conf = run.spark().sparkContext().hadoopConfiguration();
    ScoringModel model =
        run.phase("load", () -> ScoringModel.load(settings.model(), "--model", conf));
    if (model.engine().equals(Dl4jModel.ENGINE)) {
      // In local mode the tasks share this JVM: one ND4J thread per task slot, as the train job
      // sets it.
      Training.configureThreads(run.spark(), run.spark().sparkContext().defaultParallelism());
    }
    ScoreRows rows = run.phase("read", () -> settings.input().open(run.spark(), model));
    Instant scoredAt = Instant.now();
    PartitionScorer.Constants constants =
        new PartitionScorer.Constants(
            settings.model().name(),
            settings.model().version(),
            model.sha256(),
            Timestamp.from(scoredAt),
            run.runId());
    ScoreStats stats =
        run.phase(
            "score",
            () -> Scoring.write(run.spark(), model, rows, dir, settings.batchSize(), constants));
    if (stats.predictions != rows.rows()) {
      throw VerdantException.of(
          "%s: %d rows were scored, but it had %d when it was checked (did it change?)",
          rows.description(), stats.predictions, rows.rows());
    }
    ScoreSummary summary = summary(model, rows, stats, scoredAt);
    record(summary);
    return summary;
  }

  private ScoreSummary summary(
      ScoringModel model, ScoreRows rows, ScoreStats stats, Instant scoredAt) {
    ModelRef.Resolved ref = settings.model();
    ScoreSummary.Model m =
        new ScoreSummary.Model(
            ref.reference(),
            model.file(),
            ref.name(),
            ref.version(),
            model.sha256(),
            model.kind(),
            model.engine(),
            model.bytes().length);
    ScoreSummary.Input in =
        new ScoreSummary.Input(
            rows.description(), rows.key() == null ? null : rows.key().name(), rows.labeled());
    return new ScoreSummary(
        ScoreSummary.CURRENT_SCHEMA_VERSION,
        run.runId(),
        scoredAt.toString(),
        Versions.verdant(),
        m,
        in,
        stats.predictions,
        settings.batchSize(),
        stats.metrics());
  }

  /**
   * The run's attributes in the ledger: the model, the input, the predictions (which the ledger
   * prices) and metrics.
   */
  private void record(ScoreSummary s) {
    run.attribute("model", s.model().reference());
    run.attribute(RunAttributes.MODEL_NAME, s.model().name());
    run.attribute(RunAttributes.MODEL_SHA256, s.model().sha256());
    if (s.model().version() != null) {
      run.attribute(RunAttributes.MODEL_VERSION, s.model().version());
    }
    run.attribute("modelKind", s.model().kind());
    run.attribute("engine", s.model().engine());
    run.attribute("dataset", s.input().description());
    run.attribute(JobRun.PREDICTIONS, String.valueOf(s.predictions()));
    ScoreSummary.Metrics m = s.metrics();
    if (m.labeled() > 0) {
      run.attribute("labeled", String.valueOf(m.labeled()));
    }
    attribute("accuracy", m.accuracy());
    attribute("macroF1", m.macroF1());
    attribute("rmse", m.rmse());
    attribute("mae", m.mae());
    attribute("r2", m.r2());
  }

  private void attribute(String key, Double value) {
    if (value != null) {
      run.attribute(key, String.valueOf(value));
    }
  }
}
