package io.verdant.jobs;

import static io.verdant.common.Checks.checkArgument;

import io.verdant.common.Checks;
import io.verdant.common.Json;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.fs.CompletedOutput;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.jobs.registry.RegistryLocation;
import io.verdant.jobs.score.ModelRef;
import io.verdant.jobs.score.ScoreInput;
import io.verdant.jobs.score.ScoreJob;
import io.verdant.jobs.score.ScoreSummary;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verdant score}: a model's predictions for new rows, written as Parquet, with their cost in
 * the ledger.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Score new data with a model (a trained model directory, or a compressed model, scored from its compressed form).",
      "Input: a feature table (--data) or raw data (--format with --input), checked against the model's input contract"
          + " and normalized as its training data was; rows with labels are scored against them.",
      "Output: <out>/*.parquet (key, prediction, prediction_label, probability, model_name, model_version, model_sha256,"
          + " scored_at, run_id) and <out>/_score.json, written atomically (docs/score.md)."
    })
public final class ScoreCommand extends JobCommand {
  /** A rerun finds its predictions complete by the summary, written last. */
  private static final CompletedOutput<ScoreSummary> DONE =
      new CompletedOutput<>(ScoreSummary.FILE, ScoreSummary::read, ScoreSummary::runId);

  /**
   * Rows per forward pass by default: where the sparse kernel's throughput levels off
   * (docs/score.md).
   */
  static final int DEFAULT_BATCH_SIZE = 256;

  static final int MAX_BATCH_SIZE = 65_536;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "MODEL",
      description =
          "A trained model directory (model.zip, model.json), a compressed .vdcm file, a compress output directory, or a registered model: models:/NAME@ALIAS or models:/NAME/VERSION.")
  String model;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "A feature table written by `verdant ingest` (its rows are normalized already).")
  String data;

  @Option(
      names = "--split",
      paramLabel = "SPLIT",
      description =
          "With --data: score this split only (train, validation or test). Default: every row.")
  String split;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "The format of raw --input: ${COMPLETION-CANDIDATES}.")
  ScoreJob.Format format;

  @Option(
      names = "--input",
      paramLabel = "PATH",
      description =
          "Raw data to score: a CSV file with a header, a Parquet file or folder, a LibSVM file, or IDX images (plain or .gz).")
  String input;

  @Option(
      names = "--labels",
      paramLabel = "PATH",
      description = "idx only: the labels file of the images, to score the predictions against.")
  String labels;

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      defaultValue = "label",
      description =
          "csv and parquet: the label column; the predictions are scored against it when the input has it, and it is not a feature (default: ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(
      names = "--key-column",
      paramLabel = "NAME",
      description =
          "csv and parquet: a column passed through to the output as each row's key (not a feature). Default: row_id, the row's 0-based position in the input.")
  String keyColumn;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output directory (Parquet), local or any Hadoop filesystem URI.")
  String out;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_BATCH_SIZE,
      description =
          "Rows per forward pass on the executors, 1 to "
              + MAX_BATCH_SIZE
              + " (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--overwrite",
      description = "Replace an existing output (atomically, once the new one is complete).")
  boolean overwrite;

  /** Where models:/ references are looked up (docs/models.md). */
  @Mixin RegistryLocation registry = new RegistryLocation();

  private ScoreInput scoreInput;
  private ScoreJob.Settings settings;
  private ScoreJob.Result result;

  @Override
  protected String job() {
    return "score";
  }

  @Override
  protected void validate() {
    ModelRef.check(model, "--model");
    checkArgument(
        (data == null) != (format == null),
        "Give either --data (a feature table) or --format with --input (raw data), not both or neither");
    if (data != null) {
      checkArgument(
          input == null && labels == null && keyColumn == null && !given("--label-column"),
          "--input, --labels, --label-column and --key-column are for raw data (--format), cannot be used with --data");
      if (split != null) {
        Checks.oneOf("--split", split, FeatureTable.SPLITS);
      }
    } else {
      checkArgument(input != null, "--format %s needs --input", format);
      checkArgument(
          split == null, "--split is for --data (a feature table), cannot be used with --format");
      checkArgument(
          labels == null || format == ScoreJob.Format.idx,
          "--labels is for --format idx, cannot be used with --format %s",
          format);
      boolean columns = format == ScoreJob.Format.csv || format == ScoreJob.Format.parquet;
      checkArgument(
          columns || (keyColumn == null && !given("--label-column")),
          "--key-column and --label-column are for --format csv and parquet, cannot be used with --format %s",
          format);
      checkArgument(
          keyColumn == null || !keyColumn.equals(labelColumn),
          "--key-column and --label-column must differ, both are: %s",
          labelColumn);
    }
    Checks.between("--batch-size", batchSize, 1, MAX_BATCH_SIZE);
    scoreInput =
        data != null
            ? ScoreJob.table(data, split)
            : ScoreJob.raw(format, input, labels, labelColumn, keyColumn);
  }

  /**
   * The model, through the registry (a models:/ reference, or the registered version of a path).
   */
  @Override
  protected void checkInputs() {
    ModelRef.Resolved m = ModelRef.resolve(model, "--model", registry.root(), new Configuration());
    settings = new ScoreJob.Settings(m, scoreInput, out, overwrite, batchSize);
  }

  @Override
  protected void execute(JobRun run) {
    Configuration hconf = run.spark().sparkContext().hadoopConfiguration();
    var done = DONE.find(out, runId, hconf);
    if (done.isPresent()) {
      result = new ScoreJob.Result(out, done.get(), Double.NaN);
      System.out.printf("Predictions: %s (run %s, already complete)%n", out, runId);
      return;
    }
    try (AtomicOutput output = AtomicOutput.begin(out, runId, overwrite, "--out", hconf)) {
      ScoreSummary summary = new ScoreJob(run, settings).score(output.temp());
      output.write(ScoreSummary.FILE, Json.bytes(summary));
      output.commit();
      result = new ScoreJob.Result(output.target().toString(), summary, run.energySoFarJ());
      report();
    }
  }

  private void report() {
    ScoreSummary s = result.summary();
    ScoreSummary.Metrics m = s.metrics();
    System.out.printf(
        Locale.ROOT,
        "Predictions: %s (%,d rows; model %s, %s, scored by %s)%n",
        result.outDir(),
        s.predictions(),
        s.model().name(),
        s.model().kind(),
        s.model().engine());
    if (m.accuracy() != null) {
      System.out.printf(
          Locale.ROOT,
          "  accuracy %.2f%%, macro F1 %.4f (%,d labeled rows)%n",
          100 * m.accuracy(),
          m.macroF1(),
          m.labeled());
    } else if (m.rmse() != null) {
      System.out.printf(
          Locale.ROOT,
          "  RMSE %.4f, MAE %.4f, R² %s (%,d labeled rows)%n",
          m.rmse(),
          m.mae(),
          m.r2() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", m.r2()),
          m.labeled());
    }
    if (!Double.isNaN(result.energyJ())) {
      System.out.printf(
          Locale.ROOT,
          "  energy so far %.1f J, %.3f J per 1,000 predictions (the ledger records the run's total)%n",
          result.energyJ(),
          result.joulesPer1000());
    }
  }

  public ScoreJob.Result result() {
    return result;
  }
}
