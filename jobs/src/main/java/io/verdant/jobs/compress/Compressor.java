package io.verdant.jobs.compress;

import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.common.modelfile.TensorStats;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.CompressedModelInfo;
import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.model.Predictions;
import io.verdant.jobs.model.SharedWeights;
import io.verdant.jobs.model.TableData;
import io.verdant.jobs.train.Training;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deep Compression of a DL4J network on Spark: sensitivity analysis, a {@link SparsitySearch} of
 * magnitude pruning with masked retraining and weight sharing (k-means or uniform), then encoding
 * into a Verdant model file whose decoded network is checked to reproduce the quantized one bit for
 * bit and prediction for prediction.
 */
public final class Compressor {
  private static final Logger LOG = LoggerFactory.getLogger(Compressor.class);

  public enum Quantization {
    kmeans,
    uniform
  }

  /** Every option of the pipeline (the command validates them). */
  public record Options(
      LayerSpec sparsity,
      List<Double> sensitivitySparsities,
      boolean sensitivity,
      double sensitivityTolerance,
      int pruneCycles,
      MaskedRetraining.Settings retraining,
      Quantization quantization,
      LayerSpec bits,
      int kmeansIterations,
      int indexBits,
      int centroidSteps,
      double centroidLr,
      double centroidFraction,
      double maxAccuracyDrop,
      int maxAttempts,
      int evalBatchSize,
      Map<String, String> commandOptions) {}

  /** The compressed file, its report, and the quantized network it decodes to. */
  public record Result(byte[] file, CompressionReport report, MultiLayerNetwork quantized) {}

  /** The splits, read once and kept in memory for every attempt. */
  private record Splits(
      JavaRDD<TableData.Batch> validation, JavaRDD<TableData.Batch> test, JavaRDD<DataSet> train) {
    void unpersist() {
      validation.unpersist(false);
      test.unpersist(false);
      train.unpersist(false);
    }
  }

  /** The model's accuracy before compression. */
  private record Baseline(Predictions validation, Predictions test) {}

  private final JobRun run;
  private final ModelStore.Loaded model;
  private final Manifest.Loaded table;
  private final Options o;
  private final JavaSparkContext jsc;
  private final MultiLayerNetwork original;
  private final List<NetParams.Param> weights;

  private Compressor(JobRun run, ModelStore.Loaded model, Manifest.Loaded table, Options o) {
    this.run = run;
    this.model = model;
    this.table = table;
    this.o = o;
    this.jsc = JavaSparkContext.fromSparkContext(run.spark().sparkContext());
    this.original = model.net();
    this.weights = NetParams.weights(original);
  }

  public static Result run(JobRun run, ModelStore.Loaded model, Manifest.Loaded table, Options o) {
    return new Compressor(run, model, table, o).execute();
  }

  private Result execute() {
    checkInputs();
    Splits data = readSplits();
    Path exportDir = exportDir();
    try {
      List<String> trainPaths = exportRetrainingMinibatches(exportDir);
      Baseline base =
          new Baseline(
              run.phase("baseline", () -> Predictions.of(data.validation(), original)),
              run.phase("baseline", () -> Predictions.of(data.test(), original)));
      LOG.info(
          "Baseline accuracy: validation {} test {}",
          base.validation().accuracy(),
          base.test().accuracy());
      Map<String, double[]> sens = sensitivity(data.validation(), base.validation().accuracy());
      SparsityPlan first =
          SparsityPlan.choose(
              weights,
              o.sparsity(),
              sens,
              o.sensitivitySparsities(),
              base.validation().accuracy(),
              o.sensitivityTolerance());
      SparsitySearch.Accepted<Stage> accepted =
          new SparsitySearch(base.validation().accuracy(), o.maxAccuracyDrop(), o.maxAttempts())
              .run(first, plan -> attempt(plan, data, trainPaths));
      return finish(accepted, sens, base, data.test());
    } finally {
      data.unpersist();
      deleteQuietly(exportDir);
    }
  }

  private void checkInputs() {
    if (weights.isEmpty()) {
      throw VerdantException.of("the model %s has no weight layers to compress", model.source());
    }
    if (o.sparsity() != null) {
      o.sparsity().checkLayers(weights);
    }
    o.bits().checkLayers(weights);
    if (table.manifest().rows(FeatureTable.VALIDATION) == 0) {
      throw VerdantException.of(
          "--data %s has no validation split; compress chooses and checks its configuration on validation"
              + " rows (ingest with --validation-fraction above 0)",
          table.tablePath());
    }
  }

  private Splits readSplits() {
    return new Splits(
        TableData.batches(run.spark(), table, FeatureTable.VALIDATION, o.evalBatchSize())
            .persist(StorageLevel.MEMORY_ONLY()),
        TableData.batches(run.spark(), table, FeatureTable.TEST, o.evalBatchSize())
            .persist(StorageLevel.MEMORY_ONLY()),
        TableData.dataSets(
                TableData.batches(
                    run.spark(), table, FeatureTable.TRAIN, o.retraining().batchSizePerWorker()))
            .persist(StorageLevel.MEMORY_ONLY_SER()));
  }

  /**
   * Retraining uses the train job's machinery: minibatch files exported once, reused by every
   * attempt and cycle.
   */
  private List<String> exportRetrainingMinibatches(Path exportDir) {
    if (o.retraining().epochs() == 0) {
      return List.of();
    }
    return run.phase(
        "export",
        () ->
            MaskedRetraining.export(
                run.spark(),
                table.tablePath(),
                table.manifest().numClasses(),
                o.retraining(),
                exportDir.toString()));
  }

  /**
   * Each layer pruned alone at each grid sparsity, without retraining: validation accuracy by layer
   * name.
   */
  private Map<String, double[]> sensitivity(JavaRDD<TableData.Batch> val, double baseline) {
    Map<String, double[]> sens = new LinkedHashMap<>();
    if (!o.sensitivity()) {
      return sens;
    }
    float[] orig = NetParams.flat(original);
    run.phase(
        "sensitivity",
        () -> {
          for (NetParams.Param p : weights) {
            double[] acc = new double[o.sensitivitySparsities().size()];
            for (int i = 0; i < acc.length; i++) {
              float[] f = orig.clone();
              Pruning.prune(
                  f,
                  Pruning.ones(f.length),
                  p.offset(),
                  p.length(),
                  o.sensitivitySparsities().get(i));
              acc[i] = Predictions.of(val, NetParams.copyWith(original, f)).accuracy();
            }
            sens.put(p.layerName(), acc);
            LOG.info("Sensitivity of {} (unpruned {}): {}", p.layerName(), baseline, acc);
          }
        });
    return sens;
  }

  /**
   * Where retraining minibatches go: under {@code verdant.dl4j.exportDir} when set, else Hadoop's
   * tmp dir.
   */
  private Path exportDir() {
    String base = System.getProperty(Training.EXPORT_DIR_PROPERTY);
    if (base == null) {
      base = jsc.hadoopConfiguration().get("hadoop.tmp.dir", System.getProperty("java.io.tmpdir"));
    }
    return new Path(base, "verdant-compress-" + run.runId());
  }

  private void deleteQuietly(Path dir) {
    try {
      dir.getFileSystem(jsc.hadoopConfiguration()).delete(dir, true);
    } catch (IOException e) {
      LOG.warn("Could not remove the retraining minibatches in {}: {}", dir, e.toString());
    }
  }

  /**
   * What one attempt produced: the pruned and the quantized network, the codes, and their
   * validation accuracy.
   */
  private static final class Stage implements SparsitySearch.Outcome {
    MultiLayerNetwork pruned;
    MultiLayerNetwork quantized;
    float[] quantizedFlat;
    Map<String, ModelCodec.WeightCoding> coding = new LinkedHashMap<>();
    Predictions valPruned;
    Predictions valQuantized;
    Predictions valBeforeFineTuning;
    boolean fineTuned;

    @Override
    public double validationPruned() {
      return valPruned.accuracy();
    }

    @Override
    public double validationQuantized() {
      return valQuantized.accuracy();
    }
  }

  /**
   * The share of a layer's target sparsity pruned by the end of cycle {@code c} of {@code n}: 1 -
   * (1 - c/n)^3, the gradual schedule of Zhu and Gupta ("To prune, or not to prune", 2017). Early
   * cycles remove most of the weights, while the network has most capacity to recover; later cycles
   * take smaller steps. The last cycle reaches the target.
   */
  static double cycleFraction(int c, int n) {
    double left = 1.0 - (double) c / n;
    return 1.0 - left * left * left;
  }

  private Stage attempt(SparsityPlan plan, Splits data, List<String> trainPaths) {
    Stage s = new Stage();
    float[] flat = pruneAndRetrain(plan, data.validation(), trainPaths);
    s.pruned = NetParams.copyWith(original, flat);
    s.valPruned = run.phase("evaluate", () -> Predictions.of(data.validation(), s.pruned));
    run.phase("quantize", () -> quantize(flat, s.coding));
    s.quantizedFlat = flat;
    s.quantized = NetParams.copyWith(original, flat);
    s.valQuantized = run.phase("evaluate", () -> Predictions.of(data.validation(), s.quantized));
    if (o.centroidSteps() > 0) {
      fineTuneCentroids(s, data);
    }
    return s;
  }

  /**
   * The plan's prune-and-retrain cycles; returns the flat parameters, pruned weights exactly zero.
   */
  private float[] pruneAndRetrain(
      SparsityPlan plan, JavaRDD<TableData.Batch> val, List<String> trainPaths) {
    MultiLayerNetwork work = original.clone();
    float[] flat = NetParams.flat(work);
    float[] mask = Pruning.ones(flat.length);
    for (int cycle = 1; cycle <= o.pruneCycles(); cycle++) {
      double share = cycleFraction(cycle, o.pruneCycles());
      run.phase(
          "prune",
          () -> {
            for (NetParams.Param p : weights) {
              Pruning.prune(flat, mask, p.offset(), p.length(), plan.target(p) * share);
            }
          });
      NetParams.set(work, flat);
      MultiLayerNetwork w = work;
      work =
          run.phase(
              "retrain",
              () ->
                  MaskedRetraining.retrain(
                      jsc,
                      w,
                      mask,
                      trainPaths,
                      o.retraining(),
                      net -> Predictions.of(val, net).accuracy()));
      float[] after = NetParams.flat(work);
      for (int i = 0; i < after.length; i++) {
        if (mask[i] == 0f && after[i] != 0f) {
          throw new IllegalStateException(
              "masked retraining left a pruned weight non-zero at parameter "
                  + i
                  + ": "
                  + after[i]);
        }
      }
      System.arraycopy(after, 0, flat, 0, flat.length);
    }
    return flat;
  }

  /** Weight sharing of every weight layer, in place; records each layer's coding. */
  private void quantize(float[] flat, Map<String, ModelCodec.WeightCoding> coding) {
    for (NetParams.Param p : weights) {
      float[] w = Arrays.copyOfRange(flat, p.offset(), p.offset() + p.length());
      int bits = o.bits().valueFor(p).intValue();
      SharedWeights q =
          o.quantization() == Quantization.kmeans
              ? WeightSharing.kmeans(w, bits, o.kmeansIterations())
              : WeightSharing.uniform(w, bits);
      System.arraycopy(q.values(), 0, flat, p.offset(), p.length());
      coding.put(p.key(), new ModelCodec.WeightCoding(q, bits, o.indexBits()));
    }
  }

  /**
   * Fine-tunes the shared values; keeps the result only when validation accuracy does not get
   * worse.
   */
  private void fineTuneCentroids(Stage s, Splits data) {
    float[] tuned = s.quantizedFlat.clone();
    Map<String, ModelCodec.WeightCoding> tunedCoding = new LinkedHashMap<>(s.coding);
    run.phase(
        "finetune",
        () ->
            CentroidFineTuning.run(
                jsc,
                original,
                tuned,
                weights,
                tunedCoding,
                data.train(),
                o.centroidLr(),
                o.centroidSteps(),
                o.centroidFraction(),
                o.retraining().seed()));
    MultiLayerNetwork tunedNet = NetParams.copyWith(original, tuned);
    Predictions valTuned = run.phase("evaluate", () -> Predictions.of(data.validation(), tunedNet));
    LOG.info(
        "Centroid fine-tuning: validation accuracy {} -> {}",
        s.valQuantized.accuracy(),
        valTuned.accuracy());
    s.valBeforeFineTuning = s.valQuantized;
    if (valTuned.accuracy() >= s.valQuantized.accuracy()) {
      s.fineTuned = true;
      s.quantizedFlat = tuned;
      s.quantized = tunedNet;
      s.coding = tunedCoding;
      s.valQuantized = valTuned;
    }
  }

  private Result finish(
      SparsitySearch.Accepted<Stage> accepted,
      Map<String, double[]> sens,
      Baseline base,
      JavaRDD<TableData.Batch> test) {
    Stage s = accepted.outcome();
    Predictions testPruned = run.phase("evaluate", () -> Predictions.of(test, s.pruned));
    Predictions testQuantized = run.phase("evaluate", () -> Predictions.of(test, s.quantized));
    CompressedModelInfo meta = metadata(accepted.plan(), s, base, testPruned, testQuantized);
    ModelFileWriter.Encoded enc = encode(s, meta);
    Predictions testDecoded = verifyDecoding(enc, s, test, testQuantized);
    CompressionReport report =
        report(accepted, sens, base, s, enc, testPruned, testQuantized, testDecoded);
    return new Result(enc.bytes(), report, s.quantized);
  }

  private CompressedModelInfo metadata(
      SparsityPlan plan,
      Stage s,
      Baseline base,
      Predictions testPruned,
      Predictions testQuantized) {
    MaskedRetraining.Settings r = o.retraining();
    CompressedModelInfo.Stages stages =
        new CompressedModelInfo.Stages(
            new CompressedModelInfo.Pruning(
                plan.byLayerName(), o.pruneCycles(), "magnitude per layer"),
            new CompressedModelInfo.Retraining(
                r.epochs(),
                r.learningRate(),
                r.lrSchedule(),
                r.l2(),
                r.batchSizePerWorker(),
                r.averagingFrequency(),
                r.seed()),
            o.quantization().name(),
            new CompressedModelInfo.CentroidFineTuning(
                o.centroidSteps(), o.centroidLr(), o.centroidFraction(), s.fineTuned));
    CompressedModelInfo.Accuracy acc =
        new CompressedModelInfo.Accuracy(
            base.test().accuracy(),
            testPruned.accuracy(),
            testQuantized.accuracy(),
            base.validation().accuracy(),
            s.valQuantized.accuracy());
    var trained = model.trained();
    return new CompressedModelInfo(
        CompressedModelInfo.CURRENT_SCHEMA_VERSION,
        run.runId(),
        Instant.now().toString(),
        Versions.verdant(),
        trained.architecture(),
        original.numParams(),
        trained.input(),
        table.sha256(),
        trained.datasetManifestSha256(),
        model.source(),
        trained.runId(),
        o.commandOptions(),
        stages,
        trained.test(),
        null,
        acc);
  }

  /**
   * Encodes the file twice: the second time with the per-layer table of the first in its metadata.
   */
  private ModelFileWriter.Encoded encode(Stage s, CompressedModelInfo meta) {
    ModelFile draft = ModelCodec.toModelFile(s.quantized, s.coding, Json.text(meta));
    ModelFileWriter.Encoded first = run.phase("encode", () -> ModelFileWriter.encode(draft));
    List<CompressedModelInfo.Layer> layers =
        first.stats().stream()
            .map(
                t ->
                    new CompressedModelInfo.Layer(
                        t.name(),
                        t.weights(),
                        t.keptFraction(),
                        t.weightBits(),
                        t.gapBits(),
                        t.blockBytes()))
            .toList();
    ModelFile file =
        new ModelFile(Json.text(meta.withLayers(layers)), draft.configJson(), draft.tensors());
    return run.phase("encode", () -> ModelFileWriter.encode(file));
  }

  /**
   * Decodes what was written and proves it is the quantized model: the same bits, the same test
   * predictions.
   */
  private Predictions verifyDecoding(
      ModelFileWriter.Encoded enc,
      Stage s,
      JavaRDD<TableData.Batch> test,
      Predictions testQuantized) {
    ModelFileReader.Decoded dec =
        run.phase("decode", () -> ModelFileReader.decode(enc.bytes(), ModelFiles.MODEL_FILE));
    MultiLayerNetwork decoded =
        run.phase("decode", () -> ModelCodec.toNetwork(dec.model(), ModelFiles.MODEL_FILE));
    float[] back = NetParams.flat(decoded);
    for (int i = 0; i < back.length; i++) {
      if (Float.floatToRawIntBits(back[i]) != Float.floatToRawIntBits(s.quantizedFlat[i])
          && !(back[i] == 0f && s.quantizedFlat[i] == 0f)) {
        throw new IllegalStateException(
            "decoding changed parameter " + i + ": " + s.quantizedFlat[i] + " -> " + back[i]);
      }
    }
    Predictions testDecoded = run.phase("evaluate", () -> Predictions.of(test, decoded));
    int diff = testDecoded.differences(testQuantized);
    if (diff != 0) {
      throw new IllegalStateException(
          "the decoded model predicts " + diff + " test rows differently from the quantized model");
    }
    return testDecoded;
  }

  private CompressionReport report(
      SparsitySearch.Accepted<Stage> accepted,
      Map<String, double[]> sens,
      Baseline base,
      Stage s,
      ModelFileWriter.Encoded enc,
      Predictions testPruned,
      Predictions testQuantized,
      Predictions testDecoded) {
    long params = original.numParams();
    long dense = 4L * params;
    long payload = enc.stats().stream().mapToLong(TensorStats::blockBytes).sum();
    var test =
        new CompressionReport.TestAccuracy(
            base.test().accuracy(),
            testPruned.accuracy(),
            testQuantized.accuracy(),
            testDecoded.accuracy(),
            base.test().predicted().length,
            0,
            true);
    var val =
        new CompressionReport.ValidationAccuracy(
            base.validation().accuracy(),
            s.valPruned.accuracy(),
            s.valQuantized.accuracy(),
            o.maxAccuracyDrop(),
            s.valBeforeFineTuning == null ? null : s.valBeforeFineTuning.accuracy(),
            s.valBeforeFineTuning == null ? null : s.fineTuned);
    var sensitivity =
        new CompressionReport.Sensitivity(
            o.sensitivitySparsities(), base.validation().accuracy(), sens);
    return new CompressionReport(
        run.runId(),
        model.metadata().architecture(),
        model.source(),
        table.tablePath(),
        table.sha256(),
        params,
        dense,
        enc.bytes().length,
        (double) dense / enc.bytes().length,
        payload,
        (double) dense / payload,
        enc.metadataBytes(),
        enc.configBytes(),
        enc.stats().stream().map(CompressionReport.LayerRow::new).toList(),
        test,
        val,
        accepted.plan().byLayerName(),
        sensitivity,
        accepted.attempts(),
        o.commandOptions(),
        null);
  }
}
