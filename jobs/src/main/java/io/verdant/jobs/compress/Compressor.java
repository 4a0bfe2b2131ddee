package io.verdant.jobs.compress;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.common.modelfile.TensorStats;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deep Compression of a DL4J network on Spark: sensitivity analysis, magnitude pruning, masked retraining with
 * parameter averaging, weight sharing (k-means or uniform), and encoding into a Verdant model file, whose decoded
 * network is checked to reproduce the quantized one bit for bit and prediction for prediction.
 */
public final class Compressor {
  private static final Logger LOG = LoggerFactory.getLogger(Compressor.class);

  public enum Quantization { kmeans, uniform }

  /** Every option of the pipeline (the command validates them). */
  public record Options(LayerSpec sparsity, List<Double> sensitivitySparsities, boolean sensitivity, double sensitivityTolerance,
      int pruneCycles, MaskedRetraining.Settings retraining, Quantization quantization, LayerSpec bits, int kmeansIterations,
      int indexBits, int centroidSteps, double centroidLr, double centroidFraction, double maxAccuracyDrop, int maxAttempts,
      int evalBatchSize, Map<String, String> commandOptions) {}

  /** The compressed file, the report (JSON), and the quantized network it decodes to. */
  public record Result(byte[] file, ObjectNode report, MultiLayerNetwork quantized, String table) {}

  private Compressor() {}

  public static Result run(JobRun run, ModelStore.Loaded model, Manifest.Loaded table, Options o) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(run.spark().sparkContext());
    MultiLayerNetwork original = model.net();
    List<NetParams.Param> weights = NetParams.weights(original);
    if (weights.isEmpty()) {
      throw VerdantException.of("the model %s has no weight layers to compress", model.source());
    }
    if (o.sparsity() != null) {
      o.sparsity().checkLayers(weights);
    }
    o.bits().checkLayers(weights);
    if (table.manifest().rows("validation") == 0) {
      throw VerdantException.of("--data %s has no validation split; compress chooses and checks its configuration on validation"
          + " rows (ingest with --validation-fraction above 0)", table.tablePath());
    }
    ObjectNode report = Json.MAPPER.createObjectNode();
    JavaRDD<TableData.Batch> val = TableData.batches(run.spark(), table, "validation", o.evalBatchSize()).persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<TableData.Batch> test = TableData.batches(run.spark(), table, "test", o.evalBatchSize()).persist(StorageLevel.MEMORY_ONLY());
    JavaRDD<DataSet> train = TableData.dataSets(TableData.batches(run.spark(), table, "train", o.retraining().batchSizePerWorker()))
        .persist(StorageLevel.MEMORY_ONLY_SER());
    // Retraining uses the train job's machinery: minibatch files exported once, reused by every attempt and cycle.
    org.apache.hadoop.fs.Path exportDir = exportDir(run);
    try {
      List<String> trainPaths = o.retraining().epochs() == 0 ? List.of() : run.phase("export", () -> MaskedRetraining.export(
          run.spark(), table.tablePath(), table.manifest().numClasses(), o.retraining(), exportDir.toString()));
      float[] orig = NetParams.flat(original);
      Predictions valBefore = run.phase("baseline", () -> Predictions.of(val, original));
      Predictions testBefore = run.phase("baseline", () -> Predictions.of(test, original));
      LOG.info("Baseline accuracy: validation {} test {}", valBefore.accuracy(), testBefore.accuracy());

      // 1. Sensitivity: each layer pruned alone, no retraining.
      Map<String, double[]> sens = new LinkedHashMap<>();
      if (o.sensitivity()) {
        run.phase("sensitivity", () -> {
          for (NetParams.Param p : weights) {
            double[] acc = new double[o.sensitivitySparsities().size()];
            for (int i = 0; i < acc.length; i++) {
              float[] f = orig.clone();
              Pruning.prune(f, Pruning.ones(f.length), p.offset(), p.length(), o.sensitivitySparsities().get(i));
              acc[i] = Predictions.of(val, NetParams.copyWith(original, f)).accuracy();
            }
            sens.put(p.layerName(), acc);
            LOG.info("Sensitivity of {}: {}", p.layerName(), acc);
          }
        });
      }
      // 2. Targets: the user's, else the largest sparsity whose drop alone stays within the tolerance.
      Map<String, Double> targets = new LinkedHashMap<>();
      java.util.Set<String> userGiven = new java.util.HashSet<>();
      for (NetParams.Param p : weights) {
        Double user = o.sparsity() == null ? null : o.sparsity().valueFor(p);
        if (user != null) {
          targets.put(p.key(), user);
          userGiven.add(p.key());
        } else {
          double chosen = 0;
          double[] acc = sens.get(p.layerName());
          for (int i = 0; i < acc.length; i++) {
            if ((valBefore.accuracy() - acc[i]) * 100 <= o.sensitivityTolerance()) {
              chosen = Math.max(chosen, o.sensitivitySparsities().get(i));
            }
          }
          targets.put(p.key(), chosen);
        }
      }
      boolean auto = o.sparsity() == null || !o.sparsity().coversAll(weights);

      ArrayNode attempts = report.putArray("attempts");
      for (int attempt = 1; ; attempt++) {
        Map<String, Double> t = new LinkedHashMap<>(targets);
        Stage s = attempt(run, jsc, original, weights, t, o, train, trainPaths, val, test);
        double drop = (valBefore.accuracy() - s.valQuantized.accuracy()) * 100;
        ObjectNode a = attempts.addObject();
        a.put("attempt", attempt);
        a.set("sparsity", Json.MAPPER.valueToTree(layerNamed(t, weights)));
        a.put("validationAccuracyPruned", s.valPruned.accuracy());
        a.put("validationAccuracyQuantized", s.valQuantized.accuracy());
        a.put("validationDropPercentagePoints", drop);
        if (drop <= o.maxAccuracyDrop()) {
          a.put("accepted", true);
          return finish(run, model, table, o, report, weights, t, sens, valBefore, testBefore, s, orig.length, test);
        }
        a.put("accepted", false);
        LOG.info("Attempt {}: validation accuracy {} -> {} pruned and retrained -> {} quantized: dropped {} pp, more than"
            + " --max-accuracy-drop {}", attempt, valBefore.accuracy(), s.valPruned.accuracy(), s.valQuantized.accuracy(), drop,
            o.maxAccuracyDrop());
        if (!auto || attempt >= o.maxAttempts()) {
          throw VerdantException.of("the compressed model loses %.2f percentage points of validation accuracy (%.2f%% -> %.2f%%"
              + " after pruning and retraining -> %.2f%% after weight sharing), more than --max-accuracy-drop %s; %s", drop,
              valBefore.accuracy() * 100, s.valPruned.accuracy() * 100, s.valQuantized.accuracy() * 100,
              fmt(o.maxAccuracyDrop()), auto ? "tried " + attempt + " configurations (--max-attempts)"
                  : "lower --sparsity, raise --bits or --retrain-epochs, or allow a larger drop");
        }
        // Back off: every layer whose sparsity came from the analysis to the next lower sensitivity grid point.
        for (Map.Entry<String, Double> e : targets.entrySet()) {
          if (userGiven.contains(e.getKey())) {
            continue;
          }
          double lower = 0;
          for (double g : o.sensitivitySparsities()) {
            if (g < e.getValue() - 1e-9) {
              lower = Math.max(lower, g);
            }
          }
          e.setValue(lower);
        }
      }
    } finally {
      val.unpersist(false);
      test.unpersist(false);
      train.unpersist(false);
      deleteQuietly(run, exportDir);
    }
  }

  /** Where retraining minibatches go: under {@code verdant.dl4j.exportDir} when set, else Hadoop's tmp dir. */
  private static org.apache.hadoop.fs.Path exportDir(JobRun run) {
    String base = System.getProperty(io.verdant.jobs.train.Training.EXPORT_DIR_PROPERTY);
    if (base == null) {
      base = run.spark().sparkContext().hadoopConfiguration().get("hadoop.tmp.dir", System.getProperty("java.io.tmpdir"));
    }
    return new org.apache.hadoop.fs.Path(base, "verdant-compress-" + run.runId());
  }

  private static void deleteQuietly(JobRun run, org.apache.hadoop.fs.Path dir) {
    try {
      dir.getFileSystem(run.spark().sparkContext().hadoopConfiguration()).delete(dir, true);
    } catch (java.io.IOException e) {
      LOG.warn("Could not remove the retraining minibatches in {}: {}", dir, e.toString());
    }
  }

  private static final class Stage {
    MultiLayerNetwork pruned;
    MultiLayerNetwork quantized;
    float[] quantizedFlat;
    Map<String, ModelCodec.WeightCoding> coding = new LinkedHashMap<>();
    Predictions valPruned;
    Predictions valQuantized;
    Predictions valBeforeFineTuning;
    boolean fineTuned;
  }

  /**
   * The share of a layer's target sparsity pruned by the end of cycle {@code c} of {@code n}: 1 - (1 - c/n)^3, the
   * gradual schedule of Zhu and Gupta ("To prune, or not to prune", 2017). Early cycles remove most of the weights,
   * while the network has most capacity to recover; later cycles take smaller steps. The last cycle reaches the target.
   */
  static double cycleFraction(int c, int n) {
    double left = 1.0 - (double) c / n;
    return 1.0 - left * left * left;
  }

  private static Stage attempt(JobRun run, JavaSparkContext jsc, MultiLayerNetwork original, List<NetParams.Param> weights,
      Map<String, Double> targets, Options o, JavaRDD<DataSet> train, List<String> trainPaths, JavaRDD<TableData.Batch> val,
      JavaRDD<TableData.Batch> test) {
    Stage s = new Stage();
    MultiLayerNetwork work = original.clone();
    float[] flat = NetParams.flat(work);
    float[] mask = Pruning.ones(flat.length);
    for (int cycle = 1; cycle <= o.pruneCycles(); cycle++) {
      int c = cycle;
      run.phase("prune", () -> {
        for (NetParams.Param p : weights) {
          Pruning.prune(flat, mask, p.offset(), p.length(), targets.get(p.key()) * cycleFraction(c, o.pruneCycles()));
        }
      });
      NetParams.set(work, flat);
      MultiLayerNetwork w = work;
      work = run.phase("retrain", () -> MaskedRetraining.retrain(jsc, w, mask, trainPaths, o.retraining(),
          net -> Predictions.of(val, net).accuracy()));
      float[] after = NetParams.flat(work);
      for (int i = 0; i < after.length; i++) {
        if (mask[i] == 0f && after[i] != 0f) {
          throw new IllegalStateException("masked retraining left a pruned weight non-zero at parameter " + i + ": " + after[i]);
        }
      }
      System.arraycopy(after, 0, flat, 0, flat.length);
    }
    s.pruned = work;
    s.valPruned = run.phase("evaluate", () -> Predictions.of(val, s.pruned));
    run.phase("quantize", () -> {
      for (NetParams.Param p : weights) {
        float[] w = java.util.Arrays.copyOfRange(flat, p.offset(), p.offset() + p.length());
        int bits = o.bits().valueFor(p).intValue();
        WeightSharing.Quantized q = o.quantization() == Quantization.kmeans
            ? WeightSharing.kmeans(w, bits, o.kmeansIterations())
            : WeightSharing.uniform(w, bits);
        System.arraycopy(q.values(), 0, flat, p.offset(), p.length());
        s.coding.put(p.key(), new ModelCodec.WeightCoding(q, bits, o.indexBits()));
      }
    });
    s.quantizedFlat = flat;
    s.quantized = NetParams.copyWith(original, flat);
    s.valQuantized = run.phase("evaluate", () -> Predictions.of(val, s.quantized));
    if (o.centroidSteps() > 0) {
      // Fine-tune the shared values; keep the result only when validation accuracy does not get worse.
      float[] tuned = flat.clone();
      Map<String, ModelCodec.WeightCoding> tunedCoding = new LinkedHashMap<>(s.coding);
      run.phase("finetune", () -> CentroidFineTuning.run(jsc, original, tuned, weights, tunedCoding, train, o.centroidLr(),
          o.centroidSteps(), o.centroidFraction(), o.retraining().seed()));
      MultiLayerNetwork tunedNet = NetParams.copyWith(original, tuned);
      Predictions valTuned = run.phase("evaluate", () -> Predictions.of(val, tunedNet));
      LOG.info("Centroid fine-tuning: validation accuracy {} -> {}", s.valQuantized.accuracy(), valTuned.accuracy());
      s.valBeforeFineTuning = s.valQuantized;
      if (valTuned.accuracy() >= s.valQuantized.accuracy()) {
        s.fineTuned = true;
        s.quantizedFlat = tuned;
        s.quantized = tunedNet;
        s.coding = tunedCoding;
        s.valQuantized = valTuned;
      }
    }
    return s;
  }

  private static Map<String, Double> layerNamed(Map<String, Double> byKey, List<NetParams.Param> weights) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (NetParams.Param p : weights) {
      out.put(p.layerName(), byKey.get(p.key()));
    }
    return out;
  }

  private static Result finish(JobRun run, ModelStore.Loaded model, Manifest.Loaded table, Options o, ObjectNode report,
      List<NetParams.Param> weights, Map<String, Double> targets, Map<String, double[]> sens, Predictions valBefore,
      Predictions testBefore, Stage s, int paramCount, JavaRDD<TableData.Batch> test) {
    Predictions testPruned = run.phase("evaluate", () -> Predictions.of(test, s.pruned));
    Predictions testQuantized = run.phase("evaluate", () -> Predictions.of(test, s.quantized));

    ObjectNode meta = Json.MAPPER.createObjectNode();
    meta.put("architecture", model.architecture());
    meta.put("parameterCount", paramCount);
    meta.put("datasetManifestSha256", table.sha256());
    meta.put("trainedOnManifestSha256", model.datasetManifestSha256());
    meta.put("sourceModel", model.source());
    meta.put("sourceRunId", model.info().path("runId").asText(null));
    meta.put("runId", run.runId());
    meta.put("createdAt", java.time.Instant.now().toString());
    meta.put("verdantVersion", Versions.verdant());
    meta.set("options", Json.MAPPER.valueToTree(o.commandOptions()));
    ObjectNode stages = meta.putObject("stages");
    stages.set("pruning", Json.MAPPER.valueToTree(Map.of("sparsity", layerNamed(targets, weights), "cycles", o.pruneCycles(),
        "method", "magnitude per layer")));
    stages.set("retraining", Json.MAPPER.valueToTree(o.retraining()));
    stages.put("quantization", o.quantization().name());
    stages.set("centroidFineTuning", Json.MAPPER.valueToTree(Map.of("steps", o.centroidSteps(), "learningRate", o.centroidLr(),
        "sampleFraction", o.centroidFraction(), "kept", s.fineTuned)));
    if (model.info().has("metrics")) {
      meta.set("trainMetrics", model.info().get("metrics"));
    }
    ModelFile draft = ModelCodec.toModelFile(s.quantized, s.coding, meta.toString());
    ModelFileWriter.Encoded first = run.phase("encode", () -> ModelFileWriter.encode(draft));
    ArrayNode layers = meta.putArray("layers");
    for (TensorStats t : first.stats()) {
      layers.add(Json.MAPPER.valueToTree(Map.of("tensor", t.name(), "weights", t.weights(), "kept", t.keptFraction(),
          "weightBits", t.weightBits(), "indexBits", t.gapBits(), "bytes", t.blockBytes())));
    }
    meta.set("accuracy", Json.MAPPER.valueToTree(Map.of("testBefore", testBefore.accuracy(), "testPruned", testPruned.accuracy(),
        "testQuantized", testQuantized.accuracy(), "validationBefore", valBefore.accuracy(),
        "validationQuantized", s.valQuantized.accuracy())));
    ModelFile file = new ModelFile(meta.toString(), draft.configJson(), draft.tensors());
    ModelFileWriter.Encoded enc = run.phase("encode", () -> ModelFileWriter.encode(file));

    // Decode what was written and prove it is the quantized model.
    ModelFileReader.Decoded dec = run.phase("decode", () -> ModelFileReader.decode(enc.bytes(), "model.vdcm"));
    MultiLayerNetwork decoded = run.phase("decode", () -> ModelCodec.toNetwork(dec.model(), "model.vdcm"));
    float[] back = NetParams.flat(decoded);
    for (int i = 0; i < back.length; i++) {
      if (Float.floatToRawIntBits(back[i]) != Float.floatToRawIntBits(s.quantizedFlat[i])
          && !(back[i] == 0f && s.quantizedFlat[i] == 0f)) {
        throw new IllegalStateException("decoding changed parameter " + i + ": " + s.quantizedFlat[i] + " -> " + back[i]);
      }
    }
    Predictions testDecoded = run.phase("evaluate", () -> Predictions.of(test, decoded));
    int diff = testDecoded.differences(testQuantized);
    if (diff != 0) {
      throw new IllegalStateException("the decoded model predicts " + diff + " test rows differently from the quantized model");
    }

    // Report (Deep Compression, Table 2).
    long dense = 4L * paramCount;
    report.put("runId", run.runId());
    report.put("architecture", model.architecture());
    report.put("model", model.source());
    report.put("data", table.tablePath());
    report.put("datasetManifestSha256", table.sha256());
    report.put("parameters", paramCount);
    report.put("denseFloat32Bytes", dense);
    report.put("fileBytes", enc.bytes().length);
    report.put("compressionRatio", (double) dense / enc.bytes().length);
    long payload = 0;
    for (TensorStats t : enc.stats()) {
      payload += t.blockBytes();
    }
    report.put("parameterBlocksBytes", payload);
    report.put("parameterCompressionRatio", (double) dense / payload);
    report.put("metadataBytes", enc.metadataBytes());
    report.put("configBytes", enc.configBytes());
    ArrayNode rows = report.putArray("layers");
    for (TensorStats t : enc.stats()) {
      ObjectNode r = rows.addObject();
      r.put("tensor", t.name());
      r.put("encoding", t.encoding().name());
      r.put("weights", t.weights());
      r.put("kept", t.keptFraction());
      r.put("entries", t.entries());
      r.put("fillers", t.fillers());
      r.put("weightBits", t.weightBits());
      r.put("weightBitsHuffman", t.weightBitsHuffman());
      r.put("indexBits", t.gapBits());
      r.put("indexBitsHuffman", t.gapBitsHuffman());
      r.put("bytes", t.blockBytes());
      r.put("fractionOfDense", t.fractionOfDense());
    }
    ObjectNode acc = report.putObject("testAccuracy");
    acc.put("beforeCompression", testBefore.accuracy());
    acc.put("afterPruningAndRetraining", testPruned.accuracy());
    acc.put("afterQuantization", testQuantized.accuracy());
    acc.put("afterDecoding", testDecoded.accuracy());
    acc.put("rows", testBefore.predicted().length);
    acc.put("decodedPredictionsDifferingFromQuantized", diff);
    acc.put("decodedParametersBitExact", true);
    ObjectNode vacc = report.putObject("validationAccuracy");
    vacc.put("beforeCompression", valBefore.accuracy());
    vacc.put("afterPruningAndRetraining", s.valPruned.accuracy());
    vacc.put("afterQuantization", s.valQuantized.accuracy());
    vacc.put("maxAccuracyDropPercentagePoints", o.maxAccuracyDrop());
    if (s.valBeforeFineTuning != null) {
      vacc.put("afterQuantizationBeforeCentroidFineTuning", s.valBeforeFineTuning.accuracy());
      vacc.put("centroidFineTuningKept", s.fineTuned);
    }
    report.set("sparsity", Json.MAPPER.valueToTree(layerNamed(targets, weights)));
    ObjectNode sensNode = report.putObject("sensitivity");
    sensNode.set("sparsities", Json.MAPPER.valueToTree(o.sensitivitySparsities()));
    sensNode.put("validationAccuracyUnpruned", valBefore.accuracy());
    sensNode.set("validationAccuracy", Json.MAPPER.valueToTree(sens));
    report.set("options", Json.MAPPER.valueToTree(o.commandOptions()));
    return new Result(enc.bytes(), report, s.quantized, table(report, sens, o.sensitivitySparsities()));
  }

  static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** The console rendering of a report: Table 2's columns, totals and accuracies. */
  static String table(ObjectNode r, Map<String, double[]> sens, List<Double> grid) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-8s %-9s %10s %7s %7s %7s %7s %7s %10s %8s%n", "tensor", "encoding", "weights", "kept",
        "w bits", "w Huff", "i bits", "i Huff", "bytes", "of dense"));
    for (var n : r.get("layers")) {
      boolean raw = n.get("encoding").asText().equals("RAW_F32");
      b.append(String.format(Locale.ROOT, "%-8s %-9s %,10d %6.1f%% %7s %7s %7s %7s %,10d %7.2f%%%n", n.get("tensor").asText(),
          raw ? "float32" : "shared", n.get("weights").asLong(), 100 * n.get("kept").asDouble(),
          n.get("weightBits").asInt(), raw ? "-" : String.format(Locale.ROOT, "%.2f", n.get("weightBitsHuffman").asDouble()),
          raw ? "-" : n.get("indexBits").asText(), raw ? "-" : String.format(Locale.ROOT, "%.2f", n.get("indexBitsHuffman").asDouble()),
          n.get("bytes").asLong(), 100 * n.get("fractionOfDense").asDouble()));
    }
    b.append(String.format(Locale.ROOT, "total    %,d parameters, dense float32 %,d bytes -> file %,d bytes (metadata %,d, config %,d)%n",
        r.get("parameters").asLong(), r.get("denseFloat32Bytes").asLong(), r.get("fileBytes").asLong(),
        r.get("metadataBytes").asLong(), r.get("configBytes").asLong()));
    b.append(String.format(Locale.ROOT, "compression ratio %.1fx (whole file), %.1fx (parameter blocks only)%n",
        r.get("compressionRatio").asDouble(), r.get("parameterCompressionRatio").asDouble()));
    var a = r.get("testAccuracy");
    b.append(String.format(Locale.ROOT, "test accuracy (%d rows): before %.2f%%, pruned+retrained %.2f%%, quantized %.2f%%, decoded %.2f%%"
        + " (%d predictions differ from the quantized model)%n", a.get("rows").asInt(), 100 * a.get("beforeCompression").asDouble(),
        100 * a.get("afterPruningAndRetraining").asDouble(), 100 * a.get("afterQuantization").asDouble(),
        100 * a.get("afterDecoding").asDouble(), a.get("decodedPredictionsDifferingFromQuantized").asInt()));
    if (!sens.isEmpty()) {
      b.append("sensitivity (validation accuracy, one layer pruned alone):\n");
      b.append(String.format(Locale.ROOT, "%-8s", "sparsity"));
      for (double g : grid) {
        b.append(String.format(Locale.ROOT, " %6.0f%%", g * 100));
      }
      b.append('\n');
      for (Map.Entry<String, double[]> e : sens.entrySet()) {
        b.append(String.format(Locale.ROOT, "%-8s", e.getKey()));
        for (double v : e.getValue()) {
          b.append(String.format(Locale.ROOT, " %6.2f%%", v * 100));
        }
        b.append('\n');
      }
    }
    return b.toString();
  }
}
