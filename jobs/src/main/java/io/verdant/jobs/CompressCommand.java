package io.verdant.jobs;

import static io.verdant.common.Checks.checkArgument;

import io.verdant.common.Checks;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.fs.CompletedOutput;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.compress.CompressionReport;
import io.verdant.jobs.compress.Compressor;
import io.verdant.jobs.compress.CompressorOptions;
import io.verdant.jobs.compress.LayerSpec;
import io.verdant.jobs.compress.MaskedRetraining;
import io.verdant.jobs.compress.ReportTable;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.registry.RegistrationOptions;
import io.verdant.jobs.train.TrainOptions;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verdant compress}: Deep Compression of a trained model into a compact, checksummed model
 * file.
 */
@Command(
    name = "compress",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compress a trained model (Deep Compression: sensitivity analysis, magnitude pruning, masked retraining on Spark,"
          + " weight sharing, Huffman-coded sparse encoding) into a compact, checksummed model file.",
      "Output: <out>/model.vdcm (docs/model-format.md) and <out>/report.json, written atomically, and registered in the model registry (docs/models.md)."
    })
public final class CompressCommand extends JobCommand {
  private static final Logger LOG = LoggerFactory.getLogger(CompressCommand.class);

  /** A rerun finds its compressed model complete by the report, written last. */
  private static final CompletedOutput<CompressionReport> DONE =
      new CompletedOutput<>(
          ModelFiles.COMPRESSION_REPORT, CompressionReport::read, CompressionReport::runId);

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "The trained model directory (model.zip, model.json).")
  String model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "The ingested feature table: validation rows choose and check the configuration, train rows retrain, test rows are reported.")
  String data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(
      names = "--overwrite",
      description = "Replace an existing output (atomically, once the new one is complete).")
  boolean overwrite;

  @Option(
      names = "--sparsity",
      paramLabel = "SPEC",
      description =
          "Fraction of weights pruned: one value (0.92), per kind (dense=0.9,conv=0.8) or per layer (layer0=0.95,layer2=0.9)."
              + " Layers not given get the largest sparsity of the sensitivity analysis within --sensitivity-tolerance. Default: all from the analysis.")
  String sparsity;

  @Option(
      names = "--sensitivity-sparsities",
      paramLabel = "LIST",
      defaultValue = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95",
      description =
          "Sparsities at which each layer is pruned alone in the sensitivity analysis (default: ${DEFAULT-VALUE}).")
  String sensitivitySparsities;

  @Option(
      names = "--sensitivity-tolerance",
      paramLabel = "PP",
      defaultValue = "2.0",
      description =
          "Validation accuracy a layer may lose, pruned alone before retraining, at the sparsity chosen for it, in percentage points (default: ${DEFAULT-VALUE}).")
  double sensitivityTolerance;

  @Option(
      names = "--no-sensitivity",
      description = "Skip the sensitivity analysis (needs --sparsity for every layer).")
  boolean noSensitivity;

  @Option(
      names = "--prune-cycles",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Prune-and-retrain cycles; cycle c of N prunes to 1-(1-c/N)^3 of the target sparsity (Zhu and Gupta's gradual schedule: 2 cycles prune to 87.5%% then 100%% of it) (default: ${DEFAULT-VALUE}).")
  int pruneCycles;

  @Option(
      names = "--retrain-epochs",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Epochs of masked retraining per cycle, on Spark with parameter averaging; validation accuracy is measured after each, and the best epoch's weights are kept; 0 skips retraining (default: ${DEFAULT-VALUE}).")
  int retrainEpochs;

  @Option(
      names = "--retrain-lr",
      paramLabel = "LR",
      defaultValue = "0.01",
      description =
          "Learning rate of retraining, set on the model's own updater (default: ${DEFAULT-VALUE}).")
  double retrainLr;

  @Option(
      names = "--retrain-lr-schedule",
      paramLabel = "SCHEDULE",
      defaultValue = "none",
      description =
          "Learning rate by retraining epoch, as train's --lr-schedule: none, step:<factor>:<every> (e.g. step:0.5:4) or exp:<gamma> (default: ${DEFAULT-VALUE}).")
  String retrainLrSchedule;

  @Option(
      names = "--retrain-l2",
      paramLabel = "X",
      defaultValue = "0",
      description =
          "L2 regularization of the weights while retraining, in place of the model's own; 0 keeps the model's (default: ${DEFAULT-VALUE}).")
  double retrainL2;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "64",
      description = "Minibatch size per worker for retraining (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--averaging-frequency",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Minibatches per worker between parameter averagings (default: ${DEFAULT-VALUE}).")
  int averagingFrequency;

  @Option(
      names = "--quantization",
      paramLabel = "METHOD",
      defaultValue = "kmeans",
      description =
          "Weight sharing: kmeans (per layer, linear initialization) or uniform (round(w*q)/q, per-layer scale) (default: ${DEFAULT-VALUE}).")
  String quantization;

  @Option(
      names = "--bits",
      paramLabel = "SPEC",
      defaultValue = "dense=5,conv=8",
      description =
          "Bits per shared weight index, 1 to 8 (2^b - 1 shared values plus zero), per kind or per layer (default: ${DEFAULT-VALUE}).")
  String bits;

  @Option(
      names = "--kmeans-iterations",
      paramLabel = "N",
      defaultValue = "50",
      description = "Most k-means iterations per layer (default: ${DEFAULT-VALUE}).")
  int kmeansIterations;

  @Option(
      names = "--index-bits",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Bits of a relative index (gap) before Huffman coding, 1 to 8; 0 picks the smallest encoding per layer (default: ${DEFAULT-VALUE}).")
  int indexBits;

  @Option(
      names = "--centroid-steps",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Steps of centroid fine-tuning after weight sharing (gradients summed per cluster, on Spark); kept only when validation accuracy does not drop; 0 skips it (default: ${DEFAULT-VALUE}).")
  int centroidSteps;

  @Option(
      names = "--centroid-lr",
      paramLabel = "LR",
      defaultValue = "0.001",
      description = "Learning rate of centroid fine-tuning (default: ${DEFAULT-VALUE}).")
  double centroidLr;

  @Option(
      names = "--centroid-sample",
      paramLabel = "F",
      defaultValue = "0.25",
      description =
          "Fraction of the train split's minibatches whose gradients one fine-tuning step sums (default: ${DEFAULT-VALUE}).")
  double centroidSample;

  @Option(
      names = "--max-accuracy-drop",
      paramLabel = "PP",
      defaultValue = "0.5",
      description =
          "Validation accuracy the compressed model may lose, in percentage points; automatic sparsities back off until it holds (default: ${DEFAULT-VALUE}).")
  double maxAccuracyDrop;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Configurations tried, each with lower automatic sparsities, before giving up (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of retraining (default: ${DEFAULT-VALUE}).")
  long seed;

  /**
   * Where and under which name the compressed model is registered (--registry, --model-name,
   * --model-alias, --no-register).
   */
  @Mixin RegistrationOptions registration = new RegistrationOptions();

  /**
   * Rows per forward pass when compress scores a split: large enough to amortize the per-call
   * overhead of ND4J.
   */
  static final int EVAL_BATCH_SIZE = 256;

  private Compressor.Options options;
  private Result result;

  /** What the job wrote, for tests and the quickstart. */
  public record Result(CompressionReport report, String outDir) {}

  @Override
  protected String job() {
    return "compress";
  }

  @Override
  protected void validate() {
    LayerSpec sp =
        sparsity == null ? null : LayerSpec.parse("--sparsity", sparsity, 0, 0.99, false);
    List<Double> grid = CompressorOptions.grid(sensitivitySparsities);
    LayerSpec b = LayerSpec.parse("--bits", bits, 1, 8, true);
    Compressor.Quantization q = quantization();
    checkArgument(
        !noSensitivity || sp != null,
        "--no-sensitivity needs --sparsity for every layer (the analysis chooses sparsities otherwise)");
    Checks.between("--sensitivity-tolerance", sensitivityTolerance, 0, 100);
    Checks.atLeast("--prune-cycles", pruneCycles, 1);
    Checks.atLeast("--retrain-epochs", retrainEpochs, 0);
    Checks.positiveAtMost("--retrain-lr", retrainLr, 10);
    TrainOptions.checkSchedule("--retrain-lr-schedule", retrainLrSchedule);
    Checks.atLeastAndBelow("--retrain-l2", retrainL2, 0, 1);
    Checks.atLeast("--batch-size", batchSize, 1);
    Checks.atLeast("--averaging-frequency", averagingFrequency, 1);
    Checks.atLeast("--kmeans-iterations", kmeansIterations, 0);
    Checks.between("--index-bits", indexBits, 0, 8);
    Checks.atLeast("--centroid-steps", centroidSteps, 0);
    Checks.positiveAtMost("--centroid-lr", centroidLr, 10);
    Checks.positiveAtMost("--centroid-sample", centroidSample, 1);
    checkArgument(
        maxAccuracyDrop >= 0 && maxAccuracyDrop <= 100,
        "--max-accuracy-drop must be between 0 and 100 percentage points, cannot be: %s",
        maxAccuracyDrop);
    Checks.atLeast("--max-attempts", maxAttempts, 1);
    registration.validate();
    options =
        new Compressor.Options(
            sp,
            grid,
            !noSensitivity,
            sensitivityTolerance,
            pruneCycles,
            new MaskedRetraining.Settings(
                retrainEpochs,
                retrainLr,
                retrainLrSchedule,
                retrainL2,
                batchSize,
                averagingFrequency,
                seed),
            q,
            b,
            kmeansIterations,
            indexBits,
            centroidSteps,
            centroidLr,
            centroidSample,
            maxAccuracyDrop,
            maxAttempts,
            EVAL_BATCH_SIZE,
            JobRun.masked(effectiveOptions()));
  }

  private Compressor.Quantization quantization() {
    try {
      return Compressor.Quantization.valueOf(quantization.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw VerdantException.of(
          "--quantization must be kmeans or uniform, cannot be: %s", quantization);
    }
  }

  @Override
  protected void execute(JobRun run) {
    Configuration hconf = run.spark().sparkContext().hadoopConfiguration();
    var done = DONE.find(out, runId, hconf);
    if (done.isPresent()) {
      result = new Result(done.get(), out);
      System.out.printf(
          Locale.ROOT,
          "Compressed model: %s/%s (run %s, already complete): %.1fx%n",
          out,
          ModelFiles.MODEL_FILE,
          runId,
          done.get().compressionRatio());
    } else {
      result = compress(run, hconf);
    }
    registration.register(run, result.outDir(), data, hconf);
  }

  private Result compress(JobRun run, Configuration hconf) {
    try (AtomicOutput output = AtomicOutput.begin(out, runId, overwrite, "--out", hconf)) {
      Manifest.Loaded table = run.phase("load", () -> Manifest.read(data, hconf));
      ModelStore.Loaded m = run.phase("load", () -> loadTrainedModel(table, hconf));
      run.attribute("model", model);
      run.attribute("architecture", m.metadata().architecture());
      Compressor.Result r = Compressor.run(run, m, table, options);
      CompressionReport report = r.report().withStageWallMs(run.phaseWallMs());
      run.phase(
          "write",
          () -> {
            output.write(ModelFiles.MODEL_FILE, r.file());
            output.write(ModelFiles.COMPRESSION_REPORT, Json.bytes(report));
          });
      output.commit();
      recordAttributes(run, report);
      System.out.print(ReportTable.render(report));
      System.out.printf(
          "Compressed model: %s/%s%nReport:           %s/%s%n",
          output.target(), ModelFiles.MODEL_FILE, output.target(), ModelFiles.COMPRESSION_REPORT);
      return new Result(report, output.target().toString());
    }
  }

  /** The trained model, checked against the table; warns when it was trained on another table. */
  private ModelStore.Loaded loadTrainedModel(Manifest.Loaded table, Configuration hconf) {
    ModelStore.Loaded m = ModelStore.load(model, "--model", hconf);
    if (m.compressed()) {
      throw VerdantException.of(
          "--model %s is already a compressed model file; compress takes a trained model directory (%s)",
          model, ModelFiles.MODEL_ZIP);
    }
    ModelStore.checkMatches(m, table, "--data");
    String trainedOn = m.metadata().datasetManifestSha256();
    if (trainedOn != null && !trainedOn.equals(table.sha256())) {
      LOG.warn(
          "The model was trained on a table with manifest sha256 {}, --data {} has {}",
          trainedOn,
          data,
          table.sha256());
    }
    return m;
  }

  private static void recordAttributes(JobRun run, CompressionReport report) {
    CompressionReport.TestAccuracy acc = report.testAccuracy();
    run.attribute(
        "compressionRatio", String.format(Locale.ROOT, "%.2f", report.compressionRatio()));
    run.attribute("fileBytes", String.valueOf(report.fileBytes()));
    run.attribute("testAccuracyBefore", String.valueOf(acc.beforeCompression()));
    run.attribute("testAccuracyPruned", String.valueOf(acc.afterPruningAndRetraining()));
    run.attribute("testAccuracyQuantized", String.valueOf(acc.afterQuantization()));
    run.attribute("testAccuracyDecoded", String.valueOf(acc.afterDecoding()));
  }

  public Result result() {
    return result;
  }
}
