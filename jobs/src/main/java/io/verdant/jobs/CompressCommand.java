package io.verdant.jobs;

import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.compress.Compressor;
import io.verdant.jobs.compress.LayerSpec;
import io.verdant.jobs.compress.MaskedRetraining;
import io.verdant.jobs.compress.ModelStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code verdant compress}: Deep Compression of a trained model into a compact, checksummed model file. */
@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Compress a trained model (Deep Compression: sensitivity analysis, magnitude pruning, masked retraining on Spark,"
        + " weight sharing, Huffman-coded sparse encoding) into a compact, checksummed model file.",
        "Output: <out>/model.vdcm (docs/model-format.md) and <out>/report.json, written atomically."})
public final class CompressCommand extends JobCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "The trained model directory (model.zip, model.json).")
  String model;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "The ingested feature table: validation rows choose and check the configuration, train rows retrain, test rows are reported.")
  String data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing output (atomically, once the new one is complete).")
  boolean overwrite;

  @Option(names = "--sparsity", paramLabel = "SPEC",
      description = "Fraction of weights pruned: one value (0.92), per kind (dense=0.9,conv=0.8) or per layer (layer0=0.95,layer2=0.9)."
          + " Layers not given get the largest sparsity of the sensitivity analysis within --sensitivity-tolerance. Default: all from the analysis.")
  String sparsity;

  @Option(names = "--sensitivity-sparsities", paramLabel = "LIST", defaultValue = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95",
      description = "Sparsities at which each layer is pruned alone in the sensitivity analysis (default: ${DEFAULT-VALUE}).")
  String sensitivitySparsities;

  @Option(names = "--sensitivity-tolerance", paramLabel = "PP", defaultValue = "2.0",
      description = "Validation accuracy a layer may lose, pruned alone before retraining, at the sparsity chosen for it, in percentage points (default: ${DEFAULT-VALUE}).")
  double sensitivityTolerance;

  @Option(names = "--no-sensitivity", description = "Skip the sensitivity analysis (needs --sparsity for every layer).")
  boolean noSensitivity;

  @Option(names = "--prune-cycles", paramLabel = "N", defaultValue = "1",
      description = "Prune-and-retrain cycles; cycle c of N prunes to 1-(1-c/N)^3 of the target sparsity (Zhu and Gupta's gradual schedule: 2 cycles prune to 87.5%% then 100%% of it) (default: ${DEFAULT-VALUE}).")
  int pruneCycles;

  @Option(names = "--retrain-epochs", paramLabel = "N", defaultValue = "2",
      description = "Epochs of masked retraining per cycle, on Spark with parameter averaging; validation accuracy is measured after each, and the best epoch's weights are kept; 0 skips retraining (default: ${DEFAULT-VALUE}).")
  int retrainEpochs;

  @Option(names = "--retrain-lr", paramLabel = "LR", defaultValue = "0.01",
      description = "Learning rate of retraining, set on the model's own updater (default: ${DEFAULT-VALUE}).")
  double retrainLr;

  @Option(names = "--retrain-lr-schedule", paramLabel = "SCHEDULE", defaultValue = "none",
      description = "Learning rate by retraining epoch, as train's --lr-schedule: none, step:<factor>:<every> (e.g. step:0.5:4) or exp:<gamma> (default: ${DEFAULT-VALUE}).")
  String retrainLrSchedule;

  @Option(names = "--retrain-l2", paramLabel = "X", defaultValue = "0",
      description = "L2 regularization of the weights while retraining, in place of the model's own; 0 keeps the model's (default: ${DEFAULT-VALUE}).")
  double retrainL2;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
      description = "Minibatch size per worker for retraining (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--averaging-frequency", paramLabel = "N", defaultValue = "10",
      description = "Minibatches per worker between parameter averagings (default: ${DEFAULT-VALUE}).")
  int averagingFrequency;

  @Option(names = "--quantization", paramLabel = "METHOD", defaultValue = "kmeans",
      description = "Weight sharing: kmeans (per layer, linear initialization) or uniform (round(w*q)/q, per-layer scale) (default: ${DEFAULT-VALUE}).")
  String quantization;

  @Option(names = "--bits", paramLabel = "SPEC", defaultValue = "dense=5,conv=8",
      description = "Bits per shared weight index, 1 to 8 (2^b - 1 shared values plus zero), per kind or per layer (default: ${DEFAULT-VALUE}).")
  String bits;

  @Option(names = "--kmeans-iterations", paramLabel = "N", defaultValue = "50",
      description = "Most k-means iterations per layer (default: ${DEFAULT-VALUE}).")
  int kmeansIterations;

  @Option(names = "--index-bits", paramLabel = "N", defaultValue = "0",
      description = "Bits of a relative index (gap) before Huffman coding, 1 to 8; 0 picks the smallest encoding per layer (default: ${DEFAULT-VALUE}).")
  int indexBits;

  @Option(names = "--centroid-steps", paramLabel = "N", defaultValue = "0",
      description = "Steps of centroid fine-tuning after weight sharing (gradients summed per cluster, on Spark); kept only when validation accuracy does not drop; 0 skips it (default: ${DEFAULT-VALUE}).")
  int centroidSteps;

  @Option(names = "--centroid-lr", paramLabel = "LR", defaultValue = "0.001",
      description = "Learning rate of centroid fine-tuning (default: ${DEFAULT-VALUE}).")
  double centroidLr;

  @Option(names = "--centroid-sample", paramLabel = "F", defaultValue = "0.25",
      description = "Fraction of the train split's minibatches whose gradients one fine-tuning step sums (default: ${DEFAULT-VALUE}).")
  double centroidSample;

  @Option(names = "--max-accuracy-drop", paramLabel = "PP", defaultValue = "0.5",
      description = "Validation accuracy the compressed model may lose, in percentage points; automatic sparsities back off until it holds (default: ${DEFAULT-VALUE}).")
  double maxAccuracyDrop;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
      description = "Configurations tried, each with lower automatic sparsities, before giving up (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of retraining (default: ${DEFAULT-VALUE}).")
  long seed;

  private Compressor.Options options;
  private ObjectNodeHolder result;

  @Override
  protected String job() {
    return "compress";
  }

  @Override
  protected void validate() {
    LayerSpec sp = sparsity == null ? null : LayerSpec.parse("--sparsity", sparsity, 0, 0.99, false);
    List<Double> grid = io.verdant.jobs.compress.CompressorOptions.grid(sensitivitySparsities);
    LayerSpec b = LayerSpec.parse("--bits", bits, 1, 8, true);
    Compressor.Quantization q;
    try {
      q = Compressor.Quantization.valueOf(quantization.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw VerdantException.of("--quantization must be kmeans or uniform, cannot be: %s", quantization);
    }
    if (noSensitivity && sp == null) {
      throw VerdantException.of("--no-sensitivity needs --sparsity for every layer (the analysis chooses sparsities otherwise)");
    }
    if (!(sensitivityTolerance >= 0 && sensitivityTolerance <= 100)) {
      throw VerdantException.of("--sensitivity-tolerance must be between 0 and 100, cannot be: %s", sensitivityTolerance);
    }
    if (pruneCycles < 1) {
      throw VerdantException.of("--prune-cycles must be at least 1, cannot be: %d", pruneCycles);
    }
    if (retrainEpochs < 0) {
      throw VerdantException.of("--retrain-epochs must be at least 0, cannot be: %d", retrainEpochs);
    }
    if (!(retrainLr > 0 && retrainLr <= 10)) {
      throw VerdantException.of("--retrain-lr must be greater than 0 and at most 10, cannot be: %s", retrainLr);
    }
    io.verdant.jobs.train.TrainOptions.checkSchedule("--retrain-lr-schedule", retrainLrSchedule);
    if (!(retrainL2 >= 0 && retrainL2 < 1)) {
      throw VerdantException.of("--retrain-l2 must be at least 0 and less than 1, cannot be: %s", retrainL2);
    }
    if (batchSize < 1) {
      throw VerdantException.of("--batch-size must be at least 1, cannot be: %d", batchSize);
    }
    if (averagingFrequency < 1) {
      throw VerdantException.of("--averaging-frequency must be at least 1, cannot be: %d", averagingFrequency);
    }
    if (kmeansIterations < 0) {
      throw VerdantException.of("--kmeans-iterations must be at least 0, cannot be: %d", kmeansIterations);
    }
    if (indexBits < 0 || indexBits > 8) {
      throw VerdantException.of("--index-bits must be between 0 and 8, cannot be: %d", indexBits);
    }
    if (centroidSteps < 0) {
      throw VerdantException.of("--centroid-steps must be at least 0, cannot be: %d", centroidSteps);
    }
    if (!(centroidLr > 0 && centroidLr <= 10)) {
      throw VerdantException.of("--centroid-lr must be greater than 0 and at most 10, cannot be: %s", centroidLr);
    }
    if (!(centroidSample > 0 && centroidSample <= 1)) {
      throw VerdantException.of("--centroid-sample must be greater than 0 and at most 1, cannot be: %s", centroidSample);
    }
    if (!(maxAccuracyDrop >= 0 && maxAccuracyDrop <= 100)) {
      throw VerdantException.of("--max-accuracy-drop must be between 0 and 100 percentage points, cannot be: %s", maxAccuracyDrop);
    }
    if (maxAttempts < 1) {
      throw VerdantException.of("--max-attempts must be at least 1, cannot be: %d", maxAttempts);
    }
    options = new Compressor.Options(sp, grid, !noSensitivity, sensitivityTolerance, pruneCycles,
        new MaskedRetraining.Settings(retrainEpochs, retrainLr, retrainLrSchedule, retrainL2, batchSize, averagingFrequency, seed), q, b, kmeansIterations,
        indexBits, centroidSteps, centroidLr, centroidSample, maxAccuracyDrop, maxAttempts, 256, JobRun.masked(effectiveOptions()));
  }

  /** Holder of the last result, for tests and the quickstart. */
  public static final class ObjectNodeHolder {
    public final com.fasterxml.jackson.databind.node.ObjectNode report;
    public final String outDir;

    ObjectNodeHolder(com.fasterxml.jackson.databind.node.ObjectNode report, String outDir) {
      this.report = report;
      this.outDir = outDir;
    }
  }

  @Override
  protected void execute(JobRun run) throws Exception {
    Configuration hconf = run.spark().sparkContext().hadoopConfiguration();
    Path done = new Path(out, "report.json");
    org.apache.hadoop.fs.FileSystem ofs = done.getFileSystem(hconf);
    if (ofs.exists(done)) {
      com.fasterxml.jackson.databind.JsonNode existing;
      try (java.io.InputStream in = ofs.open(done)) {
        existing = Json.MAPPER.readTree(in);
      }
      if (runId.equals(existing.path("runId").asText(null)) && existing instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
        org.slf4j.LoggerFactory.getLogger(CompressCommand.class).info("{} already holds the complete output of run {}; nothing to do", out, runId);
        result = new ObjectNodeHolder(o, out);
        System.out.printf(Locale.ROOT, "Compressed model: %s/%s (run %s, already complete): %.1fx%n", out, ModelStore.MODEL_FILE, runId,
            o.path("compressionRatio").asDouble());
        return;
      }
    }
    try (AtomicOutput output = AtomicOutput.begin(out, runId, overwrite, "--out", hconf)) {
      Manifest.Loaded table = run.phase("load", () -> Manifest.read(data, hconf));
      ModelStore.Loaded m = run.phase("load", () -> ModelStore.load(model, "--model", hconf));
      if (m.decoded() != null) {
        throw VerdantException.of("--model %s is already a compressed model file; compress takes a trained model directory (model.zip)", model);
      }
      ModelStore.checkMatches(m, table, "--data");
      String trainedOn = m.datasetManifestSha256();
      if (trainedOn != null && !trainedOn.equals(table.sha256())) {
        org.slf4j.LoggerFactory.getLogger(CompressCommand.class).warn(
            "The model was trained on a table with manifest sha256 {}, --data {} has {}", trainedOn, data, table.sha256());
      }
      run.attribute("model", model);
      run.attribute("architecture", m.architecture());
      Compressor.Result r = Compressor.run(run, m, table, options);
      r.report().set("stageWallMs", Json.MAPPER.valueToTree(run.phaseWallMs()));
      run.phase("write", () -> {
        try {
          output.fs().mkdirs(output.temp());
          write(output, ModelStore.MODEL_FILE, r.file());
          write(output, "report.json", Json.MAPPER.writeValueAsBytes(r.report()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      output.commit();
      var acc = r.report().get("testAccuracy");
      run.attribute("compressionRatio", String.format(Locale.ROOT, "%.2f", r.report().get("compressionRatio").asDouble()));
      run.attribute("fileBytes", r.report().get("fileBytes").asText());
      run.attribute("testAccuracyBefore", acc.get("beforeCompression").asText());
      run.attribute("testAccuracyPruned", acc.get("afterPruningAndRetraining").asText());
      run.attribute("testAccuracyQuantized", acc.get("afterQuantization").asText());
      run.attribute("testAccuracyDecoded", acc.get("afterDecoding").asText());
      result = new ObjectNodeHolder(r.report(), output.target().toString());
      System.out.print(r.table());
      System.out.printf("Compressed model: %s/%s%nReport:           %s/report.json%n", output.target(), ModelStore.MODEL_FILE, output.target());
    }
  }

  private static void write(AtomicOutput output, String name, byte[] bytes) {
    try (OutputStream os = output.fs().create(new Path(output.temp(), name), true)) {
      os.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + name, e);
    }
  }

  public ObjectNodeHolder result() {
    return result;
  }
}
