package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.EpochMetrics;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.train.MinibatchExport;
import io.verdant.jobs.train.MinibatchFile;
import io.verdant.jobs.train.Training;
import io.verdant.testing.LocalSpark;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/** The train job end to end on the committed MNIST slice (5,000 train / 1,000 test), local[2]. */
class TrainCommandTest {
  private static SparkSession spark;
  @TempDir static Path shared;
  private static Path table;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("train-command");
    table = shared.resolve("mnist-slice");
    assertEquals(0, Verdant.run(IngestCommandTest.idxArgs(table, "--run-id", "ingest-slice")));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String[] train(Path out, String... more) {
    List<String> a =
        new ArrayList<>(List.of("train", "--data", table.toString(), "--out", out.toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** Runs a command line, returning the exit code and what it wrote to stderr. */
  static String[] runCapturingErr(String... args) {
    CommandLine cl = Verdant.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), err.toString()};
  }

  @Test
  void theExportsJvmLoadsTheMinibatchesItWroteFromMemory(@TempDir Path tmp) throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    MinibatchExport.Exported e =
        MinibatchExport.exportTrain(
            spark,
            Manifest.read(table.toString(), conf).tablePath(),
            10,
            true,
            64,
            2,
            42,
            tmp.toString(),
            true);
    assertTrue(e.paths().size() > 10, "minibatches: " + e.paths().size());
    // The files are gone; local mode's workers share the export's JVM, so they never read them.
    try (var files = Files.walk(tmp)) {
      files.filter(f -> f.toString().endsWith(".vmb")).forEach(f -> f.toFile().delete());
    }
    MinibatchFile.Loader loader = new MinibatchFile.Loader();
    long examples = 0;
    for (String p : e.paths()) {
      DataSet d =
          loader.load(
              new Source() {
                @Override
                public InputStream getInputStream() {
                  throw new AssertionError("read " + p + " from storage");
                }

                @Override
                public String getPath() {
                  return p;
                }
              });
      assertEquals(64, d.numExamples());
      assertEquals(784, d.getFeatures().columns());
      examples += d.numExamples();
    }
    assertEquals(e.examples(), examples);
  }

  @Test
  void lenet300100ReachesNinetyTwoPercentOnTheSliceAndWritesTheModelDirectory(@TempDir Path tmp) {
    Path out = tmp.resolve("model");
    assertEquals(
        0,
        Verdant.run(
            train(
                out,
                "--model",
                "lenet-300-100",
                "--epochs",
                "8",
                "--averaging-frequency",
                "5",
                "--lr-schedule",
                "none",
                "--run-id",
                "t-lenet",
                "--stats")));
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ModelInfo info = ModelStore.readInfo(out.toString(), conf);
    // Stated accuracy, at least 92%: LeNet-300-100 on 4,532 training digits, 8 epochs, Nesterov 0.2
    // at a constant rate, 2 workers, averaging every 5 minibatches (the default 20 leaves only two
    // averagings per epoch on 4,480 examples, and the default decay, tuned on full MNIST, shrinks
    // the
    // rate before so few steps have learned enough: 91.7%).
    assertTrue(info.test().accuracy() >= 0.92, "test accuracy " + info.test().accuracy());
    assertEquals(1000, info.test().examples());
    assertEquals(266_610, info.parameterCount());
    assertEquals("lenet-300-100", info.architecture());
    assertEquals(8, info.epochs().size());
    assertEquals(2, info.training().workers());
    assertTrue(
        info.epochs().stream()
            .allMatch(
                e ->
                    e.validationAccuracy() != null
                        && e.validationMacroF1() != null
                        && Double.isFinite(e.trainLoss())));
    assertTrue(info.epochs().get(7).trainLoss() < info.epochs().get(0).trainLoss());
    assertEquals(64, info.dataset().manifestSha256().length());
    // The input contract: what new data must look like to be scored by this model.
    assertEquals("classification", info.input().task());
    assertEquals(784, info.input().featureCount());
    assertEquals(List.of(1, 28, 28), info.input().shape());
    assertEquals(10, info.input().numClasses());
    assertEquals(255.0, info.input().normalization().divisor());
    assertEquals("1.0.0-M2.1", info.versions().get("dl4j"));
    assertTrue(info.nd4j().backend() != null);
    MultiLayerNetwork net = Training.loadModel(out.toString(), conf);
    assertEquals(266_610, net.numParams());
    assertTrue(
        net.getUpdater().getStateViewArray() != null
            && net.getUpdater().getStateViewArray().length() > 0,
        "model.zip holds the updater state");
    assertTrue(Files.exists(out.resolve(Training.STATS_FILE)));
    assertFalse(Files.exists(tmp.resolve(".model.checkpoint")), "checkpoint removed after success");
    // The same run id again: idempotent; another run id without --overwrite: refused, output
    // untouched.
    assertEquals(
        0,
        Verdant.run(
            train(
                out,
                "--model",
                "lenet-300-100",
                "--epochs",
                "8",
                "--averaging-frequency",
                "5",
                "--run-id",
                "t-lenet")));
    String[] r =
        runCapturingErr(
            train(out, "--model", "lenet-300-100", "--epochs", "1", "--run-id", "t-other"));
    assertEquals("1", r[0]);
    assertTrue(r[1].contains("--out already exists"), r[1]);
    assertEquals("t-lenet", ModelStore.readInfo(out.toString(), conf).runId());
  }

  @Test
  void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) {
    String[] common = {
      "--model",
      "mlp:784-32-10",
      "--batch-size",
      "32",
      "--averaging-frequency",
      "5",
      "--learning-rate",
      "0.1",
      "--dropout",
      "0.2",
      "--lr-schedule",
      "step:0.5:2"
    };
    Path whole = tmp.resolve("whole");
    assertEquals(
        0, Verdant.run(concat(train(whole, "--epochs", "3", "--run-id", "t-whole"), common)));
    // "Interrupted" after epoch 2: its checkpoint is kept, then resumed to epoch 3.
    Path ck = tmp.resolve("ck");
    Path first = tmp.resolve("first");
    assertEquals(
        0,
        Verdant.run(
            concat(
                train(
                    first,
                    "--epochs",
                    "2",
                    "--checkpoint-dir",
                    ck.toString(),
                    "--keep-checkpoint",
                    "--run-id",
                    "t-first"),
                common)));
    assertTrue(Files.exists(ck.resolve("latest/state.json")));
    // Resuming with other training options is refused.
    String[] bad =
        runCapturingErr(
            concat(
                train(
                    tmp.resolve("bad"),
                    "--epochs",
                    "3",
                    "--checkpoint-dir",
                    ck.toString(),
                    "--resume",
                    "--seed",
                    "7",
                    "--run-id",
                    "t-bad"),
                common));
    assertEquals("1", bad[0]);
    assertTrue(
        bad[1].contains(
            "--resume: the checkpoint in " + ck + " was made with other training options"),
        bad[1]);
    Path resumed = tmp.resolve("resumed");
    assertEquals(
        0,
        Verdant.run(
            concat(
                train(
                    resumed,
                    "--epochs",
                    "3",
                    "--checkpoint-dir",
                    ck.toString(),
                    "--resume",
                    "--run-id",
                    "t-resumed"),
                common)));
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ModelInfo a = ModelStore.readInfo(whole.toString(), conf);
    ModelInfo b = ModelStore.readInfo(resumed.toString(), conf);
    assertEquals(2, b.training().resumedAfterEpoch());
    assertEquals(3, b.epochs().size());
    for (int i = 0; i < 3; i++) {
      assertEquals(
          a.epochs().get(i).trainLoss(),
          b.epochs().get(i).trainLoss(),
          1e-6,
          "train loss of epoch " + (i + 1));
      assertEquals(
          a.epochs().get(i).validationAccuracy(), b.epochs().get(i).validationAccuracy(), 1e-9);
      assertEquals(a.epochs().get(i).learningRate(), b.epochs().get(i).learningRate(), 0);
    }
    assertEquals(0.05, a.epochs().get(2).learningRate(), 1e-12);
    assertEquals(a.training().bestEpoch(), b.training().bestEpoch());
    assertEquals(a.test().accuracy(), b.test().accuracy(), 1e-9);
    double diff =
        Training.loadModel(whole.toString(), conf)
            .params()
            .sub(Training.loadModel(resumed.toString(), conf).params())
            .amaxNumber()
            .doubleValue();
    assertTrue(diff < 1e-5, "parameters differ by " + diff);
  }

  @Test
  void regressionMetricsMatchTheirClosedFormWhenEvaluatedOverSeveralPartitions(@TempDir Path tmp) {
    // wine's alcohol (a real-valued label) from its 13 other columns; small evaluation minibatches
    // spread the
    // validation and test splits over both workers, so their partial metrics are merged.
    Path wine = tmp.resolve("wine-alcohol");
    assertEquals(
        0,
        Verdant.run(
            "ingest",
            "--format",
            "csv",
            "--train",
            LocalSpark.testData("tabular").resolve("wine.csv").toString(),
            "--label-column",
            "alcohol",
            "--out",
            wine.toString(),
            "--run-id",
            "ingest-wine-alcohol"));
    Path out = tmp.resolve("linear");
    assertEquals(
        0,
        Verdant.run(
            "train",
            "--data",
            wine.toString(),
            "--model",
            "linear",
            "--epochs",
            "3",
            "--learning-rate",
            "0.01",
            "--batch-size",
            "8",
            "--eval-batch-size",
            "4",
            "--workers",
            "2",
            "--out",
            out.toString(),
            "--run-id",
            "t-regression"));
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ModelInfo info = ModelStore.readInfo(out.toString(), conf);
    MultiLayerNetwork best = Training.loadModel(out.toString(), conf);
    double[] test = closedForm(best, wine, "test");
    assertEquals(test[0], info.test().rmse(), 1e-4 * test[0], "test RMSE");
    assertEquals(test[1], info.test().r2(), 1e-4, "test R^2");
    assertEquals(test[2], info.test().mae(), 1e-4 * test[2], "test MAE");
    double[] validation = closedForm(best, wine, "validation");
    EpochMetrics bestEpoch = info.epochs().get(info.training().bestEpoch() - 1);
    assertEquals(
        validation[0],
        bestEpoch.validationRmse(),
        1e-4 * validation[0],
        "validation RMSE of the best epoch");
    assertEquals(validation[1], bestEpoch.validationR2(), 1e-4, "validation R^2 of the best epoch");
  }

  /**
   * RMSE, R^2 (1 - SSE / SST, in two passes over the rows) and MAE of a network's predictions on
   * one split of a table.
   */
  private static double[] closedForm(MultiLayerNetwork net, Path table, String split) {
    List<Row> rows =
        spark
            .read()
            .parquet(table.resolve("table").toString())
            .where("split = '" + split + "'")
            .select("features", "label")
            .collectAsList();
    int n = rows.size();
    int d = rows.get(0).getList(0).size();
    float[] x = new float[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      List<Float> f = rows.get(i).getList(0);
      for (int k = 0; k < d; k++) {
        x[i * d + k] = f.get(k);
      }
      y[i] = rows.get(i).getDouble(1);
    }
    INDArray predictions = net.output(Nd4j.create(x, new long[] {n, d}), false);
    double mean = java.util.Arrays.stream(y).average().orElseThrow();
    double sse = 0;
    double sst = 0;
    double sae = 0;
    for (int i = 0; i < n; i++) {
      sse += Math.pow(y[i] - predictions.getDouble(i, 0), 2);
      sst += Math.pow(y[i] - mean, 2);
      sae += Math.abs(y[i] - predictions.getDouble(i, 0));
    }
    return new double[] {Math.sqrt(sse / n), 1 - sse / sst, sae / n};
  }

  @Test
  void divergenceStopsWithAClearErrorAndWritesNoModel(@TempDir Path tmp) {
    Path out = tmp.resolve("diverged");
    String[] r =
        runCapturingErr(
            train(
                out,
                "--model",
                "mlp:784-64-10",
                "--updater",
                "sgd",
                "--learning-rate",
                "1e30",
                "--epochs",
                "2",
                "--run-id",
                "t-div"));
    assertEquals("1", r[0]);
    assertTrue(r[1].contains("verdant train: error: Training diverged in epoch 1: "), r[1]);
    assertFalse(Files.exists(out));
  }

  @Test
  void optionsAreCheckedBeforeSparkWork(@TempDir Path tmp) {
    Path out = tmp.resolve("m");
    assertError(
        "--epochs must be at least 1, cannot be: 0",
        train(out, "--model", "linear", "--epochs", "0"));
    assertError(
        "--batch-size must be at least 1, cannot be: -4",
        train(out, "--model", "linear", "--batch-size", "-4"));
    assertError(
        "--averaging-frequency must be at least 1, cannot be: 0",
        train(out, "--model", "linear", "--averaging-frequency", "0"));
    assertError(
        "--learning-rate must be greater than 0, cannot be: 0.0",
        train(out, "--model", "linear", "--learning-rate", "0"));
    assertError(
        "--dropout must be at least 0 and less than 1, cannot be: 1.0",
        train(out, "--model", "linear", "--dropout", "1"));
    assertError(
        "--lr-schedule must be none, step:<factor>:<every-epochs> (factor in (0,1]) or exp:<gamma> (gamma in (0,1]), cannot be: step:2",
        train(out, "--model", "linear", "--lr-schedule", "step:2"));
    assertError(
        "--model must be one of lenet-300-100, lenet5, mlp:<sizes>, linear, cannot be: resnet50",
        train(out, "--model", "resnet50"));
    assertError(
        "--model mlp:<sizes> takes positive integers joined by '-', e.g. mlp:784-128-10, cannot be: mlp:784-x-10",
        train(out, "--model", "mlp:784-x-10"));
    assertError(
        "--model mlp:784-128-5 has 5 outputs, but " + table + " needs 10 (10 classes)",
        train(out, "--model", "mlp:784-128-5"));
    assertError(
        "--model mlp:100-10 takes 100 input features, but " + table + " has 784",
        train(out, "--model", "mlp:100-10"));
    Path missing = tmp.resolve("nothing");
    assertError(
        missing
            + " is not a Verdant feature table: manifest.json is missing (write one with `verdant ingest`)",
        new String[] {
          "train", "--data", missing.toString(), "--model", "linear", "--out", out.toString()
        });
    assertError(
        "--energy-budget-wh must be at least 0, cannot be: -1.0",
        train(out, "--model", "linear", "--energy-budget-wh", "-1"));
    assertError(
        "--energy-budget-wh needs the ledger's energy measurement: it cannot be used with --no-ledger",
        train(out, "--model", "linear", "--energy-budget-wh", "1", "--no-ledger"));
    assertEquals(2, Verdant.run("train", "--model", "linear"), "--data is required");
    assertFalse(Files.exists(out));
  }

  @Test
  void anEnergyBudgetStopsTrainingKeepsTheBestModelAndIsRecordedInTheLedger(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("m");
    String ledger = tmp.resolve("ledger").toString();
    // A budget far below one epoch's energy: the projection after epoch 1 passes it.
    assertEquals(
        0,
        Verdant.run(
            train(
                out,
                "--model",
                "mlp:784-32-10",
                "--epochs",
                "4",
                "--energy-budget-wh",
                "0.000001",
                "--ledger",
                ledger,
                "--run-id",
                "budget-1")));
    com.fasterxml.jackson.databind.JsonNode info =
        io.verdant.common.Json.MAPPER.readTree(out.resolve("model.json").toFile());
    assertEquals(1, info.path("training").path("epochsRun").asInt());
    assertTrue(info.path("training").path("stoppedEarly").asBoolean());
    assertTrue(Files.exists(out.resolve("model.zip")));
    org.apache.spark.sql.Row row =
        spark
            .read()
            .parquet(ledger + "/runs")
            .where("run_id = 'budget-1'")
            .select("status", "error_message")
            .first();
    assertEquals("stopped_for_budget", row.getString(0));
    assertTrue(row.getString(1).startsWith("energy budget: "), row.getString(1));
    assertTrue(
        row.getString(1).contains("exceeds --energy-budget-wh 1.0E-6; stopped after epoch 1"),
        row.getString(1));
  }

  private static void assertError(String message, String[] args) {
    String[] r = runCapturingErr(args);
    assertEquals("1", r[0], r[1]);
    assertEquals("verdant train: error: " + message, r[1].strip());
  }

  private static String[] concat(String[] a, String[] b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(new String[0]);
  }
}
