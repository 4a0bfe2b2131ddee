package io.verdant.jobs;

import io.verdant.common.Checks;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.nn.Architectures;
import io.verdant.jobs.nn.Architectures.UpdaterKind;
import io.verdant.jobs.plan.GridPauseOptions;
import io.verdant.jobs.registry.RegistrationOptions;
import io.verdant.jobs.train.TrainOptions;
import io.verdant.jobs.train.Training;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verdant train}: data-parallel synchronous training on Spark (DL4J parameter averaging)
 * from an ingested table.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train a neural network on Spark with DL4J parameter averaging, from a table written by `verdant ingest`.",
      "Architectures: lenet-300-100, lenet5, mlp:<sizes> (e.g. mlp:784-128-10), linear.",
      "Output: <out>/model.zip (DL4J ModelSerializer, with updater) and <out>/model.json, written atomically;",
      "a checkpoint after every epoch in --checkpoint-dir, continued by --resume; the model is registered in the model registry (docs/models.md).",
      "--pause-above/--pause-above-price: pause at an epoch boundary while the grid",
      "is dirty or dear (exit status " + Verdant.EXIT_PAUSED + ", docs/scheduling.md)."
    })
public final class TrainCommand extends JobCommand {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "The feature table directory (manifest.json and table/).")
  String data;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "ARCH",
      description =
          "Architecture: lenet-300-100, lenet5, mlp:<sizes> (e.g. mlp:784-128-10) or linear.")
  String model;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Output model directory. Default: $VERDANT_WORK_DIR/models/<dataset>-<model>, VERDANT_WORK_DIR defaulting to ./verdant-work.")
  String out;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "10",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "" + TrainOptions.DEFAULT_BATCH_SIZE,
      description = "Examples per minibatch on each worker (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--averaging-frequency",
      paramLabel = "N",
      defaultValue = "" + TrainOptions.DEFAULT_AVERAGING_FREQUENCY,
      description =
          "Minibatches each worker fits between two parameter averagings (default: ${DEFAULT-VALUE}).")
  int averagingFrequency;

  @Option(
      names = "--prefetch",
      paramLabel = "N",
      defaultValue = "" + TrainOptions.DEFAULT_PREFETCH,
      description =
          "Minibatches each worker loads ahead asynchronously (DL4J's AsyncDataSetIterator); 0 disables; see docs/train.md before raising it (default: ${DEFAULT-VALUE}).")
  int prefetch;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Parallel workers; 0 uses Spark's default parallelism (task slots) (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--updater",
      paramLabel = "NAME",
      defaultValue = "nesterov",
      description =
          "sgd, nesterov (momentum) or adam (default: ${DEFAULT-VALUE}). Adam stalls under parameter averaging (docs/train.md).")
  UpdaterKind updater;

  @Option(
      names = "--learning-rate",
      paramLabel = "LR",
      defaultValue = "" + TrainOptions.DEFAULT_LEARNING_RATE,
      description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--momentum",
      paramLabel = "M",
      defaultValue = "0.9",
      description = "Momentum of nesterov (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(
      names = "--lr-schedule",
      paramLabel = "SCHEDULE",
      defaultValue = TrainOptions.DEFAULT_LR_SCHEDULE,
      description =
          "Learning rate by epoch: none, step:<factor>:<every> (e.g. step:0.5:4) or exp:<gamma> (default: ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Option(
      names = "--l2",
      paramLabel = "X",
      defaultValue = "0",
      description = "L2 regularization coefficient (default: ${DEFAULT-VALUE}).")
  double l2;

  @Option(
      names = "--dropout",
      paramLabel = "P",
      defaultValue = "0",
      description =
          "Dropout probability on hidden dense layers, in [0, 1) (default: ${DEFAULT-VALUE}).")
  double dropout;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description =
          "Seed of weights, minibatch composition and every epoch's order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--energy-budget-wh",
      paramLabel = "WH",
      defaultValue = "0",
      description = {
        "Energy budget of the run in watt-hours (as the ledger measures it, PUE not applied): after each epoch the",
        "whole run's energy is projected from the epochs done; when the projection passes the budget, training stops,",
        "the best model is kept, and the ledger records status stopped_for_budget with the projection. 0: no budget",
        "(default: ${DEFAULT-VALUE})."
      })
  double energyBudgetWh;

  @Option(
      names = "--patience",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Early stopping: stop after N epochs without a better validation metric; 0 disables (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(
      names = "--eval-batch-size",
      paramLabel = "N",
      defaultValue = "500",
      description =
          "Examples per minibatch when evaluating validation and test splits (default: ${DEFAULT-VALUE}).")
  int evalBatchSize;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "DIR",
      description =
          "Where the per-epoch checkpoint goes. Default: .<out name>.checkpoint beside --out.")
  String checkpointDir;

  @Option(
      names = "--resume",
      description = "Continue from the checkpoint in --checkpoint-dir (same options required).")
  boolean resume;

  @Option(
      names = "--keep-checkpoint",
      description =
          "Keep the checkpoint after a successful run (it is deleted otherwise), so that --resume with more --epochs continues it.")
  boolean keepCheckpoint;

  @Option(
      names = "--stats",
      description = "Also write DL4J's training timeline, <out>/" + Training.STATS_FILE + ".")
  boolean stats;

  @Option(
      names = "--overwrite",
      description = "Replace an existing output (atomically, once the new one is complete).")
  boolean overwrite;

  /**
   * Where and under which name the output model is registered (--registry, --model-name,
   * --model-alias, --no-register).
   */
  @Mixin RegistrationOptions registration = new RegistrationOptions();

  /** --pause-above, --pause-above-price, --signals, --zone (docs/scheduling.md). */
  @Mixin GridPauseOptions gridPause = new GridPauseOptions();

  private Manifest.Loaded loaded;
  private Training.Result result;

  @Override
  protected String job() {
    return "train";
  }

  @Override
  protected void validate() {
    Checks.atLeast("--epochs", epochs, 1);
    Checks.atLeast("--batch-size", batchSize, 1);
    Checks.atLeast("--averaging-frequency", averagingFrequency, 1);
    Checks.atLeast("--eval-batch-size", evalBatchSize, 1);
    Checks.atLeast("--prefetch", prefetch, 0);
    Checks.atLeast("--workers", workers, 0);
    Checks.atLeast("--patience", patience, 0);
    Checks.greaterThan("--learning-rate", learningRate, 0);
    Checks.atLeastAndBelow("--momentum", momentum, 0, 1);
    Checks.atLeast("--l2", l2, 0);
    Checks.atLeastAndBelow("--dropout", dropout, 0, 1);
    Checks.atLeast("--energy-budget-wh", energyBudgetWh, 0);
    Checks.checkArgument(
        energyBudgetWh == 0 || ledgerOptions.enabled(),
        "--energy-budget-wh needs the ledger's energy measurement: it cannot be used with --no-ledger");
    gridPause.validate();
    TrainOptions.checkSchedule(lrSchedule);
    Architectures.checkName(model);
    registration.validate();
    if (out == null) {
      // Named after the dataset; the table (and so its manifest) may not exist yet under --dry-run.
      String dataset = Paths.get(data).getFileName().toString();
      if (!dryRun) {
        loaded = Manifest.read(data, new Configuration());
        if (loaded.manifest().dataset() != null) {
          dataset = loaded.manifest().dataset();
        }
      }
      out =
          Paths.get(IngestCommand.workDir(), "models", dataset + "-" + model.replace(':', '-'))
              .toString();
    }
    if (checkpointDir == null) {
      checkpointDir = Training.defaultCheckpointDir(out);
    }
  }

  /** The table must exist and fit the architecture (input shape, classes) before Spark starts. */
  @Override
  protected void checkInputs() {
    if (loaded == null) {
      loaded = Manifest.read(data, new Configuration());
    }
    Architectures.checkFits(model, Training.shape(loaded.manifest()), data);
    gridPause.checkInputs(new Configuration());
  }

  @Override
  protected void configure(SparkConf conf) {
    // One ND4J thread per task slot on executors (cores / task slots), unless the operator chose.
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
  }

  TrainOptions options() {
    return new TrainOptions(
        data,
        model,
        out,
        epochs,
        batchSize,
        averagingFrequency,
        prefetch,
        workers,
        updater,
        learningRate,
        momentum,
        lrSchedule,
        l2,
        dropout,
        seed,
        patience,
        resume,
        checkpointDir,
        stats,
        overwrite,
        keepCheckpoint,
        evalBatchSize,
        energyBudgetWh);
  }

  @Override
  protected void execute(JobRun run) {
    // The table may live on a cluster filesystem: read it again with Spark's Hadoop configuration.
    loaded = Manifest.read(data, run.spark().sparkContext().hadoopConfiguration());
    result =
        new Training(run, options(), loaded, effectiveOptions())
            .pauseWith(gridPause.pause(run.spark().sparkContext().hadoopConfiguration()))
            .run();
    registration.register(
        run, result.modelDir(), data, run.spark().sparkContext().hadoopConfiguration());
    ModelInfo info = result.info();
    System.out.printf(
        "Model:      %s/%s%nMetadata:   %s/%s%n",
        result.modelDir(), ModelFiles.MODEL_ZIP, result.modelDir(), ModelFiles.MODEL_JSON);
    if (info.test().accuracy() != null) {
      System.out.printf(
          "Test accuracy: %.2f%% (macro F1 %.4f) on %,d examples; best epoch %d of %d%n",
          100 * info.test().accuracy(),
          info.test().macroF1(),
          info.test().examples(),
          info.training().bestEpoch(),
          info.training().epochsRun());
    } else if (info.test().rmse() != null) {
      System.out.printf(
          "Test RMSE: %.5g (R^2 %.4f) on %,d examples; best epoch %d of %d%n",
          info.test().rmse(),
          info.test().r2(),
          info.test().examples(),
          info.training().bestEpoch(),
          info.training().epochsRun());
    }
  }

  public Training.Result result() {
    return result;
  }
}
