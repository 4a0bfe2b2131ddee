package io.verdant.jobs;

import io.verdant.common.Checks;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.model.Predictions;
import io.verdant.jobs.model.TableData;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verdant evaluate}: the accuracy of a model (trained directory or compressed file) on a
 * split, on Spark.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Score a model, a trained model directory (model.zip) or a compressed model file (.vdcm), on a split of a feature table.")
public final class EvaluateCommand extends JobCommand {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "PATH",
      description =
          "A trained model directory, a compressed .vdcm file, or a compress output directory.")
  String model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "The ingested feature table.")
  String data;

  @Option(
      names = "--split",
      paramLabel = "SPLIT",
      defaultValue = "test",
      description = "The split to score: train, validation or test (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "256",
      description = "Rows per forward pass on the executors (default: ${DEFAULT-VALUE}).")
  int batchSize;

  private double accuracy = Double.NaN;
  private Predictions predictions;

  @Override
  protected String job() {
    return "evaluate";
  }

  @Override
  protected void validate() {
    Checks.oneOf("--split", split, FeatureTable.SPLITS);
    Checks.atLeast("--batch-size", batchSize, 1);
  }

  @Override
  protected void execute(JobRun run) {
    Configuration hconf = run.spark().sparkContext().hadoopConfiguration();
    Manifest.Loaded table = run.phase("load", () -> Manifest.read(data, hconf));
    ModelStore.Loaded m = run.phase("load", () -> ModelStore.load(model, "--model", hconf));
    ModelStore.checkMatches(m, table, "--data");
    predictions =
        run.phase(
            "evaluate",
            () -> Predictions.of(TableData.batches(run.spark(), table, split, batchSize), m.net()));
    accuracy = predictions.accuracy();
    run.attribute("model", model);
    run.attribute("split", split);
    run.attribute("accuracy", String.valueOf(accuracy));
    System.out.printf(
        Locale.ROOT,
        "%s on %s (%s, %,d rows): accuracy %.2f%% (%s, %,d bytes, %,d parameters)%n",
        m.source(),
        split,
        table.tablePath(),
        predictions.predicted().length,
        100 * accuracy,
        m.decoded() != null ? "compressed model file" : "DL4J model",
        m.bytes(),
        m.net().numParams());
  }

  public double accuracy() {
    return accuracy;
  }

  public Predictions predictions() {
    return predictions;
  }
}
