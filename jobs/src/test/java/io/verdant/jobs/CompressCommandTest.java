package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.common.Json;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.compress.MaskListener;
import io.verdant.jobs.compress.MaskedRetraining;
import io.verdant.jobs.compress.Pruning;
import io.verdant.jobs.compress.TestModels;
import io.verdant.jobs.model.CompressedModelInfo;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.registry.ModelRegistry;
import io.verdant.jobs.registry.ModelVersion;
import io.verdant.testing.LocalSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine;

/**
 * The compress, decompress and evaluate commands end to end on the MNIST slice with a small trained
 * LeNet-300-100.
 */
class CompressCommandTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path table;
  private static Path modelDir;
  private static Manifest.Loaded manifest;

  @BeforeAll
  static void setUp() throws Exception {
    spark = LocalSpark.start("compress-command");
    table = tmp.resolve("mnist-slice");
    assertEquals(
        0, Verdant.run(IngestCommandTest.idxArgs(table, "--run-id", "ingest-compress-test")));
    manifest = Manifest.read(table.toString(), spark.sparkContext().hadoopConfiguration());
    // The model comes from the real train job, so compress reads the model.json train writes.
    modelDir = tmp.resolve("model");
    assertEquals(
        0,
        Verdant.run(
            "train",
            "--data",
            table.toString(),
            "--out",
            modelDir.toString(),
            "--model",
            "lenet-300-100",
            "--epochs",
            "4",
            "--averaging-frequency",
            "5",
            "--run-id",
            "train-for-compress",
            "--registry",
            registry()));
  }

  private static String registry() {
    return tmp.resolve("registry").toString();
  }

  /**
   * train and compress registered their outputs, the compressed model as a child of the trained
   * one; the rerun added nothing.
   */
  private static void assertRegistered(Path compressed) {
    ModelRegistry registry =
        ModelRegistry.open(registry(), spark.sparkContext().hadoopConfiguration());
    assertEquals(1, registry.names().size(), registry.names().toString());
    String name = registry.names().get(0);
    assertTrue(name.endsWith("-lenet-300-100"), name);
    List<ModelVersion> versions = registry.list(name);
    assertEquals(2, versions.size(), versions.toString());
    ModelVersion trained = versions.get(0);
    assertEquals(ModelVersion.Kind.DENSE, trained.kind());
    assertEquals("file:" + modelDir, trained.path());
    assertEquals(
        new ModelVersion.Lineage("ingest-compress-test", "train-for-compress", null),
        trained.lineage());
    assertEquals(manifest.sha256(), trained.datasetManifestSha256());
    ModelVersion small = registry.resolve("models:/" + name + "@champion");
    assertEquals(versions.get(1), small);
    assertEquals(ModelVersion.Kind.COMPRESSED, small.kind());
    assertEquals(new ModelVersion.Ref(name, 1), small.parent());
    assertEquals(
        new ModelVersion.Lineage("ingest-compress-test", "train-for-compress", "compress-e2e"),
        small.lineage());
    assertEquals("file:" + compressed, small.path());
    assertTrue(
        small.sizeBytes() * 20 < trained.sizeBytes(),
        small.sizeBytes() + " vs " + trained.sizeBytes());
    // Every run of the lineage is in the ledger, and nothing scored with the model yet.
    CliRun shown =
        CliRun.of("models", "show", "models:/" + name + "@champion", "--registry", registry());
    assertEquals(0, shown.code(), shown.err());
    assertTrue(
        shown
            .out()
            .matches("(?s).*\n  ingest +ingest-compress-test +succeeded +[0-9.]+ +[0-9.]+\n.*"),
        shown.out());
    assertTrue(
        shown.out().matches("(?s).*\n  train +train-for-compress +succeeded +[0-9.]+ +[0-9.]+\n.*"),
        shown.out());
    assertTrue(
        shown.out().matches("(?s).*\n  compress +compress-e2e +succeeded +[0-9.]+ +[0-9.]+\n.*"),
        shown.out());
    assertTrue(shown.out().contains("Scoring: not scored yet"), shown.out());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Runs a command line; returns the exit code and what it wrote to stderr. */
  static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Verdant.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), err.toString().trim()};
  }

  @Test
  void compressesDecompressesAndEvaluatesEndToEnd() throws Exception {
    Path out = tmp.resolve("compressed");
    String[] r =
        run(
            "compress",
            "--model",
            modelDir.toString(),
            "--data",
            table.toString(),
            "--out",
            out.toString(),
            "--sparsity",
            "layer0=0.92,layer1=0.9",
            "--sensitivity-sparsities",
            "0.3,0.6,0.9",
            "--retrain-epochs",
            "2",
            "--retrain-lr",
            "0.05",
            "--centroid-steps",
            "2",
            "--centroid-sample",
            "0.5",
            "--max-accuracy-drop",
            "100",
            "--run-id",
            "compress-e2e",
            "--registry",
            registry(),
            "--model-alias",
            "champion");
    assertEquals("0", r[0], r[1]);
    JsonNode rep = Json.MAPPER.readTree(out.resolve("report.json").toFile());
    // layer2 (the output layer) took its sparsity from the sensitivity analysis.
    assertEquals(0.92, rep.get("sparsity").get("layer0").asDouble(), 1e-9);
    assertTrue(rep.get("sparsity").has("layer2"));
    assertEquals(3, rep.get("sensitivity").get("validationAccuracy").size());
    JsonNode acc = rep.get("testAccuracy");
    assertEquals(acc.get("afterQuantization").asDouble(), acc.get("afterDecoding").asDouble(), 0.0);
    assertEquals(0, acc.get("decodedPredictionsDifferingFromQuantized").asInt());
    assertTrue(acc.get("beforeCompression").asDouble() > 0.85, rep.toString());
    double ratio = rep.get("compressionRatio").asDouble();
    assertTrue(ratio > 20, "compression ratio " + ratio);
    long fileBytes = Files.size(out.resolve("model.vdcm"));
    assertEquals(rep.get("fileBytes").asLong(), fileBytes);
    JsonNode l0 = rep.get("layers").get(0);
    assertEquals("0_W", l0.get("tensor").asText());
    assertEquals(0.08, l0.get("kept").asDouble(), 0.001);
    assertEquals(5, l0.get("weightBits").asInt());
    assertTrue(l0.get("weightBitsHuffman").asDouble() < 5);

    // The file's metadata carries what train wrote: the table trained on, the test figures, the
    // input contract.
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ModelInfo trained = ModelStore.readInfo(modelDir.toString(), conf);
    CompressedModelInfo meta =
        (CompressedModelInfo) ModelStore.load(out.toString(), "--model", conf).metadata();
    assertEquals(manifest.sha256(), trained.datasetManifestSha256());
    assertEquals(trained.datasetManifestSha256(), meta.trainedOnManifestSha256());
    assertEquals(trained.test(), meta.trainMetrics());
    assertEquals("train-for-compress", meta.sourceRunId());
    assertEquals(trained.input(), meta.input());
    assertEquals(784, meta.input().featureCount());
    assertEquals(10, meta.input().numClasses());
    assertEquals(manifest.manifest().normalization(), meta.input().normalization());

    // evaluate reads the file and scores it exactly as the report says.
    EvaluateCommand ev = new EvaluateCommand();
    assertEquals(
        0,
        new CommandLine(ev)
            .execute("--model", out.resolve("model.vdcm").toString(), "--data", table.toString()));
    assertEquals(acc.get("afterDecoding").asDouble(), ev.accuracy(), 0.0);

    // decompress gives a DL4J model directory that evaluate scores the same, prediction for
    // prediction.
    Path dec = tmp.resolve("decompressed");
    assertEquals(0, Verdant.run("decompress", "--model", out.toString(), "--out", dec.toString()));
    assertTrue(Files.exists(dec.resolve("model.zip")));
    EvaluateCommand ev2 = new EvaluateCommand();
    assertEquals(
        0, new CommandLine(ev2).execute("--model", dec.toString(), "--data", table.toString()));
    assertEquals(0, ev.predictions().differences(ev2.predictions()));

    assertTrue(
        rep.get("validationAccuracy").has("centroidFineTuningKept"),
        rep.get("validationAccuracy").toString());
    assertTrue(rep.get("stageWallMs").has("retrain"), rep.toString());
    // The same run id again: idempotent, nothing rewritten.
    long modified = Files.getLastModifiedTime(out.resolve("model.vdcm")).toMillis();
    assertEquals(
        0,
        Verdant.run(
            "compress",
            "--model",
            modelDir.toString(),
            "--data",
            table.toString(),
            "--out",
            out.toString(),
            "--sparsity",
            "0.5",
            "--no-sensitivity",
            "--run-id",
            "compress-e2e",
            "--registry",
            registry()));
    assertEquals(modified, Files.getLastModifiedTime(out.resolve("model.vdcm")).toMillis());
    assertRegistered(out);
    // The output exists: another run without --overwrite is refused before any work.
    String[] again =
        run(
            "compress",
            "--model",
            modelDir.toString(),
            "--data",
            table.toString(),
            "--out",
            out.toString(),
            "--sparsity",
            "0.5",
            "--no-sensitivity");
    assertEquals("1", again[0]);
    assertTrue(again[1].startsWith("verdant compress: error: --out already exists: "), again[1]);
  }

  @Test
  void maskedRetrainingKeepsPrunedWeightsExactlyZero() throws java.io.IOException {
    MultiLayerNetwork net = TestModels.lenet300100(7);
    float[] flat = NetParams.flat(net);
    float[] mask = Pruning.ones(flat.length);
    for (NetParams.Param p : NetParams.weights(net)) {
      Pruning.prune(flat, mask, p.offset(), p.length(), 0.8);
    }
    NetParams.set(net, flat);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // Two epochs, the learning rate halved for the second; the validation function scores epoch 1
    // best.
    MaskedRetraining.Settings settings =
        new MaskedRetraining.Settings(2, 0.05, "step:0.5:1", 1e-4, 16, 3, 1);
    assertEquals(0.025, settings.learningRate(2), 1e-12);
    java.util.List<String> train =
        MaskedRetraining.export(
            spark,
            manifest.tablePath(),
            manifest.manifest().numClasses(),
            settings,
            java.nio.file.Files.createTempDirectory("masked-retraining").toUri().toString());
    List<float[]> seen = new java.util.ArrayList<>();
    MultiLayerNetwork after =
        MaskedRetraining.retrain(
            jsc,
            net,
            mask,
            train,
            settings,
            n -> {
              seen.add(NetParams.flat(n));
              return seen.size() == 1 ? 0.9 : 0.8;
            });
    float[] f = NetParams.flat(after);
    assertEquals(2, seen.size(), "validation runs once per retraining epoch");
    assertTrue(
        java.util.Arrays.equals(seen.get(0), f),
        "the best epoch's (the first) parameters are returned");
    assertFalse(java.util.Arrays.equals(seen.get(0), seen.get(1)), "the second epoch trained");
    int pruned = 0;
    int changed = 0;
    for (int i = 0; i < f.length; i++) {
      if (mask[i] == 0f) {
        pruned++;
        assertEquals(0f, f[i], 0f, "pruned weight " + i + " moved");
      } else if (f[i] != flat[i]) {
        changed++;
      }
    }
    assertTrue(pruned > 200_000, "pruned " + pruned);
    assertTrue(changed > 40_000, "retraining changed only " + changed + " kept weights");
    // The L2 set for retraining is gone again: the compressed model keeps the configuration it came
    // with.
    for (var conf : after.getLayerWiseConfigurations().getConfs()) {
      var layer = (org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getLayer();
      assertTrue(
          layer.getRegularization() == null
              || layer.getRegularization().stream()
                  .noneMatch(
                      r -> r instanceof org.nd4j.linalg.learning.regularization.L2Regularization),
          "L2 left in " + layer);
    }
  }

  @Test
  void maskListenerZeroesMaskedWeightsAfterEveryUpdateInASingleJvm() {
    MultiLayerNetwork net = TestModels.lenet300100(8);
    float[] flat = NetParams.flat(net);
    float[] mask = Pruning.ones(flat.length);
    NetParams.Param w0 = NetParams.weights(net).get(0);
    Pruning.prune(flat, mask, w0.offset(), w0.length(), 0.5);
    NetParams.set(net, flat);
    net.setListeners(new MaskListener(mask));
    List<DataSet> batches = TestModels.split(spark, manifest, "validation", 50);
    for (DataSet d : batches.subList(0, 3)) {
      net.fit(d);
      float[] f = NetParams.flat(net);
      for (int i = 0; i < f.length; i++) {
        if (mask[i] == 0f) {
          assertEquals(0f, f[i], 0f);
        }
      }
    }
  }

  @Test
  void optionsAreValidatedBeforeSpark() {
    String m = modelDir.toString();
    String d = table.toString();
    String o = tmp.resolve("never").toString();
    String[][] cases = {
      {"--sparsity", "1.5", "--sparsity values must be between 0 and 0.99, cannot be: 1.5"},
      {
        "--sparsity",
        "layerX=0.5",
        "--sparsity names layers as layerN (N = the layer index), dense or conv, cannot be: layerX"
      },
      {
        "--sparsity",
        "abc",
        "--sparsity takes a number, or name=value pairs (layer0=..., dense=..., conv=...), cannot be: abc"
      },
      {"--bits", "dense=9", "--bits values must be between 1 and 8, cannot be: 9"},
      {"--quantization", "magic", "--quantization must be kmeans or uniform, cannot be: magic"},
      {"--retrain-epochs", "-1", "--retrain-epochs must be at least 0, cannot be: -1"},
      {"--retrain-l2", "-1", "--retrain-l2 must be at least 0 and less than 1, cannot be: -1.0"},
      {
        "--retrain-lr-schedule",
        "step:2:1",
        "--retrain-lr-schedule must be none, step:<factor>:<every-epochs> (factor in (0,1]) or exp:<gamma> (gamma in (0,1]), cannot be: step:2:1"
      },
      {
        "--max-accuracy-drop",
        "-0.1",
        "--max-accuracy-drop must be between 0 and 100 percentage points, cannot be: -0.1"
      },
      {
        "--sensitivity-sparsities",
        "0.5,1.0",
        "--sensitivity-sparsities values must be greater than 0 and less than 1, cannot be: 1.0"
      },
      {
        "--no-sensitivity",
        null,
        "--no-sensitivity needs --sparsity for every layer (the analysis chooses sparsities otherwise)"
      },
      {"--index-bits", "9", "--index-bits must be between 0 and 8, cannot be: 9"},
    };
    for (String[] c : cases) {
      List<String> args =
          new java.util.ArrayList<>(
              List.of("compress", "--model", m, "--data", d, "--out", o, c[0]));
      if (c[1] != null) {
        args.add(c[1]);
      }
      String[] r = run(args.toArray(new String[0]));
      assertEquals("1", r[0]);
      assertEquals("verdant compress: error: " + c[2], r[1]);
    }
    assertFalse(Files.exists(tmp.resolve("never")));
    String[] r = run("evaluate", "--model", m, "--data", d, "--split", "dev");
    assertEquals(
        "verdant evaluate: error: --split must be one of [train, validation, test], cannot be: dev",
        r[1]);
  }

  @Test
  void badModelFilesAndMismatchedModelsAreClearErrors() throws Exception {
    // A model whose input does not fit the table's 784 features.
    MultiLayerNetwork small =
        new MultiLayerNetwork(
            new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .list()
                .layer(
                    new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                        .nIn(100)
                        .nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .build())
                .build());
    small.init();
    Path smallDir = tmp.resolve("small-model");
    TestModels.save(small, "mlp:100-10", manifest, smallDir);
    String[] r = run("evaluate", "--model", smallDir.toString(), "--data", table.toString());
    assertEquals("1", r[0]);
    assertTrue(
        r[1].startsWith(
                "verdant evaluate: error: the model "
                    + smallDir
                        .resolve("model.zip")
                        .toUri()
                        .getPath()
                        .replaceAll("/$", "")
                        .replace("file:", ""))
            || r[1].contains("does not accept the 784 features of --data"),
        r[1]);
    assertTrue(r[1].contains("does not accept the 784 features of --data"), r[1]);

    // A truncated model file.
    Path out = tmp.resolve("c2");
    assertEquals(
        "0",
        run(
            "compress",
            "--model",
            modelDir.toString(),
            "--data",
            table.toString(),
            "--out",
            out.toString(),
            "--sparsity",
            "0.8",
            "--no-sensitivity",
            "--retrain-epochs",
            "0",
            "--max-accuracy-drop",
            "100")[0]);
    byte[] file = Files.readAllBytes(out.resolve("model.vdcm"));
    Path cut = tmp.resolve("cut.vdcm");
    Files.write(cut, java.util.Arrays.copyOf(file, file.length - 100));
    r = run("evaluate", "--model", cut.toString(), "--data", table.toString());
    assertEquals("1", r[0]);
    assertTrue(
        r[1].matches(
            "verdant evaluate: error: .*cut\\.vdcm: header: truncated: the header declares \\d+ bytes, the file has \\d+"),
        r[1]);
    byte[] flipped = file.clone();
    flipped[flipped.length / 3] ^= 4;
    Path bad = tmp.resolve("flipped.vdcm");
    Files.write(bad, flipped);
    r = run("decompress", "--model", bad.toString(), "--out", tmp.resolve("never2").toString());
    assertEquals("1", r[0]);
    assertTrue(r[1].contains("flipped.vdcm: header: file CRC32 mismatch"), r[1]);
    assertFalse(Files.exists(tmp.resolve("never2")));
    // compress refuses a compressed file as its input.
    r =
        run(
            "compress",
            "--model",
            out.toString(),
            "--data",
            table.toString(),
            "--out",
            tmp.resolve("never3").toString(),
            "--sparsity",
            "0.5",
            "--no-sensitivity");
    assertNotEquals("0", r[0]);
    assertTrue(r[1].contains("is already a compressed model file"), r[1]);
  }
}
